// Gives each Service that needs one a cluster IP (cluster-ip-decide.ts), written to spec.clusterIP
// and spec.clusterIPs. The in-memory `taken` set covers allocations the informer has not shown
// yet, so two Services created together never get the same address.
import type { CoreV1Api, V1Service } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { kube, toKubeError } from '../../../kube/errors.ts';
import type { ObjectStore } from '../../../kube/informer.ts';
import { mergePatch } from '../../../kube/patch.ts';
import { splitKey } from '../../../runtime/manager.ts';
import { type Result, done } from '../../../runtime/reconciler.ts';
import { needsClusterIP, nextClusterIP } from './cluster-ip-decide.ts';

export class ClusterIpAllocator {
  readonly #core: CoreV1Api;
  readonly #services: ObjectStore<V1Service>;
  readonly #logger: Logger | undefined;
  readonly #taken = new Set<string>();
  readonly #startOffset: number | undefined;

  constructor(core: CoreV1Api, services: ObjectStore<V1Service>, logger?: Logger, startOffset?: number) {
    this.#startOffset = startOffset;
    this.#core = core;
    this.#services = services;
    this.#logger = logger;
  }

  async reconcile(key: string): Promise<Result> {
    const { namespace, name } = splitKey(key);
    const service = this.#services.get(name, namespace);
    if (!service || service.metadata?.deletionTimestamp || !needsClusterIP(service.spec)) return done;
    const used = new Set(this.#taken);
    for (const s of this.#services.list()) for (const ip of [s.spec?.clusterIP, ...(s.spec?.clusterIPs ?? [])]) if (ip) used.add(ip);
    const ip = nextClusterIP(used, this.#startOffset);
    if (!ip) throw Object.assign(new Error('no free cluster IP left in 127.96.0.0/16'), { code: 'ECLUSTERIPEXHAUSTED' });
    this.#taken.add(ip);
    try {
      await kube(this.#core.patchNamespacedService({ name, namespace, body: { metadata: { resourceVersion: service.metadata?.resourceVersion }, spec: { clusterIP: ip, clusterIPs: [ip] } } }, mergePatch));
      this.#logger?.info({ service: key, clusterIP: ip }, 'allocated cluster IP');
    } catch (err) {
      this.#taken.delete(ip);
      if (toKubeError(err).code === 'ENOTFOUND') return done;
      throw err;
    }
    return done;
  }

  /** Forgets in-flight allocations the informer now shows (or that were released). */
  observed(service: V1Service): void {
    if (service.spec?.clusterIP) this.#taken.delete(service.spec.clusterIP);
  }
}
