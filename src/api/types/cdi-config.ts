// cdi.kubevirt.io/v1beta1 CDIConfig (cluster-scoped; CDI reads the one named "config") and CDI.

import type { V1ResourceRequirements } from '@kubernetes/client-node';
import type { ObjectMeta } from '../meta.ts';
import type { CloneStrategy } from './storage-profile.ts';

/** A decimal string in [0, 1), e.g. "0.055". */
export type Percent = string;

export interface FilesystemOverhead {
  global?: Percent;
  storageClass?: Record<string, Percent>;
}

export interface ImportProxy {
  HTTPProxy?: string;
  HTTPSProxy?: string;
  noProxy?: string;
  trustedCAProxy?: string;
}

export interface CDIConfigSpec {
  uploadProxyURLOverride?: string;
  importProxy?: ImportProxy;
  scratchSpaceStorageClass?: string;
  podResourceRequirements?: V1ResourceRequirements;
  featureGates?: string[];
  filesystemOverhead?: FilesystemOverhead;
  preallocation?: boolean;
  insecureRegistries?: string[];
  /** Seconds after completion before a DataVolume is garbage collected; 0 at once, -1 never. */
  dataVolumeTTLSeconds?: number;
  imagePullSecrets?: { name?: string }[];
  logVerbosity?: number;
  tlsSecurityProfile?: Record<string, unknown>;
}

export interface CDIConfigStatus {
  uploadProxyURL?: string;
  importProxy?: ImportProxy;
  scratchSpaceStorageClass?: string;
  defaultPodResourceRequirements?: V1ResourceRequirements;
  filesystemOverhead?: FilesystemOverhead;
  preallocation?: boolean;
  imagePullSecrets?: { name?: string }[];
}

export interface CDIConfig {
  apiVersion?: 'cdi.kubevirt.io/v1beta1';
  kind?: 'CDIConfig';
  metadata: ObjectMeta;
  spec: CDIConfigSpec;
  status?: CDIConfigStatus;
}

/** The CDI operator's install object; Ferry reads `spec.config` (feature gates and all). */
export interface CDISpec {
  imagePullPolicy?: 'Always' | 'IfNotPresent' | 'Never';
  uninstallStrategy?: 'RemoveWorkloads' | 'BlockUninstallIfWorkloadsExist';
  infra?: Record<string, unknown>;
  workload?: Record<string, unknown>;
  cloneStrategyOverride?: CloneStrategy;
  config?: CDIConfigSpec;
  certConfig?: Record<string, unknown>;
  priorityClass?: string;
}

export interface CDIStatus {
  phase?: string;
  conditions?: Record<string, unknown>[];
  operatorVersion?: string;
  targetVersion?: string;
  observedVersion?: string;
}

export interface CDI {
  apiVersion?: 'cdi.kubevirt.io/v1beta1';
  kind?: 'CDI';
  metadata: ObjectMeta;
  spec: CDISpec;
  status?: CDIStatus;
}
