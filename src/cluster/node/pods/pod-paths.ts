// Where a pod's files live on the host: <stateDir>/pods/<namespace>_<name>_<uid>/, with one
// directory per container holding `<restart>.log` (what `kubectl logs` reads),
// `<restart>.termination-log` and `pid` (to find a process the agent lost when it restarted).
import { join } from 'node:path';

export interface PodIdentity {
  namespace: string;
  name: string;
  uid: string;
}

export function podsRoot(stateDir: string): string {
  return join(stateDir, 'pods');
}

export function podDirName(p: PodIdentity): string {
  return `${p.namespace}_${p.name}_${p.uid}`;
}

export function podDir(stateDir: string, p: PodIdentity): string {
  return join(podsRoot(stateDir), podDirName(p));
}

export function containerDir(stateDir: string, p: PodIdentity, container: string): string {
  return join(podDir(stateDir, p), container);
}

export function containerLogPath(stateDir: string, p: PodIdentity, container: string, restart: number): string {
  return join(containerDir(stateDir, p, container), `${restart}.log`);
}

export function terminationLogPath(stateDir: string, p: PodIdentity, container: string, restart: number): string {
  return join(containerDir(stateDir, p, container), `${restart}.termination-log`);
}

export function pidFilePath(stateDir: string, p: PodIdentity, container: string): string {
  return join(containerDir(stateDir, p, container), 'pid');
}
