// Admission webhooks end to end: the real API server calls a real HTTPS webhook started here;
// kubectl and client-node see the webhook's effects and kube-apiserver's exact errors.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { startTestServer, type TestServer } from '../apiserver/harness.ts';
import { otherCaBundle, startWebhookServer, type WebhookServer } from './webhook-server.ts';

let t: TestServer;
let hooks: WebhookServer;
let core: k8s.CoreV1Api;

before(async () => {
  t = await startTestServer();
  hooks = await startWebhookServer();
  core = t.kubeconfig.makeApiClient(k8s.CoreV1Api);
});
after(async () => {
  await hooks.close();
  await t.close();
});

/** One webhook on configmaps in namespace `ns`, in its own configuration. */
async function configure(kind: 'Mutating' | 'Validating', name: string, ns: string, path: string, extra: Record<string, unknown> = {}): Promise<void> {
  const config = {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: `${kind}WebhookConfiguration`,
    metadata: { name },
    webhooks: [
      {
        name,
        clientConfig: { url: `${hooks.url}${path}`, caBundle: hooks.caBundle },
        rules: [{ operations: ['CREATE', 'UPDATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['configmaps'] }],
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns } },
        sideEffects: 'None',
        admissionReviewVersions: ['v1'],
        ...extra,
      },
    ],
  };
  const r = await t.kubectl(['apply', '-f', '-'], JSON.stringify(config));
  assert.equal(r.code, 0, r.stderr);
}

async function namespace(name: string, labels: Record<string, string> = {}): Promise<void> {
  await core.createNamespace({ body: { metadata: { name, labels } } });
}

function configMap(ns: string, name: string, labels: Record<string, string> = {}): string {
  return JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns, labels }, data: { a: '1' } });
}

test('webhooks: a mutating webhook labels what kubectl creates; the review names the user and the request', async () => {
  await namespace('mutate');
  await configure('Mutating', 'label.example.com', 'mutate', '/label');
  const r = await t.kubectl(['create', '-f', '-'], configMap('mutate', 'cm1'));
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'configmap/cm1 created\n');
  const stored = await core.readNamespacedConfigMap({ namespace: 'mutate', name: 'cm1' });
  assert.deepEqual(stored.metadata?.labels, { 'webhook.example.com/seen': 'yes' });
  const review = hooks.received.findLast((x) => x.path === '/label')!.request;
  assert.equal(review.operation, 'CREATE');
  assert.equal(review.userInfo.username, 'admin');
  assert.deepEqual(review.resource, { group: '', version: 'v1', resource: 'configmaps' });
  assert.equal(review.namespace, 'mutate');
  assert.equal(review.dryRun, false);
});

test('webhooks: a denial reaches kubectl and client-node with the webhook message', async () => {
  await namespace('deny');
  await configure('Validating', 'deny.example.com', 'deny', '/deny', { objectSelector: { matchLabels: { color: 'red' } } });
  const blue = await t.kubectl(['create', '-f', '-'], configMap('deny', 'blue', { color: 'blue' }));
  assert.equal(blue.code, 0, blue.stderr);
  const red = await t.kubectl(['create', '-f', '-'], configMap('deny', 'red', { color: 'red' }));
  assert.equal(red.code, 1);
  assert.equal(red.stderr, 'Error from server (Forbidden): error when creating "STDIN": admission webhook "deny.example.com" denied the request: widgets may not be red\n');
  const err = await core
    .patchNamespacedConfigMap({ namespace: 'deny', name: 'blue', body: { metadata: { labels: { color: 'red' } } } }, k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch))
    .then(() => undefined, (e: unknown) => e as k8s.ApiException<string>);
  assert.equal(err?.code, 403);
  const status = JSON.parse(err!.body) as { message: string; reason: string; code: number };
  assert.deepEqual([status.code, status.reason, status.message], [403, 'Forbidden', 'admission webhook "deny.example.com" denied the request: widgets may not be red']);
});

test('webhooks: a webhook that times out fails the request under Fail and is skipped under Ignore', async () => {
  await namespace('slow');
  await configure('Validating', 'slow.example.com', 'slow', '/hang', { timeoutSeconds: 1 });
  const r = await t.kubectl(['create', '-f', '-'], configMap('slow', 'cm'));
  assert.equal(r.code, 1);
  assert.equal(
    r.stderr,
    `Error from server (InternalError): error when creating "STDIN": Internal error occurred: failed calling webhook "slow.example.com": failed to call webhook: Post "${hooks.url}/hang?timeout=1s": context deadline exceeded\n`,
  );
  await configure('Validating', 'slow.example.com', 'slow', '/hang', { timeoutSeconds: 1, failurePolicy: 'Ignore' });
  const ok = await t.kubectl(['create', '-f', '-'], configMap('slow', 'cm'));
  assert.equal(ok.code, 0, ok.stderr);
});

test('webhooks: a certificate from another CA fails the call with the x509 error', async () => {
  await namespace('wrongca');
  await configure('Mutating', 'ca.example.com', 'wrongca', '/allow');
  const config = await t.http('GET', '/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/ca.example.com');
  config.json.webhooks[0].clientConfig.caBundle = await otherCaBundle();
  assert.equal((await t.http('PUT', '/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/ca.example.com', { body: config.json })).status, 200);
  const res = await t.http('POST', '/api/v1/namespaces/wrongca/configmaps', { body: JSON.parse(configMap('wrongca', 'cm')) });
  assert.equal(res.status, 500);
  assert.deepEqual(res.json, {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: `Internal error occurred: failed calling webhook "ca.example.com": failed to call webhook: Post "${hooks.url}/allow?timeout=10s": tls: failed to verify certificate: x509: certificate signed by unknown authority`,
    reason: 'InternalError',
    details: { causes: [{ message: `failed calling webhook "ca.example.com": failed to call webhook: Post "${hooks.url}/allow?timeout=10s": tls: failed to verify certificate: x509: certificate signed by unknown authority` }] },
    code: 500,
  });
});

test('webhooks: warnings reach kubectl; dry runs are sent with dryRun true and store nothing', async () => {
  await namespace('warn');
  await configure('Validating', 'warn.example.com', 'warn', '/warn');
  const r = await t.kubectl(['create', '-f', '-', '--dry-run=server'], configMap('warn', 'cm'));
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, 'Warning: widgets are deprecated\n');
  assert.equal(r.stdout, 'configmap/cm created (server dry run)\n');
  assert.equal(hooks.received.findLast((x) => x.path === '/warn')!.request.dryRun, true);
  assert.equal((await t.http('GET', '/api/v1/namespaces/warn/configmaps/cm')).status, 404);
});

test('webhooks: namespaceSelector by label; other namespaces are not sent to the webhook', async () => {
  await namespace('prod-a', { env: 'prod' });
  await namespace('dev-a', { env: 'dev' });
  await configure('Validating', 'prod-only.example.com', 'ignored', '/deny', { namespaceSelector: { matchLabels: { env: 'prod' } } });
  const dev = await t.kubectl(['create', '-f', '-'], configMap('dev-a', 'cm'));
  assert.equal(dev.code, 0, dev.stderr);
  const prod = await t.kubectl(['create', '-f', '-'], configMap('prod-a', 'cm'));
  assert.equal(prod.stderr, 'Error from server (Forbidden): error when creating "STDIN": admission webhook "prod-only.example.com" denied the request: widgets may not be red\n');
  assert.equal((await t.kubectl(['delete', 'validatingwebhookconfiguration', 'prod-only.example.com'])).code, 0);
});
