// The garbage collector, as kube-controller-manager runs it: informers on every resource that can
// be listed, watched and deleted (found by discovery, refreshed so CRDs are covered), a graph of
// owners and dependents by uid, and a queue of uids whose fate decideGarbageCollection settles.
// Owners missing from the caches are looked up live before anything is deleted, so cache lag never
// deletes a dependent whose owner exists.
import { type KubeConfig, type KubernetesObject, KubernetesObjectApi, PatchStrategy } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { Informer } from '../../kube/informer.ts';
import { kube, orUndefined, toKubeError } from '../../kube/errors.ts';
import { type Result, done, requeueAfter } from '../../runtime/reconciler.ts';
import { runWorkers } from '../../runtime/reconciler.ts';
import { WorkQueue } from '../../runtime/workqueue.ts';
import { type DiscoveredResource, collectionPath, discoverResources } from './discovery.ts';
import { type DependentInfo, type GcObject, type OwnerRef, type OwnerState, decideGarbageCollection, foregroundFinalizer } from './gc-decide.ts';

interface Node {
  resource: DiscoveredResource;
  obj: KubernetesObject;
}

const ignored = new Set(['events', 'leases']);

export interface GarbageCollectorOptions {
  kubeConfig: KubeConfig;
  logger?: Logger;
  rediscoverMs?: number;
}

export class GarbageCollector {
  readonly #kc: KubeConfig;
  readonly #objects: KubernetesObjectApi;
  readonly #logger: Logger | undefined;
  readonly #queue = new WorkQueue<string>();
  readonly #informers = new Map<string, Informer<KubernetesObject>>();
  readonly #byKind = new Map<string, DiscoveredResource>();
  readonly #nodes = new Map<string, Node>();
  readonly #dependents = new Map<string, Set<string>>();
  readonly #abort = new AbortController();
  readonly #rediscoverMs: number;
  #timer: NodeJS.Timeout | undefined;
  #workers: Promise<void> | undefined;

  constructor(options: GarbageCollectorOptions) {
    this.#kc = options.kubeConfig;
    this.#objects = KubernetesObjectApi.makeApiClient(options.kubeConfig);
    this.#logger = options.logger;
    this.#rediscoverMs = options.rediscoverMs ?? 5000;
  }

  async start(): Promise<void> {
    await this.#sync();
    this.#workers = runWorkers(this.#queue, { name: 'garbage-collector', reconcile: (uid) => this.#reconcile(uid) }, { workers: 2, signal: this.#abort.signal, ...(this.#logger ? { logger: this.#logger } : {}) });
    this.#timer = setInterval(() => void this.#sync().catch((err: unknown) => this.#logger?.warn({ err: String(err) }, 'garbage collector discovery failed')), this.#rediscoverMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#abort.abort();
    await Promise.all([...this.#informers.values()].map((i) => i.stop()));
    await this.#workers;
  }

  /** Starts informers for resources not watched yet. */
  async #sync(): Promise<void> {
    const resources = await discoverResources(this.#kc);
    const starting: Promise<void>[] = [];
    for (const r of resources) {
      this.#byKind.set(`${r.apiVersion}/${r.kind}`, r);
      const key = `${r.group}/${r.resource}`;
      if (this.#informers.has(key) || ignored.has(r.resource)) continue;
      if (!['list', 'watch', 'delete'].every((v) => r.verbs.includes(v))) continue;
      const informer = new Informer<KubernetesObject>({
        kubeConfig: this.#kc,
        path: collectionPath(r),
        list: () => this.#objects.list(r.apiVersion, r.kind),
        onAdd: (o) => this.#observe(r, o),
        onUpdate: (o) => this.#observe(r, o),
        onDelete: (o) => this.#forget(o),
        ...(this.#logger ? { logger: this.#logger } : {}),
      });
      this.#informers.set(key, informer);
      starting.push(informer.start());
    }
    await Promise.all(starting);
  }

  #observe(resource: DiscoveredResource, obj: KubernetesObject): void {
    const uid = obj.metadata?.uid;
    if (!uid) return;
    const previous = this.#nodes.get(uid);
    for (const ref of previous?.obj.metadata?.ownerReferences ?? []) this.#dependents.get(ref.uid)?.delete(uid);
    this.#nodes.set(uid, { resource, obj });
    for (const ref of obj.metadata?.ownerReferences ?? []) {
      let set = this.#dependents.get(ref.uid);
      if (!set) this.#dependents.set(ref.uid, (set = new Set()));
      set.add(uid);
    }
    this.#queue.add(uid);
  }

  #forget(obj: KubernetesObject): void {
    const uid = obj.metadata?.uid;
    if (!uid) return;
    this.#nodes.delete(uid);
    for (const ref of obj.metadata?.ownerReferences ?? []) {
      this.#dependents.get(ref.uid)?.delete(uid);
      // An owner waiting in the foreground for this dependent may now finish.
      this.#queue.add(ref.uid);
    }
    for (const dep of this.#dependents.get(uid) ?? []) this.#queue.add(dep);
  }

  async #ownerState(dependent: Node, ref: OwnerRef): Promise<OwnerState> {
    const cached = this.#nodes.get(ref.uid);
    const stateOf = (o: KubernetesObject): OwnerState =>
      o.metadata?.deletionTimestamp && o.metadata.finalizers?.includes(foregroundFinalizer) ? 'deleting-foreground' : 'present';
    if (cached) return stateOf(cached.obj);
    const r = this.#byKind.get(`${ref.apiVersion}/${ref.kind}`);
    if (!r) return 'present'; // A kind we cannot resolve: never delete on a guess.
    const namespace = r.namespaced ? dependent.obj.metadata?.namespace : undefined;
    const live = await orUndefined(this.#objects.read({ apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name, ...(namespace ? { namespace } : {}) } }));
    if (live && live.metadata?.uid === ref.uid) return stateOf(live);
    return 'absent';
  }

  async #reconcile(uid: string): Promise<Result> {
    const node = this.#nodes.get(uid);
    if (!node) return done;
    const meta = node.obj.metadata ?? {};
    const obj: GcObject = {
      uid,
      deleting: Boolean(meta.deletionTimestamp),
      finalizers: meta.finalizers ?? [],
      ownerReferences: (meta.ownerReferences ?? []) as OwnerRef[],
    };
    const owners = new Map<string, OwnerState>();
    for (const ref of obj.ownerReferences) owners.set(ref.uid, await this.#ownerState(node, ref));
    const dependents: DependentInfo[] = [];
    for (const depUid of this.#dependents.get(uid) ?? []) {
      const dep = this.#nodes.get(depUid);
      if (!dep) continue;
      const ref = dep.obj.metadata?.ownerReferences?.find((r) => r.uid === uid);
      dependents.push({ key: depUid, blockOwnerDeletion: Boolean(ref?.blockOwnerDeletion), deleting: Boolean(dep.obj.metadata?.deletionTimestamp) });
    }
    const decision = decideGarbageCollection(obj, owners, dependents);
    switch (decision.action) {
      case 'none':
        return done;
      case 'remove-finalizer':
        await this.#patchMeta(node, { finalizers: obj.finalizers.filter((f) => f !== decision.finalizer) });
        return done;
      case 'remove-owner-references':
        await this.#patchMeta(node, { ownerReferences: obj.ownerReferences.filter((r) => !decision.uids.includes(r.uid)) });
        return done;
      case 'orphan-dependents':
        for (const depUid of decision.dependents) {
          const dep = this.#nodes.get(depUid);
          if (dep) await this.#patchMeta(dep, { ownerReferences: (dep.obj.metadata?.ownerReferences ?? []).filter((r) => r.uid !== uid) });
        }
        return requeueAfter(50);
      case 'delete-dependents':
        for (const depUid of decision.dependents) {
          const dep = this.#nodes.get(depUid);
          if (!dep) continue;
          // The cache may be behind: delete only what still names this owner, as it stands now.
          const live = await this.#readLive(dep);
          if (!live?.metadata?.ownerReferences?.some((r) => r.uid === uid)) continue;
          const block = live.metadata.ownerReferences.find((r) => r.uid === uid)?.blockOwnerDeletion;
          // A dependent with dependents of its own is deleted in the foreground too, so that the
          // owner waits for the whole tree; a leaf needs no finalizer to be waited for.
          const hasDependents = (this.#dependents.get(depUid)?.size ?? 0) > 0;
          await this.#delete(dep, live, block && hasDependents ? 'Foreground' : 'Background');
        }
        return requeueAfter(100);
      case 'delete': {
        // Decided from the cache; confirmed on the object as it stands now (its owners may have
        // been removed or replaced by the time the cache shows it).
        const live = await this.#readLive(node);
        if (!live || live.metadata?.deletionTimestamp) return done;
        const liveRefs = (live.metadata?.ownerReferences ?? []) as OwnerRef[];
        const liveOwners = new Map<string, OwnerState>();
        for (const ref of liveRefs) liveOwners.set(ref.uid, await this.#ownerState(node, ref));
        const confirmed = decideGarbageCollection({ ...obj, ownerReferences: liveRefs }, liveOwners, dependents);
        if (confirmed.action !== 'delete') return requeueAfter(50);
        this.#logger?.info({ kind: node.resource.kind, name: meta.name, namespace: meta.namespace }, 'deleting object whose owners are gone');
        const leaf = (this.#dependents.get(uid)?.size ?? 0) === 0;
        await this.#delete(node, live, leaf ? 'Background' : confirmed.propagation);
        return done;
      }
    }
  }

  async #patchMeta(node: Node, metadata: Record<string, unknown>): Promise<void> {
    const meta = node.obj.metadata ?? {};
    try {
      await kube(
        this.#objects.patch(
          { apiVersion: node.resource.apiVersion, kind: node.resource.kind, metadata: { name: meta.name, ...(meta.namespace ? { namespace: meta.namespace } : {}), resourceVersion: meta.resourceVersion, ...metadata } },
          undefined,
          undefined,
          'garbage-collector',
          undefined,
          PatchStrategy.MergePatch,
        ),
      );
    } catch (err) {
      if (toKubeError(err).code !== 'ENOTFOUND') throw err;
    }
  }

  /** The object as the API server has it now; undefined when it is gone or was replaced. */
  async #readLive(node: Node): Promise<KubernetesObject | undefined> {
    const meta = node.obj.metadata ?? {};
    const live = await orUndefined(
      this.#objects.read({ apiVersion: node.resource.apiVersion, kind: node.resource.kind, metadata: { name: meta.name ?? '', ...(meta.namespace ? { namespace: meta.namespace } : {}) } }),
    );
    return live && live.metadata?.uid === meta.uid ? live : undefined;
  }

  /** Deletes `node` as read in `live`: a change since (a new owner, say) makes it a conflict. */
  async #delete(node: Node, live: KubernetesObject, propagationPolicy: 'Background' | 'Foreground'): Promise<void> {
    const meta = node.obj.metadata ?? {};
    try {
      await kube(
        this.#objects.delete(
          { apiVersion: node.resource.apiVersion, kind: node.resource.kind, metadata: { name: meta.name, ...(meta.namespace ? { namespace: meta.namespace } : {}) } },
          undefined,
          undefined,
          undefined,
          undefined,
          propagationPolicy,
          { preconditions: { uid: meta.uid, resourceVersion: live.metadata?.resourceVersion } },
        ),
      );
    } catch (err) {
      const code = toKubeError(err).code;
      if (code !== 'ENOTFOUND' && code !== 'ECONFLICT') throw err;
    }
  }
}
