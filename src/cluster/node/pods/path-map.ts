// The paths a worker sees. The runner cannot mount, so it tells the worker, in the env variable
// FERRY_PATH_MAP (a JSON object: path in the container -> path on this host), where each
// `volumeMounts` entry (subPath included), each `volumeDevices` entry and the termination
// message file really are (DESIGN.md §3, "Paths inside worker pods").
import { join } from 'node:path';
import type { V1Container } from '@kubernetes/client-node';

export const pathMapEnv = 'FERRY_PATH_MAP';
export const podIpEnv = 'FERRY_POD_IP';
export const defaultTerminationMessagePath = '/dev/termination-log';

export type PathMapResult = { ok: true; map: Record<string, string> } | { ok: false; message: string };

/** `volumeHostPaths`: pod volume name -> its host path (a directory, or a file for a Block PV). */
export function buildPathMap(container: V1Container, volumeHostPaths: ReadonlyMap<string, string>, terminationHostFile: string): PathMapResult {
  const map: Record<string, string> = {};
  for (const mount of container.volumeMounts ?? []) {
    const host = volumeHostPaths.get(mount.name);
    if (host === undefined) return { ok: false, message: `volume "${mount.name}" of container "${container.name}" is not set up` };
    map[mount.mountPath] = mount.subPath ? join(host, mount.subPath) : host;
  }
  for (const device of container.volumeDevices ?? []) {
    const host = volumeHostPaths.get(device.name);
    if (host === undefined) return { ok: false, message: `volume "${device.name}" of container "${container.name}" is not set up` };
    map[device.devicePath] = host;
  }
  map[container.terminationMessagePath || defaultTerminationMessagePath] = terminationHostFile;
  return { ok: true, map };
}
