// `ferry worker import` from an S3 bucket (s3rver) and from an OCI registry (Debian's
// docker-registry): the same worker, CDI's variables, the disk byte for byte in the volume.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { convertRaw, makeRawImage, makeTempDir, DEFAULT_RAW } from '../fixtures/images.ts';
import { startS3Server, S3RVER_ACCESS_KEY_ID, S3RVER_SECRET_KEY, type S3Server } from '../fixtures/s3-server.ts';
import { startRegistry, pushImage, type RegistryServer } from '../fixtures/registry-server.ts';
import { runWorkerIn } from './worker-harness.ts';

let tmp: { dir: string; remove: () => Promise<void> };
let raw: Buffer;
let qcow2: Buffer;
let s3: S3Server;
let registry: RegistryServer;

before(async () => {
  tmp = await makeTempDir();
  const rawPath = await makeRawImage(path.join(tmp.dir, 'disk.raw'));
  raw = await readFile(rawPath);
  qcow2 = await readFile(await convertRaw(rawPath, path.join(tmp.dir, 'disk.qcow2'), 'qcow2'));
  s3 = await startS3Server();
  await s3.createBucket('images');
  await s3.putObject('images', 'fedora/disk.qcow2', qcow2);
  registry = await startRegistry();
  await pushImage(registry.url, 'vm/disk', 'v1', { layers: [{ files: [{ path: 'disk/disk.img', data: raw }] }], mediaTypes: 'oci' });
});

after(async () => {
  await s3.close();
  await registry.close();
  await tmp.remove();
});

test('an S3 object (qcow2) is imported through the SDK with the access keys CDI passes', async () => {
  const { exitCode, message, pod } = await runWorkerIn(tmp.dir, {
    IMPORTER_SOURCE: 's3',
    IMPORTER_ENDPOINT: `${s3.endpoint}/images/fedora/disk.qcow2`,
    IMPORTER_ACCESS_KEY_ID: S3RVER_ACCESS_KEY_ID,
    IMPORTER_SECRET_KEY: S3RVER_SECRET_KEY,
  });
  assert.equal(exitCode, 0, JSON.stringify(message));
  assert.equal(message.format, 'qcow2');
  const disk = await readFile(path.join(pod.data, 'disk.img'));
  assert.ok(disk.subarray(0, DEFAULT_RAW.size).equals(raw));
});

test('a registry image with its disk under disk/ is imported without writing the image anywhere else', async () => {
  const { exitCode, message, pod } = await runWorkerIn(tmp.dir, { IMPORTER_SOURCE: 'registry', IMPORTER_ENDPOINT: `docker://${registry.host}/vm/disk:v1`, INSECURE_TLS: 'true' });
  assert.equal(exitCode, 0, JSON.stringify(message));
  assert.equal(message.format, 'raw');
  assert.ok((await readFile(path.join(pod.data, 'disk.img'))).subarray(0, DEFAULT_RAW.size).equals(raw));
});

test('a missing registry tag ends Failed with ENOTFOUND and says which image', async () => {
  const { exitCode, message } = await runWorkerIn(tmp.dir, { IMPORTER_SOURCE: 'registry', IMPORTER_ENDPOINT: `docker://${registry.host}/vm/disk:nope`, INSECURE_TLS: 'true' });
  assert.equal(exitCode, 0, 'a failure that will not heal ends the pod without a restart');
  assert.equal(message.outcome, 'Failed');
  assert.equal(message.code, 'ENOTFOUND');
  assert.match(String(message.message), /vm\/disk/);
});
