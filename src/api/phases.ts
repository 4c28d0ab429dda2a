// DataVolume phases, exactly CDI's strings (kubectl, KubeVirt and virtctl read them).

export const DataVolumePhase = {
  /** No phase yet (a fresh object, or a spec the controller cannot render). */
  Unset: '',
  Pending: 'Pending',
  PVCBound: 'PVCBound',
  ImportScheduled: 'ImportScheduled',
  ImportInProgress: 'ImportInProgress',
  CloneScheduled: 'CloneScheduled',
  CloneInProgress: 'CloneInProgress',
  SnapshotForSmartCloneInProgress: 'SnapshotForSmartCloneInProgress',
  CloneFromSnapshotSourceInProgress: 'CloneFromSnapshotSourceInProgress',
  SmartClonePVCInProgress: 'SmartClonePVCInProgress',
  CSICloneInProgress: 'CSICloneInProgress',
  ExpansionInProgress: 'ExpansionInProgress',
  NamespaceTransferInProgress: 'NamespaceTransferInProgress',
  PrepClaimInProgress: 'PrepClaimInProgress',
  RebindInProgress: 'RebindInProgress',
  UploadScheduled: 'UploadScheduled',
  UploadReady: 'UploadReady',
  WaitForFirstConsumer: 'WaitForFirstConsumer',
  PendingPopulation: 'PendingPopulation',
  Succeeded: 'Succeeded',
  Failed: 'Failed',
  Unknown: 'Unknown',
  Paused: 'Paused',
} as const;
export type DataVolumePhase = (typeof DataVolumePhase)[keyof typeof DataVolumePhase];

export const allDataVolumePhases: readonly DataVolumePhase[] = Object.values(DataVolumePhase);

/** Phases after which nothing more happens to the claim's contents. */
export function isTerminalPhase(phase: string | undefined): boolean {
  return phase === DataVolumePhase.Succeeded || phase === DataVolumePhase.Failed;
}

/** `status.progress` before the transfer reports any. */
export const ProgressUnknown = 'N/A' as const;
/** `status.progress` CDI writes when an import succeeds. */
export const ProgressDone = '100.0%' as const;

/** Kubernetes claim and pod phases the decisions read. */
export const ClaimPhase = { Pending: 'Pending', Bound: 'Bound', Lost: 'Lost' } as const;
export type ClaimPhase = (typeof ClaimPhase)[keyof typeof ClaimPhase];
export const PodPhase = {
  Pending: 'Pending',
  Running: 'Running',
  Succeeded: 'Succeeded',
  Failed: 'Failed',
  Unknown: 'Unknown',
} as const;
export type PodPhase = (typeof PodPhase)[keyof typeof PodPhase];
