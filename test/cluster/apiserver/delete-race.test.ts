// A delete that races another writer: kube-apiserver redoes the deletion on the object as it
// now stands (GuaranteedUpdate), so a client deleting without a resourceVersion precondition
// never sees 409 because a controller wrote status meanwhile. With a resourceVersion
// precondition, the conflict is the client's and is answered 409.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CoreV1Api, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { startTestServer, type TestServer } from './harness.ts';

let t: TestServer;
let core: CoreV1Api;
/** Names whose DELETE gets a concurrent write while it is being admitted. */
const raced = new Set<string>();

before(async () => {
  t = await startTestServer();
  core = t.kubeconfig.makeApiClient(CoreV1Api);
  // Stands for a slow validating webhook during which a controller updates the object.
  t.server.admission.validating.push({
    name: 'test/concurrent-writer',
    async validate(attrs) {
      const name = attrs.info.name;
      if (attrs.operation !== 'DELETE' || !raced.has(name)) return;
      raced.delete(name);
      await core.patchNamespacedConfigMap(
        { name, namespace: 'default', body: { data: { written: 'meanwhile' } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
    },
  });
});

after(async () => {
  await t?.close();
});

test('a delete racing a write succeeds; the object with a finalizer is marked, not lost', async () => {
  await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'plain' }, data: { a: '1' } } });
  raced.add('plain');
  const gone = await t.kubectl(['delete', 'configmap', 'plain', '--wait=false']);
  assert.equal(gone.code, 0, gone.stderr);
  assert.equal(raced.has('plain'), false, 'the concurrent write happened');
  assert.equal((await t.kubectl(['get', 'configmap', 'plain'])).code, 1);

  await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'held', finalizers: ['example.com/hold'] }, data: { a: '1' } } });
  raced.add('held');
  const marked = await t.kubectl(['delete', 'configmap', 'held', '--wait=false']);
  assert.equal(marked.code, 0, marked.stderr);
  const held = await core.readNamespacedConfigMap({ name: 'held', namespace: 'default' });
  assert.ok(held.metadata?.deletionTimestamp, 'marked for deletion');
  assert.equal(held.data?.['written'], 'meanwhile', 'the concurrent write is kept');
});

test('with a resourceVersion precondition the race is the client\'s: 409 Conflict', async () => {
  const cm = await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'pinned' }, data: { a: '1' } } });
  raced.add('pinned');
  const res = await t.http('DELETE', '/api/v1/namespaces/default/configmaps/pinned', {
    body: { apiVersion: 'v1', kind: 'DeleteOptions', preconditions: { resourceVersion: cm.metadata?.resourceVersion } },
  });
  assert.equal(res.status, 409);
  assert.match(res.text, /the object has been modified/);
  assert.equal((await core.readNamespacedConfigMap({ name: 'pinned', namespace: 'default' })).data?.['written'], 'meanwhile');
});
