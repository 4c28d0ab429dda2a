// The shape of a PersistentVolumeClaim the decisions read: client-node's V1PersistentVolumeClaim
// fits it, and so does the same object as plain JSON.

import type { OwnerReference } from '../../api/index.ts';

export interface ClaimLike {
  metadata?: {
    name?: string;
    namespace?: string;
    uid?: string;
    annotations?: Record<string, string>;
    labels?: Record<string, string>;
    ownerReferences?: OwnerReference[];
    deletionTimestamp?: Date | string;
  };
  spec?: { storageClassName?: string; volumeName?: string; volumeMode?: string };
  status?: { phase?: string };
}

/** The owner reference with `controller: true`, if any (metav1.GetControllerOf). */
export function controllerOf(obj: { metadata?: { ownerReferences?: OwnerReference[] } } | undefined): OwnerReference | undefined {
  return obj?.metadata?.ownerReferences?.find((ref) => ref.controller === true);
}
