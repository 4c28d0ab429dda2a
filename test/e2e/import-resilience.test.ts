// An import survives what heals, and the volume is byte-exact every time: a connection dropped
// mid-body (the worker resumes by range, the DataVolume never restarts), a deleted importer pod
// (a new pod finishes the import), a killed worker process (the kubelet restarts it and the
// DataVolume counts the restart). Progress moves while a slow import runs.
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { startTestCluster, waitFor, waitForPhase, type TestCluster } from '../controllers/harness.ts';
import { assertSameDisk, httpDataVolumeYaml, volumePathOf, watchDataVolume } from '../controllers/import/e2e.ts';
import { startFaultServer, type FaultOptions, type FaultServer } from '../fixtures/fault-server.ts';
import { convertRaw, makeRawImage, makeTempDir, referenceRaw } from '../fixtures/images.ts';

let cluster: TestCluster;
let tmp: { dir: string; remove: () => Promise<void> };
const servers: FaultServer[] = [];
let raw: string;
let qcow2: string;
let qcow2Reference: string;
const MiB = 1 << 20;

before(async () => {
  tmp = await makeTempDir('ferry-e2e-import-resilience-');
  // Random data throughout, so that a slow server takes a while over every part of it.
  raw = await makeRawImage(path.join(tmp.dir, 'disk.raw'), { size: 8 * MiB, randomRegions: [[0, 8 * MiB]] });
  qcow2 = await convertRaw(raw, path.join(tmp.dir, 'disk.qcow2'), 'qcow2');
  qcow2Reference = await referenceRaw(qcow2, 'qcow2', path.join(tmp.dir, 'disk.qcow2.raw'));
  cluster = await startTestCluster();
  await cluster.startController();
});

after(async () => {
  for (const s of servers) await s.close();
  await cluster?.close();
  await tmp?.remove();
});

async function serve(body: string, faults: FaultOptions = {}): Promise<FaultServer> {
  const server = await startFaultServer({ body, faults });
  servers.push(server);
  return server;
}

test('progress moves from N/A through a percentage to 100.0% on a slow import', async () => {
  const server = await serve(raw, { bytesPerSecond: 1 * MiB });
  await cluster.kubectlOk(['apply', '-f', '-'], httpDataVolumeYaml('slow', server.url, { size: '64Mi' }));
  const seen = new Set<string>();
  const phases = new Set<string>();
  const dv = await watchDataVolume(cluster, 'default', 'slow', (d) => {
    if (d.status?.progress) seen.add(d.status.progress);
    if (d.status?.phase) phases.add(d.status.phase);
  }, (d) => d.status?.phase === 'Succeeded' || d.status?.phase === 'Failed');
  assert.equal(dv.status?.phase, 'Succeeded');
  const between = [...seen].filter((p) => /^\d{1,2}\.\d\d%$/.test(p));
  assert.ok(between.length >= 1, `a percentage between N/A and 100.0% was shown; saw ${[...seen].join(', ')}`);
  assert.ok(seen.has('100.0%'));
  assert.ok(phases.has('ImportInProgress'), `phases: ${[...phases].join(', ')}`);
  await assertSameDisk(path.join(await volumePathOf(cluster, 'default', 'slow'), 'disk.img'), raw);
});

test('a connection dropped mid-body: Succeeded without restarts, byte-exact', async () => {
  const server = await serve(qcow2, { dropAfterBytes: 3 * MiB, dropTimes: 2 });
  await cluster.kubectlOk(['apply', '-f', '-'], httpDataVolumeYaml('dropped', server.url, { size: '64Mi' }));
  const dv = await waitForPhase(cluster, 'default', 'dropped', 'Succeeded', 120_000);
  assert.equal(dv.status?.restartCount, 0);
  assert.ok(server.requests.some((r) => r.range !== undefined && !/^bytes=0-/.test(r.range)), 'the worker resumed with a range request');
  await assertSameDisk(path.join(await volumePathOf(cluster, 'default', 'dropped'), 'disk.img'), qcow2Reference);
});

test('the importer pod deleted mid-import: a new pod finishes it, byte-exact', async () => {
  const server = await serve(raw, { bytesPerSecond: 1 * MiB });
  await cluster.kubectlOk(['apply', '-f', '-'], httpDataVolumeYaml('killed', server.url, { size: '64Mi' }));
  const first = await waitFor('the importer to be part-way through', async () => {
    const dv = await cluster.getDataVolume('default', 'killed');
    if (dv?.status?.phase !== 'ImportInProgress' || server.bytesSent() < 2 * MiB) return undefined;
    const pod = await cluster.core.readNamespacedPod({ namespace: 'default', name: 'importer-killed' });
    return pod.metadata?.uid;
  }, 120_000);
  await cluster.kubectlOk(['delete', 'pod', 'importer-killed', '--wait=false']);
  const second = await waitFor('a new importer pod', async () => {
    const pods = await cluster.core.listNamespacedPod({ namespace: 'default' });
    const pod = pods.items.find((p) => p.metadata?.name === 'importer-killed' && p.metadata.uid !== first);
    return pod?.metadata?.uid;
  }, 60_000);
  assert.notEqual(second, first);
  await waitForPhase(cluster, 'default', 'killed', 'Succeeded', 120_000);
  await assertSameDisk(path.join(await volumePathOf(cluster, 'default', 'killed'), 'disk.img'), raw);
});

/** The pid of the worker process of a DataVolume's importer (its env names the DataVolume's uid). */
async function workerPidOf(dvUid: string): Promise<number | undefined> {
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    const environ = await readFile(`/proc/${entry}/environ`, 'latin1').catch(() => '');
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'latin1').catch(() => '');
    if (environ.split('\0').includes(`OWNER_UID=${dvUid}`) && cmdline.includes('worker')) return Number(entry);
  }
  return undefined;
}

test('the importer crashing mid-import: the kubelet restarts it, restartCount shows it, byte-exact', async () => {
  const server = await serve(raw, { bytesPerSecond: 1 * MiB });
  await cluster.kubectlOk(['apply', '-f', '-'], httpDataVolumeYaml('crashed', server.url, { size: '64Mi' }));
  const pid = await waitFor('the importer to be part-way through', async () => {
    const dv = await cluster.getDataVolume('default', 'crashed');
    if (dv?.status?.phase !== 'ImportInProgress' || server.bytesSent() < 2 * MiB) return undefined;
    return workerPidOf(dv.metadata.uid ?? '');
  }, 120_000);
  // The worker dies as an OOM kill or a node hiccup would kill it: no termination message.
  process.kill(pid, 'SIGKILL');
  const dv = await waitForPhase(cluster, 'default', 'crashed', 'Succeeded', 120_000);
  assert.ok((dv.status?.restartCount ?? 0) >= 1, `restartCount ${dv.status?.restartCount}`);
  await assertSameDisk(path.join(await volumePathOf(cluster, 'default', 'crashed'), 'disk.img'), raw);
});
