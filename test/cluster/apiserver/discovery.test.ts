// Point 1 (discovery and OpenAPI) and the server's front door: TLS with the state dir's CA,
// bearer-token authentication, the kubeconfig, aggregated discovery declined.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { startTestServer, type TestServer } from './harness.ts';

describe('discovery, OpenAPI and authentication', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(async () => {
    await t.close();
  });

  test('the kubeconfig names the server, its CA and the admin token', async () => {
    const config = parse(await readFile(t.server.kubeconfigPath, 'utf8')) as Record<string, any>;
    assert.equal(config['current-context'], 'ferry');
    assert.equal(config['clusters'][0].cluster.server, t.server.url);
    assert.equal(Buffer.from(config['clusters'][0].cluster['certificate-authority-data'], 'base64').toString(), t.server.caPem);
    assert.equal(config['users'][0].user.token, t.server.adminToken);
  });

  test('a missing or wrong token gets the 401 Unauthorized Status; health and version are public', async () => {
    for (const token of [null, 'wrong']) {
      const res = await t.http('GET', '/api/v1/namespaces', { token });
      assert.equal(res.status, 401);
      assert.deepEqual(res.json, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
    }
    const health = await t.http('GET', '/healthz', { token: null });
    assert.equal(health.status, 200);
    assert.equal(health.text, 'ok');
    const version = await t.http('GET', '/version', { token: null });
    assert.match(version.json.gitVersion, /^v1\.34\.\d+$/);
  });

  test('legacy discovery documents list groups, versions and resources', async () => {
    const api = await t.http('GET', '/api');
    assert.deepEqual(api.json.versions, ['v1']);
    const v1 = await t.http('GET', '/api/v1');
    assert.equal(v1.json.kind, 'APIResourceList');
    const pods = v1.json.resources.find((r: { name: string }) => r.name === 'pods');
    assert.equal(pods.kind, 'Pod');
    assert.equal(pods.namespaced, true);
    assert.deepEqual(pods.shortNames, ['po']);
    assert.ok(pods.categories.includes('all'));
    assert.ok(pods.verbs.includes('watch'));
    assert.equal(typeof pods.storageVersionHash, 'string');
    const podStatus = v1.json.resources.find((r: { name: string }) => r.name === 'pods/status');
    assert.deepEqual(podStatus.verbs, ['get', 'patch', 'update']);
    assert.ok(v1.json.resources.some((r: { name: string }) => r.name === 'pods/log'));
    const apis = await t.http('GET', '/apis');
    const names = apis.json.groups.map((g: { name: string }) => g.name);
    for (const g of ['apiextensions.k8s.io', 'storage.k8s.io', 'coordination.k8s.io', 'snapshot.storage.k8s.io', 'events.k8s.io']) {
      assert.ok(names.includes(g), `${g} in ${names.join(',')}`);
    }
    const group = await t.http('GET', '/apis/storage.k8s.io');
    assert.equal(group.json.kind, 'APIGroup');
    assert.equal(group.json.preferredVersion.groupVersion, 'storage.k8s.io/v1');
    const missing = await t.http('GET', '/apis/nope.example.com/v1');
    assert.equal(missing.status, 404);
    assert.equal(missing.json.message, 'the server could not find the requested resource');
  });

  test('aggregated discovery is declined with plain application/json', async () => {
    const res = await t.http('GET', '/apis', {
      accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json',
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'application/json');
    assert.equal(res.json.kind, 'APIGroupList');
  });

  test('OpenAPI v3 lists group/versions whose documents carry operations with fieldValidation', async () => {
    const index = await t.http('GET', '/openapi/v3');
    const entry = index.json.paths['api/v1'];
    assert.match(entry.serverRelativeURL, /^\/openapi\/v3\/api\/v1\?hash=[0-9A-F]+$/);
    const doc = await t.http('GET', entry.serverRelativeURL);
    const patch = doc.json.paths['/api/v1/namespaces/{namespace}/pods/{name}'].patch;
    assert.deepEqual(patch['x-kubernetes-group-version-kind'], { group: '', version: 'v1', kind: 'Pod' });
    assert.ok(patch.parameters.some((p: { name: string; in: string }) => p.name === 'fieldValidation' && p.in === 'query'));
    assert.ok(doc.json.components.schemas['io.k8s.api.core.v1.Container']);
    const proto = await t.http('GET', '/openapi/v2', { accept: 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf' });
    assert.equal(proto.status, 406);
    const v2 = await t.http('GET', '/openapi/v2');
    assert.equal(v2.json.swagger, '2.0');
  });

  test('kubectl api-resources and explain work against the server', async () => {
    const resources = await t.kubectl(['api-resources']);
    assert.equal(resources.code, 0, resources.stderr);
    assert.match(resources.stdout, /^pods\s+po\s+v1\s+true\s+Pod$/m);
    assert.match(resources.stdout, /^volumesnapshots\s+vs\s+snapshot\.storage\.k8s\.io\/v1\s+true\s+VolumeSnapshot$/m);
    const explain = await t.kubectl(['explain', 'pods.spec.containers']);
    assert.equal(explain.code, 0, explain.stderr);
    assert.match(explain.stdout, /FIELD: containers <\[\]Container>/);
    assert.match(explain.stdout, /image\s+<string>/);
  });

  test('kubectl get ns shows the namespaces of a fresh cluster', async () => {
    const res = await t.kubectl(['get', 'ns']);
    assert.equal(res.code, 0, res.stderr);
    for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
      assert.match(res.stdout, new RegExp(`^${ns}\\s+Active\\s+\\d+s$`, 'm'));
    }
  });
});
