// The embedded node's storage against the real API server, driven by kubectl: provisioning in
// both volume modes, WaitForFirstConsumer, capacity exhaustion, reclaim, clone and snapshot
// restore (byte for byte), expansion.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile, stat, access } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { startTestServer, type TestServer } from '../apiserver/harness.ts';
import { startStorageControllers } from '../../../src/cluster/node/storage/index.ts';

let ts: TestServer;
let storage: Awaited<ReturnType<typeof startStorageControllers>>;
const MiB = 1024 * 1024;

before(async () => {
  ts = await startTestServer();
  storage = await startStorageControllers({ kubeConfig: ts.kubeconfig, stateDir: ts.stateDir, nodeName: 'ferry-node', capacityBytes: 200 * MiB, logger: pino({ level: 'silent' }) });
});

after(async () => {
  await storage.stop();
  await ts.close();
});

async function apply(yaml: string): Promise<void> {
  const r = await ts.kubectl(['apply', '-f', '-'], yaml);
  assert.equal(r.code, 0, r.stderr);
}

async function jsonOf(args: string[]): Promise<any> {
  const r = await ts.kubectl([...args, '-o', 'json']);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
}

async function eventually<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

function pvc(name: string, size: string, extra = ''): string {
  return `apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: ${name}, namespace: default}
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: ${size}}}
${extra}`;
}

async function boundVolume(name: string): Promise<string> {
  return eventually(`claim ${name} bound`, async () => {
    const c = await jsonOf(['get', 'pvc', name]);
    return c.status?.phase === 'Bound' ? (c.spec.volumeName as string) : undefined;
  });
}

test('the driver installs a default Immediate class, a WaitForFirstConsumer class and a snapshot class', async () => {
  const r = await ts.kubectl(['get', 'sc,volumesnapshotclass,csidriver']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /ferry-hostpath \(default\)\s+hostpath\.ferry\.dev\s+Delete\s+Immediate\s+true/);
  assert.match(r.stdout, /ferry-hostpath-wffc\s+hostpath\.ferry\.dev\s+Delete\s+WaitForFirstConsumer\s+true/);
  assert.match(r.stdout, /ferry-hostpath-snapshots/);
  assert.match(r.stdout, /hostpath\.ferry\.dev/);
});

test('a Filesystem claim gets a directory and a Block claim a file of its size; the PV is bound both ways', async () => {
  await apply(pvc('fs-claim', '10Mi'));
  await apply(pvc('block-claim', '12Mi', '  volumeMode: Block'));
  const fsPv = await boundVolume('fs-claim');
  const blockPv = await boundVolume('block-claim');
  assert.ok((await stat(join(ts.stateDir, 'volumes', fsPv))).isDirectory());
  const blk = await stat(join(ts.stateDir, 'volumes', blockPv));
  assert.equal(blk.size, 12 * MiB);
  const pv = await jsonOf(['get', 'pv', fsPv]);
  assert.equal(pv.status.phase, 'Bound');
  assert.equal(pv.spec.claimRef.name, 'fs-claim');
  assert.equal(pv.spec.csi.driver, 'hostpath.ferry.dev');
  const claim = await jsonOf(['get', 'pvc', 'fs-claim']);
  assert.equal(claim.status.capacity.storage, '10Mi');
  assert.equal(claim.metadata.annotations['pv.kubernetes.io/bind-completed'], 'yes');
  assert.equal(claim.metadata.annotations['volume.kubernetes.io/storage-provisioner'], 'hostpath.ferry.dev');
});

test('WaitForFirstConsumer: no volume until a node is selected for the claim', async () => {
  await apply(pvc('late', '5Mi', '  storageClassName: ferry-hostpath-wffc'));
  await eventually('WaitForFirstConsumer event', async () => {
    const r = await ts.kubectl(['get', 'events', '--field-selector', 'involvedObject.name=late', '-o', 'json']);
    return JSON.parse(r.stdout).items.some((e: any) => e.reason === 'WaitForFirstConsumer') || undefined;
  });
  assert.equal((await jsonOf(['get', 'pvc', 'late'])).status.phase, 'Pending');
  const r = await ts.kubectl(['annotate', 'pvc', 'late', 'volume.kubernetes.io/selected-node=ferry-node']);
  assert.equal(r.code, 0, r.stderr);
  await boundVolume('late');
});

test('a claim larger than the node capacity stays Pending with ProvisioningFailed', async () => {
  await apply(pvc('huge', '1Gi'));
  const ev = await eventually('ProvisioningFailed event', async () => {
    const r = await ts.kubectl(['get', 'events', '--field-selector', 'involvedObject.name=huge', '-o', 'json']);
    return JSON.parse(r.stdout).items.find((e: any) => e.reason === 'ProvisioningFailed');
  });
  assert.equal(ev.type, 'Warning');
  assert.match(ev.message, /failed to provision volume with StorageClass "ferry-hostpath": rpc error: code = ResourceExhausted/);
  assert.equal((await jsonOf(['get', 'pvc', 'huge'])).status.phase, 'Pending');
  assert.equal((await ts.kubectl(['delete', 'pvc', 'huge'])).code, 0);
});

test('reclaim: Delete removes the volume, Retain keeps it Released with its data', async () => {
  await apply(pvc('doomed', '4Mi'));
  const doomed = await boundVolume('doomed');
  assert.equal((await ts.kubectl(['delete', 'pvc', 'doomed'])).code, 0);
  await eventually('PV deleted', async () => ((await ts.kubectl(['get', 'pv', doomed])).code !== 0 ? true : undefined));
  await assert.rejects(access(join(ts.stateDir, 'volumes', doomed)));

  await apply(pvc('kept', '4Mi'));
  const kept = await boundVolume('kept');
  await writeFile(join(ts.stateDir, 'volumes', kept, 'data.txt'), 'precious');
  assert.equal((await ts.kubectl(['patch', 'pv', kept, '-p', '{"spec":{"persistentVolumeReclaimPolicy":"Retain"}}'])).code, 0);
  assert.equal((await ts.kubectl(['delete', 'pvc', 'kept'])).code, 0);
  await eventually('PV Released', async () => ((await jsonOf(['get', 'pv', kept])).status.phase === 'Released' ? true : undefined));
  assert.equal(await readFile(join(ts.stateDir, 'volumes', kept, 'data.txt'), 'utf8'), 'precious');

  // Re-binding by claimRef (what restore and cross-namespace clone do): point the PV at a new claim.
  assert.equal((await ts.kubectl(['create', 'ns', 'elsewhere'])).code, 0);
  assert.equal((await ts.kubectl(['patch', 'pv', kept, '--type', 'json', '-p', '[{"op":"replace","path":"/spec/claimRef","value":{"name":"adopter","namespace":"elsewhere"}}]'])).code, 0);
  await apply(pvc('adopter', '4Mi', `  volumeName: ${kept}`).replace('namespace: default', 'namespace: elsewhere'));
  const rebound = await eventually('claim adopter bound', async () => {
    const c = JSON.parse((await ts.kubectl(['get', 'pvc', 'adopter', '-n', 'elsewhere', '-o', 'json'])).stdout);
    return c.status?.phase === 'Bound' ? (c.spec.volumeName as string) : undefined;
  });
  assert.equal(rebound, kept);
});

test('clone and snapshot restore copy the data byte for byte', async () => {
  await apply(pvc('origin', '8Mi', '  volumeMode: Block'));
  const origin = await boundVolume('origin');
  const data = randomBytes(MiB);
  const path = join(ts.stateDir, 'volumes', origin);
  const image = Buffer.alloc(8 * MiB);
  data.copy(image, 2 * MiB);
  await writeFile(path, image);

  await apply(pvc('copy', '8Mi', '  volumeMode: Block\n  dataSource: {kind: PersistentVolumeClaim, name: origin}'));
  const copy = await boundVolume('copy');
  assert.ok((await readFile(join(ts.stateDir, 'volumes', copy))).equals(image));

  await apply(`apiVersion: snapshot.storage.k8s.io/v1
kind: VolumeSnapshot
metadata: {name: snap, namespace: default}
spec:
  source: {persistentVolumeClaimName: origin}
`);
  const snap = await eventually('snapshot ready', async () => {
    const s = await jsonOf(['get', 'volumesnapshot', 'snap']);
    return s.status?.readyToUse ? s : undefined;
  });
  assert.equal(snap.status.restoreSize, '8Mi');
  const content = await jsonOf(['get', 'volumesnapshotcontent', snap.status.boundVolumeSnapshotContentName]);
  assert.equal(content.status.readyToUse, true);
  assert.equal(content.spec.deletionPolicy, 'Delete');
  await writeFile(path, Buffer.alloc(8 * MiB)); // Change the origin after the snapshot.
  await apply(pvc('restored', '8Mi', '  volumeMode: Block\n  dataSource: {kind: VolumeSnapshot, apiGroup: snapshot.storage.k8s.io, name: snap}'));
  const restored = await boundVolume('restored');
  assert.ok((await readFile(join(ts.stateDir, 'volumes', restored))).equals(image), 'the restore has the data as of the snapshot');

  assert.equal((await ts.kubectl(['delete', 'volumesnapshot', 'snap'])).code, 0);
  await eventually('content deleted with the snapshot', async () => ((await ts.kubectl(['get', 'volumesnapshotcontent', content.metadata.name])).code !== 0 ? true : undefined));
});

test('expansion grows the volume and the claim capacity', async () => {
  await apply(pvc('grow', '4Mi', '  volumeMode: Block'));
  const pv = await boundVolume('grow');
  assert.equal((await ts.kubectl(['patch', 'pvc', 'grow', '-p', '{"spec":{"resources":{"requests":{"storage":"16Mi"}}}}'])).code, 0);
  await eventually('capacity 16Mi', async () => ((await jsonOf(['get', 'pvc', 'grow'])).status.capacity?.storage === '16Mi' ? true : undefined));
  assert.equal((await stat(join(ts.stateDir, 'volumes', pv))).size, 16 * MiB);
  assert.equal((await jsonOf(['get', 'pv', pv])).spec.capacity.storage, '16Mi');
});
