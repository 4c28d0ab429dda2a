// The node agent as a whole against the real embedded API server: the Node object with its
// heartbeat and Lease, `kubectl logs` through the API server to the node's log server, and an
// agent restart that neither leaves pods Running forever nor reruns finished ones.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { CoordinationV1Api } from '@kubernetes/client-node';
import { httpPodLogProvider } from '../../../src/cluster/node/pods/log-provider.ts';
import { agentRestartMessage } from '../../../src/cluster/node/pods/pod-runtime.ts';
import { type NodeCluster, nodePod, startNodeCluster, waitFor, waitForPod } from './pods-cluster.ts';

let cluster: NodeCluster;
before(async () => {
  cluster = await startNodeCluster();
  cluster.server.registerPodLogProvider(httpPodLogProvider({ portFor: (node) => (node === 'ferry-node' ? cluster.agent.logServerPort : undefined) }));
});
after(async () => {
  await cluster?.stop();
});

const pidAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

test('the node registers Ready with capacity, addresses, its log endpoint, and renews its Lease', async () => {
  const nodes = await cluster.kubectl(['get', 'nodes', '--no-headers']);
  assert.match(nodes.stdout, /^ferry-node\s+Ready\s/m);
  const node = await cluster.core.readNode({ name: 'ferry-node' });
  assert.equal(node.metadata?.labels?.['kubernetes.io/hostname'], 'ferry-node');
  assert.deepEqual(Object.keys(node.status?.capacity ?? {}).sort(), ['cpu', 'ephemeral-storage', 'memory', 'pods']);
  assert.equal(node.status?.capacity?.['ephemeral-storage'], `${10 * 1024 * 1024}Ki`);
  assert.deepEqual(node.status?.addresses?.map((a) => ({ ...a })), [{ type: 'InternalIP', address: '127.0.0.1' }, { type: 'Hostname', address: 'ferry-node' }]);
  assert.equal(node.status?.daemonEndpoints?.kubeletEndpoint?.Port, cluster.agent.logServerPort);
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
  assert.equal(ready?.reason, 'KubeletReady');
  const leases = cluster.kc.makeApiClient(CoordinationV1Api);
  const first = await leases.readNamespacedLease({ name: 'ferry-node', namespace: 'kube-node-lease' });
  assert.equal(first.spec?.holderIdentity, 'ferry-node');
  const renewed = await waitFor('lease renewed', async () => {
    const l = await leases.readNamespacedLease({ name: 'ferry-node', namespace: 'kube-node-lease' });
    return String(l.spec?.renewTime) !== String(first.spec?.renewTime) ? l : undefined;
  });
  assert.ok(new Date(renewed.spec?.renewTime ?? 0) > new Date(first.spec?.renewTime ?? 0));
});

test('kubectl logs reads a container log through the API server; --tail, --previous and -f work', async () => {
  await cluster.apply(nodePod('talker', `for (let i = 1; i <= 5; i++) console.log('line ' + i); setTimeout(() => console.log('late line'), 300);`));
  await waitForPod(cluster, 'talker', 'running or done', (p) => p.status?.containerStatuses?.[0]?.containerID !== undefined);
  const followed = await cluster.kubectl(['logs', '-f', 'talker']);
  assert.equal(followed.code, 0, followed.stderr);
  assert.equal(followed.stdout, 'line 1\nline 2\nline 3\nline 4\nline 5\nlate line\n');
  const tail = await cluster.kubectl(['logs', 'talker', '--tail=2']);
  assert.equal(tail.stdout, 'line 5\nlate line\n');
  const previous = await cluster.kubectl(['logs', 'talker', '--previous']);
  assert.notEqual(previous.code, 0);
  assert.match(previous.stderr, /previous terminated container "main" in pod "talker" not found/);
});

test('after an agent restart: Always pods run again (restartCount+1), Never pods fail, finished pods stay finished', async () => {
  await cluster.apply(nodePod('finished', 'console.log("done")'));
  await waitForPod(cluster, 'finished', 'Succeeded', (p) => p.status?.phase === 'Succeeded');
  const forever = 'setInterval(() => {}, 1000)';
  await cluster.apply(nodePod('always', forever, { restartPolicy: 'Always' }));
  await cluster.apply(nodePod('never', forever, { restartPolicy: 'Never' }));
  const before = await waitForPod(cluster, 'always', 'running', (p) => p.status?.containerStatuses?.[0]?.state?.running !== undefined);
  await waitForPod(cluster, 'never', 'running', (p) => p.status?.containerStatuses?.[0]?.state?.running !== undefined);
  const oldPid = Number(before.status?.containerStatuses?.[0]?.containerID?.replace('ferry://', ''));

  await cluster.restartAgent();

  assert.equal(pidAlive(oldPid), false);
  const always = await waitForPod(cluster, 'always', 'restarted', (p) => p.status?.containerStatuses?.[0]?.restartCount === 1 && p.status.containerStatuses[0].state?.running !== undefined);
  assert.equal(always.status?.containerStatuses?.[0]?.lastState?.terminated?.message, agentRestartMessage);
  assert.equal(always.status?.phase, 'Running');
  const never = await waitForPod(cluster, 'never', 'Failed', (p) => p.status?.phase === 'Failed');
  assert.equal(never.status?.containerStatuses?.[0]?.state?.terminated?.message, agentRestartMessage);
  const finished = await cluster.core.readNamespacedPod({ name: 'finished', namespace: 'default' });
  assert.equal(finished.status?.phase, 'Succeeded');
  assert.equal(finished.status?.containerStatuses?.[0]?.restartCount, 0);
  await cluster.kubectl(['delete', 'pod', 'always', '--wait=false']);
});
