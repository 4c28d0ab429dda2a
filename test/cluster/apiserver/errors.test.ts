// Point 5's error side: the Status objects of a real kube-apiserver, field for field, for
// 400, 404, 405, 409 (AlreadyExists, Conflict, preconditions), 415 and 422.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, WIDGET_CRD, type TestServer } from './harness.ts';

const status = (code: number, reason: string, message: string, details?: unknown): unknown => ({
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  message,
  reason,
  ...(details === undefined ? {} : { details }),
  code,
});

describe('error Status objects', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
    const crd = await t.http('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', { body: WIDGET_CRD });
    assert.equal(crd.status, 201);
  });
  after(async () => {
    await t.close();
  });

  test('404 for a missing object, a missing namespace and an unknown path', async () => {
    const pod = await t.http('GET', '/api/v1/namespaces/default/pods/nope');
    assert.equal(pod.status, 404);
    assert.deepEqual(pod.json, status(404, 'NotFound', 'pods "nope" not found', { name: 'nope', kind: 'pods' }));
    const widget = await t.http('GET', '/apis/example.com/v1/namespaces/default/widgets/nope');
    assert.deepEqual(widget.json, status(404, 'NotFound', 'widgets.example.com "nope" not found', { name: 'nope', group: 'example.com', kind: 'widgets' }));
    const inMissingNs = await t.http('POST', '/api/v1/namespaces/ghost/configmaps', { body: { metadata: { name: 'c' } } });
    assert.equal(inMissingNs.status, 404);
    assert.deepEqual(inMissingNs.json, status(404, 'NotFound', 'namespaces "ghost" not found', { name: 'ghost', kind: 'namespaces' }));
    const unknown = await t.http('GET', '/apis/example.com/v1/gadgets');
    assert.deepEqual(unknown.json, status(404, 'NotFound', 'the server could not find the requested resource', {}));
  });

  test('409 AlreadyExists and 409 Conflict on a stale resourceVersion', async () => {
    const body = { metadata: { name: 'dup' }, data: { a: '1' } };
    const first = await t.http('POST', '/api/v1/namespaces/default/configmaps', { body });
    assert.equal(first.status, 201);
    const again = await t.http('POST', '/api/v1/namespaces/default/configmaps', { body });
    assert.equal(again.status, 409);
    assert.deepEqual(again.json, status(409, 'AlreadyExists', 'configmaps "dup" already exists', { name: 'dup', kind: 'configmaps' }));
    const stale = { ...first.json, data: { a: '2' } };
    const ok = await t.http('PUT', '/api/v1/namespaces/default/configmaps/dup', { body: stale });
    assert.equal(ok.status, 200);
    const conflict = await t.http('PUT', '/api/v1/namespaces/default/configmaps/dup', { body: { ...stale, data: { a: '3' } } });
    assert.equal(conflict.status, 409);
    assert.deepEqual(
      conflict.json,
      status(
        409,
        'Conflict',
        'Operation cannot be fulfilled on configmaps "dup": the object has been modified; please apply your changes to the latest version and try again',
        { name: 'dup', kind: 'configmaps' },
      ),
    );
    const precondition = await t.http('DELETE', '/api/v1/namespaces/default/configmaps/dup', { body: { preconditions: { uid: 'not-the-uid' } } });
    assert.equal(precondition.status, 409);
    assert.equal(precondition.json.reason, 'Conflict');
    assert.match(precondition.json.message, /^Operation cannot be fulfilled on configmaps "dup": Precondition failed: UID in precondition: not-the-uid, UID in object meta: /);
  });

  test('422 Invalid lists every cause with its field path', async () => {
    const res = await t.http('POST', '/apis/example.com/v1/namespaces/default/widgets', {
      body: { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'bad' }, spec: { size: 0, color: 'green' } },
    });
    assert.equal(res.status, 422);
    assert.equal(res.json.reason, 'Invalid');
    assert.equal(
      res.json.message,
      'Widget.example.com "bad" is invalid: [spec.size: Invalid value: 0: spec.size in body should be greater than or equal to 1, spec.color: Unsupported value: "green": supported values: "blue", "red"]',
    );
    assert.deepEqual(res.json.details.causes.map((c: { field: string; reason: string }) => `${c.reason} ${c.field}`), [
      'FieldValueInvalid spec.size',
      'FieldValueNotSupported spec.color',
    ]);
    assert.equal(res.json.details.kind, 'Widget');
    assert.equal(res.json.details.group, 'example.com');
    const pod = await t.http('POST', '/api/v1/namespaces/default/pods', { body: { metadata: { name: 'p' }, spec: { containers: [] } } });
    assert.equal(pod.status, 422);
    assert.match(pod.json.message, /^Pod "p" is invalid: spec\.containers: Required value/);
    assert.equal(pod.json.details.causes[0].field, 'spec.containers');
  });

  test('415 for strategic merge patch on a custom resource, with the real message', async () => {
    await t.http('POST', '/apis/example.com/v1/namespaces/default/widgets', {
      body: { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { size: 1 } },
    });
    const res = await t.http('PATCH', '/apis/example.com/v1/namespaces/default/widgets/w', {
      body: { spec: { size: 2 } },
      contentType: 'application/strategic-merge-patch+json',
    });
    assert.equal(res.status, 415);
    assert.deepEqual(
      res.json,
      status(
        415,
        'UnsupportedMediaType',
        'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml',
      ),
    );
  });

  test('400 for a strict unknown field, a bad selector and a mismatched name; 405 for a verb not served', async () => {
    const strict = await t.http('POST', '/api/v1/namespaces/default/configmaps?fieldValidation=Strict', {
      body: { metadata: { name: 'strict' }, bogus: true, data: { a: '1' } },
    });
    assert.equal(strict.status, 400);
    assert.equal(strict.json.reason, 'BadRequest');
    assert.equal(strict.json.message, 'ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "bogus"');
    const warn = await t.http('POST', '/api/v1/namespaces/default/configmaps?fieldValidation=Warn', {
      body: { metadata: { name: 'warned' }, bogus: true },
    });
    assert.equal(warn.status, 201);
    assert.equal(warn.headers['warning'], '299 - "unknown field \\"bogus\\""');
    assert.equal(warn.json.bogus, undefined);
    const selector = await t.http('GET', '/api/v1/namespaces/default/pods?fieldSelector=spec.bogus%3Dx');
    assert.equal(selector.status, 400);
    assert.equal(selector.json.message, 'field label not supported: spec.bogus');
    const name = await t.http('PUT', '/api/v1/namespaces/default/configmaps/warned', { body: { metadata: { name: 'other' } } });
    assert.equal(name.status, 400);
    assert.equal(name.json.message, 'the name of the object (other) does not match the name on the URL (warned)');
    const review = await t.http('GET', '/apis/authentication.k8s.io/v1/tokenreviews');
    assert.equal(review.status, 405);
    assert.equal(review.json.reason, 'MethodNotAllowed');
  });
});
