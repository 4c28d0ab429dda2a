// bench/datavolumes.ts: Ferry's controller at scale on the embedded cluster.
// 1. 1,000 DataVolumes adopting existing (Bound) claims, creation to Succeeded.
// 2. 200 blank DataVolumes (claim, worker pod, sparse image), creation to Succeeded.
// The controller runs as its own process (`ferry controller`), as it would in a cluster, so its
// peak RSS (VmHWM) is its own. Goal (issue 5, 2 cores): adoptions under 20 s, RSS under 300 MiB.
// There is no reference tool to race here (CDI needs a real cluster); the goals are the yardstick.
// Usage: node bench/datavolumes.ts [adoptions=1000] [blanks=200] [controller workers=16]
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as k8s from '@kubernetes/client-node';
import pino from 'pino';
import { startApiServer } from '../src/cluster/apiserver/index.ts';
import { startControllerManager } from '../src/cluster/kcm/index.ts';
import { startNodeAgent } from '../src/cluster/node/agent.ts';
import { installFerry } from '../src/controllers/index.ts';
import { loadKubeConfig } from '../src/kube/config.ts';

const adoptions = Number(process.argv[2] ?? 1000);
const blanks = Number(process.argv[3] ?? 200);
const workers = process.argv[4] ?? '16';
// The V8 settings deploy/controller.yaml gives the controller (a small young generation keeps the
// RSS near the live heap); BENCH_NODE_OPTIONS="" measures Node's defaults instead.
const controllerNodeOptions = process.env['BENCH_NODE_OPTIONS'] ?? '--max-semi-space-size=4 --max-old-space-size=256';
const namespace = 'default';
const dvs = { group: 'cdi.kubevirt.io', version: 'v1beta1', plural: 'datavolumes' } as const;
const cli = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));

async function pool<T>(items: readonly T[], width: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < items.length) await fn(items[next++]!);
  }));
}

async function freePort(): Promise<number> {
  const s = createServer().listen(0, '127.0.0.1');
  await once(s, 'listening');
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

async function peakRssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

/**
 * Counts DataVolumes with `prefix` that reached Succeeded, from a watch (polling lists of a
 * thousand objects would load the API server the controller is being measured against).
 */
function succeededCounter(kc: k8s.KubeConfig, prefix: string) {
  const seen = new Set<string>();
  let wake: (() => void) | undefined;
  let request: { abort(): void } | undefined;
  const ready = new k8s.Watch(kc).watch(`/apis/cdi.kubevirt.io/v1beta1/namespaces/${namespace}/datavolumes`, {}, (_type, obj: { metadata: { name: string }; status?: { phase?: string } }) => {
    if (obj.metadata.name.startsWith(prefix) && obj.status?.phase === 'Succeeded') seen.add(obj.metadata.name);
    wake?.();
  }, () => undefined).then((r) => { request = r; });
  return {
    ready,
    async until(count: number, deadlineMs: number): Promise<number> {
      while (seen.size < count && Date.now() < deadlineMs) {
        await new Promise<void>((r) => { wake = r; setTimeout(r, 1000); });
      }
      request?.abort();
      return seen.size;
    },
  };
}

function dataVolume(name: string, adopt: boolean) {
  return {
    apiVersion: 'cdi.kubevirt.io/v1beta1',
    kind: 'DataVolume',
    metadata: { name, namespace, ...(adopt ? { annotations: { 'cdi.kubevirt.io/allowClaimAdoption': 'true' } } : {}) },
    spec: { source: { blank: {} }, pvc: { accessModes: ['ReadWriteOnce'], storageClassName: 'ferry-hostpath', resources: { requests: { storage: '4Mi' } } } },
  };
}

const root = await mkdtemp(join(tmpdir(), 'ferry-bench-dv-'));
const stateDir = join(root, 'state');
const logger = pino({ level: 'silent' });
const server = await startApiServer({ stateDir, port: 0, logger });
const kubeConfig = loadKubeConfig(server.kubeconfigPath);
const kcm = await startControllerManager({ kubeConfig, caPem: server.caPem, logger });
const agent = await startNodeAgent({ kubeConfig, stateDir, capacityBytes: 64 * 2 ** 30, logger });
await installFerry(kubeConfig);
const core = kubeConfig.makeApiClient(k8s.CoreV1Api);
const custom = kubeConfig.makeApiClient(k8s.CustomObjectsApi);
await custom.patchClusterCustomObject(
  { group: 'cdi.kubevirt.io', version: 'v1beta1', plural: 'cdiconfigs', name: 'config', body: { spec: { dataVolumeTTLSeconds: -1 } } },
  k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
);
const metricsPort = await freePort();
const controller = spawn(process.execPath, [cli, 'controller', '--kubeconfig', server.kubeconfigPath, '--no-leader-elect',
  '--webhook-port', '0', '--webhook-registration', 'none', '--metrics-port', String(metricsPort), '--health-port', '0', '--workers', workers], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, FERRY_LOG_LEVEL: 'warn', NODE_OPTIONS: controllerNodeOptions } });
const rows: [string, string, string][] = [['controller NODE_OPTIONS', controllerNodeOptions || '(none)', '']];
try {
  const claims = Array.from({ length: adoptions }, (_, i) => `adopt-${i}`);
  await pool(claims, 32, (name) => core.createNamespacedPersistentVolumeClaim({ namespace, body: {
    metadata: { name }, spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'ferry-hostpath', resources: { requests: { storage: '4Mi' } } },
  } }));
  for (;;) {
    const list = await core.listNamespacedPersistentVolumeClaim({ namespace });
    if (list.items.filter((p) => p.status?.phase === 'Bound').length >= adoptions) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  const adopted = succeededCounter(kubeConfig, 'adopt-');
  await adopted.ready;
  let started = performance.now();
  await pool(claims, 32, (name) => custom.createNamespacedCustomObject({ ...dvs, namespace, body: dataVolume(name, true) }));
  let done = await adopted.until(adoptions, Date.now() + 300_000);
  rows.push([`${adoptions} adoptions`, `${done}/${adoptions} Succeeded`, `${((performance.now() - started) / 1000).toFixed(1)} s`]);

  const populated = succeededCounter(kubeConfig, 'blank-');
  await populated.ready;
  started = performance.now();
  const blankNames = Array.from({ length: blanks }, (_, i) => `blank-${i}`);
  await pool(blankNames, 32, (name) => custom.createNamespacedCustomObject({ ...dvs, namespace, body: dataVolume(name, false) }));
  done = await populated.until(blanks, Date.now() + 600_000);
  rows.push([`${blanks} blank DataVolumes`, `${done}/${blanks} Succeeded`, `${((performance.now() - started) / 1000).toFixed(1)} s`]);
  rows.push(['controller peak RSS', '', `${(await peakRssMiB(controller.pid!)).toFixed(0)} MiB`]);
  const metrics = await fetch(`http://127.0.0.1:${metricsPort}/metrics`).then((r) => r.text()).catch(() => '');
  const heap = Number(/^nodejs_heap_size_used_bytes (\S+)/m.exec(metrics)?.[1] ?? 0);
  rows.push(['controller heap used at the end', '', `${(heap / 2 ** 20).toFixed(0)} MiB`]);
} finally {
  controller.kill('SIGTERM');
  await new Promise((r) => controller.once('exit', r));
  await agent.stop();
  await kcm.stop();
  await server.close();
  await rm(root, { recursive: true, force: true });
}
const width = [Math.max(...rows.map((r) => r[0].length)), Math.max(...rows.map((r) => r[1].length)), Math.max(...rows.map((r) => r[2].length))];
process.stdout.write(`${'what'.padEnd(width[0]!)}  ${'outcome'.padEnd(width[1]!)}  ${'time / size'}\n`);
for (const r of rows) process.stdout.write(`${r[0].padEnd(width[0]!)}  ${r[1].padEnd(width[1]!)}  ${r[2]}\n`);
process.exit(0);
