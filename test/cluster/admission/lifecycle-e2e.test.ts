// Namespace lifecycle and deletion propagation end to end, with the embedded controller
// manager (namespace controller and garbage collector) running against the real server:
// Terminating namespaces refuse new content with the real 403, finalizers hold deletion, and
// Background / Foreground / Orphan propagation end the way kube-controller-manager ends them.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { startControllerManager } from '../../../src/cluster/kcm/index.ts';
import { eventually, startTestServer, type TestServer } from '../apiserver/harness.ts';

let t: TestServer;
let kcm: { stop(): Promise<void> };
let core: k8s.CoreV1Api;

before(async () => {
  t = await startTestServer();
  kcm = await startControllerManager({ kubeConfig: t.kubeconfig, caPem: t.server.caPem });
  core = t.kubeconfig.makeApiClient(k8s.CoreV1Api);
});
after(async () => {
  await kcm.stop();
  await t.close();
});

const mergePatch = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);

async function configMap(namespace: string, name: string, meta: Partial<k8s.V1ObjectMeta> = {}): Promise<k8s.V1ConfigMap> {
  return core.createNamespacedConfigMap({ namespace, body: { metadata: { name, ...meta }, data: { k: 'v' } } });
}

async function exists(namespace: string, name: string): Promise<k8s.V1ConfigMap | undefined> {
  return core.readNamespacedConfigMap({ namespace, name }).catch((e: unknown) => {
    if ((e as { code?: number }).code === 404) return undefined;
    throw e;
  });
}

test('namespaces: content outside an existing namespace is refused with 404', async () => {
  const res = await t.http('POST', '/api/v1/namespaces/nope/configmaps', { body: { metadata: { name: 'x' } } });
  assert.deepEqual([res.status, res.json.reason, res.json.message], [404, 'NotFound', 'namespaces "nope" not found']);
});

test('namespaces: teardown waits for finalizers, and a Terminating namespace refuses new content', async () => {
  await core.createNamespace({ body: { metadata: { name: 'doomed' } } });
  await eventually(() => core.readNamespacedServiceAccount({ namespace: 'doomed', name: 'default' }).catch(() => undefined), 'default service account');
  await configMap('doomed', 'plain');
  await configMap('doomed', 'held', { finalizers: ['example.com/hold'] });
  const r = await t.kubectl(['delete', 'namespace', 'doomed', '--wait=false']);
  assert.equal(r.stdout, 'namespace "doomed" deleted\n');

  const ns = await core.readNamespace({ name: 'doomed' });
  assert.equal(ns.status?.phase, 'Terminating');
  assert.notEqual(ns.metadata?.deletionTimestamp, undefined);
  assert.deepEqual(ns.spec?.finalizers, ['kubernetes']);

  const refused = await t.http('POST', '/api/v1/namespaces/doomed/configmaps', { body: { metadata: { name: 'late' } } });
  assert.deepEqual(refused.json, {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: 'configmaps "late" is forbidden: unable to create new content in namespace doomed because it is being terminated',
    reason: 'Forbidden',
    details: { name: 'late', kind: 'configmaps', causes: [{ reason: 'NamespaceTerminating', message: 'namespace doomed is being terminated', field: 'metadata.namespace' }] },
    code: 403,
  });
  const viaKubectl = await t.kubectl(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'late', namespace: 'doomed' } }));
  assert.equal(viaKubectl.stderr, 'Error from server (Forbidden): error when creating "STDIN": configmaps "late" is forbidden: unable to create new content in namespace doomed because it is being terminated\n');

  await eventually(async () => ((await exists('doomed', 'plain')) === undefined ? true : undefined), 'plain config map deleted');
  const held = await exists('doomed', 'held');
  assert.notEqual(held?.metadata?.deletionTimestamp, undefined, 'the held object is being deleted');
  assert.equal((await core.readNamespace({ name: 'doomed' })).status?.phase, 'Terminating', 'the namespace waits for it');

  const more = await t.http('PATCH', '/api/v1/namespaces/doomed/configmaps/held', {
    contentType: 'application/merge-patch+json',
    body: { metadata: { finalizers: ['example.com/hold', 'example.com/another'] } },
  });
  assert.deepEqual([more.status, more.json.message], [
    422,
    'ConfigMap "held" is invalid: metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"example.com/another"}',
  ]);

  await core.patchNamespacedConfigMap({ namespace: 'doomed', name: 'held', body: { metadata: { finalizers: null } } }, mergePatch);
  await eventually(async () => ((await t.http('GET', '/api/v1/namespaces/doomed')).status === 404 ? true : undefined), 'namespace removed');
});

test('namespaces: PUT /finalize empties spec.finalizers and the namespace goes', async () => {
  await core.createNamespace({ body: { metadata: { name: 'manual' } } });
  await kcm.stop();
  try {
    await core.deleteNamespace({ name: 'manual' });
    const ns = await core.readNamespace({ name: 'manual' });
    assert.equal(ns.status?.phase, 'Terminating');
    const res = await t.http('PUT', '/api/v1/namespaces/manual/finalize', { body: { ...ns, spec: { finalizers: [] } } });
    assert.equal(res.status, 200);
    assert.equal((await t.http('GET', '/api/v1/namespaces/manual')).status, 404);
  } finally {
    kcm = await startControllerManager({ kubeConfig: t.kubeconfig, caPem: t.server.caPem });
  }
});

async function ownerWithDependent(namespace: string, owner: string, dependentMeta: Partial<k8s.V1ObjectMeta> = {}, block = false): Promise<void> {
  const o = await configMap(namespace, owner);
  await configMap(namespace, `${owner}-child`, {
    ...dependentMeta,
    ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: owner, uid: o.metadata!.uid!, blockOwnerDeletion: block }],
  });
}

test('deletion: preconditions on uid and resourceVersion', async () => {
  await core.createNamespace({ body: { metadata: { name: 'pre' } } });
  const cm = await configMap('pre', 'cm');
  const wrongUid = await t.http('DELETE', '/api/v1/namespaces/pre/configmaps/cm', { body: { preconditions: { uid: 'not-it' } } });
  assert.deepEqual([wrongUid.status, wrongUid.json.message], [
    409,
    `Operation cannot be fulfilled on configmaps "cm": Precondition failed: UID in precondition: not-it, UID in object meta: ${cm.metadata!.uid!}`,
  ]);
  const ok = await t.http('DELETE', '/api/v1/namespaces/pre/configmaps/cm', { body: { preconditions: { uid: cm.metadata!.uid, resourceVersion: cm.metadata!.resourceVersion } } });
  assert.equal(ok.status, 200);
  assert.equal(await exists('pre', 'cm'), undefined);
});

test('garbage collection: Background deletes dependents after the owner', async () => {
  await core.createNamespace({ body: { metadata: { name: 'gc-bg' } } });
  await ownerWithDependent('gc-bg', 'owner');
  const r = await t.kubectl(['delete', 'configmap', 'owner', '-n', 'gc-bg', '--cascade=background']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(await exists('gc-bg', 'owner'), undefined, 'the owner goes at once');
  await eventually(async () => ((await exists('gc-bg', 'owner-child')) === undefined ? true : undefined), 'dependent collected');
});

test('garbage collection: Foreground keeps the owner until a blocking dependent is gone', async () => {
  await core.createNamespace({ body: { metadata: { name: 'gc-fg' } } });
  await ownerWithDependent('gc-fg', 'owner', { finalizers: ['example.com/hold'] }, true);
  const r = await t.kubectl(['delete', 'configmap', 'owner', '-n', 'gc-fg', '--cascade=foreground', '--wait=false']);
  assert.equal(r.code, 0, r.stderr);
  const owner = await exists('gc-fg', 'owner');
  assert.deepEqual(owner?.metadata?.finalizers, ['foregroundDeletion']);
  assert.notEqual(owner?.metadata?.deletionTimestamp, undefined);
  // The dependent is deleted too, and (having no dependents of its own) held only by its finalizer.
  const child = await eventually(async () => {
    const c = await exists('gc-fg', 'owner-child');
    return c?.metadata?.deletionTimestamp !== undefined && c.metadata.finalizers?.join() === 'example.com/hold' ? c : undefined;
  }, 'dependent being deleted');
  assert.deepEqual(child.metadata?.finalizers, ['example.com/hold']);
  assert.notEqual(await exists('gc-fg', 'owner'), undefined, 'the owner waits for its blocking dependent');
  await core.patchNamespacedConfigMap({ namespace: 'gc-fg', name: 'owner-child', body: { metadata: { finalizers: null } } }, mergePatch);
  await eventually(async () => ((await exists('gc-fg', 'owner')) === undefined ? true : undefined), 'owner removed after its dependent');
  assert.equal(await exists('gc-fg', 'owner-child'), undefined);
});

test('garbage collection: Orphan leaves dependents without the ownerReference', async () => {
  await core.createNamespace({ body: { metadata: { name: 'gc-orphan' } } });
  await ownerWithDependent('gc-orphan', 'owner');
  const r = await t.kubectl(['delete', 'configmap', 'owner', '-n', 'gc-orphan', '--cascade=orphan', '--wait=false']);
  assert.equal(r.code, 0, r.stderr);
  await eventually(async () => ((await exists('gc-orphan', 'owner')) === undefined ? true : undefined), 'owner removed');
  const child = await exists('gc-orphan', 'owner-child');
  assert.equal(child?.metadata?.ownerReferences, undefined);
  assert.equal(child?.metadata?.deletionTimestamp, undefined);
});
