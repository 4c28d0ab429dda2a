// An importer killed for exceeding its memory limit, as CDI handles it: the claim is marked
// requiresDirectIo and the next importer pod converts with CACHE_MODE=TRYNONE (qemu-img
// cache=none), so that the page cache no longer counts against the limit. The limit comes from
// CDIConfig's podResourceRequirements; the embedded kubelet enforces it on the worker's RSS.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { startTestCluster, waitFor, type TestCluster } from '../controllers/harness.ts';
import { httpDataVolumeYaml } from '../controllers/import/e2e.ts';
import { startFaultServer, type FaultServer } from '../fixtures/fault-server.ts';
import { convertRaw, makeRawImage, makeTempDir } from '../fixtures/images.ts';

let cluster: TestCluster;
let tmp: { dir: string; remove: () => Promise<void> };
let server: FaultServer;

before(async () => {
  tmp = await makeTempDir('ferry-e2e-oom-');
  const qcow2 = await convertRaw(await makeRawImage(path.join(tmp.dir, 'disk.raw')), path.join(tmp.dir, 'disk.qcow2'), 'qcow2');
  // Slow enough that the worker lives past the kubelet's memory checks.
  server = await startFaultServer({ body: qcow2, faults: { bytesPerSecond: 256 * 1024 } });
  cluster = await startTestCluster();
  await cluster.startController();
  // Far below what a Node worker needs: every importer is OOMKilled.
  await cluster.kubectlOk(['patch', 'cdiconfig', 'config', '--type', 'merge', '-p', JSON.stringify({ spec: { podResourceRequirements: { limits: { memory: '32Mi' } } } })]);
});

after(async () => {
  await server?.close();
  await cluster?.close();
  await tmp?.remove();
});

test('an OOMKilled importer is replaced by one converting with direct I/O', async () => {
  await waitFor('CDIConfig to show the memory limit in force', async () =>
    (await cluster.kubectlOk(['get', 'cdiconfig', 'config', '-o', 'jsonpath={.status.defaultPodResourceRequirements.limits.memory}'])) === '32Mi');
  await cluster.kubectlOk(['apply', '-f', '-'], httpDataVolumeYaml('oom', server.url, { size: '64Mi' }));

  await waitFor('the claim to require direct I/O', async () => {
    const claim = await cluster.core.readNamespacedPersistentVolumeClaim({ namespace: 'default', name: 'oom' }).catch(() => undefined);
    return claim?.metadata?.annotations?.['cdi.kubevirt.io/storage.import.requiresDirectIo'] === 'true' ? claim : undefined;
  }, 120_000);

  const second = await waitFor('an importer pod with CACHE_MODE=TRYNONE', async () => {
    const pod = await cluster.core.readNamespacedPod({ namespace: 'default', name: 'importer-oom' }).catch(() => undefined);
    const env = pod?.spec?.containers[0]?.env ?? [];
    return env.some((e) => e.name === 'CACHE_MODE' && e.value === 'TRYNONE') ? pod : undefined;
  }, 120_000);
  assert.equal(second.spec?.containers[0]?.resources?.limits?.['memory'], '32Mi');

  // Still over the limit with direct I/O: an ordinary failed run, restarted by the kubelet and
  // counted, never a third pod; the DataVolume is not Failed for good.
  const dv = await waitFor('the DataVolume to count the restart', async () => {
    const current = await cluster.getDataVolume('default', 'oom');
    return (current?.status?.restartCount ?? 0) > 0 ? current : undefined;
  }, 120_000);
  assert.notEqual(dv.status?.phase, 'Failed');
  const pod = await cluster.core.readNamespacedPod({ namespace: 'default', name: 'importer-oom' });
  assert.equal(pod.metadata?.uid, second.metadata?.uid, 'the pod with direct I/O is kept and restarted, not replaced');
  await cluster.kubectlOk(['delete', 'dv', 'oom', '--wait=false']);
});
