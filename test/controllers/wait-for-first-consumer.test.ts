// WaitForFirstConsumer on the embedded cluster (CDI's default install enables the
// HonorWaitForFirstConsumer gate): a blank DataVolume on a WaitForFirstConsumer class stays in
// phase WaitForFirstConsumer, with no worker pod, until a consumer pod gets its claim bound; then
// the worker runs to Succeeded. The immediate-binding annotation starts the worker at once.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { blankDataVolumeYaml, startTestCluster, waitFor, waitForPhase, type TestCluster } from './harness.ts';

let cluster: TestCluster;

before(async () => {
  cluster = await startTestCluster();
  await cluster.startController();
});

after(async () => {
  await cluster?.close();
});

async function importerPod(name: string) {
  const pods = await cluster.core.listNamespacedPod({ namespace: 'default' });
  return pods.items.find((p) => p.metadata?.name === `importer-${name}`);
}

test('WaitForFirstConsumer until a consumer pod appears, then the worker starts', async () => {
  await cluster.kubectlOk(['apply', '-f', '-'], blankDataVolumeYaml('wffc', { storageClass: 'ferry-hostpath-wffc', annotations: { 'cdi.kubevirt.io/storage.deleteAfterCompletion': 'false' } }));
  const waiting = await waitForPhase(cluster, 'default', 'wffc', 'WaitForFirstConsumer');
  assert.equal(waiting.status?.conditions?.find((c) => c.type === 'Bound')?.reason, 'Pending');
  assert.equal((await cluster.getDataVolume('default', 'wffc'))?.status?.phase, 'WaitForFirstConsumer');
  assert.equal(await importerPod('wffc'), undefined, 'no worker pod while waiting');

  await cluster.kubectlOk(['apply', '-f', '-'], `apiVersion: v1
kind: Pod
metadata:
  name: consumer
  namespace: default
spec:
  restartPolicy: Never
  containers:
  - name: consumer
    image: ferry.dev/ferry:latest
    command: ["node", "-e", "setTimeout(() => {}, 600000)"]
    volumeMounts:
    - name: disk
      mountPath: /disk
  volumes:
  - name: disk
    persistentVolumeClaim:
      claimName: wffc
`);
  await waitFor('the claim to be bound for its consumer', async () => {
    const pvc = await cluster.core.readNamespacedPersistentVolumeClaim({ namespace: 'default', name: 'wffc' });
    return pvc.status?.phase === 'Bound';
  });
  await waitFor('the DataVolume to leave WaitForFirstConsumer', async () => {
    const dv = await cluster.getDataVolume('default', 'wffc');
    return dv?.status?.phase !== 'WaitForFirstConsumer' && dv?.status?.phase !== 'Pending' ? dv : undefined;
  });
  await waitForPhase(cluster, 'default', 'wffc', 'Succeeded');
});

test('the immediate-binding annotation starts the worker at once on a WaitForFirstConsumer class', async () => {
  await cluster.kubectlOk(['apply', '-f', '-'], blankDataVolumeYaml('wffc-now', {
    storageClass: 'ferry-hostpath-wffc',
    annotations: { 'cdi.kubevirt.io/storage.bind.immediate.requested': 'true', 'cdi.kubevirt.io/storage.deleteAfterCompletion': 'false' },
  }));
  // The worker is the claim's first consumer: it gets the claim bound and runs.
  const dv = await waitForPhase(cluster, 'default', 'wffc-now', 'Succeeded');
  assert.equal(dv.status?.restartCount, 0);
  const pvc = await cluster.core.readNamespacedPersistentVolumeClaim({ namespace: 'default', name: 'wffc-now' });
  assert.equal(pvc.metadata?.annotations?.['cdi.kubevirt.io/storage.bind.immediate.requested'], 'true');
});
