// What the pod runner does next for a pod, from the containers' records and the clock (the part
// of the kubelet's computePodActions that applies here):
// 1. Init containers run one at a time, in order; the next starts only after the previous one
//    exited 0. A failed one is restarted per policy (with back-off) or, with restartPolicy Never,
//    ends the pod (no regular container starts).
// 2. Once every init container succeeded, every regular container that is not running is
//    started, restarted per restartPolicy with crash-loop back-off, or left terminated.
// 3. A container whose image is not the worker image never starts: it waits with ErrImagePull,
//    then ImagePullBackOff.
import type { V1Container, V1Pod } from '@kubernetes/client-node';
import type { ContainerRecord } from './container-record.ts';
import { imageNotRunnableMessage, isWorkerImage } from './image.ts';
import { type BackoffEntry, type CrashLoopPolicy, type RestartPolicy, crashLoopMessage, decideRestart } from './restart-decide.ts';

export type StepAction =
  | { kind: 'start'; container: V1Container; isInit: boolean; backoff?: BackoffEntry }
  | { kind: 'wait'; container: string; reason: string; message: string; wakeInMs?: number };

export interface StepInput {
  pod: V1Pod;
  records: ReadonlyMap<string, ContainerRecord>;
  nowMs: number;
  policy: CrashLoopPolicy;
  workerImage: string;
}

export interface StepPlan {
  actions: StepAction[];
  /** An init container failed for good (restartPolicy Never): the pod fails. */
  initFailed: boolean;
}

function planContainer(input: StepInput, container: V1Container, isInit: boolean): StepAction | 'running' | 'done' {
  const rec = input.records.get(container.name);
  const image = container.image ?? '';
  if (rec?.running) return 'running';
  if (!isWorkerImage(image, input.workerImage)) {
    // ErrImagePull for one back-off period, then ImagePullBackOff (the pull is never retried:
    // nothing here can make another image runnable).
    const message = imageNotRunnableMessage(image, input.workerImage);
    const w = rec?.waiting;
    const pulledFor = w?.reason === 'ErrImagePull' && w.sinceMs !== undefined ? input.nowMs - w.sinceMs : undefined;
    if (w?.reason === 'ImagePullBackOff' || (pulledFor !== undefined && pulledFor >= input.policy.initialMs)) {
      return { kind: 'wait', container: container.name, reason: 'ImagePullBackOff', message: `Back-off pulling image "${image}": ${message}` };
    }
    return { kind: 'wait', container: container.name, reason: 'ErrImagePull', message, wakeInMs: input.policy.initialMs - (pulledFor ?? 0) };
  }
  const exit = rec?.lastExit;
  if (!exit) return { kind: 'start', container, isInit };
  const pod = input.pod;
  const decision = decideRestart({
    restartPolicy: (pod.spec?.restartPolicy ?? 'Always') as RestartPolicy,
    isInit,
    exitCode: exit.exitCode,
    finishedAtMs: exit.finishedAt.getTime(),
    backoff: rec.backoff,
    nowMs: input.nowMs,
    policy: input.policy,
  });
  switch (decision.kind) {
    case 'stay-terminated':
      return 'done';
    case 'back-off': {
      const who = { name: pod.metadata?.name ?? '', namespace: pod.metadata?.namespace ?? '', uid: pod.metadata?.uid ?? '' };
      return { kind: 'wait', container: container.name, reason: 'CrashLoopBackOff', message: crashLoopMessage(decision.delayMs, container.name, who), wakeInMs: decision.waitMs };
    }
    case 'restart':
      return { kind: 'start', container, isInit, backoff: decision.backoff };
  }
}

export function planPodStep(input: StepInput): StepPlan {
  const actions: StepAction[] = [];
  for (const container of input.pod.spec?.initContainers ?? []) {
    const rec = input.records.get(container.name);
    if (rec?.lastExit?.exitCode === 0 && !rec.running) continue;
    const step = planContainer(input, container, true);
    if (step === 'running') return { actions, initFailed: false };
    if (step === 'done') return { actions, initFailed: true };
    return { actions: [step], initFailed: false };
  }
  for (const container of input.pod.spec?.containers ?? []) {
    const step = planContainer(input, container, false);
    if (step !== 'running' && step !== 'done') actions.push(step);
  }
  return { actions, initFailed: false };
}
