// The webhook plugins against real HTTPS webhooks (no API server): call order, patches,
// denials, failures and failurePolicy, with kube-apiserver's exact messages.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  MutatingWebhookAdmission,
  ValidatingWebhookAdmission,
  type Webhook,
  type WebhookAttributes,
  type WebhookWorld,
} from '../../../src/cluster/apiserver/admission/index.ts';
import type { ServedResource } from '../../../src/cluster/apiserver/server/registry.ts';
import type { KubeObject } from '../../../src/cluster/apiserver/types.ts';
import { otherCaBundle, startWebhookServer, type WebhookServer } from './webhook-server.ts';

let hooks: WebhookServer;
let svcHooks: WebhookServer;
before(async () => {
  hooks = await startWebhookServer();
  svcHooks = await startWebhookServer(['hooks.infra.svc']);
});
after(async () => {
  await hooks.close();
  await svcHooks.close();
});

const served = { group: 'example.com', version: 'v1', resource: 'widgets', kind: 'Widget', namespaced: true } as ServedResource;

function world(mutating: Webhook[], validating: Webhook[], services: Record<string, KubeObject> = {}): WebhookWorld {
  return {
    webhooks: (kind) => (kind === 'mutating' ? mutating : validating).map((webhook) => ({ configuration: 'c', webhook })),
    namespaceLabels: (name) => (name === 'team-a' ? { env: 'prod' } : undefined),
    service: (ns, name) => services[`${ns}/${name}`],
    equivalents: () => [],
  };
}

function webhook(name: string, path: string, extra: Partial<Webhook> = {}): Webhook {
  return {
    name,
    clientConfig: { url: `${hooks.url}${path}`, caBundle: hooks.caBundle },
    rules: [{ operations: ['CREATE', 'UPDATE'], apiGroups: ['example.com'], apiVersions: ['v1'], resources: ['widgets'], scope: '*' }],
    failurePolicy: 'Fail',
    sideEffects: 'None',
    timeoutSeconds: 10,
    admissionReviewVersions: ['v1'],
    ...extra,
  };
}

function attrs(overrides: Partial<WebhookAttributes> = {}): WebhookAttributes {
  return {
    operation: 'CREATE',
    info: { isResourceRequest: true, verb: 'create', group: 'example.com', version: 'v1', resource: 'widgets', subresource: '', namespace: 'team-a', name: '', path: '', legacyWatchPath: false },
    served,
    user: { username: 'jane', groups: ['devs', 'system:authenticated'] },
    object: { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w1', namespace: 'team-a' }, spec: { size: 1 } },
    oldObject: undefined,
    dryRun: false,
    warnings: [],
    ...overrides,
  };
}

async function rejection(p: Promise<unknown>): Promise<{ code: number; reason?: string; message?: string; details?: unknown }> {
  try {
    await p;
  } catch (err) {
    return (err as { status: { code: number; reason?: string; message?: string; details?: unknown } }).status;
  }
  throw new Error('expected a rejection');
}

test('dispatcher: a mutating patch is applied and the review carries the request', async () => {
  const a = attrs();
  await new MutatingWebhookAdmission(world([webhook('label.example.com', '/label')], [])).admit(a);
  assert.deepEqual(a.object?.metadata.labels, { 'webhook.example.com/seen': 'yes' });
  assert.equal(a.object?.apiVersion, 'example.com/v1');
  const seen = hooks.received.at(-1)!.request;
  assert.equal(seen.operation, 'CREATE');
  assert.equal(seen.name, 'w1');
  assert.equal(seen.namespace, 'team-a');
  assert.deepEqual(seen.kind, { group: 'example.com', version: 'v1', kind: 'Widget' });
  assert.deepEqual(seen.resource, { group: 'example.com', version: 'v1', resource: 'widgets' });
  assert.deepEqual(seen.userInfo, { username: 'jane', groups: ['devs', 'system:authenticated'] });
  assert.deepEqual(seen.options, { kind: 'CreateOptions', apiVersion: 'meta.k8s.io/v1' });
  assert.equal(seen.dryRun, false);
});

test('dispatcher: denials carry the webhook status with the real prefix', async () => {
  const status = await rejection(new ValidatingWebhookAdmission(world([], [webhook('allow.example.com', '/allow'), webhook('deny.example.com', '/deny')])).validate(attrs()));
  assert.deepEqual(status, {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: 'admission webhook "deny.example.com" denied the request: widgets may not be red',
    reason: 'Forbidden',
    code: 403,
  });
  const bare = await rejection(new ValidatingWebhookAdmission(world([], [webhook('bare.example.com', '/deny-bare')])).validate(attrs()));
  assert.equal(bare.code, 400);
  assert.equal(bare.message, 'admission webhook "bare.example.com" denied the request without explanation');
});

test('dispatcher: warnings are collected', async () => {
  const a = attrs();
  await new ValidatingWebhookAdmission(world([], [webhook('warn.example.com', '/warn')])).validate(a);
  assert.deepEqual(a.warnings, ['widgets are deprecated']);
});

test('dispatcher: call failures under Fail and Ignore', async () => {
  const timeout = await rejection(new ValidatingWebhookAdmission(world([], [webhook('slow.example.com', '/hang', { timeoutSeconds: 1 })])).validate(attrs()));
  assert.equal(timeout.code, 500);
  assert.equal(timeout.reason, 'InternalError');
  assert.equal(
    timeout.message,
    `Internal error occurred: failed calling webhook "slow.example.com": failed to call webhook: Post "${hooks.url}/hang?timeout=1s": context deadline exceeded`,
  );
  await new ValidatingWebhookAdmission(world([], [webhook('slow.example.com', '/hang', { timeoutSeconds: 1, failurePolicy: 'Ignore' })])).validate(attrs());

  const wrongCa = webhook('ca.example.com', '/allow', { clientConfig: { url: `${hooks.url}/allow`, caBundle: await otherCaBundle() } });
  const ca = await rejection(new MutatingWebhookAdmission(world([wrongCa], [])).admit(attrs()));
  assert.equal(
    ca.message,
    `Internal error occurred: failed calling webhook "ca.example.com": failed to call webhook: Post "${hooks.url}/allow?timeout=10s": tls: failed to verify certificate: x509: certificate signed by unknown authority`,
  );
  await new MutatingWebhookAdmission(world([{ ...wrongCa, failurePolicy: 'Ignore' }], [])).admit(attrs());

  const badUid = await rejection(new ValidatingWebhookAdmission(world([], [webhook('uid.example.com', '/bad-uid')])).validate(attrs()));
  assert.match(badUid.message ?? '', /^Internal error occurred: failed calling webhook "uid\.example\.com": received invalid webhook response: expected response\.uid="[0-9a-f-]{36}", got "not-the-uid"$/);

  const deniedEvenIfIgnore = await rejection(new ValidatingWebhookAdmission(world([], [webhook('deny.example.com', '/deny', { failurePolicy: 'Ignore' })])).validate(attrs()));
  assert.equal(deniedEvenIfIgnore.code, 403);
});

test('dispatcher: service references go to the cluster IP with the service name as TLS name', async () => {
  const service: KubeObject = { metadata: { name: 'hooks', namespace: 'infra' }, spec: { clusterIP: '127.0.0.1', ports: [{ port: svcHooks.port }] } };
  const bySvc = webhook('svc.example.com', '', { clientConfig: { service: { namespace: 'infra', name: 'hooks', path: '/label', port: svcHooks.port }, caBundle: svcHooks.caBundle } });
  const a = attrs();
  await new MutatingWebhookAdmission(world([bySvc], [], { 'infra/hooks': service })).admit(a);
  assert.deepEqual(a.object?.metadata.labels, { 'webhook.example.com/seen': 'yes' });
  const missing = await rejection(new MutatingWebhookAdmission(world([bySvc], [])).admit(attrs()));
  assert.equal(
    missing.message,
    `Internal error occurred: failed calling webhook "svc.example.com": failed to call webhook: Post "https://hooks.infra.svc:${svcHooks.port}/label?timeout=10s": service "hooks" not found`,
  );
});

test('dispatcher: selectors, subresources and namespaces that do not exist', async () => {
  const before = hooks.received.length;
  const picky = webhook('picky.example.com', '/deny', { namespaceSelector: { matchLabels: { env: 'dev' } } });
  await new ValidatingWebhookAdmission(world([], [picky])).validate(attrs());
  const byObject = webhook('obj.example.com', '/deny', { objectSelector: { matchLabels: { color: 'red' } } });
  await new ValidatingWebhookAdmission(world([], [byObject])).validate(attrs());
  await new ValidatingWebhookAdmission(world([], [webhook('status.example.com', '/deny')])).validate(attrs({ info: { ...attrs().info, subresource: 'status' } }));
  assert.equal(hooks.received.length, before, 'no webhook was called');
  const red = attrs({ object: { metadata: { name: 'w2', labels: { color: 'red' } } } });
  assert.equal((await rejection(new ValidatingWebhookAdmission(world([], [byObject])).validate(red))).code, 403);
  const nowhere = await rejection(new ValidatingWebhookAdmission(world([], [picky])).validate(attrs({ info: { ...attrs().info, namespace: 'gone' } })));
  assert.deepEqual([nowhere.code, nowhere.message], [404, 'namespaces "gone" not found']);
});

test('dispatcher: reinvocationPolicy IfNeeded calls a webhook again when a later one changed the object', async () => {
  const first = webhook('first.example.com', '/warn', { reinvocationPolicy: 'IfNeeded' });
  const labeller = webhook('label.example.com', '/label');
  const before = hooks.received.filter((r) => r.path === '/warn').length;
  const a = attrs();
  await new MutatingWebhookAdmission(world([first, labeller], [])).admit(a);
  const warnCalls = hooks.received.filter((r) => r.path === '/warn');
  assert.equal(warnCalls.length - before, 2);
  assert.deepEqual(warnCalls.at(-1)!.request.object?.metadata?.labels, { 'webhook.example.com/seen': 'yes' }, 'the second call sees the label');
  const onlyOnce = hooks.received.filter((r) => r.path === '/warn').length;
  await new MutatingWebhookAdmission(world([{ ...first, reinvocationPolicy: 'Never' }, labeller], [])).admit(attrs());
  assert.equal(hooks.received.filter((r) => r.path === '/warn').length - onlyOnce, 1);
});
