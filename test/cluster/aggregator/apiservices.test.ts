// Table tests of the aggregator's pure parts: discovery order, routing, the Available condition,
// and the identity headers sent to the backend.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  aggregatedGroups,
  compareVersions,
  decideAvailableCondition,
  proxyRequestHeaders,
  readApiService,
  remoteApiService,
  type ApiServiceEntry,
} from '../../../src/cluster/apiserver/aggregator/index.ts';
import { CallError } from '../../../src/cluster/apiserver/admission/index.ts';

function apiService(version: string, group: string, spec: Record<string, unknown> = {}): ApiServiceEntry {
  return readApiService({
    metadata: { name: `${version}.${group}` },
    spec: { group, version, service: { namespace: 'ns', name: 'svc', port: 443 }, groupPriorityMinimum: 1000, versionPriority: 15, ...spec },
  });
}

test('apiservices: versions by priority then kube order; groups by priority then name; local groups left out', () => {
  const entries = [
    apiService('v1beta1', 'upload.cdi.kubevirt.io', { versionPriority: 10 }),
    apiService('v1', 'upload.cdi.kubevirt.io', { versionPriority: 10 }),
    apiService('v1alpha1', 'metrics.k8s.io', { groupPriorityMinimum: 2000, versionPriority: 100 }),
    apiService('v1', 'apps', { service: null }),
    apiService('v1', 'example.com'),
  ];
  assert.deepEqual(aggregatedGroups(entries, new Set(['example.com'])), [
    { name: 'metrics.k8s.io', versions: ['v1alpha1'] },
    { name: 'upload.cdi.kubevirt.io', versions: ['v1', 'v1beta1'] },
  ]);
  assert.equal(remoteApiService(entries, 'apps', 'v1'), undefined, 'Local APIServices are not proxied');
  assert.equal(remoteApiService(entries, 'upload.cdi.kubevirt.io', 'v1beta1')?.name, 'v1beta1.upload.cdi.kubevirt.io');
});

test('apiservices: kube version order', () => {
  const sorted = ['v1alpha1', 'v2', 'v1beta2', 'v1', 'v1beta1', 'foo'].sort((a, b) => compareVersions(b, a));
  assert.deepEqual(sorted, ['v2', 'v1', 'v1beta2', 'v1beta1', 'v1alpha1', 'foo']);
});

const entry = apiService('v1beta1', 'upload.cdi.kubevirt.io');
const url = 'https://10.0.0.7:443/apis/upload.cdi.kubevirt.io/v1beta1';
const availableCases = [
  { name: 'local', entry: apiService('v1', 'apps', { service: null }), outcome: { kind: 'local' as const }, expect: ['True', 'Local', 'Local APIServices are always available'] },
  { name: 'passed', entry, outcome: { kind: 'discovery' as const, url, statusCode: 200 }, expect: ['True', 'Passed', 'all checks passed'] },
  {
    name: 'service missing',
    entry,
    outcome: { kind: 'serviceError' as const, error: new CallError('ESERVICE', 'service "svc" not found') },
    expect: ['False', 'ServiceNotFound', 'service/svc in "ns" is not present'],
  },
  {
    name: 'refused',
    entry,
    outcome: { kind: 'discovery' as const, url, error: 'dial tcp 10.0.0.7:443: connect: connection refused' },
    expect: ['False', 'FailedDiscoveryCheck', `failing or missing response from ${url}: dial tcp 10.0.0.7:443: connect: connection refused`],
  },
  {
    name: 'bad status',
    entry,
    outcome: { kind: 'discovery' as const, url, statusCode: 503 },
    expect: ['False', 'FailedDiscoveryCheck', `failing or missing response from ${url}: bad status from ${url}: 503`],
  },
];

for (const c of availableCases) {
  test(`apiservices: Available condition: ${c.name}`, () => {
    const condition = decideAvailableCondition(c.entry, c.outcome, undefined, '2026-01-01T00:00:00Z');
    assert.deepEqual([condition.status, condition.reason, condition.message], c.expect);
  });
}

test('apiservices: lastTransitionTime moves only when the status does', () => {
  const first = decideAvailableCondition(entry, { kind: 'discovery', url, statusCode: 503 }, undefined, 't1');
  const same = decideAvailableCondition(entry, { kind: 'discovery', url, error: 'EOF' }, first, 't2');
  assert.equal(same.lastTransitionTime, 't1');
  const flipped = decideAvailableCondition(entry, { kind: 'discovery', url, statusCode: 200 }, same, 't3');
  assert.equal(flipped.lastTransitionTime, 't3');
});

test('apiservices: identity headers replace the client credentials', () => {
  const headers = proxyRequestHeaders(
    { authorization: 'Bearer secret', accept: 'application/json', 'x-remote-user': 'forged', connection: 'keep-alive' },
    { username: 'jane', groups: ['devs', 'system:authenticated'], extra: { 'scopes.example.com/team': ['a', 'b'] } },
    'svc.ns.svc:443',
  );
  assert.deepEqual(headers, {
    accept: 'application/json',
    host: 'svc.ns.svc:443',
    'x-remote-user': 'jane',
    'x-remote-group': ['devs', 'system:authenticated'],
    'x-remote-extra-scopes.example.com%2fteam': ['a', 'b'],
  });
});
