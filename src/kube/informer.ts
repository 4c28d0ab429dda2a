// An informer that does not stay dead: client-node's ListWatch stops for good after a list or
// watch error; this wrapper starts it again with a growing delay (reset once connected), and
// tells when its cache has synced so that a manager starts workers only after that.
import { type KubeConfig, type KubernetesListObject, type KubernetesObject, ListWatch, Watch } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { type BackoffPolicy, backoffDelay } from '../runtime/backoff.ts';
import { type Clock, systemClock } from '../runtime/clock.ts';

export interface InformerHandlers<T extends KubernetesObject> {
  onAdd?: (obj: T) => void;
  onUpdate?: (obj: T) => void;
  onDelete?: (obj: T) => void;
}

export interface InformerOptions<T extends KubernetesObject> extends InformerHandlers<T> {
  kubeConfig: KubeConfig;
  /** The collection path, e.g. `/api/v1/persistentvolumeclaims` or `/apis/cdi.kubevirt.io/v1beta1/datavolumes`. */
  path: string;
  list: () => Promise<KubernetesListObject<T>>;
  labelSelector?: string;
  fieldSelector?: string;
  logger?: Logger;
  clock?: Clock;
  restartBackoff?: BackoffPolicy;
}

export interface ObjectStore<T> {
  get(name: string, namespace?: string): T | undefined;
  list(namespace?: string): readonly T[];
}

export class Informer<T extends KubernetesObject> implements ObjectStore<T> {
  readonly #options: InformerOptions<T>;
  readonly #clock: Clock;
  readonly #backoff: BackoffPolicy;
  #listWatch: ListWatch<T> | undefined;
  #failures = 0;
  #stopped = false;
  #cancelRestart: (() => void) | undefined;
  #synced = false;
  #syncWaiters: (() => void)[] = [];

  constructor(options: InformerOptions<T>) {
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#backoff = options.restartBackoff ?? { baseMs: 200, maxMs: 30_000 };
  }

  /** Starts listing and watching; resolves once the first list is in the cache. */
  async start(): Promise<void> {
    this.#stopped = false;
    const o = this.#options;
    const lw = new ListWatch<T>(o.path, new Watch(o.kubeConfig), o.list, false, o.labelSelector, o.fieldSelector);
    this.#listWatch = lw;
    if (o.onAdd) lw.on('add', o.onAdd);
    if (o.onUpdate) lw.on('update', o.onUpdate);
    if (o.onDelete) lw.on('delete', o.onDelete);
    lw.on('connect', () => {
      this.#failures = 0;
    });
    lw.on('error', (err: unknown) => this.#restartLater(err));
    this.#startListWatch(lw);
    await this.hasSynced();
  }

  #startListWatch(lw: ListWatch<T>): void {
    lw.start().then(
      () => {
        // start() resolves after the list is in the cache and the watch is open; when the list
        // failed, 'error' has fired instead and the cache is not yet synced.
        if (lw.latestResourceVersion()) this.#markSynced();
      },
      (err: unknown) => this.#restartLater(err),
    );
  }

  #markSynced(): void {
    if (this.#synced) return;
    this.#synced = true;
    for (const w of this.#syncWaiters.splice(0)) w();
  }

  #restartLater(err: unknown): void {
    if (this.#stopped || this.#cancelRestart) return;
    this.#failures++;
    const delay = backoffDelay(this.#backoff, this.#failures);
    this.#options.logger?.warn({ path: this.#options.path, err: err instanceof Error ? err.message : String(err), retryInMs: delay }, 'informer stopped, restarting');
    this.#cancelRestart = this.#clock.setTimer(() => {
      this.#cancelRestart = undefined;
      const lw = this.#listWatch;
      if (!this.#stopped && lw) this.#startListWatch(lw);
    }, delay);
  }

  hasSynced(): Promise<void> {
    if (this.#synced) return Promise.resolve();
    return new Promise((resolve) => this.#syncWaiters.push(resolve));
  }

  get(name: string, namespace?: string): T | undefined {
    return this.#listWatch?.get(name, namespace);
  }

  list(namespace?: string): readonly T[] {
    return this.#listWatch?.list(namespace) ?? [];
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#cancelRestart?.();
    this.#cancelRestart = undefined;
    await this.#listWatch?.stop();
  }
}
