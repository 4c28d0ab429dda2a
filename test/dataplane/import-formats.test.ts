// Every supported format, imported from a file source into a Filesystem target, must equal
// `qemu-img convert -O raw` of the source byte for byte, and stay sparse.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { importImage } from '../../src/dataplane/processor.ts';
import type { ImportProgress } from '../../src/dataplane/processor.ts';
import { createFileSource } from '../../src/dataplane/sources/file.ts';
import {
  DEFAULT_RAW,
  allocatedBytes,
  compressFile,
  convertRaw,
  makeIsoImage,
  makeRawImage,
  makeTempDir,
  qemuFormatOf,
  referenceRaw,
} from '../fixtures/images.ts';
import type { CompressionExt, FixtureFormat } from '../fixtures/images.ts';

let tmp: { dir: string; remove: () => Promise<void> };
let raw: string;

before(async () => {
  tmp = await makeTempDir();
  raw = await makeRawImage(path.join(tmp.dir, 'disk.raw'));
});
after(async () => tmp.remove());

interface Case {
  name: string;
  make: () => Promise<{ image: string; qemuFormat: string; reference: string }>;
  expectFormat: string;
  expectPhases: string[];
  scratch?: boolean;
}

function fixtureCase(format: FixtureFormat, compression?: CompressionExt): Case {
  const qemuFormat = qemuFormatOf(format);
  const name = compression === undefined ? format : `${format}.${compression}`;
  const ranged = compression === undefined;
  return {
    name,
    expectFormat: qemuFormat,
    scratch: !ranged,
    expectPhases: ranged
      ? ['Probe', 'Detect', 'ValidateRemote', 'ConvertRemote', 'Resize', 'Complete']
      : ['Probe', 'Detect', 'TransferScratch', 'ValidateScratch', 'ConvertScratch', 'Resize', 'Complete'],
    make: async () => {
      const image = await convertRaw(raw, path.join(tmp.dir, `disk.${format}`), format);
      const reference = await referenceRaw(image, qemuFormat, path.join(tmp.dir, `ref.${name}`));
      return { image: compression === undefined ? image : await compressFile(image, compression), qemuFormat, reference };
    },
  };
}

function rawCase(compression?: CompressionExt): Case {
  return {
    name: compression === undefined ? 'raw' : `raw.${compression}`,
    expectFormat: 'raw',
    expectPhases: ['Probe', 'Detect', 'TransferRaw', 'Resize', 'Complete'],
    make: async () => ({
      image: compression === undefined ? raw : await compressFile(raw, compression),
      qemuFormat: 'raw',
      reference: raw,
    }),
  };
}

const CASES: Case[] = [
  rawCase(),
  rawCase('gz'),
  rawCase('xz'),
  rawCase('zst'),
  fixtureCase('qcow2'),
  fixtureCase('qcow2-compressed'),
  fixtureCase('vmdk-monolithicSparse'),
  fixtureCase('vmdk-streamOptimized'),
  fixtureCase('vpc'),
  fixtureCase('vhdx'),
  fixtureCase('vdi'),
  fixtureCase('qcow2', 'gz'),
  fixtureCase('qcow2', 'xz'),
  fixtureCase('vmdk-streamOptimized', 'zst'),
  fixtureCase('vhdx', 'gz'),
];

describe('importImage into a Filesystem volume', () => {
  for (const c of CASES) {
    test(c.name, async () => {
      const { image, reference } = await c.make();
      const volume = path.join(tmp.dir, `vol-${c.name}`);
      const progress: ImportProgress[] = [];
      const source = createFileSource(image);
      const result = await importImage({
        source,
        target: { kind: 'file', path: volume },
        contentType: 'kubevirt',
        ...(c.scratch === true ? { scratchDir: path.join(tmp.dir, `scratch-${c.name}`) } : {}),
        onProgress: (p) => progress.push(p),
        signal: AbortSignal.timeout(60_000),
      });
      await source.close();
      assert.equal(result.format, c.expectFormat);
      assert.deepEqual(result.phases, c.expectPhases);
      assert.equal(result.virtualSize, DEFAULT_RAW.size);

      const disk = path.join(volume, 'disk.img');
      const [got, want] = await Promise.all([readFile(disk), readFile(reference)]);
      assert.equal(got.byteLength, want.byteLength, 'length');
      assert.ok(got.equals(want), 'content differs from qemu-img convert -O raw');

      // 1.5 MiB of data in 8 MiB: allocation must stay well below the size.
      const allocated = await allocatedBytes(disk);
      assert.ok(allocated < DEFAULT_RAW.size / 2, `disk.img is not sparse: ${allocated} bytes allocated`);
      assert.equal((await stat(disk)).size, DEFAULT_RAW.size);

      assert.equal(progress.at(-1)?.phase, 'Complete');
      assert.ok(progress.some((p) => p.fraction !== null && p.fraction > 0 && p.fraction < 1), 'no intermediate progress');
    });
  }

  test('an ISO 9660 image is imported as raw, unchanged', async () => {
    const iso = await makeIsoImage(path.join(tmp.dir, 'cd.iso'));
    const volume = path.join(tmp.dir, 'vol-iso');
    const source = createFileSource(iso);
    const result = await importImage({
      source,
      target: { kind: 'file', path: volume },
      contentType: 'kubevirt',
      signal: AbortSignal.timeout(60_000),
    });
    assert.equal(result.format, 'raw');
    assert.ok((await readFile(path.join(volume, 'disk.img'))).equals(await readFile(iso)));
  });
});
