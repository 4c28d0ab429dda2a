// `ferry controller` as its own process against the embedded cluster, driven with kubectl:
// ready once its caches synced, a blank DataVolume reaches Succeeded, /metrics shows the
// reconciles and leadership, the webhooks are registered; SIGKILL mid-flight and a restart end
// in the same state as an uninterrupted run; SIGTERM releases the Lease.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { request } from 'undici';
import { blankDataVolumeYaml, startTestCluster, waitFor, waitForPhase, type TestCluster } from '../controllers/harness.ts';

const cli = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
let cluster: TestCluster;
const children: ChildProcess[] = [];

before(async () => {
  cluster = await startTestCluster();
});

after(async () => {
  // A failed assertion must not leave a controller running (it would hold the Lease).
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await cluster?.close();
});

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  await new Promise((r) => server.close(r));
  return port;
}

interface Running {
  child: ChildProcess;
  metricsPort: number;
  healthPort: number;
}

async function startProcess(extra: string[] = []): Promise<Running> {
  const [metricsPort, healthPort] = [await freePort(), await freePort()];
  const child = spawn(process.execPath, [cli, 'controller', '--kubeconfig', cluster.server.kubeconfigPath,
    '--webhook-port', '0', '--metrics-port', String(metricsPort), '--health-port', String(healthPort), ...extra],
  { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, FERRY_LOG_LEVEL: 'warn' } });
  children.push(child);
  child.stderr?.resume();
  await waitFor('the controller to be ready', async () => {
    const res = await request(`http://127.0.0.1:${healthPort}/readyz`).catch(() => undefined);
    const ok = res?.statusCode === 200;
    await res?.body.dump();
    return ok;
  });
  return { child, metricsPort, healthPort };
}

async function stopProcess(running: Running, signal: NodeJS.Signals): Promise<number | null> {
  const exited = once(running.child, 'exit');
  running.child.kill(signal);
  const [code] = (await exited) as [number | null];
  return code;
}

test('the controller process serves health and metrics, registers its webhooks, and populates a DataVolume', async () => {
  const running = await startProcess();
  const health = await request(`http://127.0.0.1:${running.healthPort}/healthz`);
  assert.equal(health.statusCode, 200);
  await health.body.dump();
  await cluster.kubectlOk(['apply', '-f', '-'], blankDataVolumeYaml('proc-1', { annotations: { 'cdi.kubevirt.io/storage.deleteAfterCompletion': 'false' } }));
  await waitForPhase(cluster, 'default', 'proc-1', 'Succeeded');
  const out = await cluster.kubectlOk(['get', 'dv', 'proc-1']);
  assert.match(out, /proc-1\s+Succeeded\s+100\.0%\s+0/);
  const metrics = await (await request(`http://127.0.0.1:${running.metricsPort}/metrics`)).body.text();
  assert.match(metrics, /controller_runtime_reconcile_total\{controller="datavolume",result="success"\} \d+/);
  assert.match(metrics, /leader_election_master_status\{name="cdi-controller-leader-election-helper"\} 1/);
  const hook = JSON.parse(await cluster.kubectlOk(['get', 'validatingwebhookconfiguration', 'cdi-api-datavolume-validate', '-o', 'json']));
  assert.match(hook.webhooks[0].clientConfig.url, /^https:\/\/127\.0\.0\.1:\d+\/datavolume-validate$/);

  assert.equal(await stopProcess(running, 'SIGTERM'), 0);
  const lease = JSON.parse(await cluster.kubectlOk(['get', 'lease', '-n', 'ferry-system', 'cdi-controller-leader-election-helper', '-o', 'json']));
  assert.equal(lease.spec.holderIdentity ?? '', '', 'the Lease is released on a clean stop');
  const gone = await cluster.kubectl(['get', 'validatingwebhookconfiguration', 'cdi-api-datavolume-validate']);
  assert.match(gone.stderr, /NotFound/, 'a cleanly stopped controller removes the webhooks that point at its own server');
});

test('SIGKILL mid-flight, then a restart: every DataVolume Succeeded, one claim and no duplicate worker each', async () => {
  const names = Array.from({ length: 6 }, (_, i) => `killed-${i}`);
  const first = await startProcess(['--no-leader-elect']);
  await cluster.kubectlOk(['apply', '-f', '-'], names.map((n) => blankDataVolumeYaml(n, { annotations: { 'cdi.kubevirt.io/storage.deleteAfterCompletion': 'false' } })).join('---\n'));
  await waitFor('a first claim to exist', async () => (await cluster.core.listNamespacedPersistentVolumeClaim({ namespace: 'default' })).items.some((p) => p.metadata?.name?.startsWith('killed-')));
  await stopProcess(first, 'SIGKILL');
  const second = await startProcess(['--no-leader-elect']);
  for (const name of names) {
    const dv = await waitForPhase(cluster, 'default', name, 'Succeeded');
    const pvc = await cluster.core.readNamespacedPersistentVolumeClaim({ namespace: 'default', name });
    assert.equal(pvc.metadata?.annotations?.['cdi.kubevirt.io/createdForDataVolume'], dv.metadata.uid);
    assert.equal(pvc.metadata?.annotations?.['cdi.kubevirt.io/storage.pod.phase'], 'Succeeded');
    assert.equal(dv.status?.progress, '100.0%');
  }
  await waitFor('the finished workers to be deleted', async () => {
    const pods = await cluster.core.listNamespacedPod({ namespace: 'default' });
    return !pods.items.some((p) => p.metadata?.name?.startsWith('importer-killed-'));
  });
  assert.equal(await stopProcess(second, 'SIGTERM'), 0);
});

test('two controller processes: the leader is SIGKILLed, the other takes the Lease over when it expires and acts', async () => {
  const leaseHolder = async () => {
    const r = await cluster.kubectl(['get', 'lease', '-n', 'ferry-system', 'cdi-controller-leader-election-helper', '-o', 'jsonpath={.spec.holderIdentity}']);
    return r.code === 0 ? r.stdout.trim() : '';
  };
  const a = await startProcess(['--webhook-registration', 'none']);
  const b = await startProcess(['--webhook-registration', 'none']);
  const metricsOf = async (p: Running) => (await (await request(`http://127.0.0.1:${p.metricsPort}/metrics`)).body.text());
  const isLeader = async (p: Running) => /leader_election_master_status\{[^}]*\} 1/.test(await metricsOf(p));
  const leader = await waitFor('one process to lead', async () => ((await isLeader(a)) ? a : (await isLeader(b)) ? b : undefined));
  const follower = leader === a ? b : a;
  const firstHolder = await waitFor('the Lease to have a holder', async () => (await leaseHolder()) || undefined);
  assert.equal(await isLeader(follower), false);

  await stopProcess(leader, 'SIGKILL');
  await cluster.kubectlOk(['apply', '-f', '-'], blankDataVolumeYaml('after-failover', { annotations: { 'cdi.kubevirt.io/storage.deleteAfterCompletion': 'false' } }));
  // The dead leader never released the Lease: the follower takes it once it expires.
  await waitFor('the follower to take the Lease over', async () => {
    const holder = await leaseHolder();
    return holder !== '' && holder !== firstHolder && (await isLeader(follower));
  }, 90_000);
  await waitForPhase(cluster, 'default', 'after-failover', 'Succeeded');
  assert.equal(await stopProcess(follower, 'SIGTERM'), 0);
});
