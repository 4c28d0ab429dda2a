// S3, GCS and registry DataVolumes on the embedded cluster: an object in s3rver (with the keys
// from the DataVolume's Secret), a public GCS object at a local endpoint, and container disk
// images in Debian's docker-registry (insecure, as CDIConfig's insecureRegistries says; a qcow2
// one through scratch space) reach Succeeded byte-exact; a missing tag ends Failed.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { startTestCluster, waitForPhase, type TestCluster } from '../controllers/harness.ts';
import { assertSameDisk, condition, sourceDataVolumeYaml, volumePathOf } from '../controllers/import/e2e.ts';
import { startFaultServer, type FaultServer } from '../fixtures/fault-server.ts';
import { DEFAULT_RAW, convertRaw, makeRawImage, makeTempDir, referenceRaw } from '../fixtures/images.ts';
import { parseQuantity } from '../../src/api/index.ts';
import { pushImage, startRegistry, type RegistryServer } from '../fixtures/registry-server.ts';
import { S3RVER_ACCESS_KEY_ID, S3RVER_SECRET_KEY, startS3Server, type S3Server } from '../fixtures/s3-server.ts';

let cluster: TestCluster;
let tmp: { dir: string; remove: () => Promise<void> };
let s3: S3Server;
let registry: RegistryServer;
let gcs: FaultServer;
let raw: string;
let qcow2Reference: string;

const dataVolumeYaml = (name: string, source: string): string => sourceDataVolumeYaml(name, source, { size: '64Mi' });

before(async () => {
  cluster = await startTestCluster();
  await cluster.startController();
  registry = await startRegistry();
  // The registry speaks plain HTTP: CDIConfig lists it as insecure before any DataVolume asks.
  await cluster.kubectlOk(['patch', 'cdiconfig', 'config', '--type', 'merge', '-p', JSON.stringify({ spec: { insecureRegistries: [registry.host] } })]);
  tmp = await makeTempDir('ferry-e2e-import-objects-');
  raw = await makeRawImage(path.join(tmp.dir, 'disk.raw'));
  const qcow2 = await convertRaw(raw, path.join(tmp.dir, 'disk.qcow2'), 'qcow2');
  qcow2Reference = await referenceRaw(qcow2, 'qcow2', path.join(tmp.dir, 'disk.qcow2.raw'));
  s3 = await startS3Server();
  await s3.createBucket('images');
  await s3.putObject('images', 'fedora/disk.qcow2', await readFile(qcow2));
  await pushImage(registry.url, 'vm/disk', 'v1', { layers: [{ files: [{ path: 'disk/disk.img', data: await readFile(raw) }] }], mediaTypes: 'oci' });
  await pushImage(registry.url, 'vm/nodisk', 'v1', { layers: [{ files: [{ path: 'etc/motd', data: Buffer.from('no disk here\n') }] }], mediaTypes: 'oci' });
  await pushImage(registry.url, 'vm/qcow2', 'v1', { layers: [{ files: [{ path: 'disk/disk.qcow2', data: await readFile(qcow2) }] }], mediaTypes: 'oci' });
  // A public GCS object, path-style at a local endpoint (https://storage.googleapis.com/<bucket>/<object> elsewhere).
  gcs = await startFaultServer({ body: qcow2 });
  await cluster.kubectlOk(['apply', '-f', '-'], `apiVersion: v1
kind: Secret
metadata:
  name: s3-keys
stringData:
  accessKeyId: ${S3RVER_ACCESS_KEY_ID}
  secretKey: ${S3RVER_SECRET_KEY}
`);
});

after(async () => {
  await gcs?.close();
  await s3?.close();
  await registry?.close();
  await cluster?.close();
  await tmp?.remove();
});

test('an s3 DataVolume with its keys in a Secret: Succeeded and byte-exact', async () => {
  await cluster.kubectlOk(['apply', '-f', '-'], dataVolumeYaml('from-s3', `    s3:
      url: "${s3.endpoint}/images/fedora/disk.qcow2"
      secretRef: s3-keys
`));
  const dv = await waitForPhase(cluster, 'default', 'from-s3', 'Succeeded', 120_000);
  assert.equal(dv.status?.progress, '100.0%');
  await assertSameDisk(path.join(await volumePathOf(cluster, 'default', 'from-s3'), 'disk.img'), qcow2Reference);
});

test('an s3 DataVolume without a size: the claim is sized from the object probed with its keys', async () => {
  await cluster.kubectlOk(['apply', '-f', '-'], sourceDataVolumeYaml('s3-nosize', `    s3:
      url: "${s3.endpoint}/images/fedora/disk.qcow2"
      secretRef: s3-keys
`));
  await waitForPhase(cluster, 'default', 's3-nosize', 'Succeeded', 120_000);
  const pvc = await cluster.core.readNamespacedPersistentVolumeClaim({ namespace: 'default', name: 's3-nosize' });
  const requested = parseQuantity(String(pvc.spec?.resources?.requests?.['storage'] ?? ''));
  assert.ok(requested !== undefined && requested >= BigInt(DEFAULT_RAW.size), `the claim (${String(requested)} bytes) holds the image's ${DEFAULT_RAW.size} bytes`);
  await assertSameDisk(path.join(await volumePathOf(cluster, 'default', 's3-nosize'), 'disk.img'), qcow2Reference);
});

test('a registry DataVolume from an insecure registry: Succeeded and byte-exact', async () => {
  await cluster.kubectlOk(['apply', '-f', '-'], dataVolumeYaml('from-registry', `    registry:
      url: "docker://${registry.host}/vm/disk:v1"
`));
  await waitForPhase(cluster, 'default', 'from-registry', 'Succeeded', 120_000);
  await assertSameDisk(path.join(await volumePathOf(cluster, 'default', 'from-registry'), 'disk.img'), raw);
});

test('a registry image holding a qcow2 needs scratch space: a second worker with a scratch claim converts it', async () => {
  await cluster.kubectlOk(['apply', '-f', '-'], dataVolumeYaml('registry-qcow2', `    registry:
      url: "docker://${registry.host}/vm/qcow2:v1"
`));
  const dv = await waitForPhase(cluster, 'default', 'registry-qcow2', 'Succeeded', 120_000);
  assert.equal(dv.status?.restartCount, 0);
  const pvc = await cluster.core.readNamespacedPersistentVolumeClaim({ namespace: 'default', name: 'registry-qcow2' });
  assert.equal(pvc.metadata?.annotations?.['cdi.kubevirt.io/storage.import.requiresScratch'], 'true');
  await assertSameDisk(path.join(await volumePathOf(cluster, 'default', 'registry-qcow2'), 'disk.img'), qcow2Reference);
});

test('a gcs DataVolume (public object): Succeeded and byte-exact', async () => {
  const url = new URL(gcs.url);
  await cluster.kubectlOk(['apply', '-f', '-'], dataVolumeYaml('from-gcs', `    gcs:
      url: "${url.origin}/images/fedora/disk.qcow2"
`));
  const dv = await waitForPhase(cluster, 'default', 'from-gcs', 'Succeeded', 120_000);
  assert.equal(dv.status?.progress, '100.0%');
  await assertSameDisk(path.join(await volumePathOf(cluster, 'default', 'from-gcs'), 'disk.img'), qcow2Reference);
  assert.ok(gcs.requests.some((r) => r.path === '/images/fedora/disk.qcow2'), 'the object was read path-style from the endpoint');
});

test('a gcs DataVolume without a size: the claim is sized from the probed public object', async () => {
  const url = new URL(gcs.url);
  await cluster.kubectlOk(['apply', '-f', '-'], sourceDataVolumeYaml('gcs-nosize', `    gcs:
      url: "${url.origin}/images/fedora/disk.qcow2"
`));
  await waitForPhase(cluster, 'default', 'gcs-nosize', 'Succeeded', 120_000);
  const pvc = await cluster.core.readNamespacedPersistentVolumeClaim({ namespace: 'default', name: 'gcs-nosize' });
  const requested = parseQuantity(String(pvc.spec?.resources?.requests?.['storage'] ?? ''));
  assert.ok(requested !== undefined && requested >= BigInt(DEFAULT_RAW.size), `the claim (${String(requested)} bytes) holds the image's ${DEFAULT_RAW.size} bytes`);
  await assertSameDisk(path.join(await volumePathOf(cluster, 'default', 'gcs-nosize'), 'disk.img'), qcow2Reference);
});

test('a registry image with nothing under disk/ ends Failed with ImportRegistryImageHasNoDisk', async () => {
  await cluster.kubectlOk(['apply', '-f', '-'], dataVolumeYaml('no-disk', `    registry:
      url: "docker://${registry.host}/vm/nodisk:v1"
`));
  const dv = await waitForPhase(cluster, 'default', 'no-disk', 'Failed', 120_000);
  assert.equal(condition(dv, 'Running')?.reason, 'ImportRegistryImageHasNoDisk');
  assert.match(condition(dv, 'Running')?.message ?? '', /disk\//);
  assert.equal(dv.status?.restartCount, 0);
});

test('a missing registry tag ends Failed with ImportSourceNotFound and no restarts', async () => {
  await cluster.kubectlOk(['apply', '-f', '-'], dataVolumeYaml('no-tag', `    registry:
      url: "docker://${registry.host}/vm/disk:nope"
`));
  const dv = await waitForPhase(cluster, 'default', 'no-tag', 'Failed', 120_000);
  assert.equal(condition(dv, 'Running')?.reason, 'ImportSourceNotFound');
  assert.match(condition(dv, 'Running')?.message ?? '', /vm\/disk/);
  assert.equal(dv.status?.restartCount, 0);
});
