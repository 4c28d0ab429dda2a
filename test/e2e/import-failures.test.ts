// Imports that will not heal end Failed with a reason a person can act on, without restarts and
// without a new importer pod; the DataVolume stays Failed after its pod is gone.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import { startTestCluster, waitFor, waitForPhase, type TestCluster } from '../controllers/harness.ts';
import { condition, httpDataVolumeYaml } from '../controllers/import/e2e.ts';
import { startFaultServer, type FaultServer } from '../fixtures/fault-server.ts';
import { convertRaw, makeQcow2WithBacking, makeRawImage, makeTempDir } from '../fixtures/images.ts';

let cluster: TestCluster;
let tmp: { dir: string; remove: () => Promise<void> };
const servers: FaultServer[] = [];
let raw: string;

before(async () => {
  tmp = await makeTempDir('ferry-e2e-import-fail-');
  raw = await makeRawImage(path.join(tmp.dir, 'disk.raw'));
  cluster = await startTestCluster();
  await cluster.startController();
});

after(async () => {
  for (const s of servers) await s.close();
  await cluster?.close();
  await tmp?.remove();
});

async function serve(body: string, options: Omit<Parameters<typeof startFaultServer>[0], 'body'> = {}): Promise<FaultServer> {
  const server = await startFaultServer({ body, ...options });
  servers.push(server);
  return server;
}

async function expectFailedForGood(name: string, reason: string, message: RegExp, server: FaultServer): Promise<void> {
  const dv = await waitForPhase(cluster, 'default', name, 'Failed', 120_000);
  const running = condition(dv, 'Running');
  assert.equal(running?.status, 'False');
  assert.equal(running?.reason, reason);
  assert.match(running?.message ?? '', message);
  assert.match(running?.message ?? '', /recreate the DataVolume/);
  assert.equal(dv.status?.restartCount, 0, 'the importer was not restarted');
  await waitFor(`importer-${name} to be deleted`, async () => {
    const pods = await cluster.core.listNamespacedPod({ namespace: 'default' });
    return !pods.items.some((p) => p.metadata?.name === `importer-${name}`);
  });
  // Nothing starts again: the source is asked no more, the DataVolume stays Failed.
  const requests = server.requests.length;
  await new Promise((r) => setTimeout(r, 3000));
  const after = await cluster.getDataVolume('default', name);
  assert.equal(after?.status?.phase, 'Failed');
  assert.equal(condition(after!, 'Running')?.reason, reason);
  assert.equal(server.requests.length, requests, 'no new importer fetched the source');
  const pods = await cluster.core.listNamespacedPod({ namespace: 'default' });
  assert.ok(!pods.items.some((p) => p.metadata?.name === `importer-${name}`), 'no new importer pod');
  const events = await cluster.core.listNamespacedEvent({ namespace: 'default', fieldSelector: `involvedObject.name=${name}` });
  const warnings = events.items.filter((e) => e.involvedObject.kind === 'DataVolume' && e.type === 'Warning').map((e) => e.reason);
  assert.ok(warnings.includes('ImportFailed'), `warnings: ${warnings.join(', ')}`);
  assert.ok(warnings.includes(reason), `warnings: ${warnings.join(', ')}`);
}

test('a 404 ends Failed with ImportSourceNotFound, no restarts, no new pod', async () => {
  const server = await serve(raw, { faults: { status: 404 } });
  await cluster.kubectlOk(['apply', '-f', '-'], httpDataVolumeYaml('missing', server.url, { size: '64Mi' }));
  await expectFailedForGood('missing', 'ImportSourceNotFound', /404/, server);
});

test('wrong credentials end Failed with ImportSourceUnauthorized', async () => {
  const server = await serve(raw, { basicAuth: { username: 'u', password: 'right' } });
  await cluster.kubectlOk(['apply', '-f', '-'], `apiVersion: v1
kind: Secret
metadata:
  name: wrong-creds
stringData:
  accessKeyId: u
  secretKey: wrong
`);
  const yaml = httpDataVolumeYaml('unauthorized', server.url, { size: '64Mi' }).replace(/( {6}url: .*\n)/, '$1      secretRef: wrong-creds\n');
  await cluster.kubectlOk(['apply', '-f', '-'], yaml);
  await expectFailedForGood('unauthorized', 'ImportSourceUnauthorized', /401|credentials/, server);
});

test('a checksum mismatch ends Failed with ImportChecksumMismatch', async () => {
  const server = await serve(raw);
  await cluster.kubectlOk(['apply', '-f', '-'], httpDataVolumeYaml('bad-checksum', server.url, { size: '64Mi', checksum: `sha256:${'0'.repeat(64)}` }));
  await expectFailedForGood('bad-checksum', 'ImportChecksumMismatch', /checksum/i, server);
});

test('a qcow2 with a backing file ends Failed with ImportImageUnsafe', async () => {
  const server = await serve(await makeQcow2WithBacking(tmp.dir));
  await cluster.kubectlOk(['apply', '-f', '-'], httpDataVolumeYaml('unsafe', server.url, { size: '64Mi' }));
  await expectFailedForGood('unsafe', 'ImportImageUnsafe', /backing file/, server);
});

test('an image larger than the volume ends Failed with ImportImageTooLarge', async () => {
  const server = await serve(await convertRaw(raw, path.join(tmp.dir, 'big.qcow2'), 'qcow2'));
  await cluster.kubectlOk(['apply', '-f', '-'], httpDataVolumeYaml('too-large', server.url, { size: '4Mi' }));
  await expectFailedForGood('too-large', 'ImportImageTooLarge', /larger than the reported available storage.*Ask for more storage/, server);
});

test('a format Ferry cannot read (qed) ends Failed with ImportFormatUnsupported', async () => {
  const qed = path.join(tmp.dir, 'disk.qed');
  await promisify(execFile)('qemu-img', ['create', '-f', 'qed', qed, '16M']);
  const server = await serve(qed);
  await cluster.kubectlOk(['apply', '-f', '-'], httpDataVolumeYaml('unsupported', server.url, { size: '64Mi' }));
  await expectFailedForGood('unsupported', 'ImportFormatUnsupported', /qed/, server);
});

test('retainAfterCompletion keeps the failed importer pod, which is not run again', async () => {
  const server = await serve(raw, { faults: { status: 404 } });
  await cluster.kubectlOk(['apply', '-f', '-'], httpDataVolumeYaml('missing-kept', server.url, {
    size: '64Mi',
    annotations: { 'cdi.kubevirt.io/storage.pod.retainAfterCompletion': 'true' },
  }));
  const dv = await waitForPhase(cluster, 'default', 'missing-kept', 'Failed', 120_000);
  assert.equal(condition(dv, 'Running')?.reason, 'ImportSourceNotFound');
  const pod = await cluster.core.readNamespacedPod({ namespace: 'default', name: 'importer-missing-kept' });
  const terminated = pod.status?.containerStatuses?.[0]?.state?.terminated;
  assert.ok(terminated, 'the importer container has ended');
  assert.match(terminated.message ?? '', /"code":"ENOTFOUND"/);
  assert.equal(pod.status?.containerStatuses?.[0]?.restartCount, 0);
  const requests = server.requests.length;
  await new Promise((r) => setTimeout(r, 3000));
  assert.equal(server.requests.length, requests, 'the kept pod fetched nothing more');
  assert.equal((await cluster.getDataVolume('default', 'missing-kept'))?.status?.phase, 'Failed');
});
