// deploy/rbac.yaml is enough: Ferry's controller runs as the ferry-controller service account
// (a token issued by the API server, RBAC enforced) and does its whole job: registers its
// webhooks, keeps StorageProfiles and CDIConfig, sizes a claim by probing an image behind basic
// auth (reading the DataVolume's Secret), imports it, goes through scratch space for a qcow2.gz,
// and populates a blank DataVolume.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import { shareConnections } from '../../src/kube/config.ts';
import { blankDataVolumeYaml, startTestCluster, waitForPhase, type TestCluster } from '../controllers/harness.ts';
import { assertSameDisk, httpDataVolumeYaml, volumePathOf } from '../controllers/import/e2e.ts';
import { startFaultServer, type FaultServer } from '../fixtures/fault-server.ts';
import { compressFile, convertRaw, makeRawImage, makeTempDir, referenceRaw } from '../fixtures/images.ts';

let cluster: TestCluster;
let tmp: { dir: string; remove: () => Promise<void> };
const servers: FaultServer[] = [];
let qcow2: string;
let reference: string;

before(async () => {
  tmp = await makeTempDir('ferry-e2e-rbac-');
  qcow2 = await convertRaw(await makeRawImage(path.join(tmp.dir, 'disk.raw')), path.join(tmp.dir, 'disk.qcow2'), 'qcow2');
  reference = await referenceRaw(qcow2, 'qcow2', path.join(tmp.dir, 'disk.qcow2.raw'));
  cluster = await startTestCluster();
  await cluster.kubectlOk(['apply', '-f', 'deploy/namespace.yaml', '-f', 'deploy/rbac.yaml', '-f', 'deploy/cdi-defaults.yaml']);
  const token = (await cluster.kubectlOk(['create', 'token', 'ferry-controller', '-n', 'ferry-system', '--duration=1h'])).trim();
  const admin = cluster.kubeConfig.getCurrentCluster()!;
  const asController = new KubeConfig();
  asController.loadFromOptions({
    clusters: [admin],
    users: [{ name: 'ferry-controller', token }],
    contexts: [{ name: 'ferry-controller', cluster: admin.name, user: 'ferry-controller' }],
    currentContext: 'ferry-controller',
  });
  await cluster.startController({ kubeConfig: shareConnections(asController), webhook: { port: 0, registration: 'url' } });
});

after(async () => {
  for (const s of servers) await s.close();
  await cluster?.close();
  await tmp?.remove();
});

test('the token is the service account\'s, and RBAC holds it to its role', async () => {
  const can = async (verb: string, resource: string) =>
    (await cluster.kubectl(['auth', 'can-i', verb, resource, '-n', 'default', '--as=system:serviceaccount:ferry-system:ferry-controller'])).stdout.trim();
  assert.equal(await can('patch', 'datavolumes.cdi.kubevirt.io/status'), 'yes');
  assert.equal(await can('get', 'secrets'), 'yes');
  assert.equal(await can('list', 'secrets'), 'no', 'only the Secrets a DataVolume names, never a listing');
  assert.equal(await can('delete', 'namespaces'), 'no');
});

test('as ferry-controller: a probed, authenticated import, scratch space and a blank DataVolume all succeed', async () => {
  await cluster.kubectlOk(['apply', '-f', '-'], `apiVersion: v1
kind: Secret
metadata:
  name: image-creds
stringData:
  accessKeyId: reader
  secretKey: s3cret
`);
  const authed = await startFaultServer({ body: qcow2, basicAuth: { username: 'reader', password: 's3cret' } });
  const gz = await startFaultServer({ body: await compressFile(qcow2, 'gz') });
  servers.push(authed, gz);

  const probed = httpDataVolumeYaml('rbac-probed', authed.url, { api: 'storage' }).replace(/( {6}url: .*\n)/, '$1      secretRef: image-creds\n');
  await cluster.kubectlOk(['apply', '-f', '-'], probed);
  await cluster.kubectlOk(['apply', '-f', '-'], httpDataVolumeYaml('rbac-scratch', gz.url, { size: '64Mi' }));
  await cluster.kubectlOk(['apply', '-f', '-'], blankDataVolumeYaml('rbac-blank', { size: '16Mi', annotations: { 'cdi.kubevirt.io/storage.deleteAfterCompletion': 'false' } }));

  await waitForPhase(cluster, 'default', 'rbac-probed', 'Succeeded', 120_000);
  await assertSameDisk(path.join(await volumePathOf(cluster, 'default', 'rbac-probed'), 'disk.img'), reference);
  await waitForPhase(cluster, 'default', 'rbac-scratch', 'Succeeded', 120_000);
  await assertSameDisk(path.join(await volumePathOf(cluster, 'default', 'rbac-scratch'), 'disk.img'), reference);
  await waitForPhase(cluster, 'default', 'rbac-blank', 'Succeeded', 120_000);

  const profiles = JSON.parse(await cluster.kubectlOk(['get', 'storageprofiles', '-o', 'json']));
  assert.ok(profiles.items.some((p: { metadata: { name: string } }) => p.metadata.name === 'ferry-hostpath'));
  const hook = JSON.parse(await cluster.kubectlOk(['get', 'validatingwebhookconfiguration', 'cdi-api-datavolume-validate', '-o', 'json']));
  assert.match(hook.webhooks[0].clientConfig.url, /^https:\/\/127\.0\.0\.1:\d+\/datavolume-validate$/);
});
