// Scratch space on the embedded cluster, as CDI provides it: a gzip-compressed qcow2 over HTTP
// cannot be read at random, so the first worker says "scratch space required"; the claim is
// marked requiresScratch, a new worker gets the scratch claim "<claim>-scratch" (owned by the
// pod) at /scratch, the DataVolume ends Succeeded byte-exact with no restarts counted, and the
// scratch claim goes away with the pod.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { V1PersistentVolumeClaim } from '@kubernetes/client-node';
import { startTestCluster, waitFor, waitForPhase, type TestCluster } from '../controllers/harness.ts';
import { assertSameDisk, httpDataVolumeYaml, volumePathOf } from '../controllers/import/e2e.ts';
import { startFaultServer, type FaultServer } from '../fixtures/fault-server.ts';
import { compressFile, convertRaw, makeRawImage, makeTempDir, referenceRaw } from '../fixtures/images.ts';

let cluster: TestCluster;
let tmp: { dir: string; remove: () => Promise<void> };
let server: FaultServer;
let slow: FaultServer;
let reference: string;

before(async () => {
  tmp = await makeTempDir('ferry-e2e-scratch-');
  const raw = await makeRawImage(path.join(tmp.dir, 'disk.raw'));
  const qcow2 = await convertRaw(raw, path.join(tmp.dir, 'disk.qcow2'), 'qcow2');
  reference = await referenceRaw(qcow2, 'qcow2', path.join(tmp.dir, 'disk.qcow2.raw'));
  const gz = await compressFile(qcow2, 'gz');
  server = await startFaultServer({ body: gz });
  slow = await startFaultServer({ body: gz, faults: { bytesPerSecond: 256 * 1024 } });
  cluster = await startTestCluster();
  await cluster.startController();
});

after(async () => {
  await slow?.close();
  await server?.close();
  await cluster?.close();
  await tmp?.remove();
});

test('a qcow2.gz over http: a second worker with a scratch claim finishes it, byte-exact', async () => {
  // Seen while the import runs: the scratch claim, owned by the importer pod, mounted at /scratch.
  const scratchSeen = (async () => waitFor('the scratch claim', async () => {
    const claim = await cluster.core.readNamespacedPersistentVolumeClaim({ namespace: 'default', name: 'gz-qcow2-scratch' }).catch(() => undefined);
    return claim as V1PersistentVolumeClaim | undefined;
  }, 120_000))();
  await cluster.kubectlOk(['apply', '-f', '-'], httpDataVolumeYaml('gz-qcow2', server.url, { size: '64Mi' }));

  const scratch = await scratchSeen;
  assert.equal(scratch.spec?.volumeMode, 'Filesystem');
  assert.deepEqual(scratch.spec?.accessModes, ['ReadWriteOnce']);
  const owner = scratch.metadata?.ownerReferences?.[0];
  assert.equal(owner?.kind, 'Pod');
  assert.equal(owner?.name, 'importer-gz-qcow2');

  const dv = await waitForPhase(cluster, 'default', 'gz-qcow2', 'Succeeded', 120_000);
  assert.equal(dv.status?.progress, '100.0%');
  assert.equal(dv.status?.restartCount, 0, 'asking for scratch space is not a restart');
  await assertSameDisk(path.join(await volumePathOf(cluster, 'default', 'gz-qcow2'), 'disk.img'), reference);

  const pvc = await cluster.core.readNamespacedPersistentVolumeClaim({ namespace: 'default', name: 'gz-qcow2' });
  assert.equal(pvc.metadata?.annotations?.['cdi.kubevirt.io/storage.import.requiresScratch'], 'true');
  await waitFor('the scratch claim to be collected with the importer pod', async () => {
    const claims = await cluster.core.listNamespacedPersistentVolumeClaim({ namespace: 'default' });
    return !claims.items.some((c) => c.metadata?.name === 'gz-qcow2-scratch');
  });
});

test('the importer pod deleted while it uses scratch space: a new pod with a fresh scratch claim finishes', async () => {
  await cluster.kubectlOk(['apply', '-f', '-'], httpDataVolumeYaml('gz-deleted', slow.url, { size: '64Mi' }));
  const first = await waitFor('the importer with its scratch claim to run', async () => {
    const pod = await cluster.core.readNamespacedPod({ namespace: 'default', name: 'importer-gz-deleted' }).catch(() => undefined);
    const scratch = pod?.spec?.volumes?.some((v) => v.persistentVolumeClaim?.claimName === 'gz-deleted-scratch');
    return scratch && pod?.status?.phase === 'Running' ? pod : undefined;
  }, 120_000);
  const firstScratch = await cluster.core.readNamespacedPersistentVolumeClaim({ namespace: 'default', name: 'gz-deleted-scratch' });
  await cluster.core.deleteNamespacedPod({ namespace: 'default', name: 'importer-gz-deleted' });

  const second = await waitFor('a new importer with a new scratch claim', async () => {
    const pod = await cluster.core.readNamespacedPod({ namespace: 'default', name: 'importer-gz-deleted' }).catch(() => undefined);
    if (!pod || pod.metadata?.uid === first.metadata?.uid) return undefined;
    const scratch = await cluster.core.readNamespacedPersistentVolumeClaim({ namespace: 'default', name: 'gz-deleted-scratch' }).catch(() => undefined);
    return scratch && scratch.metadata?.uid !== firstScratch.metadata?.uid ? { pod, scratch } : undefined;
  }, 120_000);
  assert.equal(second.scratch.metadata?.ownerReferences?.[0]?.uid, second.pod.metadata?.uid, 'the new scratch claim belongs to the new pod');
  await waitForPhase(cluster, 'default', 'gz-deleted', 'Succeeded', 240_000);
  await assertSameDisk(path.join(await volumePathOf(cluster, 'default', 'gz-deleted'), 'disk.img'), reference);
});
