// Namespace lifecycle, as kube-controller-manager's namespace controller and serviceaccounts
// controller do it:
// 1. a namespace being deleted (phase Terminating) has everything in it deleted, kind by kind;
//    objects with finalizers stay until their finalizers are removed, and the namespace's status
//    conditions say what remains (NamespaceContentRemaining, NamespaceFinalizersRemaining);
// 2. once nothing is left, the `kubernetes` finalizer is removed through /finalize, and the API
//    server removes the namespace;
// 3. every active namespace has a `default` ServiceAccount and the `kube-root-ca.crt` ConfigMap.
import { CoreV1Api, type KubeConfig, type KubernetesObject, KubernetesObjectApi, type V1Namespace, type V1NamespaceCondition } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { Informer } from '../../kube/informer.ts';
import { kube, toKubeError } from '../../kube/errors.ts';
import { type Result, done, requeueAfter, runWorkers } from '../../runtime/reconciler.ts';
import { WorkQueue } from '../../runtime/workqueue.ts';
import { type DiscoveredResource, discoverResources } from './discovery.ts';

export interface NamespaceControllerOptions {
  kubeConfig: KubeConfig;
  caPem?: string;
  logger?: Logger;
}

interface Remaining {
  resources: Map<string, number>;
  finalizers: Map<string, number>;
}

export function namespaceConditions(remaining: Remaining, now: string): V1NamespaceCondition[] {
  const describe = (m: Map<string, number>, what: string) =>
    [...m.entries()]
      .sort()
      .map(([k, n]) => `${k} ${what} ${n} resource instances`)
      .join(', ');
  const cond = (type: string, ok: boolean, reason: string, message: string): V1NamespaceCondition => ({
    type,
    status: ok ? 'False' : 'True',
    lastTransitionTime: now as unknown as Date,
    reason,
    message,
  });
  return [
    cond('NamespaceDeletionDiscoveryFailure', true, 'ResourcesDiscovered', 'All resources successfully discovered'),
    cond('NamespaceDeletionGroupVersionParsingFailure', true, 'ParsedGroupVersions', 'All legacy kube types successfully parsed'),
    cond('NamespaceDeletionContentFailure', true, 'ContentDeleted', 'All content successfully deleted, may be waiting on finalization'),
    remaining.resources.size === 0
      ? cond('NamespaceContentRemaining', true, 'ContentRemoved', 'All content successfully removed')
      : cond('NamespaceContentRemaining', false, 'SomeResourcesRemain', `Some resources are remaining: ${describe(remaining.resources, 'has')}`),
    remaining.finalizers.size === 0
      ? cond('NamespaceFinalizersRemaining', true, 'ContentHasNoFinalizers', 'All content-preserving finalizers finished')
      : cond('NamespaceFinalizersRemaining', false, 'SomeFinalizersRemain', `Some content in the namespace has finalizers remaining: ${describe(remaining.finalizers, 'in')}`),
  ];
}

export class NamespaceController {
  readonly #kc: KubeConfig;
  readonly #core: CoreV1Api;
  readonly #objects: KubernetesObjectApi;
  readonly #options: NamespaceControllerOptions;
  readonly #queue = new WorkQueue<string>();
  readonly #abort = new AbortController();
  #informer: Informer<V1Namespace> | undefined;
  #workers: Promise<void> | undefined;
  #resources: DiscoveredResource[] = [];

  constructor(options: NamespaceControllerOptions) {
    this.#kc = options.kubeConfig;
    this.#options = options;
    this.#core = options.kubeConfig.makeApiClient(CoreV1Api);
    this.#objects = KubernetesObjectApi.makeApiClient(options.kubeConfig);
  }

  async start(): Promise<void> {
    const enqueue = (ns: V1Namespace) => ns.metadata?.name && this.#queue.add(ns.metadata.name);
    this.#informer = new Informer<V1Namespace>({
      kubeConfig: this.#kc,
      path: '/api/v1/namespaces',
      list: () => this.#core.listNamespace(),
      onAdd: enqueue,
      onUpdate: enqueue,
      ...(this.#options.logger ? { logger: this.#options.logger } : {}),
    });
    await this.#informer.start();
    this.#workers = runWorkers(this.#queue, { name: 'namespace', reconcile: (name) => this.#reconcile(name) }, { workers: 2, signal: this.#abort.signal, ...(this.#options.logger ? { logger: this.#options.logger } : {}) });
  }

  async stop(): Promise<void> {
    this.#abort.abort();
    await this.#informer?.stop();
    await this.#workers;
  }

  async #reconcile(name: string): Promise<Result> {
    const ns = this.#informer?.get(name);
    if (!ns) return done;
    if (!ns.metadata?.deletionTimestamp) return this.#ensureDefaults(name);
    if (!(ns.spec?.finalizers ?? []).includes('kubernetes')) return done;
    this.#resources = await discoverResources(this.#kc);
    const remaining: Remaining = { resources: new Map(), finalizers: new Map() };
    for (const r of this.#resources) {
      if (!r.namespaced || !r.verbs.includes('list') || !r.verbs.includes('delete')) continue;
      const list = await kube(this.#objects.list<KubernetesObject>(r.apiVersion, r.kind, name));
      if (list.items.length === 0) continue;
      remaining.resources.set(`${r.resource}${r.group ? `.${r.group}` : '.'}`, list.items.length);
      for (const item of list.items) {
        for (const f of item.metadata?.finalizers ?? []) remaining.finalizers.set(f, (remaining.finalizers.get(f) ?? 0) + 1);
        if (item.metadata?.deletionTimestamp) continue;
        try {
          await kube(this.#objects.delete({ apiVersion: r.apiVersion, kind: r.kind, metadata: { name: item.metadata?.name, namespace: name } }, undefined, undefined, undefined, undefined, 'Background'));
        } catch (err) {
          if (toKubeError(err).code !== 'ENOTFOUND') throw err;
        }
      }
    }
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const conditions = namespaceConditions(remaining, now);
    const changed = JSON.stringify((ns.status?.conditions ?? []).map((c) => [c.type, c.status, c.message])) !== JSON.stringify(conditions.map((c) => [c.type, c.status, c.message]));
    if (changed) {
      await kube(this.#core.replaceNamespaceStatus({ name, body: { ...ns, status: { ...ns.status, phase: 'Terminating', conditions } } })).catch((err: unknown) => {
        if (toKubeError(err).code !== 'ENOTFOUND' && toKubeError(err).code !== 'ECONFLICT') throw err;
      });
    }
    if (remaining.resources.size > 0) return requeueAfter(remaining.finalizers.size > 0 ? 1000 : 200);
    await kube(this.#core.replaceNamespaceFinalize({ name, body: { ...ns, spec: { ...ns.spec, finalizers: (ns.spec?.finalizers ?? []).filter((f) => f !== 'kubernetes') } } }));
    this.#options.logger?.info({ namespace: name }, 'namespace content removed, finalized');
    return done;
  }

  async #ensureDefaults(namespace: string): Promise<Result> {
    const create = async (p: Promise<unknown>) => {
      try {
        await p;
      } catch (err) {
        const code = toKubeError(err).code;
        // Already there, or the namespace began terminating meanwhile.
        if (code !== 'EEXISTS' && code !== 'EFORBIDDEN' && code !== 'ENOTFOUND') throw toKubeError(err);
      }
    };
    await create(this.#core.createNamespacedServiceAccount({ namespace, body: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace } } }));
    if (this.#options.caPem) {
      await create(this.#core.createNamespacedConfigMap({ namespace, body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'kube-root-ca.crt', namespace }, data: { 'ca.crt': this.#options.caPem } } }));
    }
    return done;
  }
}
