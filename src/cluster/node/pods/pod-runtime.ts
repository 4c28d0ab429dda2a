// One pod on this node: its containers' processes and records. The kubelet (kubelet.ts) calls
// step() whenever the pod or one of its containers changed; step() carries out planPodStep's
// actions (start, wait) and says when it wants to be called again. Constructors do no I/O.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { V1Container, V1Pod } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { parseQuantity } from '../../../api/quantity.ts';
import { resolveArgv } from './argv.ts';
import { type ContainerRecord, containerIdFor, newContainerRecord } from './container-record.ts';
import { type EnvSources, envReferences, resolveEnv } from './env.ts';
import { buildPathMap, pathMapEnv, podIpEnv } from './path-map.ts';
import { type PodIdentity, containerDir, containerLogPath, pidFilePath, podDir, terminationLogPath } from './pod-paths.ts';
import { planPodStep } from './pod-step-decide.ts';
import { initialProbeState, nextProbeState, probeThresholds } from './probe-decide.ts';
import type { ProcessLauncher } from './launcher.ts';
import { ContainerProcess, type ContainerProcessSpec } from './process.ts';
import { runProbe } from './probes.ts';
import type { CrashLoopPolicy } from './restart-decide.ts';
import { type PodStatusJson, computePodStatus, timeString } from './status-decide.ts';
import { type VolumeReaders, setUpPodVolumes } from './volumes.ts';
import { writePidFile } from './orphans.ts';

export interface PodRuntimeDeps {
  stateDir: string;
  workerImage: string;
  hostIP: string;
  crashLoop: CrashLoopPolicy;
  /** The Node binary that runs `node` and `ferry` commands. */
  execPath: string;
  readers: VolumeReaders;
  /** Called when something the status shows changed outside step() (an exit, a probe). */
  onChange: () => void;
  /** Records an event about the pod (Started, BackOff, Failed), as the kubelet's recorder does. */
  onEvent?: (type: 'Normal' | 'Warning', reason: string, message: string) => void;
  logger?: Logger;
  memoryPollMs?: number;
  /** Starts the containers' processes from a small process of its own (launcher.ts); without it, from this one. */
  launcher?: ProcessLauncher;
}

export const agentRestartMessage = "the node agent restarted and the container's process ended with it";

export function podIdentity(pod: V1Pod): PodIdentity {
  return { namespace: pod.metadata?.namespace ?? '', name: pod.metadata?.name ?? '', uid: pod.metadata?.uid ?? '' };
}

interface StatusContainer {
  name?: string;
  restartCount?: number;
  state?: { running?: { startedAt?: unknown }; terminated?: TerminatedLike; waiting?: unknown };
  lastState?: { terminated?: TerminatedLike };
  containerID?: string;
}
interface TerminatedLike {
  exitCode?: number;
  reason?: string;
  message?: string;
  startedAt?: unknown;
  finishedAt?: unknown;
  containerID?: string;
}

function terminatedFrom(t: TerminatedLike | undefined, fallbackId: string | undefined): ContainerRecord['lastExit'] {
  if (!t) return undefined;
  const started = timeString(t.startedAt);
  const finished = timeString(t.finishedAt);
  return {
    exitCode: t.exitCode ?? 0,
    reason: t.reason ?? (t.exitCode ? 'Error' : 'Completed'),
    message: t.message ?? '',
    startedAt: started ? new Date(started) : new Date(0),
    finishedAt: finished ? new Date(finished) : new Date(0),
    containerID: t.containerID ?? fallbackId ?? '',
  };
}

export class PodRuntime {
  readonly id: PodIdentity;
  readonly podIP: string;
  readonly startTime: Date;
  readonly records = new Map<string, ContainerRecord>();
  readonly #deps: PodRuntimeDeps;
  readonly #processes = new Map<string, ContainerProcess>();
  readonly #probeTimers = new Map<string, NodeJS.Timeout>();
  #stopping = false;

  constructor(pod: V1Pod, podIP: string, deps: PodRuntimeDeps) {
    this.id = podIdentity(pod);
    this.podIP = podIP;
    this.#deps = deps;
    const started = timeString(pod.status?.startTime);
    this.startTime = started ? new Date(started) : new Date();
    for (const c of pod.spec?.initContainers ?? []) this.records.set(c.name, newContainerRecord(c.name, c.image ?? '', true));
    for (const c of pod.spec?.containers ?? []) this.records.set(c.name, newContainerRecord(c.name, c.image ?? '', false));
  }

  get dir(): string {
    return podDir(this.#deps.stateDir, this.id);
  }

  /**
   * Takes over the container states a previous agent wrote (after a restart of the agent): the
   * restart counts, the terminations, and for a container that was running, a termination now
   * (its process ended with that agent), so the restart policy decides what happens next.
   */
  restoreFromStatus(pod: V1Pod, now: Date): void {
    const statuses = [...((pod.status?.initContainerStatuses ?? []) as StatusContainer[]), ...((pod.status?.containerStatuses ?? []) as StatusContainer[])];
    for (const cs of statuses) {
      const rec = cs.name ? this.records.get(cs.name) : undefined;
      if (!rec) continue;
      rec.restartCount = cs.restartCount ?? 0;
      if (cs.state?.running) {
        const started = timeString(cs.state.running.startedAt);
        rec.lastExit = { exitCode: 137, reason: 'Error', message: agentRestartMessage, startedAt: started ? new Date(started) : now, finishedAt: now, containerID: cs.containerID ?? '' };
        rec.previousExit = terminatedFrom(cs.lastState?.terminated, undefined);
      } else if (cs.state?.terminated) {
        rec.lastExit = terminatedFrom(cs.state.terminated, cs.containerID);
        rec.previousExit = terminatedFrom(cs.lastState?.terminated, undefined);
      } else if (cs.lastState?.terminated) {
        rec.lastExit = terminatedFrom(cs.lastState.terminated, cs.containerID);
      }
    }
  }

  status(pod: V1Pod, now: Date, podIsTerminal: boolean): PodStatusJson {
    return computePodStatus({ pod, records: this.records, podIP: this.podIP, hostIP: this.#deps.hostIP, startTime: this.startTime, now, podIsTerminal });
  }

  isRunning(container: string): boolean {
    return this.records.get(container)?.running !== undefined;
  }

  anyRunning(): boolean {
    return [...this.records.values()].some((r) => r.running);
  }

  /** Carries out the next actions; returns in how many ms it wants to run again, if at all. */
  async step(pod: V1Pod, nowMs: number): Promise<number | undefined> {
    if (this.#stopping) return undefined;
    const plan = planPodStep({ pod, records: this.records, nowMs, policy: this.#deps.crashLoop, workerImage: this.#deps.workerImage });
    let wake: number | undefined;
    const wakeIn = (ms: number | undefined) => {
      if (ms !== undefined) wake = wake === undefined ? ms : Math.min(wake, ms);
    };
    for (const action of plan.actions) {
      const rec = this.records.get(action.kind === 'wait' ? action.container : action.container.name);
      if (!rec) continue;
      if (action.kind === 'wait') {
        if (rec.waiting?.reason !== action.reason || rec.waiting.message !== action.message) this.#eventForWait(action.container, action.reason, action.message, rec.image);
        const sinceMs = rec.waiting?.reason === action.reason ? (rec.waiting.sinceMs ?? nowMs) : nowMs;
        rec.waiting = { reason: action.reason, message: action.message, sinceMs };
        wakeIn(action.wakeInMs);
        continue;
      }
      const failure = await this.#start(pod, action.container, rec);
      if (failure) {
        if (rec.waiting?.message !== failure.message) this.#deps.onEvent?.('Warning', failure.reason === 'ContainerCreating' ? 'FailedMount' : 'Failed', failure.reason === 'ContainerCreating' ? failure.message : `Error: ${failure.message}`);
        rec.waiting = failure;
        wakeIn(this.#deps.crashLoop.initialMs);
      } else if (action.backoff) {
        rec.backoff = action.backoff;
      }
    }
    return wake;
  }

  #eventForWait(container: string, reason: string, message: string, image: string): void {
    const emit = this.#deps.onEvent;
    if (!emit) return;
    if (reason === 'CrashLoopBackOff') emit('Warning', 'BackOff', `Back-off restarting failed container ${container} in pod ${this.id.name}_${this.id.namespace}(${this.id.uid})`);
    else if (reason === 'ErrImagePull') {
      emit('Warning', 'Failed', `Failed to pull image "${image}": ${message}`);
      emit('Warning', 'Failed', 'Error: ErrImagePull');
    } else if (reason === 'ImagePullBackOff') emit('Normal', 'BackOff', `Back-off pulling image "${image}"`);
  }

  async #envSources(container: V1Container): Promise<EnvSources> {
    const refs = envReferences(container);
    const secrets = new Map<string, Record<string, string> | undefined>();
    const configMaps = new Map<string, Record<string, string> | undefined>();
    for (const name of refs.secrets) secrets.set(name, await this.#deps.readers.secret(name));
    for (const name of refs.configMaps) configMaps.set(name, await this.#deps.readers.configMap(name));
    return { secrets, configMaps };
  }

  /** Starts one container; returns why it waits instead, if it could not start. */
  async #start(pod: V1Pod, container: V1Container, rec: ContainerRecord): Promise<{ reason: string; message: string } | undefined> {
    const volumes = await setUpPodVolumes(pod, this.dir, this.#deps.stateDir, this.#deps.readers);
    if (!volumes.ok) return { reason: 'ContainerCreating', message: volumes.message };
    const env = resolveEnv({ pod, container, sources: await this.#envSources(container), podIP: this.podIP, hostIP: this.#deps.hostIP });
    if (!env.ok) return { reason: 'CreateContainerConfigError', message: env.message };
    const restart = rec.lastExit ? rec.restartCount + 1 : rec.restartCount;
    const dir = containerDir(this.#deps.stateDir, this.id, container.name);
    await mkdir(dir, { recursive: true });
    const terminationFile = terminationLogPath(this.#deps.stateDir, this.id, container.name, restart);
    await writeFile(terminationFile, '');
    const pathMap = buildPathMap(container, volumes.hostPaths, terminationFile);
    if (!pathMap.ok) return { reason: 'ContainerCreating', message: pathMap.message };
    const fullEnv: Record<string, string> = {
      PATH: process.env['PATH'] ?? '/usr/local/bin:/usr/bin:/bin',
      HOSTNAME: this.id.name,
      HOME: dir,
      // Part of the "image" here, as ENV in a Containerfile: Node's code cache shared by every
      // worker of the node, so that a worker skips type stripping and compiling (a third of its
      // start-up).
      NODE_COMPILE_CACHE: join(this.#deps.stateDir, 'compile-cache'),
      ...env.env,
      [pathMapEnv]: JSON.stringify(pathMap.map),
      [podIpEnv]: this.podIP,
    };
    const argv = resolveArgv({ command: container.command, args: container.args, env: fullEnv, execPath: this.#deps.execPath });
    const memory = container.resources?.limits?.['memory'];
    const memoryLimitBytes = memory !== undefined ? Number(parseQuantity(String(memory)) ?? 0n) : undefined;
    const cwd = (container.workingDir && pathMap.map[container.workingDir]) || dir;
    const spec: ContainerProcessSpec = {
      argv,
      env: fullEnv,
      cwd,
      logPath: containerLogPath(this.#deps.stateDir, this.id, container.name, restart),
      terminationMessagePath: terminationFile,
      terminationMessagePolicy: container.terminationMessagePolicy === 'FallbackToLogsOnError' ? 'FallbackToLogsOnError' : 'File',
      ...(memoryLimitBytes ? { memoryLimitBytes } : {}),
      ...(this.#deps.memoryPollMs ? { memoryPollMs: this.#deps.memoryPollMs } : {}),
    };
    const proc = this.#deps.launcher ? await ContainerProcess.launch(spec, this.#deps.launcher) : ContainerProcess.start(spec);
    rec.restartCount = restart;
    rec.running = { pid: proc.pid, containerID: containerIdFor(proc.pid), startedAt: proc.startedAt };
    rec.waiting = undefined;
    rec.ready = !container.readinessProbe;
    this.#processes.set(container.name, proc);
    this.#deps.logger?.info({ pod: `${this.id.namespace}/${this.id.name}`, container: container.name, pid: proc.pid, restart }, 'container started');
    this.#deps.onEvent?.('Normal', 'Started', `Started container ${container.name}`);
    await writePidFile(pidFilePath(this.#deps.stateDir, this.id, container.name), proc.pid).catch(() => undefined);
    const containerID = rec.running.containerID;
    void proc.exited.then((exit) => {
      if (this.#processes.get(container.name) === proc) this.#processes.delete(container.name);
      this.#stopProbe(container.name);
      rec.running = undefined;
      rec.ready = false;
      rec.previousExit = rec.lastExit;
      rec.lastExit = { exitCode: exit.exitCode, reason: exit.reason, message: exit.message, startedAt: exit.startedAt, finishedAt: exit.finishedAt, containerID };
      this.#deps.logger?.info({ pod: `${this.id.namespace}/${this.id.name}`, container: container.name, exitCode: exit.exitCode, reason: exit.reason }, 'container exited');
      this.#deps.onChange();
    });
    if (container.readinessProbe) this.#startProbe(container, rec, fullEnv, dir);
    return undefined;
  }

  #startProbe(container: V1Container, rec: ContainerRecord, env: Record<string, string>, cwd: string): void {
    const probe = container.readinessProbe;
    if (!probe) return;
    const t = probeThresholds(probe);
    let state = initialProbeState;
    const tick = async () => {
      if (!rec.running || this.#stopping) return;
      const ok = await runProbe(probe, { container, podIP: this.podIP, env, cwd, execPath: this.#deps.execPath }, t.timeoutMs);
      if (!rec.running || this.#stopping) return;
      state = nextProbeState(state, ok, t);
      if (state.ready !== rec.ready) {
        rec.ready = state.ready;
        this.#deps.onChange();
      }
      this.#schedule(container.name, tick, t.periodMs);
    };
    this.#schedule(container.name, tick, t.initialDelayMs);
  }

  #schedule(name: string, fn: () => Promise<void>, ms: number): void {
    const timer = setTimeout(() => void fn(), ms);
    timer.unref();
    this.#probeTimers.set(name, timer);
  }

  #stopProbe(name: string): void {
    clearTimeout(this.#probeTimers.get(name));
    this.#probeTimers.delete(name);
  }

  /** Stops every container (SIGTERM, SIGKILL after `graceMs`); nothing starts afterwards. */
  async stopAll(graceMs: number): Promise<void> {
    this.#stopping = true;
    for (const name of this.#probeTimers.keys()) this.#stopProbe(name);
    await Promise.all([...this.#processes.values()].map((p) => p.stop(graceMs)));
  }

  get stopping(): boolean {
    return this.#stopping;
  }

  /** Removes the pod's directory (logs included), once the pod is gone from the API. */
  async removeFiles(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}
