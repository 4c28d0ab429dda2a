// Table tests of the service decisions: cluster IP allocation, endpoints (ready, not ready,
// named ports, terminal pods), and the proxy's rules and round robin.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { V1EndpointSlice, V1Pod, V1Service } from '@kubernetes/client-node';
import { needsClusterIP, nextClusterIP } from '../../../src/cluster/node/services/cluster-ip-decide.ts';
import { computeServiceEndpoints, sliceName } from '../../../src/cluster/node/services/endpoints-decide.ts';
import { pickTarget, proxyRules } from '../../../src/cluster/node/services/proxy-decide.ts';

test('cluster IPs: who needs one, and the next free one', () => {
  assert.equal(needsClusterIP({}), true);
  assert.equal(needsClusterIP({ type: 'NodePort' }), true);
  assert.equal(needsClusterIP({ clusterIP: 'None' }), false);
  assert.equal(needsClusterIP({ clusterIP: '127.96.0.10' }), false);
  assert.equal(needsClusterIP({ type: 'ExternalName' }), false);
  assert.equal(nextClusterIP(new Set()), '127.96.0.10');
  assert.equal(nextClusterIP(new Set(['127.96.0.10', '127.96.0.11'])), '127.96.0.12');
  assert.equal(nextClusterIP(new Set(['127.96.0.10']), 0xfffe), '127.96.255.254');
});

const pod = (name: string, ip: string | undefined, opts: { ready?: boolean; labels?: Record<string, string>; phase?: string; ports?: { name: string; containerPort: number }[]; deleting?: boolean } = {}): V1Pod => ({
  metadata: { name, namespace: 'ns', uid: `uid-${name}`, labels: opts.labels ?? { app: 'up' }, ...(opts.deleting ? { deletionTimestamp: new Date() } : {}) },
  spec: { nodeName: 'n1', containers: [{ name: 'c', ports: opts.ports ?? [{ name: 'http', containerPort: 8080 }] }] },
  status: { phase: opts.phase ?? 'Running', ...(ip ? { podIP: ip } : {}), conditions: [{ type: 'Ready', status: opts.ready === false ? 'False' : 'True' }] },
});
const service: V1Service = { metadata: { name: 'up', namespace: 'ns', uid: 's1' }, spec: { selector: { app: 'up' }, clusterIP: '127.96.0.10', ports: [{ name: 'web', port: 80, targetPort: 'http' }] } };

test('computeServiceEndpoints: ready and not-ready addresses, named ports, pods left out', () => {
  const pods = [
    pod('b', '127.10.0.3'),
    pod('a', '127.10.0.2'),
    pod('slow', '127.10.0.4', { ready: false }),
    pod('no-ip', undefined),
    pod('done', '127.10.0.5', { phase: 'Succeeded' }),
    pod('other', '127.10.0.6', { labels: { app: 'other' } }),
    pod('going', '127.10.0.7', { deleting: true }),
    pod('alt', '127.10.0.8', { ports: [{ name: 'http', containerPort: 9090 }] }),
  ];
  const got = computeServiceEndpoints(service, pods);
  const ref = (n: string, ip: string) => ({ ip, nodeName: 'n1', targetRef: { kind: 'Pod', namespace: 'ns', name: n, uid: `uid-${n}` } });
  assert.deepEqual(got.subsets, [
    { addresses: [ref('a', '127.10.0.2'), ref('b', '127.10.0.3')], notReadyAddresses: [ref('slow', '127.10.0.4')], ports: [{ name: 'web', port: 8080, protocol: 'TCP' }] },
    { addresses: [ref('alt', '127.10.0.8')], ports: [{ name: 'web', port: 9090, protocol: 'TCP' }] },
  ]);
  assert.equal(got.slices.length, 2);
  assert.deepEqual(got.slices[0]?.endpoints.map((e) => [e.addresses[0], e.conditions.ready]), [['127.10.0.2', true], ['127.10.0.3', true], ['127.10.0.4', false]]);
  assert.equal(got.slices[0]?.name, sliceName('up', JSON.stringify([{ name: 'web', port: 8080, protocol: 'TCP' }])));
  assert.match(got.slices[0]?.name ?? '', /^up-[0-9a-f]{5}$/);
  assert.deepEqual(computeServiceEndpoints({ ...service, spec: { ...service.spec, selector: {} } }, pods), { subsets: [], slices: [] });
});

test('proxyRules and round robin: ready endpoints per Service port', () => {
  const slices: V1EndpointSlice[] = computeServiceEndpoints(service, [pod('a', '127.10.0.2'), pod('b', '127.10.0.3'), pod('slow', '127.10.0.4', { ready: false })]).slices.map((s) => ({
    metadata: { name: s.name, namespace: 'ns', labels: { 'kubernetes.io/service-name': 'up' } },
    addressType: s.addressType,
    endpoints: s.endpoints,
    ports: s.ports,
  }));
  const headless: V1Service = { metadata: { name: 'h', namespace: 'ns' }, spec: { clusterIP: 'None', ports: [{ port: 1 }] } };
  const rules = proxyRules([service, headless], slices);
  assert.deepEqual([...rules.keys()], ['127.96.0.10:80']);
  const rule = rules.get('127.96.0.10:80');
  assert.deepEqual(rule?.targets, ['127.10.0.2:8080', '127.10.0.3:8080']);
  assert.deepEqual([0, 1, 2, 3].map((n) => pickTarget(rule?.targets ?? [], n)), ['127.10.0.2:8080', '127.10.0.3:8080', '127.10.0.2:8080', '127.10.0.3:8080']);
  assert.equal(pickTarget([], 0), undefined);
});
