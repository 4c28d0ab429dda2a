import assert from 'node:assert/strict';
import { readFile, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { repairStore, Store, StoreError } from '../../../src/cluster/apiserver/storage/index.ts';
import { pod, podKey, withTempDir } from './helpers.ts';

const SEGMENT = 'wal-0000000000000000.log';

/** Writes `count` pods through one store lifetime; returns the byte offset of every record. */
async function writePods(dir: string, count: number): Promise<number[]> {
  const store = await Store.open(dir);
  for (let i = 0; i < count; i++) await store.create(podKey(`p${i}`), pod(`p${i}`));
  await store.close();
  const data = await readFile(join(dir, SEGMENT));
  const offsets: number[] = [];
  for (let offset = 0; offset < data.length; offset += 8 + data.readUInt32LE(offset)) offsets.push(offset);
  assert.equal(offsets.length, count);
  return offsets;
}

async function openError(dir: string): Promise<StoreError> {
  try {
    const store = await Store.open(dir);
    await store.close();
  } catch (err) {
    assert.ok(err instanceof StoreError, `expected a StoreError, got ${String(err)}`);
    return err;
  }
  throw new assert.AssertionError({ message: 'open succeeded on a damaged log' });
}

test('a flipped byte makes open fail with ESTORECORRUPT naming file and offset; repair keeps everything before it', () =>
  withTempDir(async (dir) => {
    const offsets = await writePods(dir, 10);
    const path = join(dir, SEGMENT);
    const original = await readFile(path);
    const damaged = Buffer.from(original);
    damaged[offsets[5]! + 20]! ^= 0x40;
    await writeFile(path, damaged);

    const err = await openError(dir);
    assert.equal(err.code, 'ESTORECORRUPT');
    assert.equal(err.file, path);
    assert.equal(err.offset, offsets[5]);
    assert.match(err.message, new RegExp(`${path}.*offset ${offsets[5]}`));
    assert.match(err.message, new RegExp(`ferry cluster repair --state-dir ${dir}`));
    assert.match(err.message, new RegExp(`${path}\\.corrupt-${offsets[5]}`));

    const result = await repairStore(dir);
    assert.deepEqual(result, { file: path, truncatedAt: offsets[5], savedTo: `${path}.corrupt-${offsets[5]}` });
    assert.deepEqual(await readFile(result.savedTo), damaged.subarray(offsets[5]), 'the cut-off tail is kept byte for byte');
    assert.equal((await readFile(path)).length, offsets[5]);

    const store = await Store.open(dir);
    assert.deepEqual(store.list('core/pods').items.map((o) => o.metadata.name), ['p0', 'p1', 'p2', 'p3', 'p4']);
    assert.equal(store.currentRV(), 5);
    assert.equal((await store.create(podKey('new'), pod('new'))).metadata.resourceVersion, '6');
    await store.close();
    assert.equal(await repairStore(dir), undefined, 'a sound log needs no repair');
  }));

test('a torn tail (truncated last record) makes open fail; repair keeps every whole record', () =>
  withTempDir(async (dir) => {
    const offsets = await writePods(dir, 6);
    const path = join(dir, SEGMENT);
    const size = (await readFile(path)).length;
    await truncate(path, size - 3);

    const err = await openError(dir);
    assert.equal(err.code, 'ESTORECORRUPT');
    assert.equal(err.offset, offsets[5]);
    assert.match(err.message, /truncated record/);

    const result = await repairStore(dir);
    assert.equal(result?.truncatedAt, offsets[5]);
    const store = await Store.open(dir);
    assert.equal(store.list('core/pods').items.length, 5);
    await store.close();
  }));

test('a truncated record header is damage too', () =>
  withTempDir(async (dir) => {
    const offsets = await writePods(dir, 3);
    const path = join(dir, SEGMENT);
    await truncate(path, offsets[2]! + 5);
    const err = await openError(dir);
    assert.equal(err.offset, offsets[2]);
    assert.match(err.message, /truncated record header/);
  }));

test('a damaged snapshot fails open and repair with ESTORECORRUPT, pointing at the backup', () =>
  withTempDir(async (dir) => {
    const store = await Store.open(dir);
    await store.create(podKey('a'), pod('a'));
    await store.snapshotNow();
    await store.close();
    const path = join(dir, 'snapshot');
    const data = await readFile(path);
    data[data.length - 2]! ^= 0xff;
    await writeFile(path, data);

    const err = await openError(dir);
    assert.equal(err.code, 'ESTORECORRUPT');
    assert.equal(err.file, path);
    assert.match(err.message, /restore the state directory from a backup/);
    await assert.rejects(repairStore(dir), (e) => e instanceof StoreError && e.code === 'ESTORECORRUPT');
  }));
