// A pod's volumes on this host, set up before its containers start (the kubelet's volume manager,
// without mounts): a PVC volume is its PV's directory or file under <stateDir>/volumes (the
// hostpath driver's layout); Secret and ConfigMap volumes are written as files under the pod's
// directory (refreshed at each container start); emptyDir is a directory there.
import { mkdir, writeFile, rm } from 'node:fs/promises';
import { dirname, join, normalize } from 'node:path';
import type { V1KeyToPath, V1Pod } from '@kubernetes/client-node';

export interface VolumeReaders {
  /** Decoded Secret data, undefined when the Secret does not exist. */
  secret(name: string): Promise<Record<string, string> | undefined>;
  configMap(name: string): Promise<Record<string, string> | undefined>;
  /** The claim's bound PV name, '' when unbound, undefined when the claim does not exist. */
  claimVolume(name: string): Promise<string | undefined>;
}

export type VolumeSetup = { ok: true; hostPaths: Map<string, string> } | { ok: false; message: string };

async function writeKeys(dir: string, data: Record<string, string>, items: V1KeyToPath[] | undefined): Promise<string | undefined> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const entries: [string, string][] = items?.length ? items.map((i) => [i.key, i.path]) : Object.keys(data).map((k) => [k, k]);
  for (const [key, path] of entries) {
    const value = data[key];
    if (value === undefined) return key;
    const target = normalize(join(dir, path));
    if (!target.startsWith(dir)) continue; // a path escaping the volume is ignored, as validation would reject it
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, value);
  }
  return undefined;
}

export async function setUpPodVolumes(pod: V1Pod, podDir: string, stateDir: string, readers: VolumeReaders): Promise<VolumeSetup> {
  const hostPaths = new Map<string, string>();
  for (const volume of pod.spec?.volumes ?? []) {
    const local = join(podDir, 'volumes', volume.name);
    const failed = (why: string): VolumeSetup => ({ ok: false, message: `MountVolume.SetUp failed for volume "${volume.name}" : ${why}` });
    if (volume.persistentVolumeClaim) {
      const claim = volume.persistentVolumeClaim.claimName;
      const pv = await readers.claimVolume(claim);
      if (pv === undefined) return failed(`persistentvolumeclaim "${claim}" not found`);
      if (pv === '') return failed(`persistentvolumeclaim "${claim}" is not bound`);
      hostPaths.set(volume.name, join(stateDir, 'volumes', pv));
    } else if (volume.secret) {
      const name = volume.secret.secretName ?? '';
      const raw = await readers.secret(name);
      if (raw === undefined && !volume.secret.optional) return failed(`secret "${name}" not found`);
      const missing = await writeKeys(local, raw ?? {}, volume.secret.items);
      if (missing && !volume.secret.optional) return failed(`couldn't find key ${missing} in Secret ${pod.metadata?.namespace}/${name}`);
      hostPaths.set(volume.name, local);
    } else if (volume.configMap) {
      const name = volume.configMap.name ?? '';
      const data = await readers.configMap(name);
      if (data === undefined && !volume.configMap.optional) return failed(`configmap "${name}" not found`);
      const missing = await writeKeys(local, data ?? {}, volume.configMap.items);
      if (missing && !volume.configMap.optional) return failed(`couldn't find key ${missing} in ConfigMap ${pod.metadata?.namespace}/${name}`);
      hostPaths.set(volume.name, local);
    } else if (volume.hostPath) {
      hostPaths.set(volume.name, volume.hostPath.path);
    } else {
      // emptyDir, and what this node cannot fill (projected, downwardAPI): an empty directory.
      await mkdir(local, { recursive: true });
      hostPaths.set(volume.name, local);
    }
  }
  return { ok: true, hostPaths };
}
