// pods/binding (what a scheduler posts to put a pod on a node) and pods/eviction (a delete
// that PodDisruptionBudgets may refuse; none are served yet, so an eviction always deletes).
import type { KubeObject } from '../../types.ts';
import { storeKey, type ResourceRequest } from '../context.ts';
import { decodeObjectBody, readBody, writeJson } from '../http.ts';
import { ApiError, conflict, notFound, successStatus } from '../status.ts';
import { StoreError } from '../../storage/index.ts';
import { deleteOne } from './delete.ts';
import { fieldManagerOf, rfc3339, toApiError, withTrackedFields } from './write-common.ts';

export async function handleBinding(rr: ResourceRequest): Promise<void> {
  const body = decodeObjectBody(await readBody(rr.req), rr.req.headers['content-type']) as {
    target?: { kind?: string; name?: string };
  };
  const node = body.target?.name ?? '';
  if (node === '') {
    throw new ApiError(422, 'Invalid', `Binding.core "${rr.info.name}" is invalid: target.name: Required value`, {
      name: rr.info.name,
      kind: 'Binding',
      causes: [{ reason: 'FieldValueRequired', message: 'Required value', field: 'target.name' }],
    });
  }
  // Not an ordinary update: pod validation forbids changing spec.nodeName, the binding does it.
  const key = storeKey(rr.served, rr.info.namespace, rr.info.name);
  for (let attempt = 1; ; attempt++) {
    const live = rr.ctx.store.get(key);
    if (live === undefined) throw notFound(rr.served, rr.info.name);
    const pod = structuredClone(live) as KubeObject;
    const spec = (pod['spec'] ?? {}) as { nodeName?: string };
    if (spec.nodeName !== undefined && spec.nodeName !== '') {
      throw conflict(rr.served, rr.info.name, `pod ${rr.info.name} is already assigned to node "${spec.nodeName}"`);
    }
    if (pod.metadata.deletionTimestamp !== undefined) {
      throw conflict(rr.served, rr.info.name, `pod ${rr.info.name} is being deleted, cannot be assigned to a host`);
    }
    pod['spec'] = { ...spec, nodeName: node };
    const status = (pod['status'] ?? {}) as { conditions?: { type: string }[] };
    const scheduled = { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: rfc3339(rr.ctx.now()) };
    pod['status'] = { ...status, conditions: [...(status.conditions ?? []).filter((c) => c.type !== 'PodScheduled'), scheduled] };
    const tracked = withTrackedFields(rr, pod, live, fieldManagerOf(rr));
    try {
      await rr.ctx.store.update(key, tracked, { expectRV: live.metadata.resourceVersion! });
      break;
    } catch (err) {
      if (err instanceof StoreError && err.code === 'ECONFLICT' && attempt < 5) continue;
      throw toApiError(rr.served, rr.info.name, err);
    }
  }
  writeJson(rr.res, 201, successStatus());
}

export async function handleEviction(rr: ResourceRequest): Promise<void> {
  await readBody(rr.req);
  const key = storeKey(rr.served, rr.info.namespace, rr.info.name);
  const live = rr.ctx.store.get(key);
  if (live === undefined) throw notFound(rr.served, rr.info.name);
  await deleteOne({ ...rr, info: { ...rr.info, subresource: '' } }, live, { dryRun: false }, false);
  writeJson(rr.res, 201, successStatus());
}
