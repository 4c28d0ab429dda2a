// The embedded node agent: everything a cluster's node (and its share of the control plane)
// does for Ferry, started in order: the log server (its port goes into the Node's status), the
// node registration, the storage controllers, the scheduler, the kubelet and the service
// networking. Every part reaches the API server only through the client library.
import { statfs } from 'node:fs/promises';
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { NodeRegistration } from './node-registration.ts';
import { defaultWorkerImage } from './pods/image.ts';
import { Kubelet } from './pods/kubelet.ts';
import { LogServer } from './pods/log-server.ts';
import { addressBlockFor } from './pods/pod-ips.ts';
import { kubeletCrashLoopPolicy } from './pods/restart-decide.ts';
import { Scheduler } from './scheduler.ts';
import { ServiceNetworking } from './services/index.ts';
import { startStorageControllers } from './storage/index.ts';

export const defaultNodeName = 'ferry-node';

export interface NodeAgentOptions {
  kubeConfig: KubeConfig;
  stateDir: string;
  nodeName?: string;
  /** The image whose containers run here (any tag); default ferry.dev/ferry:latest. */
  workerImage?: string;
  /** Storage capacity of the node; default: the size of the state dir's filesystem. */
  capacityBytes?: number;
  logger?: Logger;
  /** First crash-loop back-off delay (kubelet: 10 s, doubling to 5 min). */
  crashLoopBaseMs?: number;
  /** Node status and lease heartbeat period (kubelet: 10 s). */
  heartbeatMs?: number;
  /** How often unschedulable pods are retried without a triggering change (default 30 s). */
  schedulerRetryMs?: number;
  /** Port of the log server on 127.0.0.1 (default 0: any free port). */
  logServerPort?: number;
}

export interface NodeAgent {
  logServerPort: number;
  nodeName: string;
  stop(): Promise<void>;
}

async function filesystemSize(dir: string): Promise<number> {
  const s = await statfs(dir);
  return Number(s.blocks) * Number(s.bsize);
}

export async function startNodeAgent(opts: NodeAgentOptions): Promise<NodeAgent> {
  const stateDir = resolve(opts.stateDir);
  await mkdir(stateDir, { recursive: true });
  const nodeName = opts.nodeName ?? defaultNodeName;
  const logger = opts.logger?.child({ node: nodeName });
  const loggerOpt = logger ? { logger } : {};
  const kc = opts.kubeConfig;
  const capacityBytes = opts.capacityBytes ?? (await filesystemSize(stateDir));
  const crashLoop = opts.crashLoopBaseMs
    ? { initialMs: opts.crashLoopBaseMs, maxMs: opts.crashLoopBaseMs * (kubeletCrashLoopPolicy.maxMs / kubeletCrashLoopPolicy.initialMs) }
    : kubeletCrashLoopPolicy;

  // Clusters sharing this machine start their pod and service addresses in different /24 blocks.
  const block = addressBlockFor(stateDir);

  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const s of stops.splice(0).reverse()) {
      try {
        await s();
      } catch (err) {
        logger?.warn({ err: err instanceof Error ? err.message : String(err) }, 'node agent part failed to stop');
      }
    }
  };
  try {
    const kubelet = new Kubelet({ kubeConfig: kc, stateDir, nodeName, workerImage: opts.workerImage ?? defaultWorkerImage, crashLoop, podIpStartOffset: (block << 8) | 2, ...loggerOpt });
    const logServer = new LogServer(stateDir, kubelet, logger);
    const logServerPort = await logServer.listen(opts.logServerPort ?? 0);
    stops.push(() => logServer.close());

    const registration = new NodeRegistration({ kubeConfig: kc, nodeName, logServerPort, ephemeralStorageBytes: capacityBytes, ...(opts.heartbeatMs ? { heartbeatMs: opts.heartbeatMs } : {}), ...loggerOpt });
    await registration.start();
    stops.push(() => registration.stop());

    const storage = await startStorageControllers({ kubeConfig: kc, stateDir, nodeName, capacityBytes, ...loggerOpt });
    stops.push(() => storage.stop());

    const scheduler = new Scheduler({ kubeConfig: kc, nodeName, ...(opts.schedulerRetryMs ? { retryMs: opts.schedulerRetryMs } : {}), ...loggerOpt });
    await scheduler.start();
    stops.push(() => scheduler.stop());

    await kubelet.start();
    stops.push(() => kubelet.stop());

    const services = new ServiceNetworking({ kubeConfig: kc, clusterIpStartOffset: (block << 8) | 10, ...loggerOpt });
    await services.start();
    stops.push(() => services.stop());

    logger?.info({ logServerPort, capacityBytes }, 'node agent started');
    return { logServerPort, nodeName, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
