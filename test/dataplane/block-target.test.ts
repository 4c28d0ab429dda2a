// Block targets (a regular file standing for the device, as in embedded mode) hold old data:
// zero regions of the image must read back as zeros, and the device is never resized.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { importImage } from '../../src/dataplane/processor.ts';
import { createFileSource } from '../../src/dataplane/sources/file.ts';
import { DataPlaneError } from '../../src/dataplane/errors.ts';
import { DEFAULT_RAW, allocatedBytes, compressFile, convertRaw, makeRawImage, makeTempDir } from '../fixtures/images.ts';

let tmp: { dir: string; remove: () => Promise<void> };
let raw: string;

before(async () => {
  tmp = await makeTempDir();
  raw = await makeRawImage(path.join(tmp.dir, 'disk.raw'));
});
after(async () => tmp.remove());

const DEVICE_SIZE = 12 << 20;

/** A "device" full of old garbage, bigger than the image. */
async function dirtyDevice(name: string): Promise<string> {
  const device = path.join(tmp.dir, name);
  await writeFile(device, randomBytes(DEVICE_SIZE));
  return device;
}

for (const kind of ['raw.gz', 'qcow2'] as const) {
  test(`${kind} into a dirty block target: image bytes then old data untouched past the image`, async () => {
    const image = kind === 'raw.gz' ? await compressFile(raw, 'gz') : await convertRaw(raw, path.join(tmp.dir, 'b.qcow2'), 'qcow2');
    const device = await dirtyDevice(`dev-${kind}`);
    const before = await readFile(device);
    const source = createFileSource(image);
    const result = await importImage({
      source,
      target: { kind: 'block', path: device },
      contentType: 'kubevirt',
      signal: AbortSignal.timeout(60_000),
    });
    assert.equal(result.virtualSize, DEFAULT_RAW.size);
    const after = await readFile(device);
    assert.equal(after.byteLength, DEVICE_SIZE, 'a block target is never resized');
    assert.ok(after.subarray(0, DEFAULT_RAW.size).equals(await readFile(raw)), 'image region differs');
    assert.ok(after.subarray(DEFAULT_RAW.size).equals(before.subarray(DEFAULT_RAW.size)), 'beyond the image must be untouched');
  });
}

test('raw into a fresh (sparse) block target writes only the data', async () => {
  const device = path.join(tmp.dir, 'fresh-dev');
  await writeFile(device, '');
  const fh = await import('node:fs/promises').then((m) => m.open(device, 'r+'));
  await fh.truncate(DEVICE_SIZE);
  await fh.close();
  const source = createFileSource(raw);
  const result = await importImage({ source, target: { kind: 'block', path: device }, contentType: 'kubevirt', signal: AbortSignal.timeout(60_000) });
  assert.equal(result.bytesWritten, 1.5 * (1 << 20), 'only the random regions are written');
  assert.ok((await allocatedBytes(device)) < DEFAULT_RAW.size / 2);
  assert.ok((await readFile(device)).subarray(0, DEFAULT_RAW.size).equals(await readFile(raw)));
});

test('an image larger than the block device is ETOOLARGE', async () => {
  const device = path.join(tmp.dir, 'small-dev');
  await writeFile(device, Buffer.alloc(4 << 20));
  const source = createFileSource(await convertRaw(raw, path.join(tmp.dir, 's.qcow2'), 'qcow2'));
  await assert.rejects(
    importImage({ source, target: { kind: 'block', path: device }, contentType: 'kubevirt', signal: AbortSignal.timeout(60_000) }),
    (err: unknown) => err instanceof DataPlaneError && err.code === 'ETOOLARGE' && /storage 4194304/.test(err.message),
  );
});

test('preallocation allocates the whole Filesystem image', async () => {
  const volume = path.join(tmp.dir, 'prealloc');
  const source = createFileSource(raw);
  await importImage({
    source,
    target: { kind: 'file', path: volume, usableSize: 10 << 20 },
    contentType: 'kubevirt',
    preallocation: true,
    signal: AbortSignal.timeout(60_000),
  });
  const disk = path.join(volume, 'disk.img');
  assert.equal((await stat(disk)).size, 10 << 20);
  assert.ok((await allocatedBytes(disk)) >= 10 << 20, 'every block allocated');
  assert.ok((await readFile(disk)).subarray(0, DEFAULT_RAW.size).equals(await readFile(raw)));
});
