// What a worker pod says about the transfer, read from its status only (the controller never
// scrapes logs): phase, restarts, the container's waiting/terminated reason, the worker's JSON
// termination message, whether it cannot be scheduled. And what of that CDI mirrors onto the
// claim (pod phase, restarts, the Running condition), so that the DataVolume's status survives
// the pod's deletion after success. Pure.
import type { V1ContainerStatus, V1Pod } from '@kubernetes/client-node';
import { ConditionReason, PodPhase, type ClaimAnnotationPatch } from '../../api/index.ts';
import type { TransferPodObservation } from '../decisions/index.ts';

/** The worker's termination message (src/workers/import/termination.ts writes it). */
export interface WorkerTermination {
  outcome?: 'Succeeded' | 'Failed';
  code?: string;
  retryable?: boolean;
  message?: string;
  preallocationApplied?: boolean;
  /** CDI's field: the worker needs a scratch volume to go on. */
  scratchSpaceRequired?: boolean;
}

/** Parses a termination message; a plain-text one (another image) becomes its message. */
export function parseWorkerTermination(text: string | undefined): WorkerTermination | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as WorkerTermination;
  } catch {
    // not JSON: fall through
  }
  return { message: text.trim() };
}

function latestTermination(status: V1ContainerStatus | undefined) {
  return status?.state?.terminated ?? status?.lastState?.terminated;
}

const podPhases = new Set<string>(Object.values(PodPhase));

export function observeWorkerPod(pod: V1Pod): TransferPodObservation & { termination?: WorkerTermination } {
  const container = pod.status?.containerStatuses?.[0];
  const terminated = latestTermination(container);
  const termination = parseWorkerTermination(terminated?.message);
  const rawPhase = pod.status?.phase ?? PodPhase.Pending;
  let phase = (podPhases.has(rawPhase) ? rawPhase : PodPhase.Unknown) as PodPhase;
  // Ferry's addition: a worker that said retrying will not help ends the transfer, even though
  // restartPolicy OnFailure would run it again.
  const permanentFailure = termination?.outcome === 'Failed' && termination.retryable === false && phase !== PodPhase.Succeeded;
  if (permanentFailure) phase = PodPhase.Failed;
  const unschedulable = pod.status?.conditions?.some(
    (c) => c.type === 'PodScheduled' && c.status === 'False' && c.reason === 'Unschedulable',
  ) ?? false;
  const observation: TransferPodObservation & { termination?: WorkerTermination } = {
    phase,
    restarts: container?.restartCount ?? 0,
    ...(container?.ready !== undefined ? { ready: container.ready } : {}),
    ...(unschedulable ? { unschedulable } : {}),
    ...(permanentFailure ? { permanentFailure } : {}),
  };
  const reason = container?.state?.waiting?.reason ?? container?.state?.terminated?.reason ?? (permanentFailure ? terminated?.reason : undefined);
  if (reason !== undefined) observation.reason = reason;
  const message = container?.state?.waiting?.message ?? container?.state?.terminated?.message;
  if (message !== undefined) observation.message = message;
  if (termination?.message !== undefined && (container?.state?.terminated || permanentFailure)) {
    observation.terminationMessage = termination.message;
  }
  if (termination) observation.termination = termination;
  return observation;
}

/** The claim annotations CDI keeps in step with the worker pod. */
export function claimMirrorOf(observation: TransferPodObservation & { termination?: WorkerTermination }): ClaimAnnotationPatch {
  const running =
    observation.phase === PodPhase.Running
      ? { status: 'True' as const, reason: ConditionReason.PodRunning, message: '' }
      : { status: 'False' as const, reason: observation.reason ?? '', message: observation.terminationMessage ?? observation.message ?? '' };
  const patch: ClaimAnnotationPatch = {
    podPhase: observation.phase,
    podRestarts: observation.restarts,
    running,
  };
  // Cleared once scheduled: a stale "false" would show Unschedulable after the pod is gone.
  patch.podSchedulable = observation.unschedulable ? false : null;
  if (observation.phase === PodPhase.Succeeded && observation.termination?.preallocationApplied) patch.preallocationApplied = true;
  return patch;
}
