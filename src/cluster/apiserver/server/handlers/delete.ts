// delete and deletecollection. DeleteOptions come from the body and/or the query: preconditions
// (uid, resourceVersion: 409 Conflict when they do not hold), gracePeriodSeconds, and
// propagationPolicy, recorded as the orphan / foregroundDeletion finalizer the garbage collector
// acts on. An object with finalizers (or a namespace with spec.finalizers, or a pod on a node
// with a grace period) gets deletionTimestamp and stays; anything else is removed at once.
import { StoreError } from '../../storage/index.ts';
import type { KubeObject } from '../../types.ts';
import { storeKey, type ResourceRequest } from '../context.ts';
import { hooksFor } from '../hooks.ts';
import { readBody, writeJson } from '../http.ts';
import { atServedVersion, presentList } from '../present.ts';
import { badRequest, conflict, notFound } from '../status.ts';
import { selectObjects } from './read.ts';
import { dryRunOf, rfc3339, toApiError } from './write-common.ts';

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  orphanDependents?: boolean;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun: boolean;
}

async function deleteOptionsOf(rr: ResourceRequest): Promise<DeleteOptions> {
  const body = (await readBody(rr.req)).toString('utf8').trim();
  let parsed: Record<string, unknown> = {};
  if (body !== '') {
    try {
      parsed = JSON.parse(body) as Record<string, unknown>;
    } catch (err) {
      throw badRequest(`error decoding DeleteOptions: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  const opts: DeleteOptions = { dryRun: dryRunOf(rr.query) || (Array.isArray(parsed['dryRun']) && parsed['dryRun'].includes('All')) };
  const grace = rr.query.get('gracePeriodSeconds') ?? (parsed['gracePeriodSeconds'] as number | undefined);
  if (grace !== undefined && grace !== null && grace !== '') {
    const n = Number(grace);
    if (!Number.isInteger(n)) throw badRequest(`gracePeriodSeconds: Invalid value: "${String(grace)}"`);
    opts.gracePeriodSeconds = Math.max(0, n);
  }
  const policy = rr.query.get('propagationPolicy') ?? (parsed['propagationPolicy'] as string | undefined);
  if (policy !== undefined && policy !== null && policy !== '') {
    if (policy !== 'Orphan' && policy !== 'Background' && policy !== 'Foreground') {
      throw badRequest(`propagationPolicy: Invalid value: "${policy}": must be one of Background, Foreground, Orphan`);
    }
    opts.propagationPolicy = policy;
  }
  const orphan = rr.query.get('orphanDependents') ?? (parsed['orphanDependents'] as boolean | undefined);
  if (orphan !== undefined && orphan !== null) opts.orphanDependents = orphan === true || orphan === 'true';
  if (opts.orphanDependents !== undefined && opts.propagationPolicy !== undefined) {
    throw badRequest('propagationPolicy: Invalid value: "' + opts.propagationPolicy + '": orphanDependents and deletionPropagation cannot be both set');
  }
  const pre = parsed['preconditions'] as DeleteOptions['preconditions'] | undefined;
  if (pre !== undefined && pre !== null) opts.preconditions = pre;
  return opts;
}

export async function handleDelete(rr: ResourceRequest): Promise<void> {
  if (rr.info.subresource !== '') throw notFound(rr.served, rr.info.name);
  const opts = await deleteOptionsOf(rr);
  const live = rr.ctx.store.get(storeKey(rr.served, rr.info.namespace, rr.info.name));
  if (live === undefined) throw notFound(rr.served, rr.info.name);
  const result = await deleteOne(rr, live, opts, true);
  writeJson(rr.res, result.stays && opts.propagationPolicy === 'Foreground' ? 202 : 200, atServedVersion(result.object, rr.served));
}

export async function handleDeleteCollection(rr: ResourceRequest): Promise<void> {
  const opts = await deleteOptionsOf(rr);
  const { items, rv } = selectObjects(rr);
  const deleted: KubeObject[] = [];
  for (const obj of items) {
    try {
      deleted.push((await deleteOne(rr, obj, opts, false)).object);
    } catch (err) {
      // Gone meanwhile: deletecollection deletes what is there.
      if ((err as { code?: string }).code === 'NotFound') continue;
      throw err;
    }
  }
  writeJson(rr.res, 200, presentList({ ...rr, negotiated: { format: 'object' } }, deleted, { resourceVersion: String(rv) }));
}

/** Deletes one live object under `opts` (finalizers, grace, propagation); shared with pods/eviction. */
/** Attempts at a deletion that races other writers before the client sees 409 (kube-apiserver retries the same way). */
const DELETE_ATTEMPTS = 8;

/**
 * Deletes `live`. A concurrent write between the read and the commit (a controller updating
 * status) is not the client's conflict: as kube-apiserver's GuaranteedUpdate does, the deletion
 * is done again on the object as it is now, unless the client made a resourceVersion its
 * precondition.
 */
export async function deleteOne(
  rr: ResourceRequest,
  live: KubeObject,
  opts: DeleteOptions,
  checkPreconditions: boolean,
): Promise<{ object: KubeObject; stays: boolean }> {
  const pinned = checkPreconditions && opts.preconditions?.resourceVersion !== undefined && opts.preconditions.resourceVersion !== null;
  let current = live;
  for (let attempt = 1; ; attempt++) {
    try {
      return await deleteAttempt(rr, current, opts, checkPreconditions);
    } catch (err) {
      const raced = err instanceof StoreError && err.code === 'ECONFLICT';
      if (!raced || pinned || attempt >= DELETE_ATTEMPTS) {
        if (raced) throw conflict(rr.served, current.metadata.name ?? '', 'the object has been modified; please apply your changes to the latest version and try again');
        throw err;
      }
      const now = rr.ctx.store.get(storeKey(rr.served, current.metadata.namespace ?? '', current.metadata.name ?? ''));
      if (now === undefined) throw notFound(rr.served, current.metadata.name ?? '');
      current = now;
    }
  }
}

async function deleteAttempt(
  rr: ResourceRequest,
  live: KubeObject,
  opts: DeleteOptions,
  checkPreconditions: boolean,
): Promise<{ object: KubeObject; stays: boolean }> {
  const { served, ctx } = rr;
  const name = live.metadata.name ?? '';
  const key = storeKey(served, live.metadata.namespace ?? '', name);
  if (checkPreconditions && opts.preconditions !== undefined) {
    const { uid, resourceVersion } = opts.preconditions;
    if (uid !== undefined && uid !== null && uid !== live.metadata.uid) {
      throw conflict(served, name, `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${live.metadata.uid ?? ''}`);
    }
    if (resourceVersion !== undefined && resourceVersion !== null && resourceVersion !== live.metadata.resourceVersion) {
      throw conflict(
        served,
        name,
        `Precondition failed: ResourceVersion in precondition: ${resourceVersion}, ResourceVersion in object meta: ${live.metadata.resourceVersion ?? ''}`,
      );
    }
  }
  const info = { ...rr.info, name, namespace: live.metadata.namespace ?? '' };
  await ctx.admission.validate({ operation: 'DELETE', info, served, user: rr.user, object: undefined, oldObject: live, dryRun: opts.dryRun });

  const next = structuredClone(live) as KubeObject;
  const now = ctx.now();
  let changed = false;
  const finalizers = [...(next.metadata.finalizers ?? [])];
  const wanted =
    opts.propagationPolicy === 'Orphan' || opts.orphanDependents === true
      ? 'orphan'
      : opts.propagationPolicy === 'Foreground'
        ? 'foregroundDeletion'
        : undefined;
  if (wanted !== undefined && !finalizers.includes(wanted)) {
    // Only recorded when the object waits anyway or the GC has dependents to handle; the
    // garbage collector (a later issue) removes it.
    finalizers.push(wanted);
  }
  if (finalizers.length !== (next.metadata.finalizers ?? []).length) {
    next.metadata.finalizers = finalizers;
    changed = true;
  }
  let stays = finalizers.length > 0;
  if (hooksFor(served.storageResource).markDeleting?.(next, now) === true) {
    stays = true;
    changed = true;
  }
  const grace = podGracePeriod(rr, next, opts);
  if (grace > 0) {
    stays = true;
    changed = true;
    next.metadata.deletionGracePeriodSeconds = grace;
    next.metadata.deletionTimestamp ??= rfc3339(new Date(now.getTime() + grace * 1000));
  }
  if (stays) {
    if (next.metadata.deletionTimestamp === undefined) {
      next.metadata.deletionTimestamp = rfc3339(now);
      next.metadata.deletionGracePeriodSeconds ??= 0;
      changed = true;
    }
    if (!changed || opts.dryRun) return { object: changed ? next : live, stays };
    try {
      return { object: await ctx.store.update(key, next, { expectRV: live.metadata.resourceVersion! }), stays };
    } catch (err) {
      if (err instanceof StoreError && err.code === 'ECONFLICT') throw err;
      throw toApiError(served, name, err);
    }
  }
  if (opts.dryRun) return { object: live, stays: false };
  await hooksFor(served.storageResource).beforeRemove?.(rr, live);
  try {
    return { object: await ctx.store.delete(key, { expectRV: live.metadata.resourceVersion! }), stays: false };
  } catch (err) {
    if (err instanceof StoreError && err.code === 'ECONFLICT') throw err;
    throw toApiError(served, name, err);
  }
}

/**
 * Pods bound to a node are deleted gracefully: the kubelet (the node agent) finishes the
 * deletion after stopping the containers. Unbound pods go at once, as on a real server.
 */
function podGracePeriod(rr: ResourceRequest, pod: KubeObject, opts: DeleteOptions): number {
  if (rr.served.storageResource !== 'core/pods') return 0;
  const spec = (pod['spec'] ?? {}) as { nodeName?: string; terminationGracePeriodSeconds?: number };
  if (spec.nodeName === undefined || spec.nodeName === '') return 0;
  const phase = ((pod['status'] ?? {}) as { phase?: string }).phase;
  if (phase === 'Succeeded' || phase === 'Failed') return 0;
  const grace = opts.gracePeriodSeconds ?? pod.metadata.deletionGracePeriodSeconds ?? spec.terminationGracePeriodSeconds ?? 30;
  return grace;
}

