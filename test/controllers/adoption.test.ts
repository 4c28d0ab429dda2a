// The seeds' claim-adoption walkthrough on the embedded cluster with kubectl: an existing claim;
// a DataVolume annotated allowClaimAdoption adopts it and is Succeeded at once (owner reference
// added, no worker pod); with the DataVolumeClaimAdoption gate the same without the annotation;
// the annotation "false" wins over the gate; and without either the controller refuses the claim
// (ErrResourceExists) — the admission error for that case is in test/webhooks.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { blankDataVolumeYaml, boundClaim, startTestCluster, waitFor, waitForPhase, type TestCluster } from './harness.ts';

let cluster: TestCluster;

before(async () => {
  cluster = await startTestCluster();
  // Garbage collection off, so that Succeeded DataVolumes stay to be looked at.
  await cluster.kubectlOk(['patch', 'cdiconfig', 'config', '--type', 'merge', '-p', '{"spec":{"dataVolumeTTLSeconds":-1}}']);
  await cluster.startController();
});

after(async () => {
  await cluster?.close();
});



async function noWorkerPod(name: string): Promise<void> {
  const pods = await cluster.core.listNamespacedPod({ namespace: 'default' });
  assert.ok(!pods.items.some((p) => p.metadata?.name === `importer-${name}`), `no importer pod for ${name}`);
}

async function setGates(gates: string[]): Promise<void> {
  await cluster.kubectlOk(['patch', 'cdi', 'cdi', '--type', 'merge', '-p', JSON.stringify({ spec: { config: { featureGates: gates } } })]);
  await waitFor('CDIConfig status to follow the CDI object', async () => {
    const out = JSON.parse(await cluster.kubectlOk(['get', 'cdiconfig', 'config', '-o', 'json']));
    return out.status !== undefined;
  });
}

test('a DataVolume annotated allowClaimAdoption adopts the existing claim and is Succeeded at once', async () => {
  const before = await boundClaim(cluster, 'dv1');
  await cluster.kubectlOk(['apply', '-f', '-'], blankDataVolumeYaml('dv1', { size: '16Mi', annotations: { 'cdi.kubevirt.io/allowClaimAdoption': 'true' } }));
  const dv = await waitForPhase(cluster, 'default', 'dv1', 'Succeeded');
  assert.equal(dv.status?.conditions?.find((c) => c.type === 'Ready')?.status, 'True');
  assert.equal(dv.metadata.annotations?.['cdi.kubevirt.io/storage.prePopulated'], 'dv1');
  const pvc = await cluster.core.readNamespacedPersistentVolumeClaim({ namespace: 'default', name: 'dv1' });
  assert.equal(pvc.metadata?.uid, before.metadata?.uid, 'the same claim, not a new one');
  assert.deepEqual(pvc.metadata?.ownerReferences?.map((r) => [r.kind, r.name, r.uid, r.controller]), [['DataVolume', 'dv1', dv.metadata.uid, true]]);
  assert.equal(pvc.metadata?.annotations?.['cdi.kubevirt.io/storage.populatedFor'], 'dv1');
  await noWorkerPod('dv1');
  const out = await cluster.kubectlOk(['get', 'dv', 'dv1']);
  assert.match(out, /dv1\s+Succeeded/);
});

test('with the DataVolumeClaimAdoption gate a DataVolume adopts without the annotation', async () => {
  await setGates(['HonorWaitForFirstConsumer', 'DataVolumeClaimAdoption']);
  await boundClaim(cluster, 'dv2');
  await cluster.kubectlOk(['apply', '-f', '-'], blankDataVolumeYaml('dv2', { size: '16Mi' }));
  await waitForPhase(cluster, 'default', 'dv2', 'Succeeded');
  const pvc = await cluster.core.readNamespacedPersistentVolumeClaim({ namespace: 'default', name: 'dv2' });
  assert.equal(pvc.metadata?.ownerReferences?.[0]?.kind, 'DataVolume');
  await noWorkerPod('dv2');
});

test('the annotation "false" wins over the gate: the claim is not adopted', async () => {
  await boundClaim(cluster, 'dv3');
  await cluster.kubectlOk(['apply', '-f', '-'], blankDataVolumeYaml('dv3', { size: '16Mi', annotations: { 'cdi.kubevirt.io/allowClaimAdoption': 'false' } }));
  const dv = await waitFor('dv3 to report ErrResourceExists', async () => {
    const d = await cluster.getDataVolume('default', 'dv3');
    return d?.status?.conditions?.find((c) => c.type === 'Bound')?.reason === 'ErrResourceExists' ? d : undefined;
  });
  assert.equal(dv.status?.phase ?? '', '');
  assert.equal(dv.status?.conditions?.find((c) => c.type === 'Bound')?.message, 'Resource "dv3" already exists and is not managed by DataVolume');
  const pvc = await cluster.core.readNamespacedPersistentVolumeClaim({ namespace: 'default', name: 'dv3' });
  assert.equal(pvc.metadata?.ownerReferences, undefined);
  await noWorkerPod('dv3');
  await waitFor('a Warning ErrResourceExists event about dv3', async () => {
    const events = await cluster.core.listNamespacedEvent({ namespace: 'default', fieldSelector: 'involvedObject.name=dv3' });
    return events.items.some((e) => e.reason === 'ErrResourceExists' && e.type === 'Warning');
  });
  await setGates(['HonorWaitForFirstConsumer']);
});

test('without the annotation or the gate the claim is not adopted', async () => {
  await boundClaim(cluster, 'dv4');
  await cluster.kubectlOk(['apply', '-f', '-'], blankDataVolumeYaml('dv4', { size: '16Mi' }));
  await waitFor('dv4 to report ErrResourceExists', async () => {
    const d = await cluster.getDataVolume('default', 'dv4');
    return d?.status?.conditions?.find((c) => c.type === 'Bound')?.reason === 'ErrResourceExists';
  });
  const pvc = await cluster.core.readNamespacedPersistentVolumeClaim({ namespace: 'default', name: 'dv4' });
  assert.equal(pvc.metadata?.ownerReferences, undefined);
});
