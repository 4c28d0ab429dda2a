import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile, readFile, stat } from 'node:fs/promises';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { HostpathVolumes, VolumeError } from '../../../src/cluster/node/hostpath/volumes.ts';

const MiB = 1024 * 1024;

async function withVolumes(capacity: number, fn: (v: HostpathVolumes, root: string) => Promise<void>) {
  const root = await mkdtemp(join(tmpdir(), 'ferry-vol-'));
  try {
    await fn(new HostpathVolumes(root, capacity), root);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

test('Filesystem volumes are directories, Block volumes sparse files of the size', async () => {
  await withVolumes(100 * MiB, async (v) => {
    await v.create('pv-fs', 'Filesystem', 10 * MiB);
    assert.ok((await stat(v.volumePath('pv-fs'))).isDirectory());
    await v.create('pv-blk', 'Block', 20 * MiB);
    const st = await stat(v.volumePath('pv-blk'));
    assert.ok(st.isFile());
    assert.equal(st.size, 20 * MiB);
    assert.ok(st.blocks * 512 < MiB, 'a new block volume takes no space');
    assert.equal(await v.usedBytes(), 30 * MiB);
    // Idempotent.
    await v.create('pv-fs', 'Filesystem', 10 * MiB);
    assert.equal(await v.usedBytes(), 30 * MiB);
  });
});

test('a volume that does not fit the node capacity is refused with ENOSPACE', async () => {
  await withVolumes(50 * MiB, async (v) => {
    await v.create('a', 'Filesystem', 40 * MiB);
    await assert.rejects(v.create('b', 'Filesystem', 20 * MiB), (err: unknown) => {
      assert.ok(err instanceof VolumeError);
      assert.equal(err.code, 'ENOSPACE');
      assert.match(err.message, /10485760 of 52428800 bytes free/);
      return true;
    });
    await v.remove('a');
    await v.create('b', 'Filesystem', 20 * MiB);
  });
});

test('clone and snapshot restore copy content byte for byte and keep holes', async () => {
  await withVolumes(1024 * MiB, async (v) => {
    await v.create('src', 'Block', 32 * MiB);
    const data = randomBytes(MiB);
    const fh = await open(v.volumePath('src'), 'r+');
    await fh.write(data, 0, data.length, 8 * MiB);
    await fh.close();
    await v.createFrom('clone', { volume: 'src' }, 'Block', 64 * MiB);
    const cloned = await readFile(v.volumePath('clone'));
    assert.equal(cloned.length, 64 * MiB, 'a clone may be larger than its source');
    assert.ok(cloned.subarray(8 * MiB, 9 * MiB).equals(data));
    assert.ok((await v.allocatedBytes('clone')) < 4 * MiB, 'the clone stays sparse');

    await v.create('fs', 'Filesystem', 8 * MiB);
    await writeFile(join(v.volumePath('fs'), 'disk.img'), data);
    await v.snapshot('snap-1', 'fs');
    await writeFile(join(v.volumePath('fs'), 'disk.img'), 'changed after the snapshot');
    await v.createFrom('restored', { snapshot: 'snap-1' }, 'Filesystem', 8 * MiB);
    assert.ok((await readFile(join(v.volumePath('restored'), 'disk.img'))).equals(data));
    await assert.rejects(v.createFrom('x', { snapshot: 'nope' }, 'Filesystem', MiB), { code: 'ENOTFOUND' });
  });
});

test('expansion grows a Block volume file and the accounted size, never shrinks', async () => {
  await withVolumes(100 * MiB, async (v) => {
    await v.create('b', 'Block', 10 * MiB);
    await v.expand('b', 30 * MiB);
    assert.equal((await stat(v.volumePath('b'))).size, 30 * MiB);
    assert.equal((await v.get('b'))?.sizeBytes, 30 * MiB);
    await v.expand('b', 5 * MiB);
    assert.equal((await v.get('b'))?.sizeBytes, 30 * MiB);
    await assert.rejects(v.expand('b', 200 * MiB), { code: 'ENOSPACE' });
  });
});
