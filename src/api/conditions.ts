// DataVolume condition types, reasons and messages, as CDI's datavolume controller writes them.

export const DataVolumeConditionType = { Ready: 'Ready', Bound: 'Bound', Running: 'Running' } as const;
export type DataVolumeConditionType = (typeof DataVolumeConditionType)[keyof typeof DataVolumeConditionType];

export const ConditionReason = {
  /** Bound: the claim is bound. */
  Bound: 'Bound',
  /** Bound: the claim is pending. */
  Pending: 'Pending',
  /** Bound: the claim lost its volume. */
  ClaimLost: 'ClaimLost',
  /** Bound: no claim exists yet. */
  NotFound: 'NotFound',
  /** Ready=False while the transfer pod runs. */
  TransferRunning: 'TransferRunning',
  /** Running: the worker pod's container is running. */
  PodRunning: 'Pod is running',
  /** Running=False: the worker pod cannot be scheduled. */
  Unschedulable: 'Unschedulable',
  /** Running=False: the container terminated successfully (the kubelet's reason). */
  Completed: 'Completed',
  /** Running=False: the container terminated with an error (the kubelet's reason). */
  Error: 'Error',
  /** Running=False: the container was killed for exceeding its memory limit. */
  OOMKilled: 'OOMKilled',
  /** Running=False: the worker needs a scratch volume; a new worker starts with one. */
  ScratchSpaceRequired: 'Scratch space required',
} as const;

export const ConditionMessage = {
  noClaim: 'No PVC found',
  claimLost: 'Claim Lost',
  podUnschedulable: 'Importer pod cannot be scheduled',
  /** CDI's common.ScratchSpaceRequired, the worker's words and the Running condition's message. */
  scratchSpaceRequired: 'scratch space required and none found',
  /** Ferry's words: an OOMKilled importer is started again with qemu-img cache=none. */
  retryingWithDirectIo: 'the importer ran out of memory; a new importer converts with direct I/O (qemu-img cache=none)',
  claimBound: (claimName: string): string => `PVC ${claimName} Bound`,
  claimPending: (claimName: string): string => `PVC ${claimName} Pending`,
} as const;
