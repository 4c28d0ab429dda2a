// What the pod runner knows of one container of a pod: the runtime side of a ContainerStatus.
// The runtime (pod-runtime.ts) mutates records; status-decide.ts turns them into the API status.
import type { BackoffEntry } from './restart-decide.ts';

export interface TerminatedRecord {
  exitCode: number;
  reason: string;
  message: string;
  startedAt: Date;
  finishedAt: Date;
  containerID: string;
}

export interface ContainerRecord {
  name: string;
  image: string;
  isInit: boolean;
  /** How many times the container was started again after it had exited. */
  restartCount: number;
  running?: { pid: number; containerID: string; startedAt: Date };
  /** The latest termination (the current state when not restarting, else lastState). */
  lastExit?: TerminatedRecord;
  /** The termination before `lastExit` (lastState while `lastExit` is the current state). */
  previousExit?: TerminatedRecord;
  /** Why the container is not running now (image, config, crash-loop back-off), if it waits. */
  waiting?: { reason: string; message?: string; sinceMs?: number };
  /** The readiness probe's verdict; without a probe, ready while running. */
  ready: boolean;
  backoff?: BackoffEntry;
}

export function newContainerRecord(name: string, image: string, isInit: boolean): ContainerRecord {
  return { name, image, isInit, restartCount: 0, ready: false };
}

/** The containerID a status shows for a process: the runtime name `ferry`, then the pid. */
export function containerIdFor(pid: number): string {
  return `ferry://${pid}`;
}
