// Garbage collection of Succeeded DataVolumes on the embedded cluster: with the default TTL (0)
// a Succeeded DataVolume is deleted at once and its claim stays, orphaned, with its data; the
// annotation deleteAfterCompletion "false" keeps it; re-applying the same DataVolume (GitOps)
// finds the claim populated for it and is Succeeded at once, without a worker.
import assert from 'node:assert/strict';
import { appendFile, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { blankDataVolumeYaml, boundClaim, startTestCluster, waitFor, waitForPhase, type TestCluster } from './harness.ts';

let cluster: TestCluster;

before(async () => {
  cluster = await startTestCluster();
  await cluster.startController();
});

after(async () => {
  await cluster?.close();
});


const adopting = { 'cdi.kubevirt.io/allowClaimAdoption': 'true' };

test('TTL 0: a Succeeded DataVolume is deleted at once, its claim orphaned with its data', async () => {
  const claim = await boundClaim(cluster, 'gc1');
  const marker = join(cluster.stateDir, 'volumes', claim.spec!.volumeName!, 'marker');
  await appendFile(marker, 'data that must survive');
  await cluster.kubectlOk(['apply', '-f', '-'], blankDataVolumeYaml('gc1', { size: '16Mi', annotations: adopting }));
  await waitFor('gc1 to be garbage collected', async () => (await cluster.getDataVolume('default', 'gc1')) === undefined);
  const pvc = await cluster.core.readNamespacedPersistentVolumeClaim({ namespace: 'default', name: 'gc1' });
  assert.equal(pvc.metadata?.uid, claim.metadata?.uid);
  assert.deepEqual(pvc.metadata?.ownerReferences ?? [], []);
  assert.equal(pvc.metadata?.annotations?.['cdi.kubevirt.io/storage.populatedFor'], 'gc1');
  assert.equal(pvc.status?.phase, 'Bound');
  assert.equal(await readFile(marker, 'utf8'), 'data that must survive');
});

test('TTL 0 after a real import: the blank DataVolume is deleted, its claim keeps disk.img', async () => {
  await cluster.kubectlOk(['apply', '-f', '-'], blankDataVolumeYaml('gc-blank', { size: '16Mi' }));
  await waitFor('gc-blank to be collected', async () => {
    const pvc = await cluster.core.readNamespacedPersistentVolumeClaim({ namespace: 'default', name: 'gc-blank' }).catch(() => undefined);
    return pvc && (await cluster.getDataVolume('default', 'gc-blank')) === undefined ? pvc : undefined;
  });
  const pvc = await cluster.core.readNamespacedPersistentVolumeClaim({ namespace: 'default', name: 'gc-blank' });
  assert.equal(pvc.metadata?.annotations?.['cdi.kubevirt.io/storage.pod.phase'], 'Succeeded');
  assert.deepEqual(pvc.metadata?.ownerReferences ?? [], []);
  const image = await stat(join(cluster.stateDir, 'volumes', pvc.spec!.volumeName!, 'disk.img'));
  assert.ok(image.size > 0);
});

test('deleteAfterCompletion "false" keeps the Succeeded DataVolume', async () => {
  await boundClaim(cluster, 'gc2');
  await cluster.kubectlOk(['apply', '-f', '-'], blankDataVolumeYaml('gc2', {
    size: '16Mi', annotations: { ...adopting, 'cdi.kubevirt.io/storage.deleteAfterCompletion': 'false' },
  }));
  await waitForPhase(cluster, 'default', 'gc2', 'Succeeded');
  // Another DataVolume collected after it shows the collector has run past gc2.
  await boundClaim(cluster, 'gc2-witness');
  await cluster.kubectlOk(['apply', '-f', '-'], blankDataVolumeYaml('gc2-witness', { size: '16Mi', annotations: adopting }));
  await waitFor('the witness to be collected', async () => (await cluster.getDataVolume('default', 'gc2-witness')) === undefined);
  assert.equal((await cluster.getDataVolume('default', 'gc2'))?.status?.phase, 'Succeeded');
});

test('GitOps: re-applying the collected DataVolume adopts its claim and is Succeeded at once', async () => {
  // A long TTL for this part, so that the re-applied DataVolume can be seen Succeeded.
  await cluster.kubectlOk(['patch', 'cdiconfig', 'config', '--type', 'merge', '-p', '{"spec":{"dataVolumeTTLSeconds":3600}}']);
  // The same manifest as first applied for gc1 (allowClaimAdoption is not what makes it work:
  // the claim is populated for a DataVolume of this name).
  await cluster.kubectlOk(['apply', '-f', '-'], blankDataVolumeYaml('gc1', { size: '16Mi' }));
  const dv = await waitForPhase(cluster, 'default', 'gc1', 'Succeeded');
  const pvc = await cluster.core.readNamespacedPersistentVolumeClaim({ namespace: 'default', name: 'gc1' });
  assert.deepEqual(pvc.metadata?.ownerReferences?.map((r) => r.uid), [dv.metadata.uid]);
  const pods = await cluster.core.listNamespacedPod({ namespace: 'default' });
  assert.ok(!pods.items.some((p) => p.metadata?.name === 'importer-gc1'), 'no worker ran again');
  // Back to TTL 0: the controller collects it again when the setting changes.
  await cluster.kubectlOk(['patch', 'cdiconfig', 'config', '--type', 'merge', '-p', '{"spec":{"dataVolumeTTLSeconds":0}}']);
  await waitFor('gc1 to be collected again', async () => (await cluster.getDataVolume('default', 'gc1')) === undefined);
  const kept = await cluster.core.readNamespacedPersistentVolumeClaim({ namespace: 'default', name: 'gc1' });
  assert.equal(kept.metadata?.uid, pvc.metadata?.uid);
});
