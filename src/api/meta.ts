// Object metadata as it travels on the wire (JSON): timestamps are RFC 3339 strings, not Dates.
// Custom resources reach Ferry as plain JSON (CustomObjectsApi does not deserialize them), so
// Ferry's kinds use these types; built-in kinds (PVC, StorageClass) use @kubernetes/client-node's.

import type { V1OwnerReference } from '@kubernetes/client-node';

export type OwnerReference = V1OwnerReference;

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
}

/** Anything with Kubernetes metadata; the annotation codec reads only `metadata.annotations`. */
export interface HasMetadata {
  metadata?: { annotations?: Record<string, string> } | undefined;
}

/** `metav1.Time` serializes with second precision and a `Z` suffix. */
export function formatKubeTime(at: Date): string {
  return at.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export type ConditionStatus = 'True' | 'False' | 'Unknown';
