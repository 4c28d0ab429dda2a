// Points 4 and 5: list selectors and paging, watch start points, bookmarks and timeouts,
// generateName, server-owned metadata, dryRun, finalizers and deletion, deletecollection,
// Table responses.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'undici';
import { startTestServer, type TestServer } from './harness.ts';

describe('API semantics', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ bookmarkIntervalMs: 100 });
    for (const [name, labels] of [['a', { env: 'prod', tier: 'web' }], ['b', { env: 'dev' }], ['c', { tier: 'db' }]] as const) {
      const res = await t.http('POST', '/api/v1/namespaces/default/configmaps', { body: { metadata: { name: `sel-${name}`, labels } } });
      assert.equal(res.status, 201);
    }
  });
  after(async () => {
    await t.close();
  });

  const names = (list: { items: { metadata: { name: string } }[] }): string[] => list.items.map((i) => i.metadata.name);

  test('label selectors, equality and set-based; field selectors', async () => {
    const q = async (selector: string): Promise<string[]> =>
      names((await t.http('GET', `/api/v1/namespaces/default/configmaps?labelSelector=${encodeURIComponent(selector)}`)).json);
    assert.deepEqual(await q('env=prod'), ['sel-a']);
    assert.deepEqual(await q('env!=prod'), ['sel-b', 'sel-c']);
    assert.deepEqual(await q('env in (prod,dev)'), ['sel-a', 'sel-b']);
    assert.deepEqual(await q('tier,!env'), ['sel-c']);
    const byName = await t.http('GET', '/api/v1/namespaces/default/configmaps?fieldSelector=metadata.name%3Dsel-b');
    assert.deepEqual(names(byName.json), ['sel-b']);
    await t.http('POST', '/api/v1/namespaces/default/pods', { body: { metadata: { name: 'on-node' }, spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'i' }] } } });
    await t.http('POST', '/api/v1/namespaces/default/pods', { body: { metadata: { name: 'floating' }, spec: { containers: [{ name: 'c', image: 'i' }] } } });
    const onNode = await t.http('GET', '/api/v1/pods?fieldSelector=spec.nodeName%3Dn1');
    assert.deepEqual(names(onNode.json), ['on-node']);
    const pending = await t.http('GET', '/api/v1/namespaces/default/pods?fieldSelector=status.phase%3DPending,spec.nodeName%3D');
    assert.deepEqual(names(pending.json), ['floating']);
    await t.http('POST', '/api/v1/namespaces/default/events', {
      body: { metadata: { name: 'ev1' }, involvedObject: { kind: 'Pod', name: 'floating', namespace: 'default' }, reason: 'Test', message: 'm', type: 'Normal' },
    });
    const events = await t.http('GET', '/api/v1/namespaces/default/events?fieldSelector=involvedObject.name%3Dfloating,involvedObject.kind%3DPod');
    assert.deepEqual(names(events.json), ['ev1']);
  });

  test('limit and continue page through a list at one resourceVersion', async () => {
    const first = await t.http('GET', '/api/v1/namespaces/default/configmaps?labelSelector=env%20in%20(prod,dev)&limit=1');
    assert.deepEqual(names(first.json), ['sel-a']);
    assert.equal(first.json.metadata.remainingItemCount, 1);
    const token = first.json.metadata.continue;
    assert.equal(typeof token, 'string');
    const second = await t.http('GET', `/api/v1/namespaces/default/configmaps?labelSelector=env%20in%20(prod,dev)&limit=1&continue=${encodeURIComponent(token)}`);
    assert.deepEqual(names(second.json), ['sel-b']);
    assert.equal(second.json.metadata.continue, undefined);
    assert.equal(second.json.metadata.resourceVersion, first.json.metadata.resourceVersion);
    const bad = await t.http('GET', '/api/v1/namespaces/default/configmaps?limit=1&continue=garbage');
    assert.equal(bad.status, 400);
  });

  test('a watch from "0" starts with ADDED for current objects; bookmarks come; timeoutSeconds ends it', async () => {
    const res = await request(`${t.server.url}/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=0&allowWatchBookmarks=true&timeoutSeconds=1&labelSelector=env`, {
      headers: { authorization: `Bearer ${t.server.adminToken}` },
      dispatcher: t.agent,
    });
    assert.equal(res.statusCode, 200);
    const lines = (await res.body.text()).trim().split('\n').map((l) => JSON.parse(l) as { type: string; object: { metadata: { name?: string; resourceVersion: string } } });
    const added = lines.filter((e) => e.type === 'ADDED').map((e) => e.object.metadata.name);
    assert.deepEqual(added, ['sel-a', 'sel-b']);
    const bookmark = lines.find((e) => e.type === 'BOOKMARK');
    assert.ok(bookmark, 'a BOOKMARK within the second');
    assert.ok(Number(bookmark.object.metadata.resourceVersion) > 0);
  });

  test('a watch-list (sendInitialEvents) ends its initial events with the initial-events-end bookmark', async () => {
    const res = await request(
      `${t.server.url}/api/v1/namespaces/default/configmaps?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&timeoutSeconds=1&labelSelector=env`,
      { headers: { authorization: `Bearer ${t.server.adminToken}` }, dispatcher: t.agent },
    );
    const lines = (await res.body.text()).trim().split('\n').map((l) => JSON.parse(l) as { type: string; object: { metadata: { name?: string; annotations?: Record<string, string> } } });
    assert.deepEqual(lines.slice(0, 3).map((e) => e.type), ['ADDED', 'ADDED', 'BOOKMARK']);
    assert.equal(lines[2]!.object.metadata.annotations?.['k8s.io/initial-events-end'], 'true');
  });

  test('the legacy /watch/ path watches one object by name', async () => {
    const res = await request(`${t.server.url}/api/v1/watch/namespaces/default/configmaps/sel-b?timeoutSeconds=1`, {
      headers: { authorization: `Bearer ${t.server.adminToken}` },
      dispatcher: t.agent,
    });
    assert.equal(res.statusCode, 200);
    const lines = (await res.body.text()).trim().split('\n').map((l) => JSON.parse(l) as { type: string; object: { metadata: { name: string } } });
    assert.deepEqual(lines.map((e) => `${e.type} ${e.object.metadata.name}`), ['ADDED sel-b']);
  });

  test('generateName, server-owned uid/creationTimestamp, generation on spec changes only', async () => {
    const created = await t.http('POST', '/apis/coordination.k8s.io/v1/namespaces/default/leases', {
      body: { metadata: { generateName: 'lease-', uid: 'mine', creationTimestamp: '2000-01-01T00:00:00Z' }, spec: { holderIdentity: 'a' } },
    });
    assert.equal(created.status, 201);
    assert.match(created.json.metadata.name, /^lease-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    assert.notEqual(created.json.metadata.uid, 'mine');
    assert.notEqual(created.json.metadata.creationTimestamp, '2000-01-01T00:00:00Z');
    const path = `/apis/coordination.k8s.io/v1/namespaces/default/leases/${created.json.metadata.name}`;
    const changed = await t.http('PUT', path, { body: { ...created.json, metadata: { ...created.json.metadata, uid: 'other' } } });
    assert.equal(changed.json.metadata.uid, created.json.metadata.uid);
    const crd = await t.http('GET', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/volumesnapshots.snapshot.storage.k8s.io');
    const vs = { apiVersion: 'snapshot.storage.k8s.io/v1', kind: 'VolumeSnapshot', metadata: { name: 'snap' }, spec: { source: { persistentVolumeClaimName: 'pvc' } } };
    assert.equal(crd.status, 200);
    const snap = await t.http('POST', '/apis/snapshot.storage.k8s.io/v1/namespaces/default/volumesnapshots', { body: vs });
    assert.equal(snap.status, 201, snap.text);
    assert.equal(snap.json.metadata.generation, 1);
    const labelled = await t.http('PATCH', '/apis/snapshot.storage.k8s.io/v1/namespaces/default/volumesnapshots/snap', {
      body: { metadata: { labels: { a: 'b' } } },
      contentType: 'application/merge-patch+json',
    });
    assert.equal(labelled.json.metadata.generation, 1);
    assert.ok(Number(labelled.json.metadata.resourceVersion) > Number(snap.json.metadata.resourceVersion));
    const noop = await t.http('PATCH', '/apis/snapshot.storage.k8s.io/v1/namespaces/default/volumesnapshots/snap', {
      body: { metadata: { labels: { a: 'b' } } },
      contentType: 'application/merge-patch+json',
    });
    assert.equal(noop.json.metadata.resourceVersion, labelled.json.metadata.resourceVersion, 'a write that changes nothing is not stored');
  });

  test('dryRun=All validates and answers without storing', async () => {
    const dry = await t.http('POST', '/api/v1/namespaces/default/configmaps?dryRun=All', { body: { metadata: { name: 'dry' } } });
    assert.equal(dry.status, 201);
    assert.ok(dry.json.metadata.uid);
    const get = await t.http('GET', '/api/v1/namespaces/default/configmaps/dry');
    assert.equal(get.status, 404);
    const bad = await t.http('POST', '/api/v1/namespaces/default/configmaps?dryRun=Some', { body: { metadata: { name: 'dry' } } });
    assert.equal(bad.status, 400);
  });

  test('finalizers hold a deleted object until they are removed; deletecollection deletes the selection', async () => {
    const path = '/api/v1/namespaces/default/configmaps/held';
    await t.http('POST', '/api/v1/namespaces/default/configmaps', { body: { metadata: { name: 'held', finalizers: ['example.com/hold'] } } });
    const deleted = await t.http('DELETE', path);
    assert.equal(deleted.status, 200);
    assert.ok(deleted.json.metadata.deletionTimestamp);
    const still = await t.http('GET', path);
    assert.equal(still.status, 200);
    assert.ok(still.json.metadata.deletionTimestamp);
    const released = await t.http('PATCH', path, { body: [{ op: 'remove', path: '/metadata/finalizers' }], contentType: 'application/json-patch+json' });
    assert.equal(released.status, 200);
    assert.equal((await t.http('GET', path)).status, 404);
    const collection = await t.http('DELETE', '/api/v1/namespaces/default/configmaps?labelSelector=tier');
    assert.equal(collection.status, 200);
    assert.deepEqual(names(collection.json).sort(), ['sel-a', 'sel-c']);
    const left = await t.http('GET', '/api/v1/namespaces/default/configmaps?labelSelector=env%2Ctier');
    assert.deepEqual(names(left.json), []);
  });

  test('a pod bound to a node is deleted gracefully; deleting a namespace makes it Terminating', async () => {
    const graceful = await t.http('DELETE', '/api/v1/namespaces/default/pods/on-node');
    assert.equal(graceful.status, 200);
    assert.equal(graceful.json.metadata.deletionGracePeriodSeconds, 30);
    const now = await t.http('DELETE', '/api/v1/namespaces/default/pods/on-node?gracePeriodSeconds=0');
    assert.equal(now.status, 200);
    assert.equal((await t.http('GET', '/api/v1/namespaces/default/pods/on-node')).status, 404);
    await t.http('POST', '/api/v1/namespaces', { body: { metadata: { name: 'doomed' } } });
    const ns = await t.http('DELETE', '/api/v1/namespaces/doomed');
    assert.equal(ns.json.status.phase, 'Terminating');
    const refused = await t.http('POST', '/api/v1/namespaces/doomed/configmaps', { body: { metadata: { name: 'x' } } });
    assert.equal(refused.status, 403);
    assert.match(refused.json.message, /unable to create new content in namespace doomed because it is being terminated/);
    // What the namespace controller does once the content is gone: finalize, and it is removed.
    const finalized = await t.http('PUT', '/api/v1/namespaces/doomed/finalize', {
      body: { ...ns.json, metadata: { ...ns.json.metadata, labels: { ignored: 'yes' } }, spec: { finalizers: [] } },
    });
    assert.equal(finalized.status, 200);
    assert.equal((await t.http('GET', '/api/v1/namespaces/doomed')).status, 404);
  });

  test('pods/binding assigns a node once; pods/eviction deletes', async () => {
    await t.http('POST', '/api/v1/namespaces/default/pods', { body: { metadata: { name: 'to-bind' }, spec: { containers: [{ name: 'c', image: 'i' }] } } });
    const binding = { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'to-bind' }, target: { kind: 'Node', name: 'node-1' } };
    const bound = await t.http('POST', '/api/v1/namespaces/default/pods/to-bind/binding', { body: binding });
    assert.equal(bound.status, 201);
    assert.equal(bound.json.status, 'Success');
    assert.equal((await t.http('GET', '/api/v1/namespaces/default/pods/to-bind')).json.spec.nodeName, 'node-1');
    const again = await t.http('POST', '/api/v1/namespaces/default/pods/to-bind/binding', { body: { ...binding, target: { kind: 'Node', name: 'node-2' } } });
    assert.equal(again.status, 409);
    assert.equal(again.json.message, 'Operation cannot be fulfilled on pods "to-bind": pod to-bind is already assigned to node "node-1"');
    await t.http('POST', '/api/v1/namespaces/default/pods', { body: { metadata: { name: 'to-evict' }, spec: { containers: [{ name: 'c', image: 'i' }] } } });
    const evicted = await t.http('POST', '/api/v1/namespaces/default/pods/to-evict/eviction', {
      body: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'to-evict', namespace: 'default' } },
    });
    assert.equal(evicted.status, 201);
    assert.equal((await t.http('GET', '/api/v1/namespaces/default/pods/to-evict')).status, 404);
  });

  test('a claim without storageClassName gets the default StorageClass (admission)', async () => {
    const sc = { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', provisioner: 'example.com/p' };
    await t.http('POST', '/apis/storage.k8s.io/v1/storageclasses', { body: { ...sc, metadata: { name: 'plain' } } });
    await t.http('POST', '/apis/storage.k8s.io/v1/storageclasses', {
      body: { ...sc, metadata: { name: 'fast', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } } },
    });
    const claim = (name: string, extra: object): object => ({
      metadata: { name },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, ...extra },
    });
    const defaulted = await t.http('POST', '/api/v1/namespaces/default/persistentvolumeclaims', { body: claim('c1', {}) });
    assert.equal(defaulted.status, 201, defaulted.text);
    assert.equal(defaulted.json.spec.storageClassName, 'fast');
    const explicit = await t.http('POST', '/api/v1/namespaces/default/persistentvolumeclaims', { body: claim('c2', { storageClassName: '' }) });
    assert.equal(explicit.json.spec.storageClassName, '');
  });

  test('Table responses carry the kind\'s columns', async () => {
    const res = await t.http('GET', '/api/v1/namespaces/default/pods', { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' });
    assert.equal(res.json.kind, 'Table');
    assert.deepEqual(res.json.columnDefinitions.filter((c: { priority: number }) => c.priority === 0).map((c: { name: string }) => c.name), ['Name', 'Ready', 'Status', 'Restarts', 'Age']);
    assert.equal(res.json.rows[0].object.kind, 'PartialObjectMetadata');
  });
});
