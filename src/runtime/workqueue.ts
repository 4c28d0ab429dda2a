// The work queue controllers run on (client-go's workqueue semantics):
// 1. A key waiting in the queue is there once, however often it is added (dedup).
// 2. A key is never handed to two workers at once: adding a key that is being processed marks it
//    dirty, and it goes back into the queue when its worker calls done().
// 3. addAfter delays an add; addRateLimited delays it by the key's backoff, which grows with each
//    consecutive failure until forget(key) resets it.
// 4. get() waits for a key; after shutdown() it resolves undefined once the queue has drained.
import { type BackoffPolicy, backoffDelay, defaultBackoff } from './backoff.ts';
import { type Clock, systemClock } from './clock.ts';

export interface WorkQueueOptions {
  clock?: Clock;
  backoff?: BackoffPolicy;
}

export class WorkQueue<K = string> {
  readonly #clock: Clock;
  readonly #backoff: BackoffPolicy;
  readonly #queue: K[] = [];
  readonly #queued = new Set<K>();
  readonly #processing = new Set<K>();
  readonly #dirty = new Set<K>();
  readonly #failures = new Map<K, number>();
  readonly #delayed = new Map<K, { due: number; cancel: () => void }>();
  readonly #waiters: ((key: K | undefined) => void)[] = [];
  #shuttingDown = false;

  constructor(options: WorkQueueOptions = {}) {
    this.#clock = options.clock ?? systemClock;
    this.#backoff = options.backoff ?? defaultBackoff;
  }

  add(key: K): void {
    if (this.#shuttingDown) return;
    if (this.#processing.has(key)) {
      this.#dirty.add(key);
      return;
    }
    if (this.#queued.has(key)) return;
    const waiter = this.#waiters.shift();
    if (waiter) {
      this.#processing.add(key);
      waiter(key);
      return;
    }
    this.#queued.add(key);
    this.#queue.push(key);
  }

  /** Adds `key` after `ms`; an earlier pending delayed add of the same key wins. */
  addAfter(key: K, ms: number): void {
    if (this.#shuttingDown) return;
    if (ms <= 0) {
      this.add(key);
      return;
    }
    const due = this.#clock.now() + ms;
    const pending = this.#delayed.get(key);
    if (pending && pending.due <= due) return;
    pending?.cancel();
    const cancel = this.#clock.setTimer(() => {
      this.#delayed.delete(key);
      this.add(key);
    }, ms);
    this.#delayed.set(key, { due, cancel });
  }

  /** Adds `key` after its backoff, and counts one more consecutive failure for it. */
  addRateLimited(key: K): number {
    const failures = (this.#failures.get(key) ?? 0) + 1;
    this.#failures.set(key, failures);
    const delay = backoffDelay(this.#backoff, failures);
    this.addAfter(key, delay);
    return delay;
  }

  /** Resets the key's backoff (after a success). */
  forget(key: K): void {
    this.#failures.delete(key);
  }

  failures(key: K): number {
    return this.#failures.get(key) ?? 0;
  }

  /** Waits for the next key; undefined once shut down and drained. */
  get(): Promise<K | undefined> {
    const key = this.#queue.shift();
    if (key !== undefined) {
      this.#queued.delete(key);
      this.#processing.add(key);
      return Promise.resolve(key);
    }
    if (this.#shuttingDown) return Promise.resolve(undefined);
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Marks the key's processing finished; re-queues it if it was added meanwhile. */
  done(key: K): void {
    this.#processing.delete(key);
    if (this.#dirty.delete(key)) this.add(key);
  }

  len(): number {
    return this.#queue.length;
  }

  shutdown(): void {
    this.#shuttingDown = true;
    for (const { cancel } of this.#delayed.values()) cancel();
    this.#delayed.clear();
    for (const waiter of this.#waiters.splice(0)) waiter(undefined);
  }

  isShuttingDown(): boolean {
    return this.#shuttingDown;
  }
}
