// The volume populator kinds CDI serves (namespaced), referenced by a claim's dataSourceRef.

import type { ObjectMeta } from '../meta.ts';
import type {
  DataVolumeCheckpoint,
  DataVolumeContentType,
  DataVolumeSourceGCS,
  DataVolumeSourceHTTP,
  DataVolumeSourceImageIO,
  DataVolumeSourceRegistry,
  DataVolumeSourceS3,
  DataVolumeSourceVDDK,
} from './datavolume.ts';

export const VolumePopulatorKind = {
  Import: 'VolumeImportSource',
  Upload: 'VolumeUploadSource',
  Clone: 'VolumeCloneSource',
} as const;

export interface ImportSourceType {
  http?: DataVolumeSourceHTTP;
  s3?: DataVolumeSourceS3;
  gcs?: DataVolumeSourceGCS;
  registry?: DataVolumeSourceRegistry;
  blank?: Record<string, never>;
  imageio?: DataVolumeSourceImageIO;
  vddk?: DataVolumeSourceVDDK;
}

export interface VolumeImportSource {
  apiVersion?: 'cdi.kubevirt.io/v1beta1';
  kind?: 'VolumeImportSource';
  metadata: ObjectMeta;
  spec: {
    source?: ImportSourceType;
    contentType?: DataVolumeContentType;
    targetClaim?: string;
    checkpoints?: DataVolumeCheckpoint[];
    finalCheckpoint?: boolean;
    preallocation?: boolean;
  };
  status?: Record<string, unknown>;
}

export interface VolumeUploadSource {
  apiVersion?: 'cdi.kubevirt.io/v1beta1';
  kind?: 'VolumeUploadSource';
  metadata: ObjectMeta;
  spec: { contentType?: DataVolumeContentType; preallocation?: boolean };
  status?: Record<string, unknown>;
}

export interface VolumeCloneSource {
  apiVersion?: 'cdi.kubevirt.io/v1beta1';
  kind?: 'VolumeCloneSource';
  metadata: ObjectMeta;
  spec: {
    source: { apiGroup?: string; kind: 'PersistentVolumeClaim' | 'VolumeSnapshot'; name: string };
    preallocation?: boolean;
    priorityClassName?: string;
  };
  status?: Record<string, unknown>;
}
