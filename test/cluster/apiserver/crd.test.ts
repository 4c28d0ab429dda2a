// Point 3: a CRD is served as soon as it is created (namespaced and cluster-scoped, several
// versions over one storage version, shortNames, categories), with validation, defaulting,
// pruning, fieldValidation, the status subresource and printer columns; deleting it stops
// serving its kinds and removes its objects.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, WIDGET_CRD, type TestServer } from './harness.ts';

const GADGET_CRD = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'gadgets.example.com' },
  spec: {
    group: 'example.com',
    scope: 'Cluster',
    names: { plural: 'gadgets', kind: 'Gadget' },
    versions: [{ name: 'v1alpha1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { n: { type: 'integer' } } } } } } }],
  },
};

describe('custom resource definitions', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
    const res = await t.kubectl(['create', '-f', '-'], JSON.stringify(WIDGET_CRD));
    assert.equal(res.code, 0, res.stderr);
  });
  after(async () => {
    await t.close();
  });

  test('the CRD is established with accepted names and its kinds are discoverable at once', async () => {
    const crd = await t.http('GET', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com');
    const conditions = Object.fromEntries(crd.json.status.conditions.map((c: { type: string; status: string }) => [c.type, c.status]));
    assert.deepEqual(conditions, { NamesAccepted: 'True', Established: 'True' });
    assert.equal(crd.json.status.acceptedNames.kind, 'Widget');
    assert.deepEqual(crd.json.status.storedVersions, ['v1']);
    const discovery = await t.http('GET', '/apis/example.com/v1');
    const widgets = discovery.json.resources.find((r: { name: string }) => r.name === 'widgets');
    assert.deepEqual(widgets.shortNames, ['wd']);
    assert.deepEqual(widgets.categories, ['all']);
    assert.ok(discovery.json.resources.some((r: { name: string }) => r.name === 'widgets/status'));
    const group = await t.http('GET', '/apis/example.com');
    assert.deepEqual(group.json.versions.map((v: { version: string }) => v.version), ['v1', 'v1beta1']);
  });

  test('defaulting, pruning with Warn, Strict refusal, and kubectl shortName/category listing', async () => {
    const created = await t.http('POST', '/apis/example.com/v1/namespaces/default/widgets', {
      body: { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w1' }, spec: { size: 3, extra: 'x' } },
    });
    assert.equal(created.status, 201);
    assert.deepEqual(created.json.spec, { size: 3, color: 'blue' });
    assert.equal(created.headers['warning'], '299 - "unknown field \\"spec.extra\\""');
    const strict = await t.kubectl(['create', '-f', '-'], 'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w2}\nspec: {size: 1, extra: 1}\n');
    assert.equal(strict.code, 1);
    assert.match(strict.stderr, /Widget in version "v1" cannot be handled as a Widget: strict decoding error: unknown field "spec.extra"/);
    const byShortName = await t.kubectl(['get', 'wd']);
    assert.match(byShortName.stdout, /^NAME\s+SIZE\s+PHASE\s+AGE$/m);
    assert.match(byShortName.stdout, /^w1\s+3\s+\d+s$/m);
    const all = await t.kubectl(['get', 'all']);
    assert.match(all.stdout, /widget\.example\.com\/w1/);
  });

  test('the status subresource: main writes keep status, status writes keep spec; generation follows spec', async () => {
    const path = '/apis/example.com/v1/namespaces/default/widgets/w1';
    const withStatus = await t.http('PATCH', path, { body: { spec: { size: 4 }, status: { phase: 'Ignored' } }, contentType: 'application/merge-patch+json' });
    assert.equal(withStatus.status, 200);
    assert.equal(withStatus.json.status, undefined);
    assert.equal(withStatus.json.metadata.generation, 2);
    const status = await t.http('PATCH', `${path}/status`, { body: { spec: { size: 9 }, status: { phase: 'Ready' } }, contentType: 'application/merge-patch+json' });
    assert.equal(status.status, 200);
    assert.equal(status.json.status.phase, 'Ready');
    assert.equal(status.json.spec.size, 4);
    assert.equal(status.json.metadata.generation, 2);
    const table = await t.kubectl(['get', 'widgets', 'w1']);
    assert.match(table.stdout, /^w1\s+4\s+Ready\s+\d+s$/m);
  });

  test('another served version reads the same objects with its apiVersion', async () => {
    const v1beta1 = await t.http('GET', '/apis/example.com/v1beta1/namespaces/default/widgets/w1');
    assert.equal(v1beta1.status, 200);
    assert.equal(v1beta1.json.apiVersion, 'example.com/v1beta1');
    assert.equal(v1beta1.json.spec.size, 4);
    const created = await t.http('POST', '/apis/example.com/v1beta1/namespaces/default/widgets', {
      body: { apiVersion: 'example.com/v1beta1', kind: 'Widget', metadata: { name: 'beta' }, spec: { size: 7 } },
    });
    assert.equal(created.status, 201);
    const asV1 = await t.http('GET', '/apis/example.com/v1/namespaces/default/widgets/beta');
    assert.equal(asV1.json.apiVersion, 'example.com/v1');
  });

  test('a cluster-scoped CRD; explain of a CRD; deleting a CRD stops serving it and removes its objects', async () => {
    const crd = await t.http('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', { body: GADGET_CRD });
    assert.equal(crd.status, 201);
    const gadget = await t.http('POST', '/apis/example.com/v1alpha1/gadgets', { body: { apiVersion: 'example.com/v1alpha1', kind: 'Gadget', metadata: { name: 'g' }, spec: { n: 1 } } });
    assert.equal(gadget.status, 201);
    assert.equal(gadget.json.metadata.namespace, undefined);
    const explain = await t.kubectl(['explain', 'widgets.spec']);
    assert.equal(explain.code, 0, explain.stderr);
    assert.match(explain.stdout, /size\s+<integer> -required-/);
    assert.match(explain.stdout, /How big the widget is\./);
    const deleted = await t.http('DELETE', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/gadgets.example.com');
    assert.equal(deleted.status, 200);
    const gone = await t.http('GET', '/apis/example.com/v1alpha1/gadgets');
    assert.equal(gone.status, 404);
    const again = await t.http('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', { body: GADGET_CRD });
    assert.equal(again.status, 201);
    const list = await t.http('GET', '/apis/example.com/v1alpha1/gadgets');
    assert.deepEqual(list.json.items, []);
  });
});
