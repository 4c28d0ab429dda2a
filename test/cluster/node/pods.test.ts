// The pod runner against the real embedded API server: pods bound to the node (spec.nodeName set,
// as a DaemonSet's are) run as processes and their status reads as the kubelet's would.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type NodeCluster, nodePod, readPod, startNodeCluster, waitFor, waitForPod } from './pods-cluster.ts';

let cluster: NodeCluster;
before(async () => {
  cluster = await startNodeCluster();
});
after(async () => {
  await cluster?.stop();
});

const writeTermination = (text: string) => `require('fs').writeFileSync(JSON.parse(process.env.FERRY_PATH_MAP)['/dev/termination-log'], ${JSON.stringify(text)});`;

test('a pod that succeeds: Completed with its termination message, phase Succeeded, kubectl sees it', async () => {
  await cluster.apply(nodePod('succeeds', `${writeTermination('{"outcome":"ok"}')} console.log('hello from', process.env.FERRY_POD_IP)`));
  const pod = await waitForPod(cluster, 'succeeds', 'Succeeded', (p) => p.status?.phase === 'Succeeded');
  const cs = pod.status?.containerStatuses?.[0];
  assert.equal(cs?.state?.terminated?.reason, 'Completed');
  assert.equal(cs?.state?.terminated?.exitCode, 0);
  assert.equal(cs?.state?.terminated?.message, '{"outcome":"ok"}');
  assert.match(cs?.containerID ?? '', /^ferry:\/\/\d+$/);
  assert.match(pod.status?.podIP ?? '', /^127\.10\.\d+\.\d+$/);
  assert.equal(pod.status?.hostIP, '127.0.0.1');
  const ready = pod.status?.conditions?.find((c) => c.type === 'Ready');
  assert.equal(ready?.status, 'False');
  assert.equal(ready?.reason, 'PodCompleted');
  const table = await cluster.kubectl(['get', 'pod', 'succeeds', '--no-headers']);
  assert.match(table.stdout, /succeeds\s+0\/1\s+Completed\s+0/);
  // The log is served by the node's log endpoint (what the API server proxies pods/log to).
  const log = await fetch(`http://127.0.0.1:${cluster.agent.logServerPort}/containerLogs/default/succeeds/main`);
  assert.equal(log.status, 200);
  assert.equal(await log.text(), `hello from ${pod.status?.podIP}\n`);
});

test('a pod that fails: Error with the exit code, phase Failed under restartPolicy Never', async () => {
  await cluster.apply(nodePod('fails', `console.error('cannot import'); process.exit(3)`, { container: { terminationMessagePolicy: 'FallbackToLogsOnError' } }));
  const pod = await waitForPod(cluster, 'fails', 'Failed', (p) => p.status?.phase === 'Failed');
  const t = pod.status?.containerStatuses?.[0]?.state?.terminated;
  assert.equal(t?.reason, 'Error');
  assert.equal(t?.exitCode, 3);
  assert.match(t?.message ?? '', /cannot import/);
  assert.equal(pod.status?.containerStatuses?.[0]?.restartCount, 0);
});

test('a pod past its memory limit is OOMKilled (exit 137)', async () => {
  const hog = `const keep = []; setInterval(() => { keep.push(Buffer.alloc(16 * 1024 * 1024, 1)); }, 20);`;
  await cluster.apply(nodePod('oom', hog, { container: { resources: { limits: { memory: '96Mi' } } } }));
  const pod = await waitForPod(cluster, 'oom', 'Failed', (p) => p.status?.phase === 'Failed');
  const t = pod.status?.containerStatuses?.[0]?.state?.terminated;
  assert.equal(t?.reason, 'OOMKilled');
  assert.equal(t?.exitCode, 137);
});

test('a crashing container restarts with back-off: restartCount grows, CrashLoopBackOff while waiting', async () => {
  await cluster.apply(nodePod('crashes', `console.log('try'); process.exit(2)`, { restartPolicy: 'Always' }));
  const waiting = await waitForPod(cluster, 'crashes', 'CrashLoopBackOff', (p) => p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CrashLoopBackOff');
  const cs = waiting.status?.containerStatuses?.[0];
  assert.match(cs?.state?.waiting?.message ?? '', /^back-off \d+(\.\d+)?m?s restarting failed container=main pod=crashes_default\(/);
  assert.equal(cs?.lastState?.terminated?.exitCode, 2);
  assert.equal(waiting.status?.phase, 'Running');
  const later = await waitForPod(cluster, 'crashes', 'restartCount >= 3', (p) => (p.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 3);
  assert.ok((later.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 3);
  // Each instance has its own log; `previous` reads the one before.
  const previous = await fetch(`http://127.0.0.1:${cluster.agent.logServerPort}/containerLogs/default/crashes/main?previous=true`);
  assert.equal(await previous.text(), 'try\n');
  const events = await cluster.core.listNamespacedEvent({ namespace: 'default', fieldSelector: 'involvedObject.name=crashes' });
  assert.ok(events.items.some((e) => e.reason === 'BackOff' && /Back-off restarting failed container main/.test(e.message ?? '')));
  await cluster.kubectl(['delete', 'pod', 'crashes', '--wait=false']);
});

test('OnFailure: a failing container is restarted until it succeeds, then the pod Succeeded', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ferry-onfailure-'));
  const counter = join(dir, 'count');
  const script = `const fs = require('fs'); const n = fs.existsSync(${JSON.stringify(counter)}) ? Number(fs.readFileSync(${JSON.stringify(counter)}, 'utf8')) : 0; fs.writeFileSync(${JSON.stringify(counter)}, String(n + 1)); process.exit(n < 1 ? 1 : 0);`;
  try {
    await cluster.apply(nodePod('onfailure', script, { restartPolicy: 'OnFailure' }));
    const pod = await waitForPod(cluster, 'onfailure', 'Succeeded', (p) => p.status?.phase === 'Succeeded');
    const cs = pod.status?.containerStatuses?.[0];
    assert.equal(cs?.restartCount, 1);
    assert.equal(cs?.lastState?.terminated?.exitCode, 1);
    assert.equal(cs?.state?.terminated?.reason, 'Completed');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a pod deleted mid-run gets SIGTERM, then is gone', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ferry-sigterm-'));
  const marker = join(dir, 'signal');
  const script = `process.on('SIGTERM', () => { require('fs').writeFileSync(${JSON.stringify(marker)}, 'SIGTERM'); process.exit(0); }); console.log('up'); setInterval(() => {}, 1000);`;
  try {
    await cluster.apply(nodePod('deleted', script));
    await waitForPod(cluster, 'deleted', 'running', (p) => p.status?.containerStatuses?.[0]?.state?.running !== undefined);
    const r = await cluster.kubectl(['delete', 'pod', 'deleted', '--wait=true', '--timeout=60s']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(await waitFor('SIGTERM marker', async () => readFile(marker, 'utf8').catch(() => undefined)), 'SIGTERM');
    await waitFor('pod gone', async () => ((await readPod(cluster, 'deleted')) ? undefined : true));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('an image other than the worker image waits: ErrImagePull, then ImagePullBackOff, with a clear message', async () => {
  await cluster.apply({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'nginx' }, spec: { nodeName: 'ferry-node', containers: [{ name: 'web', image: 'nginx:1.27' }] } });
  const first = await waitForPod(cluster, 'nginx', 'image waiting', (p) => ['ErrImagePull', 'ImagePullBackOff'].includes(p.status?.containerStatuses?.[0]?.state?.waiting?.reason ?? ''));
  assert.match(first.status?.containerStatuses?.[0]?.state?.waiting?.message ?? '', /the embedded node runs only Ferry's worker image \(ferry\.dev\/ferry:latest\); image "nginx:1\.27" cannot be pulled here/);
  const backOff = await waitForPod(cluster, 'nginx', 'ImagePullBackOff', (p) => p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'ImagePullBackOff');
  assert.equal(backOff.status?.phase, 'Pending');
  const logs = await fetch(`http://127.0.0.1:${cluster.agent.logServerPort}/containerLogs/default/nginx/web`);
  assert.equal(logs.status, 400);
  assert.match(await logs.text(), /container "web" in pod "nginx" is waiting to start: ImagePullBackOff/);
  await cluster.kubectl(['delete', 'pod', 'nginx', '--wait=false']);
});

test('env from Secret, ConfigMap, fieldRef and envFrom reaches the process; Secret and ConfigMap volumes are files', async () => {
  await cluster.apply({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds' }, stringData: { accessKeyId: 'AKIA-test', token: 't0ken' } });
  await cluster.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { endpoint: 'http://example.test', 'ca.crt': 'PEM' } });
  const script = `
    const map = JSON.parse(process.env.FERRY_PATH_MAP);
    const fs = require('fs');
    const out = { ...Object.fromEntries(['ACCESS', 'ENDPOINT', 'POD_NAME', 'POD_NS', 'POD_UID', 'NODE', 'POD_IP', 'SETTINGS_endpoint', 'GREETING', 'FERRY_POD_IP'].map((k) => [k, process.env[k]])),
      certFile: fs.readFileSync(map['/certs'] + '/ca.crt', 'utf8'), tokenFile: fs.readFileSync(map['/secret'] + '/token', 'utf8'), scratchIsDir: fs.statSync(map['/scratch']).isDirectory() };
    fs.writeFileSync(map['/dev/termination-log'], JSON.stringify(out));`;
  await cluster.apply(
    nodePod('env', script, {
      container: {
        env: [
          { name: 'ACCESS', valueFrom: { secretKeyRef: { name: 'creds', key: 'accessKeyId' } } },
          { name: 'ENDPOINT', valueFrom: { configMapKeyRef: { name: 'settings', key: 'endpoint' } } },
          { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
          { name: 'POD_NS', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
          { name: 'POD_UID', valueFrom: { fieldRef: { fieldPath: 'metadata.uid' } } },
          { name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
          { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
          { name: 'GREETING', value: 'hello $(POD_NAME)' },
        ],
        envFrom: [{ configMapRef: { name: 'settings' }, prefix: 'SETTINGS_' }],
        volumeMounts: [
          { name: 'certs', mountPath: '/certs' },
          { name: 'secret', mountPath: '/secret' },
          { name: 'scratch', mountPath: '/scratch' },
        ],
      },
      spec: {
        volumes: [
          { name: 'certs', configMap: { name: 'settings' } },
          { name: 'secret', secret: { secretName: 'creds' } },
          { name: 'scratch', emptyDir: {} },
        ],
      },
    }),
  );
  const pod = await waitForPod(cluster, 'env', 'Succeeded', (p) => p.status?.phase === 'Succeeded');
  const seen = JSON.parse(pod.status?.containerStatuses?.[0]?.state?.terminated?.message ?? '{}') as Record<string, unknown>;
  assert.deepEqual(seen, {
    ACCESS: 'AKIA-test',
    ENDPOINT: 'http://example.test',
    POD_NAME: 'env',
    POD_NS: 'default',
    POD_UID: pod.metadata?.uid,
    NODE: 'ferry-node',
    POD_IP: pod.status?.podIP,
    SETTINGS_endpoint: 'http://example.test',
    GREETING: 'hello env',
    FERRY_POD_IP: pod.status?.podIP,
    certFile: 'PEM',
    tokenFile: 't0ken',
    scratchIsDir: true,
  });
});

test('a missing Secret is CreateContainerConfigError until it exists; init containers run first, in order', async () => {
  const initScript = (n: string) => `require('fs').appendFileSync(JSON.parse(process.env.FERRY_PATH_MAP)['/work'] + '/order', '${n}')`;
  const main = `const m = JSON.parse(process.env.FERRY_PATH_MAP); require('fs').writeFileSync(m['/dev/termination-log'], require('fs').readFileSync(m['/work'] + '/order', 'utf8') + ':' + process.env.LATE)`;
  const container = (name: string, script: string) => ({ name, image: 'ferry.dev/ferry:latest', command: ['node', '-e', script], volumeMounts: [{ name: 'work', mountPath: '/work' }] });
  await cluster.apply({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'ordered' },
    spec: {
      nodeName: 'ferry-node',
      restartPolicy: 'Never',
      volumes: [{ name: 'work', emptyDir: {} }],
      initContainers: [container('first', initScript('1')), container('second', initScript('2'))],
      containers: [{ ...container('main', main), env: [{ name: 'LATE', valueFrom: { secretKeyRef: { name: 'late', key: 'v' } } }] }],
    },
  });
  const blocked = await waitForPod(cluster, 'ordered', 'CreateContainerConfigError', (p) => p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CreateContainerConfigError');
  assert.equal(blocked.status?.containerStatuses?.[0]?.state?.waiting?.message, 'secret "late" not found');
  assert.equal(blocked.status?.conditions?.find((c) => c.type === 'Initialized')?.status, 'True');
  assert.deepEqual(blocked.status?.initContainerStatuses?.map((s) => [s.name, s.state?.terminated?.reason]), [['first', 'Completed'], ['second', 'Completed']]);
  await cluster.apply({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'late' }, stringData: { v: 'arrived' } });
  const pod = await waitForPod(cluster, 'ordered', 'Succeeded', (p) => p.status?.phase === 'Succeeded');
  assert.equal(pod.status?.containerStatuses?.[0]?.state?.terminated?.message, '12:arrived');
});
