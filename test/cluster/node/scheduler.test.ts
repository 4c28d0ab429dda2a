// The scheduler against the real embedded API server and the lead's storage controllers:
// pending pods are bound to the node, a missing claim leaves a pod Unschedulable with the
// scheduler's message, and a WaitForFirstConsumer claim gets the selected-node annotation, is
// provisioned, and its volume reaches the worker through FERRY_PATH_MAP.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type NodeCluster, startNodeCluster, waitFor, waitForPod } from './pods-cluster.ts';

let cluster: NodeCluster;
before(async () => {
  cluster = await startNodeCluster();
});
after(async () => {
  await cluster?.stop();
});

function pendingPod(name: string, script: string, claim?: string) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: {
      restartPolicy: 'Never',
      containers: [{ name: 'main', image: 'ferry.dev/ferry:latest', command: ['node', '-e', script], ...(claim ? { volumeMounts: [{ name: 'data', mountPath: '/data' }] } : {}) }],
      ...(claim ? { volumes: [{ name: 'data', persistentVolumeClaim: { claimName: claim } }] } : {}),
    },
  };
}

const claim = (name: string, storageClassName?: string) => ({
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name },
  spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '16Mi' } }, ...(storageClassName ? { storageClassName } : {}) },
});

async function eventsOf(name: string) {
  return (await cluster.core.listNamespacedEvent({ namespace: 'default', fieldSelector: `involvedObject.name=${name}` })).items;
}

test('a pending pod is bound to the node, marked PodScheduled, and runs', async () => {
  await cluster.apply(pendingPod('plain', 'console.log("scheduled")'));
  const pod = await waitForPod(cluster, 'plain', 'Succeeded', (p) => p.status?.phase === 'Succeeded', 20_000);
  assert.equal(pod.spec?.nodeName, 'ferry-node');
  assert.equal(pod.status?.conditions?.find((c) => c.type === 'PodScheduled')?.status, 'True');
  const scheduled = await waitFor('Scheduled event', async () => (await eventsOf('plain')).find((e) => e.reason === 'Scheduled'));
  assert.equal(scheduled.message, 'Successfully assigned default/plain to ferry-node');
});

test('a pod whose claim does not exist stays Pending, Unschedulable, until the claim appears', async () => {
  await cluster.apply(pendingPod('needs-claim', 'console.log("ok")', 'later'));
  const pod = await waitForPod(cluster, 'needs-claim', 'Unschedulable', (p) => p.status?.conditions?.some((c) => c.type === 'PodScheduled' && c.reason === 'Unschedulable') ?? false);
  const cond = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
  assert.equal(cond?.status, 'False');
  assert.equal(cond?.message, '0/1 nodes are available: persistentvolumeclaim "later" not found. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.');
  assert.equal(pod.status?.phase, 'Pending');
  assert.equal(pod.spec?.nodeName, undefined);
  const failed = await waitFor('FailedScheduling event', async () => (await eventsOf('needs-claim')).find((e) => e.reason === 'FailedScheduling'));
  assert.equal(failed.type, 'Warning');
  await cluster.apply(claim('later'));
  const ran = await waitForPod(cluster, 'needs-claim', 'Succeeded', (p) => p.status?.phase === 'Succeeded', 20_000);
  assert.equal(ran.spec?.nodeName, 'ferry-node');
});

test('a WaitForFirstConsumer claim gets selected-node, is provisioned, and the worker writes into its volume', async () => {
  await cluster.apply(claim('wffc', 'ferry-hostpath-wffc'));
  const write = `const fs = require('fs'); fs.writeFileSync(JSON.parse(process.env.FERRY_PATH_MAP)['/data'] + '/disk.img', 'image bytes');`;
  await cluster.apply(pendingPod('consumer', write, 'wffc'));
  const bound = await waitFor('claim bound', async () => {
    const c = await cluster.core.readNamespacedPersistentVolumeClaim({ name: 'wffc', namespace: 'default' });
    return c.status?.phase === 'Bound' ? c : undefined;
  }, 20_000);
  assert.equal(bound.metadata?.annotations?.['volume.kubernetes.io/selected-node'], 'ferry-node');
  await waitForPod(cluster, 'consumer', 'Succeeded', (p) => p.status?.phase === 'Succeeded', 20_000);
  const pv = bound.spec?.volumeName ?? '';
  assert.equal(await readFile(join(cluster.stateDir, 'volumes', pv, 'disk.img'), 'utf8'), 'image bytes');
});
