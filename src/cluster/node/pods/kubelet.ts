// The pod runner of the embedded node (what the kubelet does for Ferry's worker pods). It watches
// the pods bound to its node and, per pod (one reconcile at a time per pod, level-based):
// 1. a pod gone from the API, or replaced by another of the same name: its containers are stopped
//    and its address and files freed;
// 2. a pod being deleted (deletionTimestamp): SIGTERM, SIGKILL after the grace period, then the
//    pod is deleted with gracePeriodSeconds=0, as the kubelet does once its containers stopped;
// 3. a pod in a terminal phase is left alone (after an agent restart nothing is run again);
// 4. otherwise it gets an address and a runtime (taking over what a previous agent wrote, and
//    killing processes that agent left behind), runs its next step, and writes the status
//    through pods/status when it changed.
import { CoreV1Api, type KubeConfig, type KubernetesListObject, type V1Pod } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { kube, orUndefined, toKubeError } from '../../../kube/errors.ts';
import { Informer } from '../../../kube/informer.ts';
import { mergePatch } from '../../../kube/patch.ts';
import { EventRecorder } from '../../../runtime/events.ts';
import { Manager, objectKey, splitKey } from '../../../runtime/manager.ts';
import { type Result, done, requeueAfter } from '../../../runtime/reconciler.ts';
import type { WorkQueue } from '../../../runtime/workqueue.ts';
import { decodeSecretData } from './env.ts';
import { killPodOrphans } from './orphans.ts';
import { PodIpAllocator } from './pod-ips.ts';
import { PodRuntime, podIdentity } from './pod-runtime.ts';
import { type CrashLoopPolicy, kubeletCrashLoopPolicy } from './restart-decide.ts';
import { sameStatus } from './status-compare.ts';
import type { VolumeReaders } from './volumes.ts';
import { ProcessLauncher } from './launcher.ts';

export interface KubeletOptions {
  kubeConfig: KubeConfig;
  stateDir: string;
  nodeName: string;
  workerImage: string;
  hostIP?: string;
  crashLoop?: CrashLoopPolicy;
  logger?: Logger;
  /** How long containers get to stop when the agent itself stops (default 2 s). */
  shutdownGraceMs?: number;
  memoryPollMs?: number;
  /** Where pod address allocation starts in 127.10.0.0/16 (an offset; see addressBlockFor). */
  podIpStartOffset?: number;
}

function graceMsOf(pod: V1Pod): number {
  const seconds = pod.metadata?.deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
  return Math.max(0, seconds) * 1000;
}

const isTerminal = (pod: V1Pod) => pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';

export class Kubelet {
  readonly #opts: KubeletOptions;
  readonly #core: CoreV1Api;
  readonly #manager: Manager;
  readonly #queue: WorkQueue<string>;
  readonly #pods: Informer<V1Pod>;
  readonly #ips: PodIpAllocator;
  readonly #runtimes = new Map<string, { runtime: PodRuntime; pod: V1Pod; lastWritten?: unknown }>();
  readonly #events: EventRecorder;
  readonly #readersByNamespace = new Map<string, VolumeReaders>();
  /** Containers are started from a small process: a fork from this one costs 40 ms and more. */
  readonly #launcher = new ProcessLauncher();

  constructor(opts: KubeletOptions) {
    this.#opts = opts;
    this.#ips = new PodIpAllocator(opts.podIpStartOffset);
    const kc = opts.kubeConfig;
    this.#core = kc.makeApiClient(CoreV1Api);
    const logger = opts.logger?.child({ component: 'kubelet' });
    this.#manager = new Manager(logger ? { logger } : {});
    this.#events = new EventRecorder({ kubeConfig: kc, component: 'kubelet', host: opts.nodeName, ...(logger ? { logger } : {}) });
    this.#queue = this.#manager.addController({ name: 'kubelet', reconcile: (key) => this.#reconcile(key) }, 4);
    const enqueue = (pod: V1Pod) => this.#queue.add(objectKey(pod));
    const fieldSelector = `spec.nodeName=${opts.nodeName}`;
    this.#pods = this.#manager.addInformer(
      new Informer<V1Pod>({
        kubeConfig: kc,
        path: '/api/v1/pods',
        fieldSelector,
        list: () => this.#core.listPodForAllNamespaces({ fieldSelector }) as Promise<KubernetesListObject<V1Pod>>,
        onAdd: enqueue,
        onUpdate: enqueue,
        onDelete: enqueue,
        ...(logger ? { logger } : {}),
      }),
    );
  }

  get #logger(): Logger | undefined {
    return this.#opts.logger;
  }

  async start(): Promise<void> {
    await this.#manager.start();
  }

  /** Stops watching, then every container (their processes do not outlive the agent). */
  async stop(): Promise<void> {
    await this.#manager.stop();
    const grace = this.#opts.shutdownGraceMs ?? 2000;
    await Promise.all([...this.#runtimes.values()].map(({ runtime }) => runtime.stopAll(grace)));
    this.#launcher.close();
  }

  /** The pod as this node last saw it, and its runtime, for the log server. */
  lookup(namespace: string, name: string): { pod: V1Pod; runtime: PodRuntime | undefined } | undefined {
    const pod = this.#pods.get(name, namespace);
    if (!pod) return undefined;
    const entry = this.#runtimes.get(`${namespace}/${name}`);
    return { pod, runtime: entry && entry.runtime.id.uid === pod.metadata?.uid ? entry.runtime : undefined };
  }

  #readers(namespace: string): VolumeReaders {
    let readers = this.#readersByNamespace.get(namespace);
    if (!readers) {
      const core = this.#core;
      readers = {
        secret: async (name) => {
          const s = await orUndefined(core.readNamespacedSecret({ name, namespace }));
          return s ? { ...decodeSecretData(s.data), ...(s.stringData ?? {}) } : undefined;
        },
        configMap: async (name) => {
          const cm = await orUndefined(core.readNamespacedConfigMap({ name, namespace }));
          return cm ? { ...(cm.data ?? {}) } : undefined;
        },
        claimVolume: async (name) => {
          const claim = await orUndefined(core.readNamespacedPersistentVolumeClaim({ name, namespace }));
          if (!claim) return undefined;
          return claim.status?.phase === 'Bound' ? (claim.spec?.volumeName ?? '') : '';
        },
      };
      this.#readersByNamespace.set(namespace, readers);
    }
    return readers;
  }

  async #reconcile(key: string): Promise<Result> {
    const { namespace, name } = splitKey(key);
    const pod = this.#pods.get(name, namespace);
    const entry = this.#runtimes.get(key);
    if (entry && (!pod || pod.metadata?.uid !== entry.runtime.id.uid)) {
      await this.#teardown(key, entry.runtime, graceMsOf(entry.pod));
    }
    if (!pod) return done;
    if (pod.metadata?.deletionTimestamp) return this.#finishDeletion(key, pod);
    const current = this.#runtimes.get(key);
    if (isTerminal(pod) && !current) return done;
    const runtime = current?.runtime ?? (await this.#newRuntime(key, pod));
    const record = this.#runtimes.get(key)!;
    record.pod = pod;
    const now = new Date();
    const wakeMs = isTerminal(pod) ? undefined : await runtime.step(pod, now.getTime());
    const status = runtime.status(pod, now, false);
    const previous = record.lastWritten ?? pod.status;
    if (!sameStatus(status, previous)) {
      try {
        await kube(this.#core.patchNamespacedPodStatus({ name, namespace, body: { status } }, mergePatch));
        record.lastWritten = status;
      } catch (err) {
        if (toKubeError(err).code === 'ENOTFOUND') return done;
        throw err;
      }
    }
    return wakeMs !== undefined ? requeueAfter(wakeMs) : done;
  }

  async #newRuntime(key: string, pod: V1Pod): Promise<PodRuntime> {
    const uid = pod.metadata?.uid ?? key;
    const ip = this.#ips.allocate(uid, pod.status?.podIP);
    const logger = this.#logger;
    const runtime: PodRuntime = new PodRuntime(pod, ip, {
      stateDir: this.#opts.stateDir,
      workerImage: this.#opts.workerImage,
      hostIP: this.#opts.hostIP ?? '127.0.0.1',
      crashLoop: this.#opts.crashLoop ?? kubeletCrashLoopPolicy,
      execPath: process.execPath,
      readers: this.#readers(pod.metadata?.namespace ?? ''),
      onChange: () => this.#queue.add(key),
      onEvent: (type, reason, message) => void this.#events.record({ apiVersion: 'v1', kind: 'Pod', metadata: this.#runtimes.get(key)?.pod.metadata ?? pod.metadata ?? {} }, type, reason, message),
      ...(logger ? { logger } : {}),
      ...(this.#opts.memoryPollMs ? { memoryPollMs: this.#opts.memoryPollMs } : {}),
      launcher: this.#launcher,
    });
    if (pod.status?.containerStatuses?.length || pod.status?.initContainerStatuses?.length) {
      const killed = await killPodOrphans(runtime.dir);
      if (killed > 0) logger?.info({ pod: key, killed }, 'killed container processes left by a previous agent');
      runtime.restoreFromStatus(pod, new Date());
    }
    this.#runtimes.set(key, { runtime, pod });
    return runtime;
  }

  async #teardown(key: string, runtime: PodRuntime, graceMs: number): Promise<void> {
    await runtime.stopAll(graceMs);
    this.#ips.release(runtime.id.uid);
    await runtime.removeFiles().catch(() => undefined);
    if (this.#runtimes.get(key)?.runtime === runtime) this.#runtimes.delete(key);
  }

  async #finishDeletion(key: string, pod: V1Pod): Promise<Result> {
    const entry = this.#runtimes.get(key);
    if (entry) {
      if (entry.runtime.anyRunning()) {
        for (const rec of entry.runtime.records.values()) {
          if (rec.running) void this.#events.record({ apiVersion: 'v1', kind: 'Pod', metadata: pod.metadata ?? {} }, 'Normal', 'Killing', `Stopping container ${rec.name}`);
        }
      }
      await entry.runtime.stopAll(graceMsOf(pod));
    }
    const { namespace, name } = podIdentity(pod);
    try {
      await kube(this.#core.deleteNamespacedPod({ name, namespace, gracePeriodSeconds: 0, body: { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata?.uid } } }));
    } catch (err) {
      const code = toKubeError(err).code;
      if (code !== 'ENOTFOUND' && code !== 'ECONFLICT') throw err;
    }
    if (entry) await this.#teardown(key, entry.runtime, 0);
    return done;
  }
}
