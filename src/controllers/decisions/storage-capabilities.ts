// What a provisioner can do, from a table of known provisioners (CDI's storagecapabilities
// idea), and the StorageProfile status CDI's StorageProfile controller derives from it.

import {
  CloneStrategy, PersistentVolumeMode, readStorageClassAnnotations,
  type ClaimPropertySet, type HasMetadata, type StorageProfileSpec, type StorageProfileStatus,
} from '../../api/index.ts';
import type { StorageClassLike } from './storage-class.ts';

export interface StorageCapabilities {
  /** In order of preference: the first set is the default for claims that name nothing. */
  claimPropertySets: ClaimPropertySet[];
  cloneStrategy?: CloneStrategy;
  snapshotClass?: string;
  minimumSupportedPvcSize?: string;
}

/** Ferry's embedded hostpath CSI driver. */
export const FerryHostpathProvisioner = 'hostpath.ferry.dev' as const;
export const FerryHostpathSnapshotClass = 'ferry-hostpath-snapclass' as const;

const rwo = 'ReadWriteOnce';
const rwx = 'ReadWriteMany';
const fs = PersistentVolumeMode.Filesystem;
const block = PersistentVolumeMode.Block;
const sets = (...pairs: [string, string][]): ClaimPropertySet[] =>
  pairs.map(([mode, volumeMode]) => ({ accessModes: [mode], volumeMode }));

const knownProvisioners: Record<string, StorageCapabilities> = {
  [FerryHostpathProvisioner]: {
    claimPropertySets: sets([rwo, fs], [rwo, block]),
    cloneStrategy: CloneStrategy.CsiClone,
    snapshotClass: FerryHostpathSnapshotClass,
  },
  'kubevirt.io.hostpath-provisioner': { claimPropertySets: sets([rwo, fs]), cloneStrategy: CloneStrategy.HostAssisted },
  'kubevirt.io/hostpath-provisioner': { claimPropertySets: sets([rwo, fs]), cloneStrategy: CloneStrategy.HostAssisted },
  'rancher.io/local-path': { claimPropertySets: sets([rwo, fs]), cloneStrategy: CloneStrategy.HostAssisted },
  'kubernetes.io/no-provisioner': { claimPropertySets: sets([rwo, fs]), cloneStrategy: CloneStrategy.HostAssisted },
  'rook-ceph.rbd.csi.ceph.com': {
    claimPropertySets: sets([rwx, block], [rwo, block], [rwo, fs]),
    cloneStrategy: CloneStrategy.CsiClone,
  },
  'openshift-storage.rbd.csi.ceph.com': {
    claimPropertySets: sets([rwx, block], [rwo, block], [rwo, fs]),
    cloneStrategy: CloneStrategy.CsiClone,
  },
  'rook-ceph.cephfs.csi.ceph.com': { claimPropertySets: sets([rwx, fs]) },
  'openshift-storage.cephfs.csi.ceph.com': { claimPropertySets: sets([rwx, fs]) },
  'topolvm.io': { claimPropertySets: sets([rwo, block], [rwo, fs]), cloneStrategy: CloneStrategy.CsiClone },
  'ebs.csi.aws.com': { claimPropertySets: sets([rwo, block], [rwo, fs]), cloneStrategy: CloneStrategy.Snapshot },
  'pd.csi.storage.gke.io': { claimPropertySets: sets([rwo, block], [rwo, fs]), cloneStrategy: CloneStrategy.Snapshot },
  'disk.csi.azure.com': { claimPropertySets: sets([rwo, block], [rwo, fs]), cloneStrategy: CloneStrategy.CsiClone },
  'csi.vsphere.vmware.com': { claimPropertySets: sets([rwo, block], [rwo, fs]) },
};

/** What is known about a provisioner; undefined for one not in the table. */
export function capabilitiesFor(provisioner: string): StorageCapabilities | undefined {
  const known = knownProvisioners[provisioner];
  return known ? structuredClone(known) : undefined;
}

export interface StorageProfileComputation {
  status: StorageProfileStatus;
  /** Spec entries CDI rejects, each a sentence a person can act on. */
  problems: string[];
}

/**
 * The StorageProfile status for a StorageClass, as CDI's StorageProfile controller fills it:
 * the spec's claim property sets when given (each must name access modes), else the
 * provisioner's known ones; the clone strategy from the spec, then the StorageClass's
 * `cdi.kubevirt.io/clone-strategy` annotation, then the table, then snapshot when a snapshot
 * class is available, else host-assisted copy.
 */
export function computeStorageProfileStatus(
  storageClass: StorageClassLike,
  profileSpec: StorageProfileSpec | undefined,
  capabilities: StorageCapabilities | undefined,
): StorageProfileComputation {
  const problems: string[] = [];
  const spec = profileSpec ?? {};
  const status: StorageProfileStatus = {
    storageClass: storageClass.metadata?.name ?? '',
    provisioner: storageClass.provisioner,
  };

  const snapshotClass = spec.snapshotClass ?? capabilities?.snapshotClass;
  const annotated = readStorageClassAnnotations(storageClass as HasMetadata).cloneStrategy;
  status.cloneStrategy =
    spec.cloneStrategy ??
    annotated ??
    capabilities?.cloneStrategy ??
    (snapshotClass ? CloneStrategy.Snapshot : CloneStrategy.HostAssisted);

  let claimPropertySets: ClaimPropertySet[] | undefined;
  if (spec.claimPropertySets && spec.claimPropertySets.length > 0) {
    const invalid = spec.claimPropertySets.filter((s) => !s.accessModes?.length && s.volumeMode !== undefined);
    for (const s of invalid) problems.push(`must provide access mode for volume mode: ${s.volumeMode}`);
    claimPropertySets = invalid.length === 0 ? structuredClone(spec.claimPropertySets) : undefined;
  } else if (capabilities) {
    claimPropertySets = structuredClone(capabilities.claimPropertySets);
  }
  if (claimPropertySets && claimPropertySets.length > 0) status.claimPropertySets = claimPropertySets;
  if (spec.dataImportCronSourceFormat) status.dataImportCronSourceFormat = spec.dataImportCronSourceFormat;
  if (snapshotClass) status.snapshotClass = snapshotClass;
  const minimum = spec.minimumSupportedPvcSize ?? capabilities?.minimumSupportedPvcSize;
  if (minimum) status.minimumSupportedPvcSize = minimum;
  return { status, problems };
}
