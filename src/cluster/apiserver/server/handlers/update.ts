// update (PUT) and the guaranteed-update loop that patch shares: read the live object, compute
// the new one, apply the subresource rules and server-owned metadata, admit, validate, write
// with the live resourceVersion as precondition; a write that changes nothing is not stored.
// A client-supplied resourceVersion that is stale is a 409 Conflict; a race with another
// writer (store ECONFLICT) reruns the loop only for patches, which carry no resourceVersion.
import { StoreError } from '../../storage/index.ts';
import type { KubeObject } from '../../types.ts';
import { storeKey, type ResourceRequest } from '../context.ts';
import { hooksFor } from '../hooks.ts';
import { decodeObjectBody, readBody, writeJson } from '../http.ts';
import { atServedVersion, presentObject } from '../present.ts';
import { apiVersionOf } from '../registry.ts';
import { badRequest, conflict, invalid, MODIFIED_MESSAGE, notFound } from '../status.ts';
import {
  applySubresourceRules,
  carryUpdateMeta,
  checkTypeMeta,
  dryRunOf,
  ensureMeta,
  fieldManagerOf,
  handleUnknownFields,
  stableJson,
  toApiError,
  validateOrThrow,
  validationDirectiveOf,
  withTrackedFields,
  type ValidationDirective,
} from './write-common.ts';

const PATCH_ATTEMPTS = 5;

export async function handleUpdate(rr: ResourceRequest): Promise<void> {
  if (rr.info.subresource !== '' && !rr.served.subresources.includes(rr.info.subresource)) throw notFound(rr.served, rr.info.name);
  const dryRun = dryRunOf(rr.query);
  const directive = validationDirectiveOf(rr.query);
  const manager = fieldManagerOf(rr);
  const obj = ensureMeta(decodeObjectBody(await readBody(rr.req), rr.req.headers['content-type']));
  checkTypeMeta(rr.served, obj);
  if (obj.metadata.name !== undefined && obj.metadata.name !== rr.info.name) {
    throw badRequest(`the name of the object (${obj.metadata.name}) does not match the name on the URL (${rr.info.name})`);
  }
  if (rr.served.namespaced && obj.metadata.namespace !== undefined && obj.metadata.namespace !== '' && obj.metadata.namespace !== rr.info.namespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  const result = await updateObject(rr, {
    dryRun,
    directive,
    manager,
    // An unconditional update (no resourceVersion) is redone against whatever is stored now.
    retryOnConflict: obj.metadata.resourceVersion === undefined || obj.metadata.resourceVersion === '',
    compute: (live) => {
      const rv = obj.metadata.resourceVersion;
      if (rv === undefined || rv === '') {
        // Custom resources refuse unconditional updates (customResourceStrategy.AllowUnconditionalUpdate).
        if (rr.served.custom !== undefined) {
          throw invalid(rr.served, rr.info.name, [
            { type: 'FieldValueInvalid', field: 'metadata.resourceVersion', message: 'Invalid value: 0x0: must be specified for an update' },
          ]);
        }
      } else if (rv !== live.metadata.resourceVersion) {
        throw conflict(rr.served, rr.info.name, MODIFIED_MESSAGE);
      }
      return { object: structuredClone(obj), trackFields: true };
    },
  });
  writeJson(rr.res, 200, presentObject(rr, result.object), { warnings: result.warnings });
}

export interface UpdateOptions {
  dryRun: boolean;
  directive: ValidationDirective;
  manager: string;
  retryOnConflict: boolean;
  /** Builds the new object from the live one (a deep copy at the served version). */
  compute(live: KubeObject): { object: KubeObject; trackFields: boolean };
}

export async function updateObject(rr: ResourceRequest, opts: UpdateOptions): Promise<{ object: KubeObject; warnings: string[] }> {
  const { served, ctx } = rr;
  const key = storeKey(served, rr.info.namespace, rr.info.name);
  for (let attempt = 1; ; attempt++) {
    const live = ctx.store.get(key);
    if (live === undefined) throw notFound(served, rr.info.name);
    const liveCopy = atServedVersion(structuredClone(live) as KubeObject, served);
    const computed = opts.compute(structuredClone(liveCopy));
    let next = ensureMeta(computed.object as Record<string, unknown>);
    checkTypeMeta(served, next);
    const warnings = handleUnknownFields(rr, next, opts.directive);
    next = applySubresourceRules(served, rr.info.subresource, next, liveCopy);
    carryUpdateMeta(served, next, liveCopy);
    served.defaults(next);
    hooksFor(served.storageResource).beforeUpdate?.(rr, next, liveCopy);
    const attrs = { operation: 'UPDATE' as const, info: rr.info, served, user: rr.user, object: next, oldObject: liveCopy, dryRun: opts.dryRun, warnings };
    await ctx.admission.admit(attrs);
    validateOrThrow(served, next, liveCopy);
    await ctx.admission.validate(attrs);
    if (computed.trackFields) next = withTrackedFields(rr, next, liveCopy, opts.manager);
    next.apiVersion = apiVersionOf(served.group, served.storageVersion);
    if (unchanged(next, live)) return { object: live, warnings };
    next.metadata.resourceVersion = live.metadata.resourceVersion;
    if (opts.dryRun) return { object: next, warnings };
    try {
      const stored = await ctx.store.update(key, next, { expectRV: live.metadata.resourceVersion! });
      return { object: await finishPendingDeletion(rr, stored), warnings };
    } catch (err) {
      if (opts.retryOnConflict && err instanceof StoreError && err.code === 'ECONFLICT' && attempt < PATCH_ATTEMPTS) continue;
      throw toApiError(served, rr.info.name, err);
    }
  }
}

/** Equal but for resourceVersion and managed-field timestamps: the write is a no-op. */
function unchanged(next: KubeObject, live: KubeObject): boolean {
  const strip = (o: KubeObject): unknown => {
    const meta: Record<string, unknown> = { ...o.metadata };
    delete meta['resourceVersion'];
    meta['managedFields'] = (o.metadata.managedFields ?? []).map((m) => ({ ...m, time: undefined }));
    return { ...o, metadata: meta };
  };
  return stableJson(strip(next)) === stableJson(strip(live));
}

/**
 * An object being deleted goes away when its last finalizer is removed (and, for a namespace,
 * its spec.finalizers are empty too).
 */
export async function finishPendingDeletion(rr: ResourceRequest, stored: KubeObject): Promise<KubeObject> {
  if (stored.metadata.deletionTimestamp === undefined) return stored;
  if ((stored.metadata.finalizers ?? []).length > 0) return stored;
  const specFinalizers = ((stored['spec'] ?? {}) as { finalizers?: unknown[] }).finalizers ?? [];
  if (rr.served.storageResource === 'core/namespaces' && specFinalizers.length > 0) return stored;
  // A pod waiting out its grace period stays until the node (or a delete with grace 0) removes it.
  if ((stored.metadata.deletionGracePeriodSeconds ?? 0) > 0) return stored;
  const key = storeKey(rr.served, stored.metadata.namespace ?? '', stored.metadata.name ?? '');
  await hooksFor(rr.served.storageResource).beforeRemove?.(rr, stored);
  try {
    return await rr.ctx.store.delete(key, { expectRV: stored.metadata.resourceVersion! });
  } catch (err) {
    if (err instanceof StoreError && (err.code === 'ECONFLICT' || err.code === 'ENOTFOUND')) return stored;
    throw err;
  }
}
