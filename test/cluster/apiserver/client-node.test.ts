// @kubernetes/client-node against the server: typed CRUD (CoreV1Api), custom objects
// (CustomObjectsApi), an informer seeing add/update/delete, a Watch resuming from a
// resourceVersion, and 410 Gone for a resourceVersion older than the watch window.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as k8s from '@kubernetes/client-node';
import { eventually, startTestServer, WIDGET_CRD, type TestServer } from './harness.ts';

describe('client-node', () => {
  let t: TestServer;
  let core: k8s.CoreV1Api;
  let custom: k8s.CustomObjectsApi;
  before(async () => {
    t = await startTestServer({ watchWindow: 20 });
    core = t.kubeconfig.makeApiClient(k8s.CoreV1Api);
    custom = t.kubeconfig.makeApiClient(k8s.CustomObjectsApi);
  });
  after(async () => {
    await t.close();
  });

  test('CoreV1Api creates, reads, lists, replaces, patches and deletes', async () => {
    const created = await core.createNamespacedConfigMap({
      namespace: 'default',
      body: { metadata: { name: 'cfg', labels: { app: 'a' } }, data: { k: 'v' } },
    });
    assert.ok(created.metadata?.uid);
    assert.ok(Number(created.metadata?.resourceVersion) > 0);
    const read = await core.readNamespacedConfigMap({ name: 'cfg', namespace: 'default' });
    assert.deepEqual(read.data, { k: 'v' });
    const list = await core.listNamespacedConfigMap({ namespace: 'default', labelSelector: 'app in (a,b)' });
    assert.deepEqual(list.items.map((c) => c.metadata?.name), ['cfg']);
    read.data = { k: 'w' };
    const replaced = await core.replaceNamespacedConfigMap({ name: 'cfg', namespace: 'default', body: read });
    assert.ok(Number(replaced.metadata?.resourceVersion) > Number(created.metadata?.resourceVersion));
    const patched = await core.patchNamespacedConfigMap(
      { name: 'cfg', namespace: 'default', body: { data: { extra: 'x' } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    assert.deepEqual(patched.data, { k: 'w', extra: 'x' });
    await core.deleteNamespacedConfigMap({ name: 'cfg', namespace: 'default' });
    await assert.rejects(core.readNamespacedConfigMap({ name: 'cfg', namespace: 'default' }), (err: k8s.ApiException<string>) => {
      assert.equal(err.code, 404);
      assert.equal(JSON.parse(err.body).message, 'configmaps "cfg" not found');
      return true;
    });
  });

  test('CustomObjectsApi works on a CRD served right after its creation', async () => {
    // Created as raw JSON: client-node's model serializer drops the schema's `default` keyword.
    const crd = await t.http('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', { body: WIDGET_CRD });
    assert.equal(crd.status, 201);
    const ext = t.kubeconfig.makeApiClient(k8s.ApiextensionsV1Api);
    const read = await ext.readCustomResourceDefinition({ name: 'widgets.example.com' });
    assert.equal(read.status?.conditions?.find((c) => c.type === 'Established')?.status, 'True');
    const created = (await custom.createNamespacedCustomObject({
      group: 'example.com',
      version: 'v1',
      namespace: 'default',
      plural: 'widgets',
      body: { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { size: 2 } },
    })) as { spec: { size: number; color: string }; metadata: { generation: number } };
    assert.deepEqual(created.spec, { size: 2, color: 'blue' });
    assert.equal(created.metadata.generation, 1);
    const got = (await custom.getNamespacedCustomObject({ group: 'example.com', version: 'v1', namespace: 'default', plural: 'widgets', name: 'w' })) as {
      kind: string;
    };
    assert.equal(got.kind, 'Widget');
    const list = (await custom.listClusterCustomObject({ group: 'example.com', version: 'v1', plural: 'widgets' })) as { items: unknown[]; kind: string };
    assert.equal(list.kind, 'WidgetList');
    assert.equal(list.items.length, 1);
    await custom.deleteNamespacedCustomObject({ group: 'example.com', version: 'v1', namespace: 'default', plural: 'widgets', name: 'w' });
    const after = (await custom.listNamespacedCustomObject({ group: 'example.com', version: 'v1', namespace: 'default', plural: 'widgets' })) as { items: unknown[] };
    assert.equal(after.items.length, 0);
  });

  test('an informer sees add, update and delete', async () => {
    const seen: string[] = [];
    const informer = k8s.makeInformer(
      t.kubeconfig,
      '/api/v1/namespaces/default/secrets',
      () => core.listNamespacedSecret({ namespace: 'default' }),
    );
    informer.on('add', (s) => seen.push(`add ${s.metadata?.name}`));
    informer.on('update', (s) => seen.push(`update ${s.metadata?.name} ${s.stringData?.['v'] ?? Buffer.from(s.data?.['v'] ?? '', 'base64').toString()}`));
    informer.on('delete', (s) => seen.push(`delete ${s.metadata?.name}`));
    await informer.start();
    try {
      await core.createNamespacedSecret({ namespace: 'default', body: { metadata: { name: 's1' }, stringData: { v: '1' } } });
      await eventually(() => (seen.includes('add s1') ? true : undefined), 'add s1');
      await core.replaceNamespacedSecret({ name: 's1', namespace: 'default', body: { metadata: { name: 's1' }, data: { v: Buffer.from('2').toString('base64') } } });
      await eventually(() => (seen.includes('update s1 2') ? true : undefined), 'update s1');
      await core.deleteNamespacedSecret({ name: 's1', namespace: 'default' });
      await eventually(() => (seen.includes('delete s1') ? true : undefined), 'delete s1');
      assert.deepEqual(seen, ['add s1', 'update s1 2', 'delete s1']);
      assert.equal(informer.list('default').length, 0);
    } finally {
      await informer.stop();
    }
  });

  test('a Watch resumes from a resourceVersion and gets exactly the later events', async () => {
    const a = await core.createNamespacedServiceAccount({ namespace: 'default', body: { metadata: { name: 'sa-a' } } });
    await core.createNamespacedServiceAccount({ namespace: 'default', body: { metadata: { name: 'sa-b' } } });
    await core.deleteNamespacedServiceAccount({ name: 'sa-a', namespace: 'default' });
    const events: string[] = [];
    const watch = new k8s.Watch(t.kubeconfig);
    const controller = await watch.watch(
      '/api/v1/namespaces/default/serviceaccounts',
      { resourceVersion: a.metadata?.resourceVersion },
      (phase, obj: k8s.V1ServiceAccount) => events.push(`${phase} ${obj.metadata?.name}`),
      () => undefined,
    );
    try {
      await eventually(() => (events.length >= 2 ? true : undefined), 'two events');
      assert.deepEqual(events, ['ADDED sa-b', 'DELETED sa-a']);
    } finally {
      controller.abort();
    }
  });

  test('a watch from a resourceVersion older than the window gets a 410 Expired ERROR event', async () => {
    const first = await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'old' } } });
    for (let i = 0; i < 30; i++) {
      await core.patchNamespacedConfigMap(
        { name: 'old', namespace: 'default', body: { data: { i: String(i) } } },
        k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
      );
    }
    const errors: { type: string; object: { code: number; reason: string; message: string } }[] = [];
    const watch = new k8s.Watch(t.kubeconfig);
    const done = new Promise<void>((resolve) => {
      void watch.watch(
        '/api/v1/namespaces/default/configmaps',
        { resourceVersion: first.metadata?.resourceVersion },
        (type, object) => errors.push({ type, object }),
        () => resolve(),
      );
    });
    await done;
    assert.equal(errors.length, 1);
    assert.equal(errors[0]!.type, 'ERROR');
    assert.equal(errors[0]!.object.code, 410);
    assert.equal(errors[0]!.object.reason, 'Expired');
    assert.match(errors[0]!.object.message, /^too old resource version: \d+ \(\d+\)$/);
  });
});
