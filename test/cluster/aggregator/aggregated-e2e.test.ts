// Aggregated APIs end to end: an HTTPS API server started here is registered with an
// APIService; the embedded server lists its group in discovery, proxies its group/version
// with the caller's identity in X-Remote-* headers, and reports the APIService Available.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { createTestCA } from '../../fixtures/test-ca.ts';
import { eventually, startTestServer, type TestServer } from '../apiserver/harness.ts';

const GROUP = 'upload.example.com';

let t: TestServer;
let backend: Server;
let port = 0;
let caBundle = '';

before(async () => {
  t = await startTestServer();
  const ca = await createTestCA();
  caBundle = Buffer.from(ca.caPem).toString('base64');
  const cert = await ca.issue(['upload-api.cdi.svc', '127.0.0.1']);
  backend = createServer({ key: cert.keyPem, cert: cert.certPem }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = (req.url ?? '').split('?')[0];
      const body =
        path === `/apis/${GROUP}/v1beta1`
          ? { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: `${GROUP}/v1beta1`, resources: [{ name: 'uploadtokenrequests', singularName: 'uploadtokenrequest', namespaced: true, kind: 'UploadTokenRequest', verbs: ['create'] }] }
          : { method: req.method, url: req.url, headers: req.rawHeaders, body: Buffer.concat(chunks).toString('utf8') };
      res.writeHead(path === `/apis/${GROUP}/v1beta1/missing` ? 404 : 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    });
  });
  backend.listen(0, '127.0.0.1');
  await once(backend, 'listening');
  port = (backend.address() as AddressInfo).port;
  assert.equal((await t.http('POST', '/api/v1/namespaces', { body: { metadata: { name: 'cdi' } } })).status, 201);
  const svc = await t.http('POST', '/api/v1/namespaces/cdi/services', {
    body: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'upload-api' }, spec: { clusterIP: '127.0.0.1', ports: [{ port, targetPort: port }] } },
  });
  assert.equal(svc.status, 201, svc.text);
  const r = await t.kubectl(['apply', '-f', '-'], JSON.stringify({
    apiVersion: 'apiregistration.k8s.io/v1',
    kind: 'APIService',
    metadata: { name: `v1beta1.${GROUP}` },
    spec: { group: GROUP, version: 'v1beta1', service: { namespace: 'cdi', name: 'upload-api', port }, caBundle, groupPriorityMinimum: 1000, versionPriority: 15 },
  }));
  assert.equal(r.code, 0, r.stderr);
});
after(async () => {
  backend.closeAllConnections();
  backend.close();
  await t.close();
});

function headerValues(raw: string[], name: string): string[] {
  const values: string[] = [];
  for (let i = 0; i < raw.length; i += 2) if (raw[i]!.toLowerCase() === name) values.push(raw[i + 1]!);
  return values;
}

test('aggregator: the APIService becomes Available after its discovery check', async () => {
  const condition = await eventually(async () => {
    const svc = await t.http('GET', `/apis/apiregistration.k8s.io/v1/apiservices/v1beta1.${GROUP}`);
    const c = svc.json.status?.conditions?.find((x: { type: string }) => x.type === 'Available');
    return c?.status === 'True' ? c : undefined;
  }, 'Available');
  assert.equal(condition.reason, 'Passed');
  assert.equal(condition.message, 'all checks passed');
  const r = await t.kubectl(['get', 'apiservice', `v1beta1.${GROUP}`, '--no-headers']);
  assert.match(r.stdout, new RegExp(`^v1beta1\\.upload\\.example\\.com\\s+cdi/upload-api\\s+True\\s+`));
});

test('aggregator: discovery lists the group; kubectl get --raw reaches the backend with the identity', async () => {
  const groups = await t.kubectl(['get', '--raw', '/apis']);
  const list = JSON.parse(groups.stdout) as { groups: { name: string; preferredVersion: { groupVersion: string } }[] };
  assert.deepEqual(list.groups.find((g) => g.name === GROUP), {
    name: GROUP,
    versions: [{ groupVersion: `${GROUP}/v1beta1`, version: 'v1beta1' }],
    preferredVersion: { groupVersion: `${GROUP}/v1beta1`, version: 'v1beta1' },
  });
  const group = JSON.parse((await t.kubectl(['get', '--raw', `/apis/${GROUP}`])).stdout) as { kind: string; name: string };
  assert.deepEqual([group.kind, group.name], ['APIGroup', GROUP]);
  const resources = JSON.parse((await t.kubectl(['get', '--raw', `/apis/${GROUP}/v1beta1`])).stdout) as { resources: { name: string }[] };
  assert.deepEqual(resources.resources.map((r) => r.name), ['uploadtokenrequests']);

  const echo = JSON.parse((await t.kubectl(['get', '--raw', `/apis/${GROUP}/v1beta1/namespaces/default/things?limit=1`])).stdout) as { url: string; headers: string[] };
  assert.equal(echo.url, `/apis/${GROUP}/v1beta1/namespaces/default/things?limit=1`);
  assert.deepEqual(headerValues(echo.headers, 'x-remote-user'), ['admin']);
  assert.deepEqual(headerValues(echo.headers, 'x-remote-group'), ['system:masters', 'system:authenticated']);
  assert.deepEqual(headerValues(echo.headers, 'authorization'), []);
});

test('aggregator: a create is streamed to the backend and its answer back; backend statuses pass through', async () => {
  const body = { apiVersion: `${GROUP}/v1beta1`, kind: 'UploadTokenRequest', metadata: { name: 'dv' }, spec: { pvcName: 'dv' } };
  const res = await t.http('POST', `/apis/${GROUP}/v1beta1/namespaces/default/uploadtokenrequests`, { body });
  assert.equal(res.status, 200);
  assert.equal(res.json.method, 'POST');
  assert.deepEqual(JSON.parse(res.json.body), body);
  const missing = await t.http('GET', `/apis/${GROUP}/v1beta1/missing`);
  assert.equal(missing.status, 404);
});

test('aggregator: RBAC applies before proxying', async () => {
  assert.equal((await t.http('POST', '/api/v1/namespaces/default/serviceaccounts', { body: { metadata: { name: 'uploader' } } })).status, 201);
  const token = (await t.kubectl(['create', 'token', 'uploader', '-n', 'default'])).stdout.trim();
  const denied = await t.http('POST', `/apis/${GROUP}/v1beta1/namespaces/default/uploadtokenrequests`, { token, body: {} });
  assert.equal(denied.status, 403);
  assert.equal(denied.json.message, `uploadtokenrequests.${GROUP} is forbidden: User "system:serviceaccount:default:uploader" cannot create resource "uploadtokenrequests" in API group "${GROUP}" in the namespace "default"`);
  for (const item of [
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'uploader', namespace: 'default' }, rules: [{ apiGroups: [GROUP], resources: ['uploadtokenrequests'], verbs: ['create'] }] },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'uploader', namespace: 'default' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'uploader' },
      subjects: [{ kind: 'ServiceAccount', name: 'uploader', namespace: 'default' }],
    },
  ]) {
    const applied = await t.kubectl(['apply', '-f', '-'], JSON.stringify(item));
    assert.equal(applied.code, 0, applied.stderr);
  }
  const allowed = await t.http('POST', `/apis/${GROUP}/v1beta1/namespaces/default/uploadtokenrequests`, { token, body: {} });
  assert.equal(allowed.status, 200);
  assert.deepEqual(headerValues(allowed.json.headers, 'x-remote-user'), ['system:serviceaccount:default:uploader']);
  assert.deepEqual(headerValues(allowed.json.headers, 'x-remote-group'), ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated']);
});

test('aggregator: an APIService whose Service does not exist is not Available', async () => {
  const r = await t.kubectl(['apply', '-f', '-'], JSON.stringify({
    apiVersion: 'apiregistration.k8s.io/v1',
    kind: 'APIService',
    metadata: { name: `v1.metrics.example.com` },
    spec: { group: 'metrics.example.com', version: 'v1', service: { namespace: 'cdi', name: 'nowhere', port: 443 }, caBundle, groupPriorityMinimum: 100, versionPriority: 10 },
  }));
  assert.equal(r.code, 0, r.stderr);
  const condition = await eventually(async () => {
    const svc = await t.http('GET', '/apis/apiregistration.k8s.io/v1/apiservices/v1.metrics.example.com');
    return svc.json.status?.conditions?.find((x: { type: string }) => x.type === 'Available');
  }, 'Available condition');
  assert.deepEqual([condition.status, condition.reason, condition.message], ['False', 'ServiceNotFound', 'service/nowhere in "cdi" is not present']);
  const res = await t.http('GET', '/apis/metrics.example.com/v1/nodes');
  assert.deepEqual([res.status, res.text], [503, 'service unavailable\n']);
});
