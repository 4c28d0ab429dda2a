// Event reasons and messages the DataVolume controller records, CDI's strings exactly.
// Messages are functions so that every caller formats them the same way.

export const EventType = { Normal: 'Normal', Warning: 'Warning' } as const;
export type EventType = (typeof EventType)[keyof typeof EventType];

export const EventReason = {
  ImportScheduled: 'ImportScheduled',
  ImportInProgress: 'ImportInProgress',
  ImportFailed: 'ImportFailed',
  ImportSucceeded: 'ImportSucceeded',
  ImportPaused: 'ImportPaused',
  UploadScheduled: 'UploadScheduled',
  UploadReady: 'UploadReady',
  UploadFailed: 'UploadFailed',
  UploadSucceeded: 'UploadSucceeded',
  CloneScheduled: 'CloneScheduled',
  CloneInProgress: 'CloneInProgress',
  CloneFailed: 'CloneFailed',
  CloneSucceeded: 'CloneSucceeded',
  SnapshotForSmartCloneInProgress: 'SnapshotForSmartCloneInProgress',
  SnapshotForSmartCloneCreated: 'SnapshotForSmartCloneCreated',
  SmartClonePVCInProgress: 'SmartClonePVCInProgress',
  SmartCloneSourceInUse: 'SmartCloneSourceInUse',
  CloneSourceInUse: 'CloneSourceInUse',
  ExpansionInProgress: 'ExpansionInProgress',
  NamespaceTransferInProgress: 'NamespaceTransferInProgress',
  /** Bound-condition events reuse the condition's reason. */
  Pending: 'Pending',
  Bound: 'Bound',
  ClaimLost: 'ClaimLost',
  ErrClaimLost: 'ErrClaimLost',
  ErrClaimNotValid: 'ErrClaimNotValid',
  ErrExceededQuota: 'ErrExceededQuota',
  ErrIncompatiblePVC: 'ErrIncompatiblePVC',
  ErrResourceExists: 'ErrResourceExists',
  ErrResourceMarkedForDeletion: 'ErrResourceMarkedForDeletion',
  ErrStartingPod: 'ErrStartingPod',
} as const;
export type EventReason = (typeof EventReason)[keyof typeof EventReason];

const ref = (namespace: string, name: string): string => `${namespace}/${name}`;

export const EventMessage = {
  importScheduled: (claim: string) => `Import into ${claim} scheduled`,
  importInProgress: (claim: string) => `Import into ${claim} in progress`,
  importFailed: (claim: string) => `Failed to import into PVC ${claim}`,
  importSucceeded: (claim: string) => `Successfully imported into PVC ${claim}`,
  importPaused: (claim: string) => `Multistage import into PVC ${claim} is paused`,
  uploadScheduled: (claim: string) => `Upload into ${claim} scheduled`,
  uploadReady: (claim: string) => `Upload into ${claim} ready`,
  uploadFailed: (claim: string) => `Upload into ${claim} failed`,
  uploadSucceeded: (claim: string) => `Successfully uploaded into ${claim}`,
  cloneScheduled: (srcNs: string, src: string, dstNs: string, dst: string) =>
    `Cloning from ${ref(srcNs, src)} into ${ref(dstNs, dst)} scheduled`,
  cloneInProgress: (srcNs: string, src: string, dstNs: string, dst: string) =>
    `Cloning from ${ref(srcNs, src)} into ${ref(dstNs, dst)} in progress`,
  cloneFailed: (srcNs: string, src: string, dstNs: string, dst: string) =>
    `Cloning from ${ref(srcNs, src)} into ${ref(dstNs, dst)} failed`,
  cloneSucceeded: (srcNs: string, src: string, dstNs: string, dst: string) =>
    `Successfully cloned from ${ref(srcNs, src)} into ${ref(dstNs, dst)}`,
  smartCloneInProgress: (srcNs: string, src: string) =>
    `Creating snapshot for smart-clone is in progress (for pvc ${ref(srcNs, src)})`,
  smartClonePVCInProgress: (srcNs: string, src: string) =>
    `Creating PVC for smart-clone is in progress (for pvc ${ref(srcNs, src)})`,
  expansionInProgress: (ns: string, name: string) => `Expanding PersistentVolumeClaim for DataVolume ${ref(ns, name)}`,
  namespaceTransferInProgress: (ns: string, name: string) =>
    `Transferring PersistentVolumeClaim for DataVolume ${ref(ns, name)}`,
  claimLost: (claim: string) => `PVC ${claim} lost`,
  resourceExists: (name: string) => `Resource ${JSON.stringify(name)} already exists and is not managed by DataVolume`,
  resourceMarkedForDeletion: (name: string) => `Resource ${JSON.stringify(name)} marked for deletion`,
  errStartingPod: (pod: string) =>
    `Error starting pod '${pod}': For more information, request access to cdi-deploy logs from your sysadmin`,
  /** renderPvcSpec: no StorageClass at all and no access modes given. */
  storageClassNotFound: 'DataVolume.storage spec is missing accessMode and no storageClass to choose profile',
  archiveBlock: 'DataVolume with ContentType Archive cannot have block volumeMode',
} as const;
