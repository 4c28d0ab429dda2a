// The size probe against real images made with qemu-img, served by the fault-injecting server:
// the probed virtual size equals what `qemu-img info` says, or the probe says why it cannot.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { probeHttpVirtualSize, virtualSizeFromHead } from '../../../src/controllers/import/index.ts';
import { startFaultServer, type FaultOptions } from '../../fixtures/fault-server.ts';
import { compressFile, convertRaw, makeRawImage, makeTempDir, qemuFormatOf, type FixtureFormat } from '../../fixtures/images.ts';

const execFileAsync = promisify(execFile);
let tmp: { dir: string; remove: () => Promise<void> };
let raw: string;
const MiB = 1 << 20;

before(async () => {
  tmp = await makeTempDir('ferry-size-probe-');
  // An odd size (not a multiple of 1 MiB) so that a size read from the wrong place shows.
  raw = await makeRawImage(path.join(tmp.dir, 'disk.raw'), { size: 9 * MiB + 512 * 3, randomRegions: [[0, 256 * 1024], [5 * MiB, 256 * 1024]] });
});

after(async () => {
  await tmp?.remove();
});

async function qemuVirtualSize(file: string, format: string): Promise<number> {
  const { stdout } = await execFileAsync('qemu-img', ['info', '-f', format, '--output', 'json', file]);
  return (JSON.parse(stdout) as { 'virtual-size': number })['virtual-size'];
}

async function probe(file: string, faults: FaultOptions = {}) {
  const server = await startFaultServer({ body: file, faults });
  try {
    return await probeHttpVirtualSize({ url: server.url, signal: AbortSignal.timeout(10_000) });
  } finally {
    await server.close();
  }
}

const formats: FixtureFormat[] = ['qcow2', 'qcow2-compressed', 'vmdk-monolithicSparse', 'vmdk-streamOptimized', 'vpc', 'vdi'];

for (const format of formats) {
  test(`the probed virtual size of a ${format} image is qemu-img's`, async () => {
    const image = await convertRaw(raw, path.join(tmp.dir, `disk.${format}`), format);
    const result = await probe(image);
    assert.ok('size' in result, JSON.stringify(result));
    assert.equal(result.size, await qemuVirtualSize(image, qemuFormatOf(format)));
  });
}

test('a raw image is its length, with or without range support', async () => {
  for (const faults of [{}, { noRange: true }, { noHead: true }]) {
    const result = await probe(raw, faults);
    assert.deepEqual(result, { size: 9 * MiB + 1536, format: 'raw' }, JSON.stringify(faults));
  }
});

test('a gzip-compressed qcow2 is sized from its inner header; compressed raw is not sized', async () => {
  const qcow2 = await convertRaw(raw, path.join(tmp.dir, 'inner.qcow2'), 'qcow2');
  const gz = await compressFile(qcow2, 'gz');
  const result = await probe(gz);
  assert.ok('size' in result, JSON.stringify(result));
  assert.equal(result.size, 9 * MiB + 1536);
  const rawGz = await compressFile(raw, 'gz');
  assert.match(JSON.stringify(await probe(rawGz)), /compressed raw image is not known/);
  const rawXz = await compressFile(raw, 'xz');
  assert.match(JSON.stringify(await probe(rawXz)), /xz or zstd/);
});

test('vhdx is not sized, and a 404 says so', async () => {
  const vhdx = await convertRaw(raw, path.join(tmp.dir, 'disk.vhdx'), 'vhdx');
  assert.match(JSON.stringify(await probe(vhdx)), /vhdx/);
  assert.match(JSON.stringify(await probe(raw, { status: 404 })), /answered 404/);
});

test('virtualSizeFromHead on truncated headers', () => {
  const table: [Buffer, number | undefined, string][] = [
    [Buffer.from('QFI\xfb\x00\x00\x00\x03', 'latin1'), 100, 'qcow2 header is truncated'],
    [Buffer.from('KDMV', 'latin1'), 100, 'vmdk header is truncated'],
    [Buffer.alloc(16), undefined, 'length of the raw image is not known'],
  ];
  for (const [head, total, message] of table) {
    const result = virtualSizeFromHead(head, total);
    assert.ok('unknown' in result && result.unknown.includes(message), JSON.stringify(result));
  }
  assert.deepEqual(virtualSizeFromHead(Buffer.alloc(16), 4096), { size: 4096, format: 'raw' });
});
