// cdi.kubevirt.io/v1beta1 StorageProfile (cluster-scoped, one per StorageClass, same name).

import type { ObjectMeta } from '../meta.ts';

export const CloneStrategy = { HostAssisted: 'copy', Snapshot: 'snapshot', CsiClone: 'csi-clone' } as const;
export type CloneStrategy = (typeof CloneStrategy)[keyof typeof CloneStrategy];

export const DataImportCronSourceFormat = { Pvc: 'pvc', Snapshot: 'snapshot' } as const;
export type DataImportCronSourceFormat = (typeof DataImportCronSourceFormat)[keyof typeof DataImportCronSourceFormat];

export interface ClaimPropertySet {
  accessModes?: string[];
  volumeMode?: string;
}

export interface StorageProfileSpec {
  cloneStrategy?: CloneStrategy;
  claimPropertySets?: ClaimPropertySet[];
  dataImportCronSourceFormat?: DataImportCronSourceFormat;
  snapshotClass?: string;
  minimumSupportedPvcSize?: string;
}

export interface StorageProfileStatus {
  storageClass?: string;
  provisioner?: string;
  cloneStrategy?: CloneStrategy;
  claimPropertySets?: ClaimPropertySet[];
  dataImportCronSourceFormat?: DataImportCronSourceFormat;
  snapshotClass?: string;
  minimumSupportedPvcSize?: string;
}

export interface StorageProfile {
  apiVersion?: 'cdi.kubevirt.io/v1beta1';
  kind?: 'StorageProfile';
  metadata: ObjectMeta;
  spec: StorageProfileSpec;
  status?: StorageProfileStatus;
}
