// An import interrupted by its caller or by its source ends with the right code, and leaves no
// scratch copy behind.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { importImage } from '../../src/dataplane/processor.ts';
import { createFileSource } from '../../src/dataplane/sources/file.ts';
import { DataPlaneError } from '../../src/dataplane/errors.ts';
import type { Source } from '../../src/dataplane/source.ts';
import { compressFile, convertRaw, makeRawImage, makeTempDir } from '../fixtures/images.ts';

let tmp: { dir: string; remove: () => Promise<void> };
let raw: string;
let qcow2: string;

before(async () => {
  tmp = await makeTempDir();
  raw = await makeRawImage(path.join(tmp.dir, 'disk.raw'));
  qcow2 = await convertRaw(raw, path.join(tmp.dir, 'disk.qcow2'), 'qcow2');
});
after(async () => tmp.remove());

/** A file source whose read() fails after `okReads` calls, as a source that changed would. */
function failingReads(inner: Source, okReads: number): Source {
  let reads = 0;
  return {
    ...inner,
    description: inner.description,
    async read(offset, length, signal) {
      if (++reads > okReads) throw new DataPlaneError('ESOURCECHANGED', `${inner.description} changed while it was read`);
      return inner.read(offset, length, signal);
    },
  };
}

test('a source failing under qemu-img reports the source error, not qemu-img\'s', async () => {
  const source = failingReads(createFileSource(qcow2), 1);
  await assert.rejects(
    importImage({ source, target: { kind: 'file', path: path.join(tmp.dir, 'v1') }, contentType: 'kubevirt', signal: AbortSignal.timeout(30_000) }),
    (err: unknown) => err instanceof DataPlaneError && err.code === 'ESOURCECHANGED',
  );
});

test('aborting during a scratch download ends with EABORTED and removes the scratch copy', async () => {
  const xz = await compressFile(qcow2, 'xz');
  const controller = new AbortController();
  const scratchDir = path.join(tmp.dir, 'scratch');
  const source = createFileSource(xz, { chunkSize: 4096 });
  await assert.rejects(
    importImage({
      source,
      target: { kind: 'file', path: path.join(tmp.dir, 'v2') },
      contentType: 'kubevirt',
      scratchDir,
      onProgress: (p) => {
        if (p.phase === 'TransferScratch' && p.fraction !== null && p.fraction > 0.2) controller.abort(new Error('stop'));
      },
      signal: controller.signal,
    }),
    (err: unknown) => err instanceof DataPlaneError && err.code === 'EABORTED',
  );
  assert.deepEqual(await readdir(scratchDir), []);
});
