import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Store, StoreError, type StoreEvent, type WatchOptions } from '../../../src/cluster/apiserver/storage/index.ts';
import { pod, podKey, withTempDir } from './helpers.ts';

/** Watches into an array; `until(n)` resolves once n events have arrived (no sleeping). */
function collect(store: Store, resource: string, opts: Omit<WatchOptions, 'signal'> = {}) {
  const controller = new AbortController();
  const events: StoreEvent[] = [];
  let waiter: { count: number; resolve: () => void } | undefined;
  store.watch(resource, { ...opts, signal: controller.signal }, (e) => {
    events.push(e);
    if (waiter !== undefined && events.length >= waiter.count) waiter.resolve();
  });
  const until = (count: number) =>
    events.length >= count ? Promise.resolve() : new Promise<void>((resolve) => (waiter = { count, resolve }));
  return { events, until, stop: () => controller.abort() };
}

const rvs = (events: StoreEvent[]) => events.map((e) => e.rv);

test('a watch from an rv in the window replays the events after it, then streams live ones', () =>
  withTempDir(async (dir) => {
    const store = await Store.open(dir);
    for (let i = 0; i < 5; i++) await store.create(podKey(`p${i}`), pod(`p${i}`));
    const w = collect(store, 'core/pods', { fromRV: 2 });
    assert.equal(w.events.length, 0, 'nothing is delivered from inside watch()');
    await w.until(3);
    assert.deepEqual(rvs(w.events), [3, 4, 5]);
    await store.update(podKey('p0'), pod('p0', 'default', { spec: { x: 1 } }));
    await store.delete(podKey('p1'));
    await w.until(5);
    assert.deepEqual(rvs(w.events), [3, 4, 5, 6, 7]);
    assert.deepEqual(w.events.map((e) => e.type), ['ADDED', 'ADDED', 'ADDED', 'MODIFIED', 'DELETED']);
    const deleted = w.events[4]!;
    assert.equal(deleted.object.metadata.name, 'p1');
    assert.equal(deleted.object.metadata.resourceVersion, '7', 'a DELETED event carries the deletion rv');
    assert.deepEqual(deleted.key, podKey('p1'));
    w.stop();
    await store.close();
  }));

test('a watch without fromRV gets only changes from now; watchers share one frozen event', () =>
  withTempDir(async (dir) => {
    const store = await Store.open(dir);
    await store.create(podKey('old'), pod('old'));
    const a = collect(store, 'core/pods');
    const b = collect(store, 'core/pods');
    const created = await store.create(podKey('new'), pod('new'));
    await Promise.all([a.until(1), b.until(1)]);
    assert.deepEqual(rvs(a.events), [2]);
    assert.equal(a.events[0], b.events[0], 'the same event object goes to every watcher');
    assert.equal(a.events[0]!.object, created);
    assert.ok(Object.isFrozen(a.events[0]) && Object.isFrozen(a.events[0]!.object));
    await store.close();
  }));

test('namespace filter, other resources, and abort', () =>
  withTempDir(async (dir) => {
    const store = await Store.open(dir);
    const ns1 = collect(store, 'core/pods', { namespace: 'ns1', fromRV: 0 });
    const all = collect(store, 'core/pods', { fromRV: 0 });
    await store.create(podKey('a', 'ns1'), pod('a', 'ns1'));
    await store.create(podKey('b', 'ns2'), pod('b', 'ns2'));
    await store.create({ resource: 'core/nodes', namespace: '', name: 'n' }, { metadata: { name: 'n' } });
    await store.create(podKey('c', 'ns1'), pod('c', 'ns1'));
    await Promise.all([ns1.until(2), all.until(3)]);
    assert.deepEqual(ns1.events.map((e) => e.object.metadata.name), ['a', 'c']);
    assert.deepEqual(all.events.map((e) => e.object.metadata.name), ['a', 'b', 'c']);
    all.stop();
    await store.create(podKey('d', 'ns1'), pod('d', 'ns1'));
    await ns1.until(3);
    assert.equal(all.events.length, 3, 'no event after abort');
    await store.close();
  }));

test('a watcher that throws is dropped without disturbing the others', () =>
  withTempDir(async (dir) => {
    const store = await Store.open(dir);
    let calls = 0;
    store.watch('core/pods', { signal: new AbortController().signal }, () => {
      calls++;
      throw new Error('consumer bug');
    });
    const good = collect(store, 'core/pods');
    await store.create(podKey('a'), pod('a'));
    await store.create(podKey('b'), pod('b'));
    await good.until(2);
    assert.equal(calls, 1);
    await store.close();
  }));

test('a watch from an rv older than the window gets EGONE; the window edge itself still works', () =>
  withTempDir(async (dir) => {
    const store = await Store.open(dir, { watchWindow: 3 });
    for (let i = 0; i < 6; i++) await store.create(podKey(`p${i}`), pod(`p${i}`));
    assert.equal(store.oldestWatchRV('core/pods'), 3);
    assert.throws(
      () => store.watch('core/pods', { fromRV: 2, signal: new AbortController().signal }, () => undefined),
      (err) => err instanceof StoreError && err.code === 'EGONE' && err.oldestRV === 3,
    );
    const w = collect(store, 'core/pods', { fromRV: 3 });
    await w.until(3);
    assert.deepEqual(rvs(w.events), [4, 5, 6]);
    await store.close();
  }));

test('a watch resumes across a restart from the window rebuilt from the log', () =>
  withTempDir(async (dir) => {
    let store = await Store.open(dir);
    for (let i = 0; i < 5; i++) await store.create(podKey(`p${i}`), pod(`p${i}`));
    await store.delete(podKey('p0'));
    await store.close();

    store = await Store.open(dir);
    const w = collect(store, 'core/pods', { fromRV: 2 });
    await w.until(4);
    assert.deepEqual(rvs(w.events), [3, 4, 5, 6]);
    assert.equal(w.events[3]!.type, 'DELETED');
    await store.create(podKey('p9'), pod('p9'));
    await w.until(5);
    assert.equal(w.events[4]!.rv, 7);

    // After a snapshot the log before it is gone: older rvs get EGONE after the next restart.
    await store.snapshotNow();
    await store.create(podKey('p10'), pod('p10'));
    await store.close();
    store = await Store.open(dir);
    assert.throws(
      () => store.watch('core/pods', { fromRV: 6, signal: new AbortController().signal }, () => undefined),
      (err) => err instanceof StoreError && err.code === 'EGONE',
    );
    const fromSnapshot = collect(store, 'core/pods', { fromRV: 7 });
    await fromSnapshot.until(1);
    assert.deepEqual(rvs(fromSnapshot.events), [8]);
    await store.close();
  }));

test('a watch started from inside an event callback gets that event exactly once', () =>
  withTempDir(async (dir) => {
    const store = await Store.open(dir);
    const nested: StoreEvent[] = [];
    let nestedDone: () => void = () => undefined;
    const gotTwo = new Promise<void>((resolve) => (nestedDone = resolve));
    const outer = new AbortController();
    store.watch('core/pods', { signal: outer.signal }, (e) => {
      outer.abort();
      store.watch('core/pods', { fromRV: e.rv - 1, signal: new AbortController().signal }, (n) => {
        nested.push(n);
        if (nested.length === 2) nestedDone();
      });
    });
    await store.create(podKey('a'), pod('a'));
    await store.create(podKey('b'), pod('b'));
    await gotTwo;
    assert.deepEqual(rvs(nested), [1, 2]);
    await store.close();
  }));
