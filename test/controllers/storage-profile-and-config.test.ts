// StorageProfiles and CDIConfig on the embedded cluster: one profile per StorageClass with the
// capabilities of the hostpath driver, deleted with its class; CDIConfig's status shows the values
// in force (CDI object's spec.config included); a `storage`-API DataVolume is completed from the
// profile and inflated by the filesystem overhead in force.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestCluster, waitFor, waitForPhase, type TestCluster } from './harness.ts';

let cluster: TestCluster;

before(async () => {
  cluster = await startTestCluster();
  await cluster.startController();
});

after(async () => {
  await cluster?.close();
});

async function getJson(args: string[]) {
  return JSON.parse(await cluster.kubectlOk([...args, '-o', 'json']));
}

test('one StorageProfile per StorageClass, with the provisioner\'s capabilities; deleted with its class', async () => {
  const profile = await waitFor('the ferry-hostpath profile status', async () => {
    const p = await getJson(['get', 'storageprofile', 'ferry-hostpath']);
    return p.status?.claimPropertySets ? p : undefined;
  });
  assert.deepEqual(profile.status, {
    storageClass: 'ferry-hostpath',
    provisioner: 'hostpath.ferry.dev',
    cloneStrategy: 'csi-clone',
    snapshotClass: 'ferry-hostpath-snapclass',
    claimPropertySets: [{ accessModes: ['ReadWriteOnce'], volumeMode: 'Filesystem' }, { accessModes: ['ReadWriteOnce'], volumeMode: 'Block' }],
  });
  await cluster.kubectlOk(['apply', '-f', '-'], `apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: unknown-driver
provisioner: example.com/unknown
`);
  const unknown = await waitFor('the unknown-driver profile', async () => {
    const p = await getJson(['get', 'storageprofile', 'unknown-driver']).catch(() => undefined);
    return p?.status?.provisioner ? p : undefined;
  });
  assert.equal(unknown.status.claimPropertySets, undefined, 'nothing known: the user fills the spec');
  assert.equal(unknown.status.cloneStrategy, 'copy');
  await cluster.kubectlOk(['patch', 'storageprofile', 'unknown-driver', '--type', 'merge', '-p', '{"spec":{"claimPropertySets":[{"accessModes":["ReadWriteMany"],"volumeMode":"Block"}]}}']);
  await waitFor('the spec to be in the status', async () => {
    const p = await getJson(['get', 'storageprofile', 'unknown-driver']);
    return p.status?.claimPropertySets?.[0]?.accessModes?.[0] === 'ReadWriteMany';
  });
  await cluster.kubectlOk(['delete', 'storageclass', 'unknown-driver']);
  await waitFor('the profile to go with its class', async () => (await cluster.kubectl(['get', 'storageprofile', 'unknown-driver'])).code !== 0);
});

test('CDIConfig status shows the values in force, the CDI object\'s spec.config winning', async () => {
  const config = await waitFor('CDIConfig status', async () => {
    const c = await getJson(['get', 'cdiconfig', 'config']);
    return c.status?.filesystemOverhead ? c : undefined;
  });
  assert.equal(config.status.filesystemOverhead.global, '0.055');
  assert.equal(config.status.filesystemOverhead.storageClass['ferry-hostpath'], '0.055');
  assert.equal(config.status.scratchSpaceStorageClass, 'ferry-hostpath');
  await cluster.kubectlOk(['patch', 'cdiconfig', 'config', '--type', 'merge', '-p', '{"spec":{"filesystemOverhead":{"global":"0.1"}}}']);
  await cluster.kubectlOk(['patch', 'cdi', 'cdi', '--type', 'merge', '-p', '{"spec":{"config":{"filesystemOverhead":{"global":"0.2"}}}}']);
  await waitFor('the CDI object\'s overhead in force', async () => (await getJson(['get', 'cdiconfig', 'config'])).status?.filesystemOverhead?.global === '0.2');
  await cluster.kubectlOk(['patch', 'cdi', 'cdi', '--type', 'json', '-p', '[{"op":"remove","path":"/spec/config/filesystemOverhead"}]']);
  await waitFor('CDIConfig\'s own overhead in force', async () => (await getJson(['get', 'cdiconfig', 'config'])).status?.filesystemOverhead?.global === '0.1');
});

test('a storage-API DataVolume is completed from the profile and sized for the overhead in force', async () => {
  await cluster.kubectlOk(['apply', '-f', '-'], `apiVersion: cdi.kubevirt.io/v1beta1
kind: DataVolume
metadata:
  name: from-profile
  annotations:
    cdi.kubevirt.io/storage.deleteAfterCompletion: "false"
spec:
  source:
    blank: {}
  storage:
    resources:
      requests:
        storage: 100Mi
`);
  await waitForPhase(cluster, 'default', 'from-profile', 'Succeeded');
  const pvc = await cluster.core.readNamespacedPersistentVolumeClaim({ namespace: 'default', name: 'from-profile' });
  assert.equal(pvc.spec?.storageClassName, 'ferry-hostpath', 'the default class');
  assert.deepEqual(pvc.spec?.accessModes, ['ReadWriteOnce']);
  assert.equal(pvc.spec?.volumeMode, 'Filesystem');
  // 100Mi / (1 - 0.1), rounded up (CDI's GetRequiredSpace).
  assert.equal(pvc.spec?.resources?.requests?.['storage'], String(Math.ceil((100 * 2 ** 20) / 0.9)));
});
