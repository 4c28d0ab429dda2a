// Table tests of webhook matching (rules, scope, subresource forms, selectors, matchPolicy).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { matchWebhook, type MatchRequest, type Webhook } from '../../../src/cluster/apiserver/admission/index.ts';

const podsV1 = { group: '', version: 'v1', resource: 'pods' };

function request(overrides: Partial<MatchRequest> = {}): MatchRequest {
  return {
    operation: 'CREATE',
    resource: podsV1,
    kind: { group: '', version: 'v1', kind: 'Pod' },
    subresource: '',
    namespace: 'team-a',
    object: { metadata: { name: 'p', labels: { app: 'web' } } },
    oldObject: undefined,
    namespaceLabels: { env: 'prod' },
    equivalents: [],
    ...overrides,
  };
}

function hook(rule: Partial<NonNullable<Webhook['rules']>[number]>, extra: Partial<Webhook> = {}): Webhook {
  return {
    name: 'x.example.com',
    clientConfig: { url: 'https://127.0.0.1/' },
    rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'], scope: '*', ...rule }],
    ...extra,
  };
}

const cases: { name: string; webhook: Webhook; request: MatchRequest; expect: 'call' | 'skip' | 'namespaceNotFound' }[] = [
  { name: 'exact rule', webhook: hook({}), request: request(), expect: 'call' },
  { name: 'other operation', webhook: hook({}), request: request({ operation: 'UPDATE' }), expect: 'skip' },
  { name: 'operation *', webhook: hook({ operations: ['*'] }), request: request({ operation: 'DELETE' }), expect: 'call' },
  { name: 'other group', webhook: hook({ apiGroups: ['apps'] }), request: request(), expect: 'skip' },
  { name: 'resource * skips subresources', webhook: hook({ resources: ['*'] }), request: request({ subresource: 'status' }), expect: 'skip' },
  { name: 'pods skips pods/status', webhook: hook({}), request: request({ subresource: 'status' }), expect: 'skip' },
  { name: 'pods/status', webhook: hook({ resources: ['pods/status'] }), request: request({ subresource: 'status' }), expect: 'call' },
  { name: 'pods/*', webhook: hook({ resources: ['pods/*'] }), request: request({ subresource: 'status' }), expect: 'call' },
  { name: '*/status', webhook: hook({ resources: ['*/status'] }), request: request({ subresource: 'status' }), expect: 'call' },
  { name: '*/* on main resource', webhook: hook({ resources: ['*/*'] }), request: request(), expect: 'call' },
  { name: 'scope Cluster vs namespaced', webhook: hook({ scope: 'Cluster' }), request: request(), expect: 'skip' },
  { name: 'scope Namespaced', webhook: hook({ scope: 'Namespaced' }), request: request(), expect: 'call' },
  {
    name: 'scope Cluster matches namespaces',
    webhook: hook({ resources: ['namespaces'], scope: 'Cluster' }),
    request: request({ resource: { group: '', version: 'v1', resource: 'namespaces' }, namespace: '' }),
    expect: 'call',
  },
  { name: 'namespaceSelector matches', webhook: hook({}, { namespaceSelector: { matchLabels: { env: 'prod' } } }), request: request(), expect: 'call' },
  { name: 'namespaceSelector misses', webhook: hook({}, { namespaceSelector: { matchLabels: { env: 'dev' } } }), request: request(), expect: 'skip' },
  {
    name: 'namespaceSelector NotIn',
    webhook: hook({}, { namespaceSelector: { matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }] } }),
    request: request(),
    expect: 'skip',
  },
  {
    name: 'namespaceSelector on missing namespace',
    webhook: hook({}, { namespaceSelector: { matchLabels: { env: 'prod' } } }),
    request: request({ namespaceLabels: undefined }),
    expect: 'namespaceNotFound',
  },
  {
    name: 'missing namespace but rules do not match',
    webhook: hook({ apiGroups: ['apps'] }, { namespaceSelector: { matchLabels: { env: 'prod' } } }),
    request: request({ namespaceLabels: undefined }),
    expect: 'skip',
  },
  {
    name: 'namespaceSelector ignored for cluster-scoped',
    webhook: hook({ resources: ['nodes'] }, { namespaceSelector: { matchLabels: { env: 'dev' } } }),
    request: request({ resource: { group: '', version: 'v1', resource: 'nodes' }, namespace: '', namespaceLabels: undefined }),
    expect: 'call',
  },
  {
    name: 'namespaceSelector on a namespace uses its own labels',
    webhook: hook({ resources: ['namespaces'] }, { namespaceSelector: { matchLabels: { team: 'a' } } }),
    request: request({ resource: { group: '', version: 'v1', resource: 'namespaces' }, namespace: '', object: { metadata: { name: 'n', labels: { team: 'a' } } } }),
    expect: 'call',
  },
  { name: 'objectSelector matches new', webhook: hook({}, { objectSelector: { matchLabels: { app: 'web' } } }), request: request(), expect: 'call' },
  { name: 'objectSelector misses', webhook: hook({}, { objectSelector: { matchLabels: { app: 'db' } } }), request: request(), expect: 'skip' },
  {
    name: 'objectSelector matches old object',
    webhook: hook({ operations: ['DELETE'] }, { objectSelector: { matchLabels: { app: 'db' } } }),
    request: request({ operation: 'DELETE', object: undefined, oldObject: { metadata: { name: 'p', labels: { app: 'db' } } } }),
    expect: 'call',
  },
  {
    name: 'apiGroups * and resources *',
    webhook: hook({ apiGroups: ['*'], resources: ['*'] }),
    request: request(),
    expect: 'call',
  },
];

for (const c of cases) {
  test(`match: ${c.name}`, () => {
    assert.equal(matchWebhook(c.webhook, c.request).decision, c.expect);
  });
}

test('match: Equivalent policy calls with the version the rule names; Exact does not', () => {
  const widgets = (v: string) => ({ resource: { group: 'example.com', version: v, resource: 'widgets' }, kind: { group: 'example.com', version: v, kind: 'Widget' } });
  const req = request({ resource: widgets('v1beta1').resource, kind: widgets('v1beta1').kind, equivalents: [widgets('v1'), widgets('v1beta1')] });
  const webhook = hook({ apiGroups: ['example.com'], apiVersions: ['v1'], resources: ['widgets'] });
  const outcome = matchWebhook(webhook, req);
  assert.deepEqual(outcome, { decision: 'call', invocation: { resource: widgets('v1').resource, kind: widgets('v1').kind, subresource: '' } });
  assert.equal(matchWebhook({ ...webhook, matchPolicy: 'Exact' }, req).decision, 'skip');
});
