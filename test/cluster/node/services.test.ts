// Pod addresses, Services, endpoints and the proxy against the real embedded API server: two pods
// listen on the same port at their own addresses; a Service gets a cluster IP, its Endpoints and
// EndpointSlice list the ready pods, and a client reaches them through clusterIP:port.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { get as httpGet } from 'node:http';
import { DiscoveryV1Api } from '@kubernetes/client-node';
import { type NodeCluster, nodePod, startNodeCluster, waitFor, waitForPod } from './pods-cluster.ts';

let cluster: NodeCluster;
before(async () => {
  cluster = await startNodeCluster();
});
after(async () => {
  await cluster?.stop();
});

const server = (name: string) =>
  `require('http').createServer((req, res) => res.end(${JSON.stringify(name)})).listen(8080, process.env.FERRY_POD_IP);`;

const webPod = (name: string, probe: Record<string, unknown>) =>
  nodePod(name, server(name), { restartPolicy: 'Always', labels: { app: 'web' }, container: { ports: [{ name: 'http', containerPort: 8080 }], readinessProbe: { periodSeconds: 1, ...probe } } });

/** One GET on a connection of its own: the proxy balances connections, as kube-proxy does. */
function get(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = httpGet(url, { agent: false, timeout: 5000 }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d)).on('end', () => resolve(body)).on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url} timed out`))).on('error', reject);
  });
}

const isReady = (p: { status?: { conditions?: { type: string; status: string }[] } }) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

test('two pods listen on the same port at their own addresses; a Service reaches them through its cluster IP', async () => {
  await cluster.apply(webPod('web-a', { httpGet: { path: '/', port: 'http' } }));
  await cluster.apply(webPod('web-b', { tcpSocket: { port: 8080 } }));
  await cluster.apply({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ name: 'web', port: 80, targetPort: 'http' }] } });

  const a = await waitForPod(cluster, 'web-a', 'Ready', isReady);
  const b = await waitForPod(cluster, 'web-b', 'Ready', isReady);
  assert.notEqual(a.status?.podIP, b.status?.podIP);
  assert.equal(await get(`http://${a.status?.podIP}:8080/`), 'web-a');
  assert.equal(await get(`http://${b.status?.podIP}:8080/`), 'web-b');

  const svc = await waitFor('cluster IP', async () => (await cluster.core.readNamespacedService({ name: 'web', namespace: 'default' })).spec?.clusterIP || undefined);
  assert.match(svc, /^127\.96\.\d+\.\d+$/);

  const endpoints = await waitFor('endpoints with both pods', async () => {
    const ep = await cluster.core.readNamespacedEndpoints({ name: 'web', namespace: 'default' });
    return ep.subsets?.[0]?.addresses?.length === 2 ? ep : undefined;
  });
  assert.deepEqual(endpoints.subsets?.[0]?.addresses?.map((x) => x.ip).sort(), [a.status?.podIP, b.status?.podIP].sort());
  assert.deepEqual(endpoints.subsets?.[0]?.ports?.map((p) => ({ ...p })), [{ name: 'web', port: 8080, protocol: 'TCP' }]);
  const discovery = cluster.kc.makeApiClient(DiscoveryV1Api);
  // The slice is written after the Endpoints object: wait for it to list both ready pods too.
  const list = await waitFor('an EndpointSlice with both pods ready', async () => {
    const slices = await discovery.listNamespacedEndpointSlice({ namespace: 'default', labelSelector: 'kubernetes.io/service-name=web' });
    return slices.items[0]?.endpoints.filter((e) => e.conditions?.ready).length === 2 ? slices : undefined;
  });
  assert.equal(list.items.length, 1);
  assert.equal(list.items[0]?.endpoints.filter((e) => e.conditions?.ready).length, 2);
  assert.equal(list.items[0]?.metadata?.ownerReferences?.[0]?.kind, 'Service');

  // Round robin over the ready endpoints: both answer through the one address.
  const seen = await waitFor('both pods behind the cluster IP', async () => {
    const names = new Set<string>();
    for (let i = 0; i < 6; i++) names.add(await get(`http://${svc}:80/`));
    return names.size === 2 ? names : undefined;
  });
  assert.deepEqual([...seen].sort(), ['web-a', 'web-b']);
});

test('a pod whose readiness probe fails is listed under notReadyAddresses and gets no traffic', async () => {
  await cluster.apply(webPod('web-unready', { exec: { command: ['node', '-e', 'process.exit(1)'] } }));
  const pod = await waitForPod(cluster, 'web-unready', 'running', (p) => p.status?.containerStatuses?.[0]?.state?.running !== undefined);
  assert.equal(pod.status?.containerStatuses?.[0]?.ready, false);
  const ep = await waitFor('unready address', async () => {
    const e = await cluster.core.readNamespacedEndpoints({ name: 'web', namespace: 'default' });
    return e.subsets?.some((s) => s.notReadyAddresses?.some((x) => x.ip === pod.status?.podIP)) ? e : undefined;
  });
  assert.ok(!ep.subsets?.some((s) => s.addresses?.some((x) => x.ip === pod.status?.podIP)));
  const ready = pod.status?.conditions?.find((c) => c.type === 'Ready');
  assert.equal(ready?.reason, 'ContainersNotReady');
  assert.equal(ready?.message, 'containers with unready status: [main]');
  const svc = (await cluster.core.readNamespacedService({ name: 'web', namespace: 'default' })).spec?.clusterIP;
  for (let i = 0; i < 4; i++) assert.notEqual(await get(`http://${svc}:80/`), 'web-unready');
});
