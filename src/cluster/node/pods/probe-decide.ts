// Readiness from probe results, as the kubelet's prober worker: a container starts unready; it
// becomes ready after `successThreshold` consecutive successes and unready after
// `failureThreshold` consecutive failures. Results before `initialDelaySeconds` are not taken.

export interface ProbeThresholds {
  initialDelayMs: number;
  periodMs: number;
  timeoutMs: number;
  successThreshold: number;
  failureThreshold: number;
}

export interface ProbeState {
  ready: boolean;
  successes: number;
  failures: number;
}

export const initialProbeState: ProbeState = { ready: false, successes: 0, failures: 0 };

/** The defaults of core/v1 Probe (periodSeconds 10, timeoutSeconds 1, thresholds 1 and 3). */
export function probeThresholds(probe: {
  initialDelaySeconds?: number;
  periodSeconds?: number;
  timeoutSeconds?: number;
  successThreshold?: number;
  failureThreshold?: number;
}): ProbeThresholds {
  return {
    initialDelayMs: (probe.initialDelaySeconds ?? 0) * 1000,
    periodMs: Math.max(1, probe.periodSeconds ?? 10) * 1000,
    timeoutMs: Math.max(1, probe.timeoutSeconds ?? 1) * 1000,
    successThreshold: Math.max(1, probe.successThreshold ?? 1),
    failureThreshold: Math.max(1, probe.failureThreshold ?? 3),
  };
}

export function nextProbeState(state: ProbeState, success: boolean, t: ProbeThresholds): ProbeState {
  if (success) {
    const successes = state.successes + 1;
    return { ready: state.ready || successes >= t.successThreshold, successes, failures: 0 };
  }
  const failures = state.failures + 1;
  return { ready: state.ready && failures < t.failureThreshold, successes: 0, failures };
}
