// Blank DataVolumes on the embedded cluster: Filesystem and Block claims reach Succeeded, the
// volume on disk has the right size, the worker pod is deleted after success, CDI's conditions,
// events and claim annotations are there.
import assert from 'node:assert/strict';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { filesystemUsableSize } from '../../src/workers/import/config.ts';
import { blankDataVolumeYaml, startTestCluster, waitFor, waitForEventReasons, waitForPhase, type TestCluster } from './harness.ts';

let cluster: TestCluster;

before(async () => {
  cluster = await startTestCluster();
  await cluster.startController();
});

after(async () => {
  await cluster?.close();
});

async function volumePath(namespace: string, claim: string): Promise<string> {
  const pvc = await cluster.core.readNamespacedPersistentVolumeClaim({ namespace, name: claim });
  assert.ok(pvc.spec?.volumeName, 'claim is bound to a volume');
  return join(cluster.stateDir, 'volumes', pvc.spec.volumeName);
}

test('a blank Filesystem DataVolume gets a sparse disk.img of the usable size and is Succeeded', async () => {
  await cluster.kubectlOk(['apply', '-f', '-'], blankDataVolumeYaml('blank-fs', { size: '64Mi', annotations: { 'cdi.kubevirt.io/storage.deleteAfterCompletion': 'false' } }));
  const dv = await waitForPhase(cluster, 'default', 'blank-fs', 'Succeeded');
  assert.equal(dv.status?.progress, '100.0%');
  assert.equal(dv.status?.claimName, 'blank-fs');
  const ready = dv.status?.conditions?.find((c) => c.type === 'Ready');
  assert.equal(ready?.status, 'True');
  const bound = dv.status?.conditions?.find((c) => c.type === 'Bound');
  assert.deepEqual([bound?.status, bound?.reason, bound?.message], ['True', 'Bound', 'PVC blank-fs Bound']);
  const running = dv.status?.conditions?.find((c) => c.type === 'Running');
  assert.equal(running?.status, 'False');
  assert.equal(running?.reason, 'Completed');

  const image = await stat(join(await volumePath('default', 'blank-fs'), 'disk.img'));
  assert.equal(image.size, filesystemUsableSize(64 * 2 ** 20, Number.MAX_SAFE_INTEGER, 0.055));
  assert.ok(image.blocks * 512 < image.size, 'the image is sparse');

  const pvc = await cluster.core.readNamespacedPersistentVolumeClaim({ namespace: 'default', name: 'blank-fs' });
  const a = pvc.metadata?.annotations ?? {};
  assert.equal(a['cdi.kubevirt.io/storage.pod.phase'], 'Succeeded');
  assert.equal(a['cdi.kubevirt.io/storage.import.source'], 'none');
  assert.equal(a['cdi.kubevirt.io/createdForDataVolume'], dv.metadata.uid);
  assert.equal(pvc.metadata?.labels?.['app'], 'containerized-data-importer');
  assert.equal(pvc.metadata?.ownerReferences?.[0]?.kind, 'DataVolume');

  // The worker pod is gone after success (no retainAfterCompletion).
  await waitFor('importer pod to be deleted', async () => {
    const pods = await cluster.core.listNamespacedPod({ namespace: 'default' });
    return !pods.items.some((p) => p.metadata?.name === 'importer-blank-fs');
  });
  const reasons = await waitForEventReasons(cluster, 'blank-fs', ['ImportSucceeded', 'Bound']);
  assert.ok(reasons.includes('ImportSucceeded') && reasons.includes('Bound'), `events: ${reasons.join(', ')}`);
});

test('a blank Block DataVolume is Succeeded and its device has the requested size', async () => {
  await cluster.kubectlOk(['apply', '-f', '-'], blankDataVolumeYaml('blank-block', { size: '32Mi', volumeMode: 'Block' }));
  await waitForPhase(cluster, 'default', 'blank-block', 'Succeeded');
  const device = await stat(await volumePath('default', 'blank-block'));
  assert.ok(device.isFile(), 'the hostpath driver backs a Block volume with a file');
  assert.equal(device.size, 32 * 2 ** 20);
});

test('retainAfterCompletion keeps the worker pod, with the priority class asked for', async () => {
  await cluster.kubectlOk(['apply', '-f', '-'], `apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata:
  name: ferry-test-priority
value: 1000
`);
  await cluster.kubectlOk(['apply', '-f', '-'], blankDataVolumeYaml('blank-retain', {
    priorityClassName: 'ferry-test-priority',
    annotations: { 'cdi.kubevirt.io/storage.pod.retainAfterCompletion': 'true', 'cdi.kubevirt.io/storage.deleteAfterCompletion': 'false' },
  }));
  await waitForPhase(cluster, 'default', 'blank-retain', 'Succeeded');
  const pod = await cluster.core.readNamespacedPod({ namespace: 'default', name: 'importer-blank-retain' });
  assert.equal(pod.status?.phase, 'Succeeded');
  assert.equal(pod.spec?.restartPolicy, 'OnFailure');
  assert.equal(pod.spec?.priorityClassName, 'ferry-test-priority');
  assert.deepEqual(pod.spec?.containers[0]?.command, ['ferry', 'worker', 'import']);
  const env = Object.fromEntries((pod.spec?.containers[0]?.env ?? []).map((e) => [e.name, e.value]));
  assert.equal(env['IMPORTER_SOURCE'], 'none');
  assert.equal(pod.spec?.containers[0]?.volumeMounts?.[0]?.mountPath, '/data');
});
