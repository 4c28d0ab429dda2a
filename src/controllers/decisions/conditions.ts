// DataVolume condition updates, as CDI's conditions.go makes them: a condition's
// lastTransitionTime moves only when its status changes; lastHeartbeatTime moves whenever
// anything on it changes. Functions return new arrays; inputs are never modified.

import {
  ConditionMessage, ConditionReason, DataVolumeConditionType, formatKubeTime,
  type ClaimAnnotations, type ConditionStatus, type DataVolumeCondition,
} from '../../api/index.ts';
import type { ClaimLike } from './claim.ts';

export function findCondition(
  conditions: readonly DataVolumeCondition[] | undefined,
  type: DataVolumeConditionType,
): DataVolumeCondition | undefined {
  return conditions?.find((c) => c.type === type);
}

export function updateCondition(
  conditions: readonly DataVolumeCondition[],
  type: DataVolumeConditionType,
  status: ConditionStatus,
  message: string,
  reason: string,
  now: Date,
): DataVolumeCondition[] {
  const at = formatKubeTime(now);
  const out = conditions.map((c) => ({ ...c }));
  let condition = out.find((c) => c.type === type);
  if (!condition) {
    condition = { type, status: '' as ConditionStatus };
    out.push(condition);
  }
  if (condition.status !== status) {
    condition.lastTransitionTime = at;
    condition.lastHeartbeatTime = at;
    condition.message = message;
    condition.reason = reason;
  } else if ((condition.message ?? '') !== message || (condition.reason ?? '') !== reason) {
    condition.message = message;
    condition.reason = reason;
    condition.lastHeartbeatTime = at;
  }
  condition.status = status;
  return out;
}

/** The worker-pod state CDI mirrors onto the claim and reads back for the Running condition. */
export interface TransferState {
  podPhase: string | undefined;
  podReady: boolean | undefined;
  podRestarts: number | undefined;
  podSchedulable: boolean | undefined;
  running: ClaimAnnotations['running'];
}

export function updateReadyCondition(
  conditions: readonly DataVolumeCondition[], status: ConditionStatus, message: string, reason: string, now: Date,
): DataVolumeCondition[] {
  return updateCondition(conditions, DataVolumeConditionType.Ready, status, message, reason, now);
}

export function updateRunningCondition(
  conditions: readonly DataVolumeCondition[], transfer: TransferState, now: Date,
): DataVolumeCondition[] {
  const { Running } = DataVolumeConditionType;
  if (transfer.podSchedulable === false) {
    return updateCondition(conditions, Running, 'False', ConditionMessage.podUnschedulable, ConditionReason.Unschedulable, now);
  }
  const running = transfer.running;
  if (!running) return updateCondition(conditions, Running, 'False', '', '', now);
  if (running.status === 'True') {
    const next = updateCondition(conditions, Running, 'True', running.message, running.reason, now);
    return updateReadyCondition(next, 'False', '', ConditionReason.TransferRunning, now);
  }
  return updateCondition(conditions, Running, running.status, running.message, running.reason, now);
}

/** Bound condition from the claim (CDI's updateBoundCondition), including its Ready side effects. */
export function updateBoundCondition(
  conditions: readonly DataVolumeCondition[],
  pvc: ClaimLike | undefined,
  claimBound: ClaimAnnotations['bound'],
  message: string,
  reason: string,
  now: Date,
): DataVolumeCondition[] {
  const { Bound } = DataVolumeConditionType;
  if (!pvc) {
    const next = updateCondition(conditions, Bound, 'False', message || ConditionMessage.noClaim, reason || ConditionReason.NotFound, now);
    return updateReadyCondition(next, 'False', '', '', now);
  }
  const name = pvc.metadata?.name ?? '';
  const claimOk = claimBound === undefined || claimBound.status === 'True';
  switch (pvc.status?.phase) {
    case 'Bound':
      if (claimOk) return updateCondition(conditions, Bound, 'True', ConditionMessage.claimBound(name), ConditionReason.Bound, now);
      return updateReadyCondition(
        updateCondition(conditions, Bound, 'False', claimBound.message, claimBound.reason, now), 'False', '', '', now,
      );
    case 'Pending': {
      const next = claimOk
        ? updateCondition(conditions, Bound, 'False', ConditionMessage.claimPending(name), ConditionReason.Pending, now)
        : updateCondition(conditions, Bound, 'False', `target PVC ${name} Pending and ${claimBound.message}`, claimBound.reason, now);
      return updateReadyCondition(next, 'False', '', '', now);
    }
    case 'Lost':
      return updateReadyCondition(
        updateCondition(conditions, Bound, 'False', ConditionMessage.claimLost, ConditionReason.ClaimLost, now), 'False', '', '', now,
      );
    default:
      return updateReadyCondition(updateCondition(conditions, Bound, 'False', '', '', now), 'False', '', '', now);
  }
}

/**
 * Compares the conditions a reconcile computed with the ones it started from, so that passing
 * through an intermediate value (CDI updates Ready twice per pass) is not a change: a condition
 * whose status is unchanged keeps its lastTransitionTime, and one whose status, reason and
 * message are all unchanged keeps its lastHeartbeatTime too.
 */
export function settleConditions(
  before: readonly DataVolumeCondition[],
  after: readonly DataVolumeCondition[],
): DataVolumeCondition[] {
  return after.map((c) => {
    const old = before.find((o) => o.type === c.type);
    if (!old || old.status !== c.status) return c;
    const settled = { ...c, lastTransitionTime: old.lastTransitionTime };
    if ((old.reason ?? '') === (c.reason ?? '') && (old.message ?? '') === (c.message ?? '')) {
      settled.lastHeartbeatTime = old.lastHeartbeatTime;
    }
    return settled;
  });
}
