// computeDataVolumeStatus: phase, progress, restart count, conditions and events of a
// DataVolume from what is observed (the DataVolume, its claim, its worker pod), as CDI's
// datavolume controller computes them. Pure: `now` is given, nothing is read or written.
//
// Transitions (CDI's updateStatus):
//  1. A render error (syncError): phase "" (unset), Bound/Ready carry the error's reason/message.
//  2. No claim yet and (no phase yet or pre-populated): Pending.
//  3. The transfer pod Succeeded: the operation's final phase (Succeeded, or Paused between
//     checkpoints of a multi-stage import).
//  4. Claim Pending: PendingPopulation (populators on WaitForFirstConsumer storage, no node
//     chosen, no immediate binding), WaitForFirstConsumer (gate on, WFFC storage, no immediate
//     binding), else Pending; with populators not waiting, the operation's phase.
//  5. Claim Bound: Pending/WFFC/Unknown become PVCBound; a claim populated for this DataVolume
//     makes it Succeeded; else the operation's phase (Scheduled, InProgress/Ready, ...).
//  6. Claim Lost: Failed (event ErrClaimLost). Any other claim phase: Unknown.
// Ferry's addition: a worker that failed with an error that will not heal (permanentFailure)
// makes the DataVolume Failed instead of leaving it to retry forever.

import {
  ConditionReason, DataVolumePhase, EventMessage, EventReason, EventType, PodPhase, ProgressDone, ProgressUnknown,
  isTerminalPhase, readClaimAnnotations, readDataVolumeAnnotations,
  type DataVolume, type DataVolumeCondition, type DataVolumeStatus,
} from '../../api/index.ts';
import type { ClaimLike } from './claim.ts';
import {
  findCondition, settleConditions, updateBoundCondition, updateReadyCondition, updateRunningCondition, type TransferState,
} from './conditions.ts';

/** What the DataVolume asks for; blank is an import (CDI's importer with source "none"). */
export type DataVolumeOperation = 'Import' | 'Upload' | 'Clone' | 'None';

export interface TransferPodObservation {
  phase: PodPhase;
  /** Container restarts so far. */
  restarts: number;
  /** Upload server ready to receive data. */
  ready?: boolean;
  /** The container's waiting or terminated reason (ContainerCreating, ErrImagePull, Completed, Error, OOMKilled ...). */
  reason?: string;
  message?: string;
  /** The worker's own termination message, preferred to `message` (as CDI prefers it). */
  terminationMessage?: string;
  unschedulable?: boolean;
  /** The worker failed in a way retrying will not fix (404, checksum mismatch, image too large ...). */
  permanentFailure?: boolean;
  /** Percent done, 0-100, as the worker reported it. */
  progress?: number;
}

export interface DataVolumeStatusInput {
  dv: DataVolume;
  pvc?: ClaimLike;
  /** The worker pod, if one exists; else the state mirrored on the claim's annotations is used. */
  pod?: TransferPodObservation;
  operation: DataVolumeOperation;
  /** The claim's StorageClass binds on first consumer. */
  wffc: boolean;
  honorWaitForFirstConsumer: boolean;
  /** The claim is populated through a volume populator (dataSourceRef). */
  usePopulator?: boolean;
  /** Clone only: the source claim, for event messages. */
  cloneSource?: { namespace: string; name: string };
  /** A failure to render or create the claim (e.g. renderPvcSpec's error). */
  syncError?: { reason: string; message: string };
  now: Date;
}

export interface DataVolumeEvent {
  type: EventType;
  reason: string;
  message: string;
}

export interface DataVolumeStatusResult {
  phase: DataVolumePhase;
  progress: string | undefined;
  restartCount: number | undefined;
  claimName: string | undefined;
  conditions: DataVolumeCondition[];
  /** The whole status to write; equal to the old one when `changed` is false. */
  status: DataVolumeStatus;
  changed: boolean;
  /** Events to record, in order; empty when nothing changed. */
  events: DataVolumeEvent[];
}

function transferStateOf(pod: TransferPodObservation | undefined, pvc: ClaimLike | undefined): TransferState {
  if (!pod) {
    const a = readClaimAnnotations(pvc);
    return { podPhase: a.podPhase, podReady: a.podReady, podRestarts: a.podRestarts, podSchedulable: a.podSchedulable, running: a.running };
  }
  const running =
    pod.phase === PodPhase.Running
      ? { status: 'True' as const, reason: ConditionReason.PodRunning, message: '' }
      : { status: 'False' as const, reason: pod.reason ?? '', message: pod.terminationMessage ?? pod.message ?? '' };
  return {
    podPhase: pod.phase,
    podReady: pod.ready,
    podRestarts: pod.restarts,
    podSchedulable: pod.unschedulable ? false : undefined,
    running,
  };
}

interface OperationOutcome {
  phase?: DataVolumePhase;
  event?: DataVolumeEvent;
  progress?: string;
}

const normal = (reason: string, message: string): DataVolumeEvent => ({ type: EventType.Normal, reason, message });
const warning = (reason: string, message: string): DataVolumeEvent => ({ type: EventType.Warning, reason, message });

function importPhase(claim: string, t: TransferState, pod: TransferPodObservation | undefined, multiStage: boolean): OperationOutcome {
  switch (t.podPhase) {
    case PodPhase.Pending:
      return { phase: DataVolumePhase.ImportScheduled, event: normal(EventReason.ImportScheduled, EventMessage.importScheduled(claim)) };
    case PodPhase.Running:
      return { phase: DataVolumePhase.ImportInProgress, event: normal(EventReason.ImportInProgress, EventMessage.importInProgress(claim)) };
    case PodPhase.Failed:
      return {
        phase: pod?.permanentFailure ? DataVolumePhase.Failed : DataVolumePhase.ImportScheduled,
        event: warning(EventReason.ImportFailed, EventMessage.importFailed(claim)),
      };
    case PodPhase.Succeeded:
      if (multiStage) return { phase: DataVolumePhase.Paused, event: normal(EventReason.ImportPaused, EventMessage.importPaused(claim)) };
      return {
        phase: DataVolumePhase.Succeeded,
        progress: ProgressDone,
        event: normal(EventReason.ImportSucceeded, EventMessage.importSucceeded(claim)),
      };
    default:
      return { phase: DataVolumePhase.ImportScheduled };
  }
}

function uploadPhase(claim: string, t: TransferState, pod: TransferPodObservation | undefined): OperationOutcome {
  switch (t.podPhase) {
    case PodPhase.Pending:
      return { phase: DataVolumePhase.UploadScheduled, event: normal(EventReason.UploadScheduled, EventMessage.uploadScheduled(claim)) };
    case PodPhase.Running:
      return t.podReady
        ? { phase: DataVolumePhase.UploadReady, event: normal(EventReason.UploadReady, EventMessage.uploadReady(claim)) }
        : { phase: DataVolumePhase.UploadScheduled };
    case PodPhase.Failed:
      return {
        phase: pod?.permanentFailure ? DataVolumePhase.Failed : DataVolumePhase.UploadScheduled,
        event: warning(EventReason.UploadFailed, EventMessage.uploadFailed(claim)),
      };
    case PodPhase.Succeeded:
      return { phase: DataVolumePhase.Succeeded, event: normal(EventReason.UploadSucceeded, EventMessage.uploadSucceeded(claim)) };
    default:
      return { phase: DataVolumePhase.UploadScheduled };
  }
}

function clonePhase(input: DataVolumeStatusInput, t: TransferState): OperationOutcome {
  const src = input.cloneSource ?? input.dv.spec.source?.pvc ?? { namespace: '', name: '' };
  const args = [src.namespace, src.name, input.dv.metadata.namespace ?? '', input.pvc?.metadata?.name ?? ''] as const;
  switch (t.podPhase) {
    case PodPhase.Pending:
      return { phase: DataVolumePhase.CloneScheduled, event: normal(EventReason.CloneScheduled, EventMessage.cloneScheduled(...args)) };
    case PodPhase.Running:
      return { phase: DataVolumePhase.CloneInProgress, event: normal(EventReason.CloneInProgress, EventMessage.cloneInProgress(...args)) };
    case PodPhase.Failed:
      return {
        phase: input.pod?.permanentFailure ? DataVolumePhase.Failed : DataVolumePhase.CloneScheduled,
        event: warning(EventReason.CloneFailed, EventMessage.cloneFailed(...args)),
      };
    case PodPhase.Succeeded:
      return {
        phase: DataVolumePhase.Succeeded,
        progress: ProgressDone,
        event: normal(EventReason.CloneSucceeded, EventMessage.cloneSucceeded(...args)),
      };
    default:
      return { phase: DataVolumePhase.CloneScheduled };
  }
}

/**
 * The operation's phase once the claim exists (CDI's per-controller updateStatusPhase). Until a
 * worker pod was started for a bound claim (or a populator took over), nothing changes.
 */
function operationPhase(input: DataVolumeStatusInput, t: TransferState, populated: boolean): OperationOutcome {
  const claim = input.pvc?.metadata?.name ?? '';
  const bound = input.pvc?.status?.phase === 'Bound';
  // CDI: an import has started once it has a pod; an upload once the claim is an upload target.
  const started =
    input.pod !== undefined || t.podPhase !== undefined || (input.operation === 'Upload' && readClaimAnnotations(input.pvc).uploadRequested);
  if (t.podPhase !== PodPhase.Succeeded && !input.usePopulator && (!started || !bound || populated)) return {};
  switch (input.operation) {
    case 'Import':
      return importPhase(claim, t, input.pod, readClaimAnnotations(input.pvc).currentCheckpoint !== undefined);
    case 'Upload':
      return uploadPhase(claim, t, input.pod);
    case 'Clone':
      return clonePhase(input, t);
    default:
      return {};
  }
}

function immediateBindingRequested(input: DataVolumeStatusInput): boolean {
  return readClaimAnnotations(input.pvc).immediateBinding || readDataVolumeAnnotations(input.dv).immediateBinding;
}

export function computeDataVolumeStatus(input: DataVolumeStatusInput): DataVolumeStatusResult {
  const { dv, pvc, now } = input;
  const old = dv.status ?? {};
  const oldPhase = (old.phase ?? DataVolumePhase.Unset) as DataVolumePhase;
  const oldConditions = old.conditions ?? [];
  const next: DataVolumeStatus = structuredClone(old);
  let phase = oldPhase;
  let event: DataVolumeEvent | undefined;
  const transfer = transferStateOf(input.pod, pvc);
  const claimAnn = readClaimAnnotations(pvc);
  const populated = pvc !== undefined && claimAnn.populatedFor !== undefined && claimAnn.populatedFor === dv.metadata.name;

  let conditions: DataVolumeCondition[];
  if (input.syncError) {
    phase = DataVolumePhase.Unset;
    event = warning(input.syncError.reason, input.syncError.message);
    conditions = updateBoundCondition(oldConditions, undefined, undefined, input.syncError.message, input.syncError.reason, now);
    conditions = updateReadyCondition(conditions, 'False', input.syncError.message, input.syncError.reason, now);
    conditions = updateRunningCondition(conditions, transferStateOf(undefined, undefined), now);
  } else {
    if (!pvc) {
      if (readDataVolumeAnnotations(dv).prePopulated !== undefined || oldPhase === DataVolumePhase.Unset) phase = DataVolumePhase.Pending;
    } else {
      next.claimName = pvc.metadata?.name;
      const apply = (o: OperationOutcome): void => {
        if (o.phase !== undefined) phase = o.phase;
        if (o.event) event = o.event;
        if (o.progress !== undefined) next.progress = o.progress;
      };
      if (transfer.podPhase === PodPhase.Succeeded) {
        apply(operationPhase(input, transfer, populated));
      } else {
        switch (pvc.status?.phase) {
          case 'Pending': {
            const immediate = immediateBindingRequested(input);
            if (input.usePopulator) {
              if (input.wffc && claimAnn.selectedNode === undefined && !immediate) phase = DataVolumePhase.PendingPopulation;
              else apply(operationPhase(input, transfer, populated));
            } else {
              phase = input.honorWaitForFirstConsumer && input.wffc && !immediate ? DataVolumePhase.WaitForFirstConsumer : DataVolumePhase.Pending;
            }
            break;
          }
          case 'Bound':
            if (phase === DataVolumePhase.Pending || phase === DataVolumePhase.WaitForFirstConsumer || phase === DataVolumePhase.Unknown) {
              phase = DataVolumePhase.PVCBound;
            }
            if (populated) phase = DataVolumePhase.Succeeded;
            else apply(operationPhase(input, transfer, populated));
            break;
          case 'Lost':
            phase = DataVolumePhase.Failed;
            event = warning(EventReason.ErrClaimLost, EventMessage.claimLost(pvc.metadata?.name ?? ''));
            break;
          default:
            if (pvc.status?.phase) phase = DataVolumePhase.Unknown;
        }
      }
      if (transfer.podRestarts !== undefined && transfer.podRestarts >= 0) next.restartCount = transfer.podRestarts;
      if (!next.progress) next.progress = ProgressUnknown;
      if (input.usePopulator) next.progress = claimAnn.populatorProgress ?? ProgressUnknown;
      else if (!isTerminalPhase(phase) && input.pod?.phase === PodPhase.Running && input.pod.progress !== undefined) {
        next.progress = `${input.pod.progress.toFixed(2)}%`;
      }
    }
    const ready = phase === DataVolumePhase.Succeeded ? 'True' : phase === DataVolumePhase.Unknown ? 'Unknown' : 'False';
    conditions = updateBoundCondition(oldConditions, pvc, claimAnn.bound, '', '', now);
    conditions = updateReadyCondition(conditions, ready, '', '', now);
    conditions = updateRunningCondition(conditions, transfer, now);
  }
  conditions = settleConditions(oldConditions, conditions);
  next.phase = phase;
  next.conditions = conditions;

  const changed = JSON.stringify(next) !== JSON.stringify(old);
  const events: DataVolumeEvent[] = [];
  if (changed) {
    // CDI records the operation's event only when the phase changes; a sync error every time
    // the status changes (CDI repeats it on every reconcile).
    if (event && (phase !== oldPhase || input.syncError)) events.push(event);
    events.push(...conditionEvents(dv, oldConditions, conditions, phase));
  }
  return {
    phase,
    progress: next.progress,
    restartCount: next.restartCount,
    claimName: next.claimName,
    conditions,
    status: next,
    changed,
    events,
  };
}

/** CDI's emitConditionEvent: Bound changes, and a stopped transfer's reason while not ready. */
function conditionEvents(
  dv: DataVolume, before: readonly DataVolumeCondition[], after: readonly DataVolumeCondition[], phase: DataVolumePhase,
): DataVolumeEvent[] {
  const events: DataVolumeEvent[] = [];
  const bound = findCondition(after, 'Bound');
  const oldBound = findCondition(before, 'Bound');
  if (
    bound &&
    (!oldBound || bound.status !== oldBound.status || bound.reason !== oldBound.reason || bound.message !== oldBound.message)
  ) {
    events.push(normal(bound.reason ?? '', bound.message ?? ''));
  }
  const ready = findCondition(after, 'Ready');
  const running = findCondition(after, 'Running');
  const oldRunning = findCondition(before, 'Running');
  const boundOrPopulating =
    bound?.status === 'True' || phase === DataVolumePhase.PendingPopulation || readDataVolumeAnnotations(dv).usePopulator === true;
  if (ready?.status === 'False' && running?.status === 'False' && boundOrPopulating) {
    if (running.message && (!oldRunning || oldRunning.message !== running.message)) {
      events.push(warning(running.reason ?? '', running.message));
    }
  }
  return events;
}
