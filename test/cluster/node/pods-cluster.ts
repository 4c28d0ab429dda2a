// Shared by the pod, scheduler, services and agent tests: the real embedded API server in a temp
// state dir with the node agent on it, kubectl with its kubeconfig, and polling for observed
// state (tests never assert on timing: they wait, with a generous deadline, for what they expect).
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, KubeConfig, type V1Pod } from '@kubernetes/client-node';
import pino from 'pino';
import { startApiServer, type ApiServerHandle } from '../../../src/cluster/apiserver/index.ts';
import { type NodeAgent, type NodeAgentOptions, startNodeAgent } from '../../../src/cluster/node/agent.ts';
import { loadKubeConfig } from '../../../src/kube/config.ts';

export const testLogger = pino({ level: process.env['FERRY_TEST_LOG'] ?? 'silent' });

export interface NodeCluster {
  stateDir: string;
  kubeconfigPath: string;
  kc: KubeConfig;
  core: CoreV1Api;
  server: ApiServerHandle;
  agent: NodeAgent;
  kubectl(args: string[], stdin?: string): Promise<{ code: number; stdout: string; stderr: string }>;
  apply(manifest: unknown): Promise<void>;
  restartAgent(extra?: Partial<NodeAgentOptions>): Promise<void>;
  stop(): Promise<void>;
}

export async function startNodeCluster(extra: Partial<NodeAgentOptions> = {}): Promise<NodeCluster> {
  const stateDir = await mkdtemp(join(tmpdir(), 'ferry-node-test-'));
  const server = await startApiServer({ stateDir, port: 0, logger: testLogger });
  const kc = loadKubeConfig(server.kubeconfigPath);
  const agentOptions: NodeAgentOptions = { kubeConfig: kc, stateDir, capacityBytes: 10 * 1024 ** 3, crashLoopBaseMs: 300, heartbeatMs: 1000, schedulerRetryMs: 500, logger: testLogger, ...extra };
  const cluster: NodeCluster = {
    stateDir,
    kubeconfigPath: server.kubeconfigPath,
    kc,
    core: kc.makeApiClient(CoreV1Api),
    server,
    agent: await startNodeAgent(agentOptions),
    kubectl: (args, stdin) =>
      new Promise((resolve) => {
        const child = execFile('kubectl', ['--kubeconfig', server.kubeconfigPath, ...args], { timeout: 60_000 }, (err, stdout, stderr) => {
          resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
        });
        if (stdin !== undefined) child.stdin?.end(stdin);
      }),
    async apply(manifest) {
      const r = await cluster.kubectl(['apply', '-f', '-'], JSON.stringify(manifest));
      if (r.code !== 0) throw new Error(`kubectl apply failed: ${r.stderr}`);
    },
    async restartAgent(more = {}) {
      await cluster.agent.stop();
      cluster.agent = await startNodeAgent({ ...agentOptions, ...more });
    },
    async stop() {
      await cluster.agent.stop();
      await server.close();
      await rm(stateDir, { recursive: true, force: true });
    },
  };
  return cluster;
}

/** Polls `probe` until it returns a value other than undefined; fails after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function readPod(cluster: NodeCluster, name: string, namespace = 'default'): Promise<V1Pod | undefined> {
  try {
    return await cluster.core.readNamespacedPod({ name, namespace });
  } catch {
    return undefined;
  }
}

/** Waits until the pod satisfies `accept`, returning it. */
export function waitForPod(cluster: NodeCluster, name: string, what: string, accept: (pod: V1Pod) => boolean, timeoutMs?: number): Promise<V1Pod> {
  return waitFor(`pod ${name}: ${what}`, async () => {
    const pod = await readPod(cluster, name);
    return pod && accept(pod) ? pod : undefined;
  }, timeoutMs);
}

/** A pod bound to the node, running the worker image with `node -e <script>`. */
export function nodePod(name: string, script: string, extra: { restartPolicy?: string; spec?: Record<string, unknown>; container?: Record<string, unknown>; labels?: Record<string, string> } = {}) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', ...(extra.labels ? { labels: extra.labels } : {}) },
    spec: {
      nodeName: 'ferry-node',
      restartPolicy: extra.restartPolicy ?? 'Never',
      terminationGracePeriodSeconds: 5,
      containers: [{ name: 'main', image: 'ferry.dev/ferry:latest', command: ['node', '-e', script], ...(extra.container ?? {}) }],
      ...(extra.spec ?? {}),
    },
  };
}
