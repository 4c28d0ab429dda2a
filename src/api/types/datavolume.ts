// cdi.kubevirt.io/v1beta1 DataVolume, field for field as CDI's types.go serializes it.

import type { V1LabelSelector, V1PersistentVolumeClaimSpec, V1VolumeResourceRequirements } from '@kubernetes/client-node';
import type { ConditionStatus, ObjectMeta } from '../meta.ts';
import type { DataVolumeConditionType } from '../conditions.ts';
import type { DataVolumePhase } from '../phases.ts';

export const CDI_GROUP = 'cdi.kubevirt.io' as const;
export const CDI_VERSION = 'v1beta1' as const;
export const CDI_API_VERSION = 'cdi.kubevirt.io/v1beta1' as const;
export const UPLOAD_GROUP = 'upload.cdi.kubevirt.io' as const;
export const UPLOAD_API_VERSION = 'upload.cdi.kubevirt.io/v1beta1' as const;

export const DataVolumeContentType = { KubeVirt: 'kubevirt', Archive: 'archive' } as const;
export type DataVolumeContentType = (typeof DataVolumeContentType)[keyof typeof DataVolumeContentType];

export const RegistryPullMethod = { Pod: 'pod', Node: 'node' } as const;
export type RegistryPullMethod = (typeof RegistryPullMethod)[keyof typeof RegistryPullMethod];

/** URL schemes CDI accepts for `source.registry.url`. */
export const RegistryScheme = { Docker: 'docker', OciArchive: 'oci-archive' } as const;

export const PersistentVolumeMode = { Filesystem: 'Filesystem', Block: 'Block' } as const;
export type PersistentVolumeMode = (typeof PersistentVolumeMode)[keyof typeof PersistentVolumeMode];
/** `storage.volumeMode: FromStorageProfile` asks for the profile's volume mode explicitly. */
export const VolumeModeFromStorageProfile = 'FromStorageProfile' as const;

export const AccessMode = {
  ReadWriteOnce: 'ReadWriteOnce',
  ReadOnlyMany: 'ReadOnlyMany',
  ReadWriteMany: 'ReadWriteMany',
  ReadWriteOncePod: 'ReadWriteOncePod',
} as const;
export type AccessMode = (typeof AccessMode)[keyof typeof AccessMode];

export interface DataVolumeSourceHTTP {
  url: string;
  secretRef?: string;
  certConfigMap?: string;
  extraHeaders?: string[];
  secretExtraHeaders?: string[];
  checksum?: string;
}
export interface DataVolumeSourceS3 { url: string; secretRef?: string; certConfigMap?: string }
export interface DataVolumeSourceGCS { url: string; secretRef?: string }
export interface DataVolumeSourceRegistry {
  url?: string;
  imageStream?: string;
  pullMethod?: RegistryPullMethod;
  secretRef?: string;
  certConfigMap?: string;
  platform?: { architecture?: string };
}
export interface DataVolumeSourcePVC { namespace: string; name: string }
export interface DataVolumeSourceSnapshot { namespace: string; name: string }
export type DataVolumeSourceUpload = Record<string, never>;
export type DataVolumeBlankImage = Record<string, never>;
export interface DataVolumeSourceImageIO {
  url: string;
  diskId: string;
  secretRef?: string;
  certConfigMap?: string;
  insecureSkipVerify?: boolean;
}
export interface DataVolumeSourceVDDK {
  url?: string;
  uuid?: string;
  backingFile?: string;
  thumbprint?: string;
  secretRef?: string;
  initImageURL?: string;
  extraArgs?: string;
}

/** Exactly one member is set (the admission webhook enforces it). */
export interface DataVolumeSource {
  http?: DataVolumeSourceHTTP;
  s3?: DataVolumeSourceS3;
  gcs?: DataVolumeSourceGCS;
  registry?: DataVolumeSourceRegistry;
  pvc?: DataVolumeSourcePVC;
  upload?: DataVolumeSourceUpload;
  blank?: DataVolumeBlankImage;
  imageio?: DataVolumeSourceImageIO;
  vddk?: DataVolumeSourceVDDK;
  snapshot?: DataVolumeSourceSnapshot;
}
export type DataVolumeSourceKind = keyof DataVolumeSource;
export const dataVolumeSourceKinds = [
  'http', 's3', 'gcs', 'registry', 'pvc', 'upload', 'blank', 'imageio', 'vddk', 'snapshot',
] as const satisfies readonly DataVolumeSourceKind[];

/** Only `DataSource` is supported, as in CDI. */
export interface DataVolumeSourceRef { kind: string; namespace?: string; name: string }

/** The `storage` API: like a PVC spec, completed by CDI from the StorageProfile. */
export interface StorageSpec {
  accessModes?: string[];
  selector?: V1LabelSelector;
  resources?: V1VolumeResourceRequirements;
  volumeName?: string;
  storageClassName?: string;
  /** `Filesystem`, `Block`, or `FromStorageProfile`. */
  volumeMode?: string;
  dataSource?: { apiGroup?: string; kind: string; name: string };
  dataSourceRef?: { apiGroup?: string; kind: string; name: string; namespace?: string };
}

export interface DataVolumeCheckpoint { previous: string; current: string }

export interface DataVolumeSpec {
  source?: DataVolumeSource;
  sourceRef?: DataVolumeSourceRef;
  pvc?: V1PersistentVolumeClaimSpec;
  storage?: StorageSpec;
  priorityClassName?: string;
  contentType?: DataVolumeContentType;
  checkpoints?: DataVolumeCheckpoint[];
  finalCheckpoint?: boolean;
  preallocation?: boolean;
}

export interface DataVolumeCondition {
  type: DataVolumeConditionType;
  status: ConditionStatus;
  lastTransitionTime?: string;
  lastHeartbeatTime?: string;
  reason?: string;
  message?: string;
}

export interface DataVolumeStatus {
  claimName?: string;
  phase?: DataVolumePhase;
  /** "N/A" until known, then e.g. "45.20%"; "100.0%" when an import succeeds. */
  progress?: string;
  restartCount?: number;
  conditions?: DataVolumeCondition[];
}

export interface DataVolume {
  apiVersion?: typeof CDI_API_VERSION;
  kind?: 'DataVolume';
  metadata: ObjectMeta;
  spec: DataVolumeSpec;
  status?: DataVolumeStatus;
}
