// Failures that will not heal: each ends with its stable code and a message naming the cause.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { importImage } from '../../src/dataplane/processor.ts';
import type { ImportOptions, ImportResult } from '../../src/dataplane/processor.ts';
import { createFileSource } from '../../src/dataplane/sources/file.ts';
import { DataPlaneError } from '../../src/dataplane/errors.ts';
import {
  DEFAULT_RAW,
  compressFile,
  convertRaw,
  makeQcow2WithBacking,
  makeQcow2WithDataFile,
  makeRawImage,
  makeTempDir,
} from '../fixtures/images.ts';

const execFileAsync = promisify(execFile);

let tmp: { dir: string; remove: () => Promise<void> };
let raw: string;
let qcow2: string;
let n = 0;

before(async () => {
  tmp = await makeTempDir();
  raw = await makeRawImage(path.join(tmp.dir, 'disk.raw'));
  qcow2 = await convertRaw(raw, path.join(tmp.dir, 'disk.qcow2'), 'qcow2');
});
after(async () => tmp.remove());

async function runImport(image: string, extra: Partial<ImportOptions> = {}): Promise<ImportResult> {
  const source = createFileSource(image);
  try {
    return await importImage({
      source,
      target: { kind: 'file', path: path.join(tmp.dir, `vol-${n++}`) },
      contentType: 'kubevirt',
      scratchDir: path.join(tmp.dir, `scratch-${n}`),
      signal: AbortSignal.timeout(60_000),
      ...extra,
    });
  } finally {
    await source.close();
  }
}

function rejectsWith(code: string, pattern?: RegExp) {
  return (err: unknown): boolean => {
    assert.ok(err instanceof DataPlaneError, `not a DataPlaneError: ${String(err)}`);
    assert.equal(err.code, code, err.message);
    if (pattern !== undefined) assert.match(err.message, pattern);
    return true;
  };
}

async function sha256(file: string): Promise<string> {
  return createHash('sha256').update(await readFile(file)).digest('hex');
}

describe('unsafe images are refused (EUNSAFEIMAGE)', () => {
  test('qcow2 with a backing file, read at random', async () => {
    const overlay = await makeQcow2WithBacking(tmp.dir);
    await assert.rejects(runImport(overlay, { scratchDir: undefined }), rejectsWith('EUNSAFEIMAGE', /backing file \(.*base\.qcow2\)/));
  });

  test('qcow2 with a backing file, through scratch (gz)', async () => {
    const overlay = await compressFile(await makeQcow2WithBacking(tmp.dir), 'gz');
    await assert.rejects(runImport(overlay), rejectsWith('EUNSAFEIMAGE', /file .*overlay\.qcow2\.gz/));
  });

  test('qcow2 with an external data file', async () => {
    const image = await makeQcow2WithDataFile(tmp.dir);
    await assert.rejects(runImport(image, { scratchDir: undefined }), rejectsWith('EUNSAFEIMAGE', /external data file/));
  });

  for (const via of ['read at random', 'through scratch (zst)'] as const) {
    test(`a vmdk descriptor whose extent is another file, ${via}`, async () => {
      const descriptor = path.join(tmp.dir, `evil-${via.length}.vmdk`);
      await writeFile(
        descriptor,
        [
          '# Disk DescriptorFile',
          'version=1',
          'CID=fffffffe',
          'parentCID=ffffffff',
          'createType="monolithicFlat"',
          `RW 16384 FLAT "${raw}" 0`,
          'ddb.virtualHWVersion = "4"',
          '',
        ].join('\n'),
      );
      const image = via === 'read at random' ? descriptor : await compressFile(descriptor, 'zst');
      await assert.rejects(runImport(image), rejectsWith('EUNSAFEIMAGE', /extents live in other files/));
    });
  }
});

describe('too large (ETOOLARGE, with CDI message)', () => {
  const cdiMessage = `virtual image size ${DEFAULT_RAW.size} is larger than the reported available storage ${4 << 20}. A larger PVC is required`;

  test('qcow2 whose virtual size exceeds the usable size', async () => {
    await assert.rejects(
      runImport(qcow2, { target: { kind: 'file', path: path.join(tmp.dir, 'small-q'), usableSize: 4 << 20 } }),
      rejectsWith('ETOOLARGE', new RegExp(cdiMessage.replace(/\./g, '\\.'))),
    );
  });

  test('raw of known size', async () => {
    await assert.rejects(
      runImport(raw, { target: { kind: 'file', path: path.join(tmp.dir, 'small-r'), usableSize: 4 << 20 } }),
      rejectsWith('ETOOLARGE', new RegExp(cdiMessage.replace(/\./g, '\\.'))),
    );
  });

  test('compressed raw, found while decoding', async () => {
    const gz = await compressFile(raw, 'gz');
    await assert.rejects(
      runImport(gz, { target: { kind: 'file', path: path.join(tmp.dir, 'small-z'), usableSize: 4 << 20 } }),
      rejectsWith('ETOOLARGE', /larger than the reported available storage 4194304/),
    );
  });

  test('an image that fits is resized up to the usable size', async () => {
    const volume = path.join(tmp.dir, 'big');
    const result = await runImport(qcow2, { target: { kind: 'file', path: volume, usableSize: 16 << 20 } });
    assert.equal(result.virtualSize, DEFAULT_RAW.size);
    const disk = await readFile(path.join(volume, 'disk.img'));
    assert.equal(disk.byteLength, 16 << 20);
    assert.ok(disk.subarray(0, DEFAULT_RAW.size).equals(await readFile(raw)));
    assert.ok(disk.subarray(DEFAULT_RAW.size).every((b) => b === 0));
  });
});

describe('checksums of the source bytes', () => {
  test('raw.gz: the checksum of the compressed file is verified and reported', async () => {
    const gz = await compressFile(raw, 'gz');
    const result = await runImport(gz, { checksum: `sha256:${await sha256(gz)}` });
    assert.equal(result.checksum, `sha256:${await sha256(gz)}`);
  });

  test('bytes after the compressed data still count for the checksum', async () => {
    const gz = await compressFile(raw, 'gz');
    const padded = path.join(tmp.dir, 'padded.gz');
    await writeFile(padded, Buffer.concat([await readFile(gz), Buffer.alloc(3 << 20)]));
    const result = await runImport(padded, { checksum: `sha256:${await sha256(padded)}` });
    assert.equal(result.checksum, `sha256:${await sha256(padded)}`);
    assert.equal(result.virtualSize, DEFAULT_RAW.size);
  });

  test('raw: mismatch is ECHECKSUM with expected and actual', async () => {
    const wrong = 'md5:' + '0'.repeat(32);
    await assert.rejects(runImport(raw, { checksum: wrong }), rejectsWith('ECHECKSUM', /expected md5:0{32}, got md5:[0-9a-f]{32}/));
  });

  test('qcow2 without scratch: the source is hashed before conversion', async () => {
    const good = `sha512:${createHash('sha512').update(await readFile(qcow2)).digest('hex')}`;
    const ok = await runImport(qcow2, { checksum: good, scratchDir: undefined });
    assert.deepEqual(ok.phases, ['Probe', 'Detect', 'DrainForChecksum', 'ValidateRemote', 'ConvertRemote', 'Resize', 'Complete']);
    await assert.rejects(runImport(qcow2, { checksum: 'sha1:' + 'a'.repeat(40), scratchDir: undefined }), rejectsWith('ECHECKSUM'));
  });

  test('qcow2.xz through scratch: mismatch is found before conversion', async () => {
    const xz = await compressFile(qcow2, 'xz');
    await assert.rejects(runImport(xz, { checksum: 'sha256:' + 'b'.repeat(64) }), rejectsWith('ECHECKSUM'));
  });

  test('a malformed checksum spec is EINVALIDSOURCE', async () => {
    await assert.rejects(runImport(raw, { checksum: 'crc32:1234' }), rejectsWith('EINVALIDSOURCE', /md5, sha1, sha256, sha512/));
    await assert.rejects(runImport(raw, { checksum: 'sha256:abc' }), rejectsWith('EINVALIDSOURCE', /64 hexadecimal digits/));
  });
});

describe('formats Ferry cannot import', () => {
  test('qed is EUNSUPPORTEDFORMAT', async () => {
    const qed = path.join(tmp.dir, 'disk.qed');
    await execFileAsync('qemu-img', ['convert', '-f', 'raw', raw, '-O', 'qed', qed]);
    await assert.rejects(runImport(qed), rejectsWith('EUNSUPPORTEDFORMAT', /qed/));
  });

  test('corrupt gzip is EUNSUPPORTEDFORMAT', async () => {
    const gz = await compressFile(raw, 'gz');
    const bytes = await readFile(gz);
    const corrupt = path.join(tmp.dir, 'corrupt.gz');
    await writeFile(corrupt, Buffer.concat([bytes.subarray(0, 64), Buffer.alloc(4096, 0x55)]));
    await assert.rejects(runImport(corrupt), rejectsWith('EUNSUPPORTEDFORMAT', /gzip/));
  });

  test('a compressed qcow2 without scratch space says scratch is required', async () => {
    const gz = await compressFile(qcow2, 'gz');
    await assert.rejects(runImport(gz, { scratchDir: undefined }), rejectsWith('ESCRATCHREQUIRED', /scratch space required and none found/));
  });
});
