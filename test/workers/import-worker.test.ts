// `ferry worker import` as the pod runner starts it: a subprocess with env, mounts mapped through
// FERRY_PATH_MAP, the image served over HTTP, the JSON termination message as the outcome.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, stat, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { DEFAULT_RAW, allocatedBytes, compressFile, convertRaw, makeQcow2WithBacking, makeRawImage, makeTempDir } from '../fixtures/images.ts';
import { serveDirectory } from './static-server.ts';
import { runWorkerIn } from './worker-harness.ts';
import type { StaticServer } from './static-server.ts';

let tmp: { dir: string; remove: () => Promise<void> };
let images: string;
let server: StaticServer;
let raw: string;

before(async () => {
  tmp = await makeTempDir();
  images = path.join(tmp.dir, 'images');
  await mkdir(images);
  raw = await makeRawImage(path.join(images, 'disk.raw'));
  await convertRaw(raw, path.join(images, 'disk.qcow2'), 'qcow2');
  await compressFile(raw, 'xz');
  await compressFile(path.join(images, 'disk.qcow2'), 'gz');
  await makeQcow2WithBacking(images);
  server = await serveDirectory(images);
});
after(async () => {
  await server.close();
  await tmp.remove();
});

const runWorker = (env: Record<string, string>, mode: 'Filesystem' | 'Block' = 'Filesystem') => runWorkerIn(tmp.dir, env, mode);

describe('ferry worker import', () => {
  test('qcow2 over HTTP into a Filesystem volume', async () => {
    const { exitCode, message, pod, stdout } = await runWorker({
      IMPORTER_SOURCE: 'http',
      IMPORTER_ENDPOINT: server.url('disk.qcow2'),
      IMPORTER_IMAGE_SIZE: '10Mi',
    });
    assert.equal(exitCode, 0, JSON.stringify(message));
    assert.equal(message.outcome, 'Succeeded');
    assert.equal(message.format, 'qcow2');
    assert.equal(message.virtualSize, DEFAULT_RAW.size);
    const disk = path.join(pod.data, 'disk.img');
    const content = await readFile(disk);
    assert.equal(content.byteLength, 10 << 20, 'resized to IMPORTER_IMAGE_SIZE');
    assert.ok(content.subarray(0, DEFAULT_RAW.size).equals(await readFile(raw)));
    assert.ok((await allocatedBytes(disk)) < DEFAULT_RAW.size / 2);
    assert.deepEqual(JSON.parse(await readFile(pod.progress, 'utf8')), { phase: 'Complete', fraction: 1, progress: '100.0%' });
    assert.match(stdout, /"msg":"progress"/);
  });

  test('raw.xz over HTTP into a Block volume, checksum verified', async () => {
    const { createHash } = await import('node:crypto');
    const digest = createHash('sha256').update(await readFile(path.join(images, 'disk.raw.xz'))).digest('hex');
    const { exitCode, message, pod } = await runWorker(
      { IMPORTER_SOURCE: 'http', IMPORTER_ENDPOINT: server.url('disk.raw.xz'), IMPORTER_CHECKSUM: `sha256:${digest}` },
      'Block',
    );
    assert.equal(exitCode, 0, JSON.stringify(message));
    assert.equal(message.checksum, `sha256:${digest}`);
    assert.equal(message.format, 'raw');
    const device = await readFile(pod.block);
    assert.equal(device.byteLength, 16 << 20, 'the device keeps its size');
    assert.ok(device.subarray(0, DEFAULT_RAW.size).equals(await readFile(raw)));
  });

  test('a missing image fails for good with ENOTFOUND and exit code 0 (no restart)', async () => {
    const { exitCode, message } = await runWorker({ IMPORTER_SOURCE: 'http', IMPORTER_ENDPOINT: server.url('missing.img') });
    assert.equal(exitCode, 0, 'a failure that will not heal ends the pod without a restart');
    assert.equal(message.outcome, 'Failed');
    assert.equal(message.code, 'ENOTFOUND');
    assert.equal(message.retryable, false);
  });

  test('CACHE_MODE=TRYNONE converts with direct I/O and is byte-exact', async () => {
    const { exitCode, message, pod } = await runWorker({ IMPORTER_SOURCE: 'http', IMPORTER_ENDPOINT: server.url('disk.qcow2'), CACHE_MODE: 'TRYNONE' });
    assert.equal(exitCode, 0, JSON.stringify(message));
    assert.equal(message.format, 'qcow2');
    assert.ok((await readFile(path.join(pod.data, 'disk.img'))).subarray(0, DEFAULT_RAW.size).equals(await readFile(raw)));
  });

  test('a compressed qcow2 with no scratch mounted asks for scratch space and exits 0', async () => {
    const { exitCode, message } = await runWorker({ IMPORTER_SOURCE: 'http', IMPORTER_ENDPOINT: server.url('disk.qcow2.gz') });
    assert.equal(exitCode, 0, 'the controller, not the kubelet, starts the next worker');
    assert.equal(message.outcome, 'Failed');
    assert.equal(message.code, 'ESCRATCHREQUIRED');
    assert.equal(message.scratchSpaceRequired, true);
    assert.match(String(message.message), /^scratch space required and none found/);
  });

  test('a qcow2 with a backing file fails with EUNSAFEIMAGE', async () => {
    const { exitCode, message } = await runWorker({ IMPORTER_SOURCE: 'http', IMPORTER_ENDPOINT: server.url('overlay.qcow2') });
    assert.equal(exitCode, 0, 'a failure that will not heal ends the pod without a restart');
    assert.equal(message.code, 'EUNSAFEIMAGE');
    assert.match(String(message.message), /backing file/);
  });

  test('an image larger than the volume fails with ETOOLARGE and CDI message', async () => {
    const { exitCode, message } = await runWorker({
      IMPORTER_SOURCE: 'http',
      IMPORTER_ENDPOINT: server.url('disk.qcow2'),
      IMPORTER_IMAGE_SIZE: '4Mi',
    });
    assert.equal(exitCode, 0, 'a failure that will not heal ends the pod without a restart');
    assert.equal(message.code, 'ETOOLARGE');
    assert.equal(message.message, `virtual image size ${DEFAULT_RAW.size} is larger than the reported available storage ${4 << 20}. A larger PVC is required`);
  });

  test('a malformed task fails before any I/O with EINVALIDSOURCE', async () => {
    const { exitCode, message } = await runWorker({ IMPORTER_SOURCE: 'http', IMPORTER_ENDPOINT: server.url('disk.raw'), IMPORTER_CHECKSUM: 'sha256:nothex' });
    assert.equal(exitCode, 0, 'a failure that will not heal ends the pod without a restart');
    assert.equal(message.code, 'EINVALIDSOURCE');
    assert.match(String(message.message), /IMPORTER_CHECKSUM/);
  });

  test('blank (IMPORTER_SOURCE=none) creates a sparse disk.img of the requested size', async () => {
    const { exitCode, message, pod } = await runWorker({ IMPORTER_SOURCE: 'none', IMPORTER_IMAGE_SIZE: '64Mi' });
    assert.equal(exitCode, 0, JSON.stringify(message));
    const disk = path.join(pod.data, 'disk.img');
    assert.equal((await stat(disk)).size, 64 << 20);
    assert.equal(await allocatedBytes(disk), 0);
    assert.equal(message.virtualSize, 64 << 20);
  });

  test('blank with preallocation allocates the whole image', async () => {
    const { exitCode, message, pod } = await runWorker({ IMPORTER_SOURCE: 'none', IMPORTER_IMAGE_SIZE: '8Mi', PREALLOCATION: 'true' });
    assert.equal(exitCode, 0, JSON.stringify(message));
    assert.equal(message.preallocationApplied, true);
    assert.ok((await allocatedBytes(path.join(pod.data, 'disk.img'))) >= 8 << 20);
  });

  test('blank on a Block volume leaves the device as it is', async () => {
    const { exitCode, message, pod } = await runWorker({ IMPORTER_SOURCE: 'none' }, 'Block');
    assert.equal(exitCode, 0, JSON.stringify(message));
    assert.equal(message.virtualSize, 16 << 20);
    assert.equal((await stat(pod.block)).size, 16 << 20);
  });
});
