// Every annotation key Ferry reads or writes, CDI's strings exactly. Only the codec in
// annotations.ts uses these keys to read and write values; everything else goes through it.

export const Annotation = {
  // --- on DataVolumes (and copied onto the claims created for them) ---
  /** "true"/"false": may this DataVolume adopt an existing claim of its name? Wins over the gate. */
  AllowClaimAdoption: 'cdi.kubevirt.io/allowClaimAdoption',
  /** The claim is already populated (value: the claim's name); the DataVolume does not create one. */
  PrePopulated: 'cdi.kubevirt.io/storage.prePopulated',
  /** "false" keeps a Succeeded DataVolume from being garbage collected. */
  DeleteAfterCompletion: 'cdi.kubevirt.io/storage.deleteAfterCompletion',
  /** "true"/"false": populate through volume populators. */
  UsePopulator: 'cdi.kubevirt.io/storage.usePopulator',
  /** Bind the claim at once even on a WaitForFirstConsumer StorageClass. */
  ImmediateBinding: 'cdi.kubevirt.io/storage.bind.immediate.requested',
  /** Keep worker pods after they complete (debugging). */
  PodRetainAfterCompletion: 'cdi.kubevirt.io/storage.pod.retainAfterCompletion',
  CheckStaticVolume: 'cdi.kubevirt.io/storage.checkStaticVolume',
  CloneToken: 'cdi.kubevirt.io/storage.clone.token',
  ExtendedCloneToken: 'cdi.kubevirt.io/storage.extended.clone.token',
  CloneType: 'cdi.kubevirt.io/cloneType',

  // --- on claims ---
  /** The claim was populated for the DataVolume of this name. */
  PopulatedFor: 'cdi.kubevirt.io/storage.populatedFor',
  /** UID of the DataVolume the claim was created for: such a claim is never "adopted". */
  CreatedForDataVolume: 'cdi.kubevirt.io/createdForDataVolume',
  ContentType: 'cdi.kubevirt.io/storage.contentType',
  Source: 'cdi.kubevirt.io/storage.import.source',
  Endpoint: 'cdi.kubevirt.io/storage.import.endpoint',
  SecretName: 'cdi.kubevirt.io/storage.import.secretName',
  CertConfigMap: 'cdi.kubevirt.io/storage.import.certConfigMap',
  ImportPodName: 'cdi.kubevirt.io/storage.import.importPodName',
  RequiresScratch: 'cdi.kubevirt.io/storage.import.requiresScratch',
  /** An importer was OOMKilled: the next one converts with qemu-img cache=none (CACHE_MODE=TRYNONE). CDI's spelling. */
  RequiresDirectIo: 'cdi.kubevirt.io/storage.import.requiresDirectIo',
  PodPhase: 'cdi.kubevirt.io/storage.pod.phase',
  PodReady: 'cdi.kubevirt.io/storage.pod.ready',
  PodRestarts: 'cdi.kubevirt.io/storage.pod.restarts',
  PodSchedulable: 'cdi.kubevirt.io/storage.pod.schedulable',
  PriorityClassName: 'cdi.kubevirt.io/storage.pod.priorityclassname',
  RunningCondition: 'cdi.kubevirt.io/storage.condition.running',
  RunningConditionMessage: 'cdi.kubevirt.io/storage.condition.running.message',
  RunningConditionReason: 'cdi.kubevirt.io/storage.condition.running.reason',
  BoundCondition: 'cdi.kubevirt.io/storage.condition.bound',
  BoundConditionMessage: 'cdi.kubevirt.io/storage.condition.bound.message',
  BoundConditionReason: 'cdi.kubevirt.io/storage.condition.bound.reason',
  PreallocationRequested: 'cdi.kubevirt.io/storage.preallocation.requested',
  PreallocationApplied: 'cdi.kubevirt.io/storage.preallocation',
  UploadRequest: 'cdi.kubevirt.io/storage.upload.target',
  PopulatorProgress: 'cdi.kubevirt.io/storage.populator.progress',
  CurrentCheckpoint: 'cdi.kubevirt.io/storage.checkpoint.current',
  PreviousCheckpoint: 'cdi.kubevirt.io/storage.checkpoint.previous',
  FinalCheckpoint: 'cdi.kubevirt.io/storage.checkpoint.final',
  MultiStageImportDone: 'cdi.kubevirt.io/storage.checkpoint.done',
  OwnedByDataVolume: 'cdi.kubevirt.io/ownedByDataVolume',
  OwnerUID: 'cdi.kubevirt.io/ownerUID',
  /** Set by the scheduler on a WaitForFirstConsumer claim once a consumer pod picked a node. */
  SelectedNode: 'volume.kubernetes.io/selected-node',

  // --- on StorageClasses ---
  DefaultStorageClass: 'storageclass.kubernetes.io/is-default-class',
  DefaultVirtStorageClass: 'storageclass.kubevirt.io/is-default-virt-class',
  StorageClassCloneStrategy: 'cdi.kubevirt.io/clone-strategy',
  DefaultSnapshotClass: 'snapshot.storage.kubernetes.io/is-default-class',
} as const;
export type AnnotationKey = (typeof Annotation)[keyof typeof Annotation];
