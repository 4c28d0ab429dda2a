// Behaviour of particular kinds that the generic write path does not express: CRDs (defaulted,
// validated, established at once; their objects deleted with them) and namespaces (created with
// the `kubernetes` finalizer, deleted by moving to Terminating).
import { defaultCustomResourceDefinition, validateCustomResourceDefinition } from '../schema/index.ts';
import type { KubeObject } from '../types.ts';
import type { ResourceRequest } from './context.ts';
import { CRD_STORAGE_RESOURCE, crdSpec, establishCrdStatus } from './crd.ts';
import { storageResourceOf } from './registry.ts';
import { invalid } from './status.ts';
import { rfc3339 } from './handlers/write-common.ts';

export interface KindHooks {
  /** After defaulting, before validation: may fill server-owned fields or throw an ApiError. */
  beforeCreate?(rr: ResourceRequest, obj: KubeObject): void;
  beforeUpdate?(rr: ResourceRequest, obj: KubeObject, old: KubeObject): void;
  /** Before the object is removed from the store for good. */
  beforeRemove?(rr: ResourceRequest, obj: KubeObject): Promise<void>;
  /** Marks a deletion that must wait (namespace Terminating); true when the object stays. */
  markDeleting?(obj: KubeObject, now: Date): boolean;
}

const crdHooks: KindHooks = {
  beforeCreate(rr, obj) {
    defaultCustomResourceDefinition(obj);
    const errors = validateCustomResourceDefinition(obj);
    if (errors.length > 0) throw invalid(rr.served, obj.metadata.name ?? '', errors);
    establishCrdStatus(obj, undefined, rfc3339(rr.ctx.now()));
  },
  beforeUpdate(rr, obj, old) {
    if (rr.info.subresource === 'status') return;
    defaultCustomResourceDefinition(obj);
    const errors = validateCustomResourceDefinition(obj);
    if (errors.length > 0) throw invalid(rr.served, obj.metadata.name ?? '', errors);
    establishCrdStatus(obj, old, rfc3339(rr.ctx.now()));
  },
  async beforeRemove(rr, crd) {
    // kube-apiserver's customresourcecleanup finalizer: the objects go with their definition.
    const spec = crdSpec(crd);
    const resource = storageResourceOf(spec.group, spec.names.plural);
    for (const obj of rr.ctx.store.list(resource).items) {
      try {
        await rr.ctx.store.delete({ resource, namespace: obj.metadata.namespace ?? '', name: obj.metadata.name ?? '' });
      } catch (err) {
        if ((err as { code?: string }).code !== 'ENOTFOUND') throw err;
      }
    }
  },
};

const namespaceHooks: KindHooks = {
  beforeCreate(_rr, obj) {
    const spec = (obj['spec'] ?? {}) as { finalizers?: string[] };
    if (spec.finalizers === undefined || !spec.finalizers.includes('kubernetes')) {
      obj['spec'] = { ...spec, finalizers: [...(spec.finalizers ?? []), 'kubernetes'] };
    }
    obj['status'] = { phase: 'Active' };
  },
  markDeleting(obj, now) {
    const finalizers = ((obj['spec'] ?? {}) as { finalizers?: string[] }).finalizers ?? [];
    if (finalizers.length === 0) return false;
    obj.metadata.deletionTimestamp ??= rfc3339(now);
    obj.metadata.deletionGracePeriodSeconds = 0;
    obj['status'] = { ...((obj['status'] ?? {}) as object), phase: 'Terminating' };
    return true;
  },
};

const HOOKS = new Map<string, KindHooks>([
  [CRD_STORAGE_RESOURCE, crdHooks],
  ['core/namespaces', namespaceHooks],
]);

export function hooksFor(storageResource: string): KindHooks {
  return HOOKS.get(storageResource) ?? {};
}
