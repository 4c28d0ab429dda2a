// contentType: archive: tars (plain and compressed) extracted into the volume directory, and the
// entries that would escape it refused with EUNSAFEIMAGE naming the entry.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { lstat, readFile, readlink, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { importImage } from '../../src/dataplane/processor.ts';
import { createFileSource } from '../../src/dataplane/sources/file.ts';
import { DataPlaneError } from '../../src/dataplane/errors.ts';
import { compressFile, makeRawImage, makeTar, makeTempDir } from '../fixtures/images.ts';
import type { CompressionExt, TarEntry } from '../fixtures/images.ts';

let tmp: { dir: string; remove: () => Promise<void> };
let n = 0;

before(async () => {
  tmp = await makeTempDir();
});
after(async () => tmp.remove());

async function extract(entries: TarEntry[], compression?: CompressionExt): Promise<string> {
  const id = n++;
  let file = await makeTar(path.join(tmp.dir, `a${id}.tar`), entries);
  if (compression !== undefined) file = await compressFile(file, compression);
  const volume = path.join(tmp.dir, `vol${id}`);
  const source = createFileSource(file);
  const result = await importImage({ source, target: { kind: 'file', path: volume }, contentType: 'archive', signal: AbortSignal.timeout(30_000) });
  assert.equal(result.format, 'tar');
  return volume;
}

const GOOD: TarEntry[] = [
  { type: 'directory', name: 'dir/' },
  { type: 'file', name: 'dir/hello.txt', content: 'hello\n', mode: 0o640 },
  { type: 'file', name: './top.txt', content: 'top\n' },
  { type: 'symlink', name: 'dir/link-to-top', linkname: '../top.txt' },
  { type: 'link', name: 'hard.txt', linkname: 'dir/hello.txt' },
];

describe('archive extraction', () => {
  for (const compression of [undefined, 'gz', 'xz', 'zst'] as const) {
    test(`tar${compression === undefined ? '' : '.' + compression}`, async () => {
      const volume = await extract(GOOD, compression);
      assert.deepEqual((await readdir(volume)).sort(), ['dir', 'hard.txt', 'top.txt']);
      assert.equal(await readFile(path.join(volume, 'dir/hello.txt'), 'utf8'), 'hello\n');
      assert.equal((await stat(path.join(volume, 'dir/hello.txt'))).mode & 0o777, 0o640);
      assert.equal(await readlink(path.join(volume, 'dir/link-to-top')), '../top.txt');
      assert.equal(await readFile(path.join(volume, 'dir/link-to-top'), 'utf8'), 'top\n');
      assert.equal((await stat(path.join(volume, 'hard.txt'))).ino, (await stat(path.join(volume, 'dir/hello.txt'))).ino);
    });
  }

  test('a raw image with contentType archive is EUNSUPPORTEDFORMAT', async () => {
    const raw = await makeRawImage(path.join(tmp.dir, 'not-a-tar.raw'));
    const source = createFileSource(raw);
    await assert.rejects(
      importImage({ source, target: { kind: 'file', path: path.join(tmp.dir, 'volx') }, contentType: 'archive', signal: AbortSignal.timeout(30_000) }),
      (err: unknown) => err instanceof DataPlaneError && err.code === 'EUNSUPPORTEDFORMAT',
    );
  });
});

describe('escaping entries are refused', () => {
  const cases: { name: string; entries: TarEntry[]; entry: string; outside?: string }[] = [
    { name: 'absolute path', entries: [{ type: 'file', name: '/etc/ferry-evil', content: 'x' }], entry: '/etc/ferry-evil' },
    { name: 'dot-dot path', entries: [{ type: 'file', name: 'a/../../evil', content: 'x' }], entry: 'a/../../evil' },
    { name: 'symlink to an absolute path', entries: [{ type: 'symlink', name: 'etc', linkname: '/etc' }], entry: 'etc' },
    { name: 'symlink climbing out', entries: [{ type: 'symlink', name: 'd/up', linkname: '../../..' }], entry: 'd/up' },
    { name: 'hard link outside', entries: [{ type: 'link', name: 'pw', linkname: '../../etc/passwd' }], entry: 'pw' },
    {
      name: 'a write through a symlinked directory',
      entries: [
        { type: 'symlink', name: 'here', linkname: '.' },
        { type: 'symlink', name: 'here/out', linkname: '../escaped' },
      ],
      entry: 'here/out',
    },
    {
      name: 'a symlink going up through another symlink',
      entries: [
        { type: 'symlink', name: 'dot', linkname: '.' },
        { type: 'symlink', name: 'sneaky', linkname: 'dot/../escaped' },
        { type: 'file', name: 'sneaky', content: 'x' },
      ],
      entry: 'sneaky',
    },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      await assert.rejects(extract(c.entries), (err: unknown) => {
        assert.ok(err instanceof DataPlaneError, String(err));
        assert.equal(err.code, 'EUNSAFEIMAGE');
        assert.ok(err.message.includes(`"${c.entry}"`), err.message);
        return true;
      });
    });
  }

  test('nothing was written outside the volumes', async () => {
    await assert.rejects(lstat(path.join(tmp.dir, 'escaped')), { code: 'ENOENT' });
    await assert.rejects(lstat(path.join(tmp.dir, 'evil')), { code: 'ENOENT' });
  });
});
