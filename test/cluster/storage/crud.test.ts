import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Store, StoreError } from '../../../src/cluster/apiserver/storage/index.ts';
import { pod, podKey, withTempDir } from './helpers.ts';

function code(err: unknown): string | undefined {
  return err instanceof StoreError ? err.code : undefined;
}

test('create sets a growing resourceVersion and rejects duplicates with EEXISTS', () =>
  withTempDir(async (dir) => {
    const store = await Store.open(dir);
    const a = await store.create(podKey('a'), pod('a'));
    const b = await store.create(podKey('b'), pod('b'));
    assert.equal(a.metadata.resourceVersion, '1');
    assert.equal(b.metadata.resourceVersion, '2');
    assert.equal(store.currentRV(), 2);
    await assert.rejects(store.create(podKey('a'), pod('a')), (err) => code(err) === 'EEXISTS');
    assert.equal(store.currentRV(), 2, 'a rejected write takes no resourceVersion');
    await store.close();
  }));

test('stored objects are frozen copies: the caller may keep changing its own object', () =>
  withTempDir(async (dir) => {
    const store = await Store.open(dir);
    const input = pod('a', 'default', { spec: { nodeName: 'n1' } });
    const stored = await store.create(podKey('a'), input);
    (input.spec as { nodeName: string }).nodeName = 'changed';
    assert.equal(input.metadata.resourceVersion, undefined, 'the input is not modified');
    assert.deepEqual(store.get(podKey('a'))?.spec, { nodeName: 'n1' });
    assert.equal(store.get(podKey('a')), stored, 'get returns the shared stored instance');
    assert.ok(Object.isFrozen(stored) && Object.isFrozen(stored.metadata) && Object.isFrozen(stored.spec));
    await store.close();
  }));

test('update checks existence and expectRV', () =>
  withTempDir(async (dir) => {
    const store = await Store.open(dir);
    await assert.rejects(store.update(podKey('x'), pod('x')), (err) => code(err) === 'ENOTFOUND');
    const created = await store.create(podKey('a'), pod('a'));
    const updated = await store.update(podKey('a'), pod('a', 'default', { spec: { v: 2 } }), { expectRV: created.metadata.resourceVersion });
    assert.equal(updated.metadata.resourceVersion, '2');
    await assert.rejects(
      store.update(podKey('a'), pod('a', 'default', { spec: { v: 3 } }), { expectRV: created.metadata.resourceVersion }),
      (err) => code(err) === 'ECONFLICT',
    );
    const unconditional = await store.update(podKey('a'), pod('a', 'default', { spec: { v: 4 } }));
    assert.deepEqual(store.get(podKey('a')), unconditional);
    assert.deepEqual(unconditional.spec, { v: 4 });
    await store.close();
  }));

test('delete checks expectRV and expectUID and returns the object with the deletion rv', () =>
  withTempDir(async (dir) => {
    const store = await Store.open(dir);
    await assert.rejects(store.delete(podKey('x')), (err) => code(err) === 'ENOTFOUND');
    const created = await store.create(podKey('a'), pod('a'));
    await assert.rejects(store.delete(podKey('a'), { expectRV: '99' }), (err) => code(err) === 'ECONFLICT');
    await assert.rejects(store.delete(podKey('a'), { expectUID: 'other' }), (err) => code(err) === 'ECONFLICT');
    const deleted = await store.delete(podKey('a'), { expectRV: created.metadata.resourceVersion!, expectUID: 'uid-default-a' });
    assert.equal(deleted.metadata.resourceVersion, '2');
    assert.equal(deleted.metadata.uid, 'uid-default-a');
    assert.equal(store.get(podKey('a')), undefined);
    await assert.rejects(store.delete(podKey('a')), (err) => code(err) === 'ENOTFOUND');
    await store.create(podKey('a'), pod('a'));
    assert.equal(store.get(podKey('a'))?.metadata.resourceVersion, '3');
    await store.close();
  }));

test('racing writes to one key are checked against accepted, not yet durable, writes', () =>
  withTempDir(async (dir) => {
    const store = await Store.open(dir);
    const results = await Promise.allSettled([store.create(podKey('a'), pod('a')), store.create(podKey('a'), pod('a'))]);
    assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected']);
    const first = store.update(podKey('a'), pod('a'), { expectRV: '1' });
    const second = assert.rejects(store.update(podKey('a'), pod('a'), { expectRV: '1' }), (err) => code(err) === 'ECONFLICT');
    assert.equal(store.get(podKey('a'))?.metadata.resourceVersion, '1', 'the accepted update is not visible before its fsync');
    assert.equal((await first).metadata.resourceVersion, '2');
    await second;
    await store.close();
  }));

test('list sorts by namespace then name, filters by namespace and resource, and carries the rv', () =>
  withTempDir(async (dir) => {
    const store = await Store.open(dir);
    await Promise.all([
      store.create(podKey('b', 'ns2'), pod('b', 'ns2')),
      store.create(podKey('a', 'ns2'), pod('a', 'ns2')),
      store.create(podKey('c', 'ns1'), pod('c', 'ns1')),
      store.create({ resource: 'core/nodes', namespace: '', name: 'n1' }, { metadata: { name: 'n1' } }),
    ]);
    const all = store.list('core/pods');
    assert.deepEqual(all.items.map((o) => `${o.metadata.namespace}/${o.metadata.name}`), ['ns1/c', 'ns2/a', 'ns2/b']);
    assert.equal(all.rv, 4);
    assert.deepEqual(store.list('core/pods', 'ns2').items.map((o) => o.metadata.name), ['a', 'b']);
    assert.deepEqual(store.list('core/pods', 'none').items, []);
    assert.deepEqual(store.list('core/nodes').items.map((o) => o.metadata.name), ['n1']);
    assert.deepEqual(store.list('cdi.kubevirt.io/datavolumes').items, []);
    await store.close();
  }));

test('a closed store rejects every call with ECLOSED', () =>
  withTempDir(async (dir) => {
    const store = await Store.open(dir);
    await store.create(podKey('a'), pod('a'));
    await store.close();
    assert.throws(() => store.get(podKey('a')), (err) => code(err) === 'ECLOSED');
    assert.throws(() => store.list('core/pods'), (err) => code(err) === 'ECLOSED');
    assert.throws(() => store.currentRV(), (err) => code(err) === 'ECLOSED');
    assert.throws(
      () => store.watch('core/pods', { signal: new AbortController().signal }, () => undefined),
      (err) => code(err) === 'ECLOSED',
    );
    await assert.rejects(store.create(podKey('b'), pod('b')), (err) => code(err) === 'ECLOSED');
    await assert.rejects(store.snapshotNow(), (err) => code(err) === 'ECLOSED');
    await assert.rejects(store.close(), (err) => code(err) === 'ECLOSED');
  }));

test('resourceVersions keep growing across restarts, deletes included', () =>
  withTempDir(async (dir) => {
    let store = await Store.open(dir);
    await store.create(podKey('a'), pod('a'));
    await store.create(podKey('b'), pod('b'));
    await store.delete(podKey('b'));
    await store.close();

    store = await Store.open(dir);
    assert.equal(store.currentRV(), 3);
    assert.equal(store.get(podKey('b')), undefined);
    const c = await store.create(podKey('c'), pod('c'));
    assert.equal(c.metadata.resourceVersion, '4');
    await store.snapshotNow();
    await store.delete(podKey('c'));
    await store.close();

    store = await Store.open(dir);
    assert.equal(store.currentRV(), 5);
    assert.equal((await store.create(podKey('d'), pod('d'))).metadata.resourceVersion, '6');
    await store.close();
  }));
