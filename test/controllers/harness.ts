// Controller test harness: the real embedded API server in a temp state dir, the embedded
// controller manager (garbage collector, namespaces) and node agent (scheduler, kubelet running
// Ferry's worker as local processes, hostpath storage), Ferry installed (CRDs, CDIConfig, CDI),
// and Ferry's controller started as a user would start it. kubectl uses the kubeconfig the
// server wrote. Nothing is mocked.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import pino, { type Logger } from 'pino';
import type { DataVolume } from '../../src/api/index.ts';
import { startApiServer, type ApiServerHandle } from '../../src/cluster/apiserver/index.ts';
import { startControllerManager } from '../../src/cluster/kcm/index.ts';
import { startNodeAgent, type NodeAgent } from '../../src/cluster/node/agent.ts';
import { installFerry, startFerryController, type FerryController, type FerryControllerOptions } from '../../src/controllers/index.ts';
import { runKubectl, type CommandResult } from '../cluster/apiserver/harness.ts';
import { loadKubeConfig } from '../../src/kube/config.ts';

export interface TestCluster {
  stateDir: string;
  server: ApiServerHandle;
  kubeConfig: k8s.KubeConfig;
  core: k8s.CoreV1Api;
  custom: k8s.CustomObjectsApi;
  logger: Logger;
  kubectl(args: string[], stdin?: string): Promise<CommandResult>;
  /** kubectl that must succeed; returns stdout. */
  kubectlOk(args: string[], stdin?: string): Promise<string>;
  startController(overrides?: Partial<FerryControllerOptions>): Promise<FerryController>;
  getDataVolume(namespace: string, name: string): Promise<DataVolume | undefined>;
  close(): Promise<void>;
}

const dvCoords = { group: 'cdi.kubevirt.io', version: 'v1beta1', plural: 'datavolumes' } as const;

export async function startTestCluster(opts: { node?: boolean } = {}): Promise<TestCluster> {
  const root = await mkdtemp(join(tmpdir(), 'ferry-controller-'));
  const stateDir = join(root, 'state');
  const home = join(root, 'home');
  const logger = pino({ level: process.env['FERRY_TEST_LOG'] ?? 'silent' }, pino.destination(2));
  const server = await startApiServer({ stateDir, port: 0, logger: logger.child({ component: 'apiserver' }) });
  const kubeConfig = loadKubeConfig(server.kubeconfigPath);
  const kcm = await startControllerManager({ kubeConfig, caPem: server.caPem, logger });
  let agent: NodeAgent | undefined;
  if (opts.node !== false) {
    agent = await startNodeAgent({
      kubeConfig, stateDir, capacityBytes: 64 * 2 ** 30, logger, crashLoopBaseMs: 200, schedulerRetryMs: 300,
    });
  }
  await installFerry(kubeConfig);
  const controllers: FerryController[] = [];
  const core = kubeConfig.makeApiClient(k8s.CoreV1Api);
  const custom = kubeConfig.makeApiClient(k8s.CustomObjectsApi);
  const kubectl = (args: string[], stdin?: string) => runKubectl(server.kubeconfigPath, home, args, stdin);
  return {
    stateDir,
    server,
    kubeConfig,
    core,
    custom,
    logger,
    kubectl,
    async kubectlOk(args, stdin) {
      const r = await kubectl(args, stdin);
      if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
      return r.stdout;
    },
    async startController(overrides = {}) {
      const controller = await startFerryController({
        kubeConfig,
        namespace: 'ferry-system',
        metricsPort: 0,
        healthPort: 0,
        leaderElection: false,
        logger: logger.child({ component: 'ferry' }),
        ...overrides,
      });
      controllers.push(controller);
      return controller;
    },
    async getDataVolume(namespace, name) {
      try {
        return (await custom.getNamespacedCustomObject({ ...dvCoords, namespace, name })) as DataVolume;
      } catch (err) {
        if ((err as { code?: number }).code === 404) return undefined;
        throw err;
      }
    },
    async close() {
      for (const c of controllers.splice(0)) await c.stop().catch(() => undefined);
      await agent?.stop();
      await kcm.stop();
      await server.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** Polls `probe` until it returns a value other than undefined/false; fails with `what` after the deadline. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * The reasons of the events about the DataVolume `name`, once every reason in `wanted` is among
 * them (the recorder writes events after the status, without holding the reconcile up).
 */
export async function waitForEventReasons(cluster: TestCluster, name: string, wanted: readonly string[], namespace = 'default'): Promise<string[]> {
  let reasons: string[] = [];
  try {
    return await waitFor(`events ${wanted.join(', ')} about DataVolume ${namespace}/${name}`, async () => {
      const events = await cluster.core.listNamespacedEvent({ namespace, fieldSelector: `involvedObject.name=${name}` });
      reasons = events.items.filter((e) => e.involvedObject.kind === 'DataVolume').map((e) => e.reason ?? '');
      return wanted.every((r) => reasons.includes(r)) ? reasons : undefined;
    }, 30_000);
  } catch (err) {
    throw new Error(`${(err as Error).message}; seen: ${reasons.join(', ')}`, { cause: err });
  }
}

/** Waits until the DataVolume has `phase`; returns it. */
export function waitForPhase(cluster: TestCluster, namespace: string, name: string, phase: string, timeoutMs = 60_000): Promise<DataVolume> {
  return waitFor(`DataVolume ${namespace}/${name} to be ${phase}`, async () => {
    const dv = await cluster.getDataVolume(namespace, name);
    return dv?.status?.phase === phase ? dv : undefined;
  }, timeoutMs);
}

export function blankDataVolumeYaml(name: string, opts: { size?: string; volumeMode?: string; storageClass?: string; annotations?: Record<string, string>; api?: 'pvc' | 'storage'; priorityClassName?: string } = {}): string {
  const annotations = Object.entries(opts.annotations ?? {}).map(([k, v]) => `    ${k}: "${v}"\n`).join('');
  const api = opts.api ?? 'pvc';
  // Named explicitly: the embedded API server does not run the DefaultStorageClass admission yet.
  const storageClass = opts.storageClass ?? 'ferry-hostpath';
  return `apiVersion: cdi.kubevirt.io/v1beta1
kind: DataVolume
metadata:
  name: ${name}
${annotations ? `  annotations:\n${annotations}` : ''}spec:
${opts.priorityClassName ? `  priorityClassName: ${opts.priorityClassName}\n` : ''}  source:
    blank: {}
  ${api}:
    accessModes: [ReadWriteOnce]
${opts.volumeMode ? `    volumeMode: ${opts.volumeMode}\n` : ''}${storageClass ? `    storageClassName: ${storageClass}\n` : ''}    resources:
      requests:
        storage: ${opts.size ?? '64Mi'}
`;
}

export function claimYaml(name: string, size = '16Mi', storageClass = 'ferry-hostpath'): string {
  return `apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: ${name}
  namespace: default
spec:
  accessModes: [ReadWriteOnce]
  storageClassName: ${storageClass}
  resources:
    requests:
      storage: ${size}
`;
}

/** Creates a claim with kubectl and waits until it is Bound. */
export async function boundClaim(cluster: TestCluster, name: string, size = '16Mi') {
  await cluster.kubectlOk(['apply', '-f', '-'], claimYaml(name, size));
  return waitFor(`claim ${name} to be Bound`, async () => {
    const pvc = await cluster.core.readNamespacedPersistentVolumeClaim({ namespace: 'default', name });
    return pvc.status?.phase === 'Bound' ? pvc : undefined;
  });
}
