// HTTP imports on the embedded cluster with the real controller and worker: a raw and a qcow2
// image reach Succeeded and the volume holds qemu-img's raw of them byte for byte; a DataVolume
// whose `storage` omits the size gets a claim sized from the probed image; HTTPS with a CA from a
// ConfigMap, basic auth from a Secret and extra headers reach the server.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { parseQuantity } from '../../src/api/index.ts';
import { startTestCluster, waitFor, waitForEventReasons, waitForPhase, type TestCluster } from '../controllers/harness.ts';
import { assertSameDisk, condition, httpDataVolumeYaml, volumePathOf } from '../controllers/import/e2e.ts';
import { startFaultServer, type FaultServer } from '../fixtures/fault-server.ts';
import { createTestCA } from '../fixtures/test-ca.ts';
import { convertRaw, makeRawImage, makeTempDir, referenceRaw } from '../fixtures/images.ts';

let cluster: TestCluster;
let tmp: { dir: string; remove: () => Promise<void> };
const servers: FaultServer[] = [];
let raw: string;
let qcow2: string;
let qcow2Reference: string;

before(async () => {
  tmp = await makeTempDir('ferry-e2e-import-');
  raw = await makeRawImage(path.join(tmp.dir, 'disk.raw'));
  qcow2 = await convertRaw(raw, path.join(tmp.dir, 'disk.qcow2'), 'qcow2');
  qcow2Reference = await referenceRaw(qcow2, 'qcow2', path.join(tmp.dir, 'disk.qcow2.raw'));
  cluster = await startTestCluster();
  await cluster.startController();
});

after(async () => {
  for (const s of servers) await s.close();
  await cluster?.close();
  await tmp?.remove();
});

async function serve(file: string): Promise<string> {
  const server = await startFaultServer({ body: file });
  servers.push(server);
  return server.url;
}

test('a raw image over http: Succeeded, byte-exact, 100.0%, no restarts, the importer pod gone', async () => {
  await cluster.kubectlOk(['apply', '-f', '-'], httpDataVolumeYaml('http-raw', await serve(raw), { size: '64Mi' }));
  const dv = await waitForPhase(cluster, 'default', 'http-raw', 'Succeeded', 120_000);
  assert.equal(dv.status?.progress, '100.0%');
  assert.equal(dv.status?.restartCount, 0);
  assert.equal(condition(dv, 'Ready')?.status, 'True');
  await assertSameDisk(path.join(await volumePathOf(cluster, 'default', 'http-raw'), 'disk.img'), raw);

  const pvc = await cluster.core.readNamespacedPersistentVolumeClaim({ namespace: 'default', name: 'http-raw' });
  const a = pvc.metadata?.annotations ?? {};
  assert.equal(a['cdi.kubevirt.io/storage.import.source'], 'http');
  assert.equal(a['cdi.kubevirt.io/storage.pod.phase'], 'Succeeded');
  assert.equal(a['cdi.kubevirt.io/storage.import.importPodName'], 'importer-http-raw');
  await waitFor('the importer pod to be deleted', async () => {
    const pods = await cluster.core.listNamespacedPod({ namespace: 'default' });
    return !pods.items.some((p) => p.metadata?.name === 'importer-http-raw');
  });
  const reasons = await waitForEventReasons(cluster, 'http-raw', ['ImportScheduled', 'ImportSucceeded']);
  for (const reason of ['ImportScheduled', 'ImportSucceeded']) assert.ok(reasons.includes(reason), `events: ${reasons.join(', ')}`);
});

test('a qcow2 image over http: Succeeded and byte-exact against qemu-img convert -O raw', async () => {
  await cluster.kubectlOk(['apply', '-f', '-'], httpDataVolumeYaml('http-qcow2', await serve(qcow2), { size: '64Mi' }));
  const dv = await waitForPhase(cluster, 'default', 'http-qcow2', 'Succeeded', 120_000);
  assert.equal(dv.status?.progress, '100.0%');
  await assertSameDisk(path.join(await volumePathOf(cluster, 'default', 'http-qcow2'), 'disk.img'), qcow2Reference);
});

test('a qcow2 image into a Block volume: Succeeded and byte-exact', async () => {
  await cluster.kubectlOk(['apply', '-f', '-'], httpDataVolumeYaml('http-block', await serve(qcow2), { size: '16Mi', volumeMode: 'Block' }));
  await waitForPhase(cluster, 'default', 'http-block', 'Succeeded', 120_000);
  await assertSameDisk(await volumePathOf(cluster, 'default', 'http-block'), qcow2Reference);
});

test('storage without a size: the claim is sized from the probed virtual size plus overhead', async () => {
  await cluster.kubectlOk(['apply', '-f', '-'], httpDataVolumeYaml('http-nosize', await serve(qcow2), { api: 'storage' }));
  await waitForPhase(cluster, 'default', 'http-nosize', 'Succeeded', 120_000);
  const pvc = await cluster.core.readNamespacedPersistentVolumeClaim({ namespace: 'default', name: 'http-nosize' });
  const requested = parseQuantity(String(pvc.spec?.resources?.requests?.['storage'] ?? ''));
  assert.ok(requested !== undefined && requested >= BigInt(8 << 20), `requested ${String(requested)} holds the 8 MiB image`);
  assert.ok(requested < BigInt(16 << 20), `requested ${String(requested)} is the image plus overhead, not more`);
  await assertSameDisk(path.join(await volumePathOf(cluster, 'default', 'http-nosize'), 'disk.img'), qcow2Reference);
});

test('https with certConfigMap, basic auth from secretRef, extraHeaders and secretExtraHeaders', async () => {
  const ca = await createTestCA();
  const server = await startFaultServer({
    body: qcow2,
    tls: await ca.issue(['127.0.0.1', 'localhost']),
    basicAuth: { username: 'importer', password: 's3cret' },
    requireHeaders: { 'X-Plain': 'one' },
  });
  servers.push(server);
  assert.match(server.url, /^https:/);
  const objects = `apiVersion: v1
kind: ConfigMap
metadata:
  name: import-ca
data:
  ca.pem: |
${ca.caPem.trim().split('\n').map((l) => `    ${l}`).join('\n')}
---
apiVersion: v1
kind: Secret
metadata:
  name: import-creds
stringData:
  accessKeyId: importer
  secretKey: s3cret
---
apiVersion: v1
kind: Secret
metadata:
  name: import-headers
stringData:
  token: "X-Secret-Token: t0ps3cret"
`;
  await cluster.kubectlOk(['apply', '-f', '-'], objects);
  const yaml = httpDataVolumeYaml('https-auth', server.url, { size: '64Mi' }).replace(
    /( {6}url: .*\n)/,
    '$1      certConfigMap: import-ca\n      secretRef: import-creds\n      extraHeaders: ["X-Plain: one"]\n      secretExtraHeaders: [import-headers]\n',
  );
  await cluster.kubectlOk(['apply', '-f', '-'], yaml);
  const dv = await waitForPhase(cluster, 'default', 'https-auth', 'Succeeded', 120_000);
  assert.equal(dv.status?.restartCount, 0);
  await assertSameDisk(path.join(await volumePathOf(cluster, 'default', 'https-auth'), 'disk.img'), qcow2Reference);
  const fetched = server.requests.filter((r) => r.method === 'GET');
  assert.ok(fetched.length > 0 && fetched.every((r) => r.headers['x-plain'] === 'one'));
  assert.ok(fetched.every((r) => r.headers['x-secret-token'] === 't0ps3cret'), 'the header from secretExtraHeaders reaches the server');
});
