// decideImporterPod: what an importer pod's status means for the import, and what to do about
// the pod. Read from the pod's status and the worker's JSON termination message only (the
// controller never scrapes logs). Pure.
//
// Contract with the worker (src/workers/import): it ends with a termination message
// { outcome, code?, retryable?, message, ... }. A failure that will not heal (404, 401/403,
// checksum mismatch, unsafe or too large image ...) says retryable: false and EXITS 0, so that
// restartPolicy OnFailure does not run it again (an exit code other than 0 restarts the
// container at once, before any controller could stop it); a transient failure exits non-zero
// and the kubelet restarts it with back-off, and the new run resumes with Range requests.
// A worker that exits non-zero with retryable: false (an older worker) is handled the same way,
// except that the kubelet may have restarted it once before the pod is deleted.
//
// Outcomes (first that applies):
// 0. The latest run said scratch space is required (CDI's scratchSpaceRequired) -> NeedsScratch:
//    the claim is marked requiresScratch, the pod deleted (even when retained: it did nothing),
//    and the next pod gets a scratch claim. The Running condition says why, as CDI's does.
// 0b. The latest run was OOMKilled and the pod did not already convert with direct I/O ->
//    NeedsDirectIO: the claim is marked requiresDirectIo, the pod deleted, and the next pod gets
//    CACHE_MODE=TRYNONE (qemu-img cache=none keeps the page cache out of the memory limit), as
//    CDI does. An OOM with direct I/O already on is an ordinary failed run (Retrying).
// 1. The latest run ended Failed with a code that will not heal -> FailedForGood: the DataVolume
//    Failed, with a reason per code (reasons.ts) and a message saying what to do; the pod is
//    deleted unless retainAfterCompletion asks to keep it. Never restarted by the controller.
// 2. Pod Succeeded (its worker said Succeeded, or said nothing) -> Succeeded; the pod is deleted
//    unless retained.
// 3. Pod Failed (evicted, node lost ...), or Succeeded with a failure that may heal -> PodLost:
//    the pod is deleted and the next reconcile starts a new one, which resumes the import.
// 4. Pod Running with its container waiting or terminated after a failed run -> Retrying (CDI
//    mirrors this as pod phase Failed; the DataVolume shows the restarts and the last error).
// 5. Pod Running -> Running (progress is read from its metrics endpoint).
// 6. Otherwise -> Pending (scheduling, pulling the image, creating the container).
import type { V1ContainerStatus, V1Pod } from '@kubernetes/client-node';
import {
  CacheModeTryNone, ConditionMessage, ConditionReason, ImporterEnv, PodPhase, type ClaimAnnotationPatch, type ClaimAnnotations,
} from '../../api/index.ts';
import { claimMirrorOf, parseWorkerTermination, type WorkerTermination } from '../datavolume/observe-pod.ts';
import type { TransferPodObservation } from '../decisions/index.ts';
import { explainImportFailure, isImportFailureReason, terminalFailureCodes } from './reasons.ts';

export type ImporterPodOutcome = 'Pending' | 'Running' | 'Retrying' | 'Succeeded' | 'FailedForGood' | 'PodLost' | 'NeedsScratch' | 'NeedsDirectIO';

export interface ImporterPodDecision {
  outcome: ImporterPodOutcome;
  /** What computeDataVolumeStatus reads. */
  observation: TransferPodObservation;
  /** The claim's mirror of the pod (CDI's storage.pod.* and Running condition annotations). */
  claimMirror: ClaimAnnotationPatch;
  deletePod: boolean;
  /** The worker's termination message of its latest run, if any. */
  termination?: WorkerTermination;
}

/** Whether a termination message says the import failed in a way retrying will not fix. */
export function isTerminalFailure(termination: WorkerTermination | undefined): boolean {
  if (termination?.outcome !== 'Failed') return false;
  if (termination.retryable !== undefined) return !termination.retryable;
  return termination.code !== undefined && terminalFailureCodes.has(termination.code);
}

const podPhases = new Set<string>(Object.values(PodPhase));

function unschedulable(pod: V1Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'PodScheduled' && c.status === 'False' && c.reason === 'Unschedulable') ?? false;
}

function latestRun(container: V1ContainerStatus | undefined) {
  return container?.state?.terminated ?? (container?.state?.running ? undefined : container?.lastState?.terminated);
}

function decide(outcome: ImporterPodOutcome, observation: TransferPodObservation, deletePod: boolean, termination: WorkerTermination | undefined): ImporterPodDecision {
  return {
    outcome,
    observation,
    claimMirror: claimMirrorOf(termination ? { ...observation, termination } : observation),
    deletePod,
    ...(termination ? { termination } : {}),
  };
}

export function decideImporterPod(pod: V1Pod, retainAfterCompletion: boolean): ImporterPodDecision {
  const container = pod.status?.containerStatuses?.[0];
  const run = latestRun(container);
  const termination = parseWorkerTermination(run?.message);
  const restarts = container?.restartCount ?? 0;
  const rawPhase = pod.status?.phase ?? PodPhase.Pending;
  const phase = (podPhases.has(rawPhase) ? rawPhase : PodPhase.Unknown) as PodPhase;

  if (run && termination?.scratchSpaceRequired === true) {
    // CDI keeps the mirrored pod phase as it was, so that the pod's clean exit is not taken for
    // a finished import.
    const observation: TransferPodObservation = {
      phase: PodPhase.Pending, restarts, reason: ConditionReason.ScratchSpaceRequired, message: ConditionMessage.scratchSpaceRequired,
    };
    const decision = decide('NeedsScratch', observation, true, termination);
    decision.claimMirror = { ...decision.claimMirror, requiresScratch: true };
    return decision;
  }
  const directIo = pod.spec?.containers[0]?.env?.some((e) => e.name === ImporterEnv.CacheMode && e.value === CacheModeTryNone) ?? false;
  if (run?.reason === ConditionReason.OOMKilled && !directIo) {
    const observation: TransferPodObservation = { phase: PodPhase.Pending, restarts, reason: ConditionReason.OOMKilled, message: ConditionMessage.retryingWithDirectIo };
    const decision = decide('NeedsDirectIO', observation, true, termination);
    decision.claimMirror = { ...decision.claimMirror, requiresDirectIo: true };
    return decision;
  }
  if (run && isTerminalFailure(termination)) {
    const { reason, message } = explainImportFailure(termination?.code, termination?.message);
    return decide('FailedForGood', { phase: PodPhase.Failed, restarts, permanentFailure: true, reason, message, terminationMessage: message }, !retainAfterCompletion, termination);
  }
  if (phase === PodPhase.Succeeded && termination?.outcome === 'Failed') {
    // Exit 0 with a failure that may heal is not a contract this worker has: start afresh.
    const observation: TransferPodObservation = { phase: PodPhase.Failed, restarts, reason: run?.reason ?? 'Error' };
    if (termination.message !== undefined) observation.terminationMessage = termination.message;
    return decide('PodLost', observation, true, termination);
  }
  if (phase === PodPhase.Succeeded) {
    const observation: TransferPodObservation = { phase, restarts, reason: run?.reason ?? 'Completed' };
    if (termination?.message !== undefined) observation.terminationMessage = termination.message;
    return decide('Succeeded', observation, !retainAfterCompletion, termination);
  }
  if (phase === PodPhase.Failed) {
    const observation: TransferPodObservation = { phase, restarts, reason: pod.status?.reason ?? run?.reason ?? 'Error' };
    const message = pod.status?.message ?? termination?.message;
    if (message !== undefined) observation.terminationMessage = message;
    return decide('PodLost', observation, true, termination);
  }
  if (phase === PodPhase.Running && (container?.state?.waiting || container?.state?.terminated)) {
    // Between a failed run and the next: CDI's "pod phase Failed" while the kubelet backs off.
    const observation: TransferPodObservation = {
      phase: PodPhase.Failed,
      restarts,
      reason: container.state.waiting?.reason ?? container.state.terminated?.reason ?? 'Error',
    };
    const message = termination?.message ?? container.state.waiting?.message;
    if (message !== undefined) observation.terminationMessage = message;
    return decide('Retrying', observation, false, termination);
  }
  if (phase === PodPhase.Running) return decide('Running', { phase, restarts }, false, termination);

  const observation: TransferPodObservation = { phase: PodPhase.Pending, restarts };
  const waiting = container?.state?.waiting;
  if (waiting?.reason !== undefined) observation.reason = waiting.reason;
  if (waiting?.message !== undefined) observation.message = waiting.message;
  if (unschedulable(pod)) observation.unschedulable = true;
  return decide('Pending', observation, false, termination);
}

/**
 * After a pod that failed for good was deleted, the claim's mirror is all that is left of it:
 * the pod phase Failed with one of the import failure reasons. That keeps the DataVolume Failed
 * and keeps the controller from starting a new pod. Pure.
 */
export function failedForGoodFromClaim(claim: ClaimAnnotations): TransferPodObservation | undefined {
  if (claim.podPhase !== PodPhase.Failed || !isImportFailureReason(claim.running?.reason)) return undefined;
  const message = claim.running?.message ?? '';
  return {
    phase: PodPhase.Failed,
    restarts: claim.podRestarts ?? 0,
    permanentFailure: true,
    reason: claim.running?.reason ?? '',
    message,
    terminationMessage: message,
  };
}
