// When a container that has exited runs again (the kubelet's restart policy and crash-loop
// back-off, pkg/kubelet/kuberuntime + client-go flowcontrol.Backoff):
// 1. Whether it restarts at all: regular containers by the pod's restartPolicy (Always: always;
//    OnFailure: on a non-zero exit; Never: no); init containers only after a failure, unless the
//    policy is Never (a successful init container is done).
// 2. When: the per-container back-off entry holds a delay and when it was last set. A container
//    that exited less than `delay` ago waits (CrashLoopBackOff); otherwise it restarts now and the
//    delay doubles (initial 10 s, at most 5 min). An entry untouched for 2 x max is forgotten, so a
//    container that has run well for 10 minutes starts over at the initial delay.

export type RestartPolicy = 'Always' | 'OnFailure' | 'Never';

export interface CrashLoopPolicy {
  initialMs: number;
  maxMs: number;
}

/** The kubelet's: 10 s doubling to 5 min. */
export const kubeletCrashLoopPolicy: CrashLoopPolicy = { initialMs: 10_000, maxMs: 300_000 };

export interface BackoffEntry {
  delayMs: number;
  lastUpdateMs: number;
}

export type RestartDecision =
  | { kind: 'stay-terminated' }
  | { kind: 'back-off'; delayMs: number; waitMs: number }
  | { kind: 'restart'; backoff: BackoffEntry };

export function shouldRestart(restartPolicy: RestartPolicy, exitCode: number, isInit: boolean): boolean {
  if (isInit) return exitCode !== 0 && restartPolicy !== 'Never';
  if (restartPolicy === 'Always') return true;
  if (restartPolicy === 'OnFailure') return exitCode !== 0;
  return false;
}

export interface RestartInput {
  restartPolicy: RestartPolicy;
  isInit: boolean;
  exitCode: number;
  finishedAtMs: number;
  backoff: BackoffEntry | undefined;
  nowMs: number;
  policy: CrashLoopPolicy;
}

export function decideRestart(input: RestartInput): RestartDecision {
  if (!shouldRestart(input.restartPolicy, input.exitCode, input.isInit)) return { kind: 'stay-terminated' };
  const { backoff, nowMs, policy } = input;
  const expired = backoff !== undefined && nowMs - backoff.lastUpdateMs > 2 * policy.maxMs;
  if (backoff && !expired) {
    const sinceExit = nowMs - input.finishedAtMs;
    if (sinceExit < backoff.delayMs) return { kind: 'back-off', delayMs: backoff.delayMs, waitMs: backoff.delayMs - sinceExit };
  }
  const delayMs = !backoff || expired ? policy.initialMs : Math.min(backoff.delayMs * 2, policy.maxMs);
  return { kind: 'restart', backoff: { delayMs, lastUpdateMs: nowMs } };
}

/** A duration as Go's time.Duration prints it: `10s`, `1m20s`, `5m0s`, `500ms`. */
export function goDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  const totalSeconds = ms / 1000;
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = Math.round((totalSeconds % 60) * 1000) / 1000;
  if (hours > 0) return `${hours}h${minutes}m${seconds}s`;
  if (minutes > 0) return `${minutes}m${seconds}s`;
  return `${seconds}s`;
}

/** The CrashLoopBackOff waiting message, as the kubelet writes it. */
export function crashLoopMessage(delayMs: number, container: string, pod: { name: string; namespace: string; uid: string }): string {
  return `back-off ${goDuration(delayMs)} restarting failed container=${container} pod=${pod.name}_${pod.namespace}(${pod.uid})`;
}
