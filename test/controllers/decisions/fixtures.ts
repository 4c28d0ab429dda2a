// Builders for the objects the decision tables are written in.

import type { DataVolume, DataVolumeSpec, StorageProfile } from '../../../src/api/index.ts';
import type { ClaimLike, StorageClassLike } from '../../../src/controllers/decisions/index.ts';

export const NOW = new Date('2026-01-01T12:00:00Z');
export const EARLIER = '2026-01-01T11:00:00Z';

export function dataVolume(spec: DataVolumeSpec, meta: Partial<DataVolume['metadata']> = {}, status?: DataVolume['status']): DataVolume {
  const dv: DataVolume = {
    apiVersion: 'cdi.kubevirt.io/v1beta1',
    kind: 'DataVolume',
    metadata: { name: 'dv1', namespace: 'default', uid: 'dv-uid-1', ...meta },
    spec,
  };
  if (status) dv.status = status;
  return dv;
}

export const httpSource = { http: { url: 'http://example.com/disk.img' } };

export function storageClass(name: string, opts: {
  provisioner?: string; annotations?: Record<string, string>; created?: string; wffc?: boolean;
} = {}): StorageClassLike {
  return {
    metadata: { name, annotations: opts.annotations ?? {}, creationTimestamp: opts.created ?? '2025-01-01T00:00:00Z' },
    provisioner: opts.provisioner ?? 'hostpath.ferry.dev',
    volumeBindingMode: opts.wffc ? 'WaitForFirstConsumer' : 'Immediate',
  };
}

export function profile(name: string, sets: { accessModes?: string[]; volumeMode?: string }[]): StorageProfile {
  return { metadata: { name }, spec: {}, status: { storageClass: name, claimPropertySets: sets } };
}

export function claim(name: string, opts: {
  phase?: string; annotations?: Record<string, string>; owner?: { kind: string; name: string; uid: string };
  storageClassName?: string; deleting?: boolean;
} = {}): ClaimLike {
  const pvc: ClaimLike = {
    metadata: { name, namespace: 'default', uid: `pvc-${name}`, annotations: opts.annotations ?? {} },
    spec: { storageClassName: opts.storageClassName ?? 'local' },
    status: { phase: opts.phase ?? 'Pending' },
  };
  if (opts.owner) {
    pvc.metadata!.ownerReferences = [{ apiVersion: 'cdi.kubevirt.io/v1beta1', controller: true, blockOwnerDeletion: true, ...opts.owner }];
  }
  if (opts.deleting) pvc.metadata!.deletionTimestamp = '2026-01-01T11:59:00Z';
  return pvc;
}
