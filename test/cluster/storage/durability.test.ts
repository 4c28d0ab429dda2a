import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { Store } from '../../../src/cluster/apiserver/storage/index.ts';
import { pod, podKey, withTempDir } from './helpers.ts';

test('concurrent creates are all acknowledged and share fsyncs (group commit)', () =>
  withTempDir(async (dir) => {
    const store = await Store.open(dir);
    const created = await Promise.all(Array.from({ length: 500 }, (_, i) => store.create(podKey(`p${i}`), pod(`p${i}`))));
    const rvs = created.map((o) => Number(o.metadata.resourceVersion));
    assert.deepEqual(rvs, Array.from({ length: 500 }, (_, i) => i + 1), 'rvs follow call order');
    const stats = store.stats();
    assert.equal(stats.records, 500);
    assert.ok(stats.fsyncs < 500, `expected fewer fsyncs than writes, got ${stats.fsyncs}`);
    await store.close();
    const reopened = await Store.open(dir);
    assert.equal(reopened.list('core/pods').items.length, 500);
    await reopened.close();
  }));

test('snapshot, more writes, reopen: the state is restored exactly and old segments are gone', () =>
  withTempDir(async (dir) => {
    const store = await Store.open(dir);
    for (let i = 0; i < 20; i++) await store.create(podKey(`p${i}`), pod(`p${i}`, 'default', { spec: { i } }));
    await store.delete(podKey('p3'));
    await store.snapshotNow();
    await store.update(podKey('p4'), pod('p4', 'default', { spec: { i: 'updated' } }));
    await store.delete(podKey('p5'));
    await store.create(podKey('q', 'other'), pod('q', 'other'));
    await store.create({ resource: 'core/nodes', namespace: '', name: 'n1' }, { metadata: { name: 'n1' } });
    const before = { pods: store.list('core/pods'), nodes: store.list('core/nodes'), rv: store.currentRV() };
    await store.close();

    const files = (await readdir(dir)).sort();
    assert.ok(files.includes('snapshot'));
    assert.ok(!files.includes('wal-0000000000000000.log'), `pre-snapshot segment deleted: ${files.join(',')}`);

    const reopened = await Store.open(dir);
    assert.deepEqual(reopened.list('core/pods'), before.pods);
    assert.deepEqual(reopened.list('core/nodes'), before.nodes);
    assert.equal(reopened.currentRV(), before.rv);
    assert.deepEqual(reopened.get(podKey('p4'))?.spec, { i: 'updated' });
    assert.equal(reopened.get(podKey('p3')), undefined);
    await reopened.close();
  }));

test('snapshots taken automatically while writes are in flight lose nothing', () =>
  withTempDir(async (dir) => {
    const store = await Store.open(dir, { snapshotEveryRecords: 50 });
    const writes = [];
    for (let i = 0; i < 400; i++) {
      writes.push(store.create(podKey(`p${i}`), pod(`p${i}`)));
      if (i % 7 === 0) await writes[writes.length - 1];
    }
    await Promise.all(writes);
    await Promise.all([store.snapshotNow(), store.snapshotNow()]);
    assert.ok(store.stats().snapshots >= 2, `snapshots: ${store.stats().snapshots}`);
    assert.equal(store.stats().lastSnapshotError, undefined);
    await store.close();
    const reopened = await Store.open(dir);
    assert.equal(reopened.list('core/pods').items.length, 400);
    assert.equal(reopened.currentRV(), 400);
    await reopened.close();
  }));

test('every write acknowledged before kill -9 is there after reopen', () =>
  withTempDir(async (dir) => {
    const fixture = join(import.meta.dirname, 'fixtures', 'write-until-killed.ts');
    const child = spawn(process.execPath, [fixture, dir, '150'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.split('\n').length > 600) {
          child.kill('SIGKILL');
          resolve();
        }
      });
      child.on('exit', () => reject(new Error(`writer exited early: ${stderr}`)));
    });
    assert.equal(await exited, 'SIGKILL');

    const acknowledged = stdout.split('\n').slice(0, -1); // the last piece may be a partial line
    assert.ok(acknowledged.length >= 600);
    const store = await Store.open(dir);
    const present = new Set(store.list('core/configmaps').items.map((o) => o.metadata.name));
    const missing = acknowledged.filter((name) => !present.has(name));
    assert.deepEqual(missing, []);
    assert.ok(store.currentRV() >= acknowledged.length);
    await store.close();
  }));

test('opening and closing without writes does not pile up log segments', () =>
  withTempDir(async (dir) => {
    const first = await Store.open(dir);
    await first.create(podKey('a'), pod('a'));
    await first.close();
    for (let i = 0; i < 3; i++) await (await Store.open(dir)).close();
    const segments = (await readdir(dir)).filter((name) => name.startsWith('wal-'));
    assert.equal(segments.length, 2, `segments: ${segments.join(',')}`);
    const store = await Store.open(dir);
    assert.equal(store.get(podKey('a'))?.metadata.resourceVersion, '1');
    await store.close();
  }));

test('open compacts a long log into a snapshot, and close waits for it', () =>
  withTempDir(async (dir) => {
    const first = await Store.open(dir);
    for (let i = 0; i < 10; i++) await first.create(podKey(`p${i}`), pod(`p${i}`));
    await first.close();
    const second = await Store.open(dir, { snapshotEveryRecords: 5 });
    await second.close();
    const files = (await readdir(dir)).sort();
    assert.ok(!files.includes('wal-0000000000000000.log'), `first segment compacted away: ${files.join(',')}`);
    assert.ok(files.includes('snapshot'));
    const third = await Store.open(dir);
    assert.equal(third.list('core/pods').items.length, 10);
    assert.equal(third.currentRV(), 10);
    await third.close();
  }));
