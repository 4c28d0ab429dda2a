// The pod status the kubelet writes, computed from the runtime's container records (as the
// kubelet's generateAPIPodStatus / getPhase / status.Generate*Condition do):
// 1. containerStatuses (sorted by name) and initContainerStatuses (in spec order) from records;
// 2. the phase from those statuses (getPhase), a terminal phase never changing again;
// 3. conditions: the kubelet owns PodReadyToStartContainers, Initialized, Ready, ContainersReady
//    and PodScheduled; others already on the pod are kept. A condition whose status did not change
//    keeps its lastTransitionTime.
import type { V1Pod } from '@kubernetes/client-node';
import type { ContainerRecord, TerminatedRecord } from './container-record.ts';
import { imageIdFor } from './image.ts';

export type PodPhase = 'Pending' | 'Running' | 'Succeeded' | 'Failed';

// The status is built as wire JSON (RFC 3339 strings, not Dates): it is sent as a merge patch and
// compared with what the server holds, which arrives as strings from watches and Dates from lists.
export interface TerminatedJson {
  exitCode: number;
  reason: string;
  message?: string;
  startedAt: string;
  finishedAt: string;
  containerID: string;
}

export interface ContainerStateJson {
  waiting?: { reason: string; message?: string };
  running?: { startedAt: string };
  terminated?: TerminatedJson;
}

export interface ContainerStatusJson {
  name: string;
  image: string;
  imageID: string;
  containerID?: string;
  ready: boolean;
  started: boolean;
  restartCount: number;
  state: ContainerStateJson;
  lastState: ContainerStateJson;
}

export interface PodConditionJson {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  lastProbeTime?: null;
}

export interface PodStatusJson {
  phase: PodPhase;
  conditions: PodConditionJson[];
  hostIP: string;
  hostIPs: { ip: string }[];
  podIP?: string;
  podIPs?: { ip: string }[];
  startTime: string;
  containerStatuses: ContainerStatusJson[];
  initContainerStatuses?: ContainerStatusJson[];
  qosClass?: string;
}

/** RFC 3339 at seconds precision, as the API server stores metav1.Time. */
export function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A time field as read back (Date from a list, string from a watch) in rfc3339 form. */
export function timeString(v: unknown): string | undefined {
  if (v instanceof Date) return rfc3339(v);
  if (typeof v === 'string' && v) return rfc3339(new Date(v));
  return undefined;
}

const kubeletConditions = new Set(['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled']);

function terminated(t: TerminatedRecord): TerminatedJson {
  return {
    exitCode: t.exitCode,
    reason: t.reason,
    ...(t.message ? { message: t.message } : {}),
    startedAt: rfc3339(t.startedAt),
    finishedAt: rfc3339(t.finishedAt),
    containerID: t.containerID,
  };
}

/** One ContainerStatus from a record; `initPending` says regular containers still wait for init. */
export function containerStatusFor(rec: ContainerRecord | undefined, name: string, image: string, initPending: boolean): ContainerStatusJson {
  const hasRun = Boolean(rec?.running || rec?.lastExit);
  const base = { name, image, imageID: hasRun ? imageIdFor(image) : '', restartCount: rec?.restartCount ?? 0 };
  if (rec?.running) {
    return {
      ...base,
      containerID: rec.running.containerID,
      ready: rec.ready,
      started: true,
      state: { running: { startedAt: rfc3339(rec.running.startedAt) } },
      lastState: rec.lastExit ? { terminated: terminated(rec.lastExit) } : {},
    };
  }
  if (rec?.waiting) {
    return {
      ...base,
      ...(rec.lastExit ? { containerID: rec.lastExit.containerID } : {}),
      ready: false,
      started: false,
      state: { waiting: { reason: rec.waiting.reason, ...(rec.waiting.message ? { message: rec.waiting.message } : {}) } },
      lastState: rec.lastExit ? { terminated: terminated(rec.lastExit) } : {},
    };
  }
  if (rec?.lastExit) {
    return {
      ...base,
      containerID: rec.lastExit.containerID,
      ready: rec.isInit && rec.lastExit.exitCode === 0,
      started: false,
      state: { terminated: terminated(rec.lastExit) },
      lastState: rec.previousExit ? { terminated: terminated(rec.previousExit) } : {},
    };
  }
  const reason = !rec?.isInit && initPending ? 'PodInitializing' : 'ContainerCreating';
  return { ...base, ready: false, started: false, state: { waiting: { reason } }, lastState: {} };
}

/** getPhase (pkg/kubelet/kubelet_pods.go), without sidecars (restartable init containers). */
export function podPhase(pod: V1Pod, init: ContainerStatusJson[], regular: ContainerStatusJson[], podIsTerminal: boolean): PodPhase {
  const policy = pod.spec?.restartPolicy ?? 'Always';
  let pendingInitialization = 0;
  let failedInitialization = 0;
  for (const c of pod.spec?.initContainers ?? []) {
    const s = init.find((x) => x.name === c.name);
    if (!s || s.state?.running) pendingInitialization++;
    else if (s.state?.terminated) {
      if (s.state.terminated.exitCode !== 0) failedInitialization++;
    } else if (s.state?.waiting) {
      if (s.lastState?.terminated) {
        if (s.lastState.terminated.exitCode !== 0) failedInitialization++;
      } else pendingInitialization++;
    } else pendingInitialization++;
  }
  let unknown = 0;
  let running = 0;
  let waiting = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const c of pod.spec?.containers ?? []) {
    const s = regular.find((x) => x.name === c.name);
    if (!s) unknown++;
    else if (s.state?.running) running++;
    else if (s.state?.terminated) {
      stopped++;
      if (s.state.terminated.exitCode === 0) succeeded++;
    } else if (s.state?.waiting) {
      if (s.lastState?.terminated) stopped++;
      else waiting++;
    } else unknown++;
  }
  if (failedInitialization > 0 && policy === 'Never') return 'Failed';
  const anyRegularStarted = regular.some((s) => s.state?.running || s.state?.terminated || s.lastState?.terminated);
  if ((pendingInitialization > 0 && !anyRegularStarted) || waiting > 0) return 'Pending';
  if (running > 0 && unknown === 0) return 'Running';
  if (running === 0 && stopped > 0 && unknown === 0) {
    if (podIsTerminal) return stopped === succeeded ? 'Succeeded' : 'Failed';
    if (policy === 'Always') return 'Running';
    if (stopped === succeeded) return 'Succeeded';
    if (policy === 'Never') return 'Failed';
    return 'Running';
  }
  return 'Pending';
}

interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
}

const list = (names: string[]) => `[${names.join(' ')}]`;

export function containersReadyCondition(pod: V1Pod, regular: ContainerStatusJson[], phase: PodPhase): Condition {
  const unknown: string[] = [];
  const unready: string[] = [];
  for (const c of pod.spec?.containers ?? []) {
    const s = regular.find((x) => x.name === c.name);
    if (!s) unknown.push(c.name);
    else if (!s.ready) unready.push(c.name);
  }
  if (phase === 'Succeeded' && unknown.length === 0) return { type: 'ContainersReady', status: 'False', reason: 'PodCompleted' };
  if (phase === 'Failed') return { type: 'ContainersReady', status: 'False', reason: 'PodFailed' };
  const messages: string[] = [];
  if (unknown.length) messages.push(`containers with unknown status: ${list(unknown)}`);
  if (unready.length) messages.push(`containers with unready status: ${list(unready)}`);
  if (messages.length) return { type: 'ContainersReady', status: 'False', reason: 'ContainersNotReady', message: messages.join(', ') };
  return { type: 'ContainersReady', status: 'True' };
}

export function initializedCondition(pod: V1Pod, init: ContainerStatusJson[], phase: PodPhase): Condition {
  const unknown: string[] = [];
  const unready: string[] = [];
  for (const c of pod.spec?.initContainers ?? []) {
    const s = init.find((x) => x.name === c.name);
    if (!s) unknown.push(c.name);
    else if (!s.ready) unready.push(c.name);
  }
  if (phase === 'Succeeded' && unknown.length === 0) return { type: 'Initialized', status: 'True', reason: 'PodCompleted' };
  const messages: string[] = [];
  if (unknown.length) messages.push(`containers with unknown status: ${list(unknown)}`);
  if (unready.length) messages.push(`containers with incomplete status: ${list(unready)}`);
  if (messages.length) return { type: 'Initialized', status: 'False', reason: 'ContainersNotInitialized', message: messages.join(', ') };
  return { type: 'Initialized', status: 'True' };
}

interface OldCondition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: unknown;
}

function withTransitionTime(c: Condition, old: OldCondition[] | undefined, now: Date): PodConditionJson {
  const previous = old?.find((o) => o.type === c.type);
  const kept = previous && previous.status === c.status ? timeString(previous.lastTransitionTime) : undefined;
  return { ...c, lastProbeTime: null, lastTransitionTime: kept ?? rfc3339(now) };
}

export interface PodStatusInput {
  pod: V1Pod;
  records: ReadonlyMap<string, ContainerRecord>;
  podIP: string | undefined;
  hostIP: string;
  startTime: Date;
  now: Date;
  /** True once the pod is being torn down: no container will run again. */
  podIsTerminal: boolean;
}

export function computePodStatus(input: PodStatusInput): PodStatusJson {
  const { pod, records } = input;
  const initSpecs = pod.spec?.initContainers ?? [];
  const initStatuses = initSpecs.map((c) => containerStatusFor(records.get(c.name), c.name, c.image ?? '', false));
  const initPending = initStatuses.some((s) => !s.ready);
  const regular = (pod.spec?.containers ?? [])
    .map((c) => containerStatusFor(records.get(c.name), c.name, c.image ?? '', initPending))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const old = pod.status as { phase?: string; qosClass?: string; conditions?: OldCondition[] } | undefined;
  let phase = podPhase(pod, initStatuses, regular, input.podIsTerminal);
  if (old?.phase === 'Succeeded' || old?.phase === 'Failed') phase = old.phase;
  const containersReady = containersReadyCondition(pod, regular, phase);
  const ready: Condition = { ...containersReady, type: 'Ready' };
  const sandboxReady: Condition = { type: 'PodReadyToStartContainers', status: input.podIP && phase !== 'Succeeded' && phase !== 'Failed' ? 'True' : 'False' };
  const kubelet: Condition[] = [sandboxReady, initializedCondition(pod, initStatuses, phase), ready, containersReady, { type: 'PodScheduled', status: 'True' }];
  const kept = (old?.conditions ?? []).filter((c) => !kubeletConditions.has(c.type ?? ''));
  const scheduled = old?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'True');
  const conditions: PodConditionJson[] = [
    ...kept.map((c) => ({ ...(c as PodConditionJson), lastTransitionTime: timeString(c.lastTransitionTime) ?? rfc3339(input.now) })),
    ...kubelet.map((c) =>
      c.type === 'PodScheduled' && scheduled
        ? { ...(scheduled as PodConditionJson), lastTransitionTime: timeString(scheduled.lastTransitionTime) ?? rfc3339(input.now) }
        : withTransitionTime(c, old?.conditions, input.now),
    ),
  ];
  const status: PodStatusJson = {
    phase,
    conditions,
    hostIP: input.hostIP,
    hostIPs: [{ ip: input.hostIP }],
    startTime: rfc3339(input.startTime),
    containerStatuses: regular,
    ...(old?.qosClass ? { qosClass: old.qosClass } : {}),
  };
  if (input.podIP) {
    status.podIP = input.podIP;
    status.podIPs = [{ ip: input.podIP }];
  }
  if (initSpecs.length > 0) status.initContainerStatuses = initStatuses;
  return status;
}
