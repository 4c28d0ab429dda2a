// The manager: owns informers and controllers, starts the caches first and the workers only once
// every cache has synced (so that a reconciler never acts on a partial view), and stops them all.
// With leader election, informers run on every replica and workers only on the leader.
import type { KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { Informer } from '../kube/informer.ts';
import type { LeaderElector } from './leader.ts';
import { type Reconciler, runWorkers } from './reconciler.ts';
import { WorkQueue } from './workqueue.ts';

export interface ControllerRegistration {
  reconciler: Reconciler;
  queue: WorkQueue<string>;
  workers: number;
}

/** The work-queue key of an object: "namespace/name", or "name" for cluster-scoped objects. */
export function objectKey(obj: KubernetesObject | undefined): string {
  const ns = obj?.metadata?.namespace;
  const name = obj?.metadata?.name ?? '';
  return ns ? `${ns}/${name}` : name;
}

export function splitKey(key: string): { namespace: string; name: string } {
  const i = key.indexOf('/');
  return i < 0 ? { namespace: '', name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}

export class Manager {
  readonly #informers: Informer<KubernetesObject>[] = [];
  readonly #controllers: ControllerRegistration[] = [];
  readonly #logger: Logger | undefined;
  #running: Promise<void> | undefined;
  #abort = new AbortController();

  constructor(options: { logger?: Logger } = {}) {
    this.#logger = options.logger;
  }

  addInformer<T extends KubernetesObject>(informer: Informer<T>): Informer<T> {
    this.#informers.push(informer as unknown as Informer<KubernetesObject>);
    return informer;
  }

  /** Registers a reconciler; returns its queue, for event handlers to add keys to. */
  addController(reconciler: Reconciler, workers = 2): WorkQueue<string> {
    const queue = new WorkQueue<string>();
    this.#controllers.push({ reconciler, queue, workers });
    return queue;
  }

  /** Starts informers, waits for their caches, then runs the controllers (under `elector` if given). */
  async start(options: { elector?: LeaderElector } = {}): Promise<void> {
    const signal = this.#abort.signal;
    await Promise.all(this.#informers.map((i) => i.start()));
    this.#logger?.info({ informers: this.#informers.length }, 'caches synced');
    const runAll = (leading: AbortSignal) =>
      Promise.all(
        this.#controllers.map((c) =>
          runWorkers(c.queue, c.reconciler, { workers: c.workers, signal: leading, ...(this.#logger ? { logger: this.#logger.child({ controller: c.reconciler.name }) } : {}) }),
        ),
      ).then(() => undefined);
    if (options.elector) {
      const elector = options.elector;
      this.#running = elector.run(
        {
          onStartedLeading: (leading) => {
            // Keys queued while following are kept; workers start now.
            void runAll(AbortSignal.any([leading, signal]));
          },
        },
        signal,
      );
    } else {
      this.#running = runAll(signal);
    }
  }

  async stop(): Promise<void> {
    this.#abort.abort();
    await Promise.all(this.#informers.map((i) => i.stop()));
    await this.#running;
  }
}
