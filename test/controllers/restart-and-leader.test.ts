// Crash safety and leader election on the embedded cluster: a controller stopped mid-flight and
// started again ends in the same state as one that ran through (children have deterministic
// names, every step is idempotent); with two controllers on one Lease only the leader acts, and
// the other takes over when the leader stops.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { blankDataVolumeYaml, boundClaim, startTestCluster, waitFor, waitForPhase, type TestCluster } from './harness.ts';

let cluster: TestCluster;

before(async () => {
  cluster = await startTestCluster();
  await cluster.kubectlOk(['patch', 'cdiconfig', 'config', '--type', 'merge', '-p', '{"spec":{"dataVolumeTTLSeconds":-1}}']);
});

after(async () => {
  await cluster?.close();
});

const adopting = { 'cdi.kubevirt.io/allowClaimAdoption': 'true' };
const fastLease = { leaseDurationMs: 3000, renewDeadlineMs: 2000, retryPeriodMs: 250 };

test('a controller stopped mid-flight and started again ends in the same state', async () => {
  const count = 30;
  await Promise.all(Array.from({ length: count }, (_, i) => boundClaim(cluster, `crash-${i}`)));
  const manifests = Array.from({ length: count }, (_, i) => blankDataVolumeYaml(`crash-${i}`, { size: '16Mi', annotations: adopting }));
  manifests.push(blankDataVolumeYaml('crash-blank', { size: '16Mi' }));
  const first = await cluster.startController();
  await cluster.kubectlOk(['apply', '-f', '-'], manifests.join('---\n'));
  // Stop as soon as some (not necessarily all) were handled.
  await waitFor('a first DataVolume to succeed', async () => (await cluster.getDataVolume('default', 'crash-0'))?.status?.phase === 'Succeeded');
  await first.stop();
  const second = await cluster.startController();
  for (let i = 0; i < count; i++) {
    const dv = await waitForPhase(cluster, 'default', `crash-${i}`, 'Succeeded');
    const pvc = await cluster.core.readNamespacedPersistentVolumeClaim({ namespace: 'default', name: `crash-${i}` });
    assert.deepEqual(pvc.metadata?.ownerReferences?.map((r) => r.uid), [dv.metadata.uid], `crash-${i} has one owner`);
  }
  // The blank one: one claim, created for it, and at most one worker pod, owned by that claim.
  const blank = await waitFor('crash-blank to have its claim', async () => {
    const dv = await cluster.getDataVolume('default', 'crash-blank');
    return dv?.status?.claimName ? dv : undefined;
  });
  const claim = await cluster.core.readNamespacedPersistentVolumeClaim({ namespace: 'default', name: 'crash-blank' });
  assert.equal(claim.metadata?.annotations?.['cdi.kubevirt.io/createdForDataVolume'], blank.metadata.uid);
  const pods = (await cluster.core.listNamespacedPod({ namespace: 'default' })).items.filter((p) => p.metadata?.name?.startsWith('importer-crash'));
  assert.ok(pods.length <= 1);
  for (const pod of pods) assert.equal(pod.metadata?.ownerReferences?.[0]?.uid, claim.metadata?.uid);
  await second.stop();
});

test('two controllers: only the leader acts; the other takes over when it stops', async () => {
  const a = await cluster.startController({ leaderElection: fastLease, identity: 'controller-a' });
  const b = await cluster.startController({ leaderElection: fastLease, identity: 'controller-b' });
  const leader = await waitFor('one of them to lead', async () => (a.isLeader() ? a : b.isLeader() ? b : undefined));
  const follower = leader === a ? b : a;
  assert.equal(follower.isLeader(), false);
  const lease = await waitFor('the Lease to name the leader', async () => {
    const out = JSON.parse(await cluster.kubectlOk(['get', 'lease', '-n', 'ferry-system', 'cdi-controller-leader-election-helper', '-o', 'json']));
    return out.spec?.holderIdentity === leader.identity ? out : undefined;
  });
  assert.equal(lease.spec.holderIdentity, leader.identity);

  const actedOn = async (name: string) => {
    await boundClaim(cluster, name);
    await cluster.kubectlOk(['apply', '-f', '-'], blankDataVolumeYaml(name, { size: '16Mi', annotations: adopting }));
    await waitForPhase(cluster, 'default', name, 'Succeeded');
    // Events are recorded after the status write, without holding the reconcile up.
    return waitFor(`events about ${name}`, async () => {
      const events = await cluster.core.listNamespacedEvent({ namespace: 'default', fieldSelector: `involvedObject.name=${name}` });
      const hosts = new Set(events.items.filter((e) => e.involvedObject.kind === 'DataVolume').map((e) => e.source?.host));
      return hosts.size > 0 ? hosts : undefined;
    });
  };
  assert.deepEqual([...(await actedOn('led-1'))], [leader.identity]);

  await leader.stop();
  await waitFor('the follower to take over', async () => follower.isLeader());
  assert.deepEqual([...(await actedOn('led-2'))], [follower.identity]);
  await follower.stop();
});
