// Names and strings of the embedded node's storage, and the Kubernetes annotations the PV
// controller and external-provisioner write (other programs, CDI among them, read these).

export const hostpathProvisioner = 'hostpath.ferry.dev';
export const defaultStorageClassName = 'ferry-hostpath';
export const wffcStorageClassName = 'ferry-hostpath-wffc';
export const snapshotClassName = 'ferry-hostpath-snapshots';

export const annotations = {
  bindCompleted: 'pv.kubernetes.io/bind-completed',
  boundByController: 'pv.kubernetes.io/bound-by-controller',
  provisionedBy: 'pv.kubernetes.io/provisioned-by',
  storageProvisioner: 'volume.kubernetes.io/storage-provisioner',
  betaStorageProvisioner: 'volume.beta.kubernetes.io/storage-provisioner',
  selectedNode: 'volume.kubernetes.io/selected-node',
  isDefaultClass: 'storageclass.kubernetes.io/is-default-class',
  isDefaultSnapshotClass: 'snapshot.storage.kubernetes.io/is-default-class',
} as const;

export const pvcProtectionFinalizer = 'kubernetes.io/pvc-protection';
export const pvProtectionFinalizer = 'kubernetes.io/pv-protection';
