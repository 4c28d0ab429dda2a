// The node's registration, as the kubelet keeps it: the Node object (created if missing, its
// labels kept), its status written through nodes/status with a heartbeat every `heartbeatMs`,
// and a Lease in kube-node-lease renewed on the same beat (what the node lifecycle controller and
// `kubectl get nodes` read).
import { readFile } from 'node:fs/promises';
import { arch, cpus, hostname, release, totalmem } from 'node:os';
import { CoordinationV1Api, CoreV1Api, type KubeConfig, type V1Lease } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { kube, orUndefined, toKubeError } from '../../kube/errors.ts';
import { mergePatch } from '../../kube/patch.ts';
import { type NodeFacts, nodeLabels, renderNodeStatus } from './node-status-decide.ts';

export const nodeLeaseNamespace = 'kube-node-lease';
export const nodeLeaseDurationSeconds = 40;
export const kubeletVersion = 'v1.32.0-ferry';

export interface NodeRegistrationOptions {
  kubeConfig: KubeConfig;
  nodeName: string;
  logServerPort: number;
  ephemeralStorageBytes: number;
  heartbeatMs?: number;
  logger?: Logger;
}

async function firstLine(path: string, fallback: string): Promise<string> {
  try {
    return (await readFile(path, 'utf8')).split('\n')[0]?.trim() || fallback;
  } catch {
    return fallback;
  }
}

async function osImage(): Promise<string> {
  try {
    const text = await readFile('/etc/os-release', 'utf8');
    const m = /^PRETTY_NAME="?([^"\n]*)"?/m.exec(text);
    return m?.[1] ?? 'Linux';
  } catch {
    return 'Linux';
  }
}

export class NodeRegistration {
  readonly #opts: NodeRegistrationOptions;
  readonly #core: CoreV1Api;
  readonly #leases: CoordinationV1Api;
  #timer: NodeJS.Timeout | undefined;
  #facts: NodeFacts | undefined;
  #beating: Promise<void> | undefined;

  constructor(opts: NodeRegistrationOptions) {
    this.#opts = opts;
    this.#core = opts.kubeConfig.makeApiClient(CoreV1Api);
    this.#leases = opts.kubeConfig.makeApiClient(CoordinationV1Api);
  }

  /** Registers the node and posts its first status; then keeps the heartbeat going. */
  async start(): Promise<void> {
    this.#facts = {
      nodeName: this.#opts.nodeName,
      cpus: cpus().length,
      memoryBytes: totalmem(),
      ephemeralStorageBytes: this.#opts.ephemeralStorageBytes,
      maxPods: 110,
      logServerPort: this.#opts.logServerPort,
      kernelVersion: release(),
      osImage: await osImage(),
      architecture: arch(),
      machineID: await firstLine('/etc/machine-id', hostname()),
      bootID: await firstLine('/proc/sys/kernel/random/boot_id', ''),
      kubeletVersion,
    };
    await this.#ensureNode();
    await this.beat();
    this.#timer = setInterval(() => {
      this.#beating ??= this.beat()
        .catch((err: unknown) => this.#opts.logger?.warn({ node: this.#opts.nodeName, err: toKubeError(err).message }, 'node heartbeat failed'))
        .finally(() => (this.#beating = undefined));
    }, this.#opts.heartbeatMs ?? 10_000);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#beating;
  }

  async #ensureNode(): Promise<void> {
    const name = this.#opts.nodeName;
    const labels = nodeLabels(this.#facts!);
    const existing = await orUndefined(this.#core.readNode({ name }));
    if (!existing) {
      try {
        await kube(this.#core.createNode({ body: { apiVersion: 'v1', kind: 'Node', metadata: { name, labels }, spec: {} } }));
        this.#opts.logger?.info({ node: name }, 'node registered');
      } catch (err) {
        if (toKubeError(err).code !== 'EEXISTS') throw err;
      }
      return;
    }
    const missing = Object.entries(labels).filter(([k, v]) => existing.metadata?.labels?.[k] !== v);
    if (missing.length > 0) await kube(this.#core.patchNode({ name, body: { metadata: { labels: Object.fromEntries(missing) } } }, mergePatch));
  }

  /** One heartbeat: the node's status and its lease. */
  async beat(): Promise<void> {
    const name = this.#opts.nodeName;
    const node = await orUndefined(this.#core.readNode({ name }));
    if (!node) await this.#ensureNode();
    const status = renderNodeStatus(this.#facts!, new Date(), node?.status?.conditions);
    await kube(this.#core.patchNodeStatus({ name, body: { status } }, mergePatch));
    await this.#renewLease(node?.metadata?.uid);
  }

  async #renewLease(nodeUid: string | undefined): Promise<void> {
    const name = this.#opts.nodeName;
    const now = new Date();
    const lease = await orUndefined(this.#leases.readNamespacedLease({ name, namespace: nodeLeaseNamespace }));
    if (lease) {
      await kube(this.#leases.patchNamespacedLease({ name, namespace: nodeLeaseNamespace, body: { spec: { holderIdentity: name, leaseDurationSeconds: nodeLeaseDurationSeconds, renewTime: now.toISOString() } } }, mergePatch));
      return;
    }
    const body: V1Lease = {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: {
        name,
        namespace: nodeLeaseNamespace,
        ...(nodeUid ? { ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name, uid: nodeUid }] } : {}),
      },
      spec: { holderIdentity: name, leaseDurationSeconds: nodeLeaseDurationSeconds, renewTime: now },
    };
    try {
      await kube(this.#leases.createNamespacedLease({ namespace: nodeLeaseNamespace, body }));
    } catch (err) {
      if (toKubeError(err).code !== 'EEXISTS') throw err;
    }
  }
}
