// One resource's window of recent events and its live watchers.
//
// Contract: every event with rv > `oldestRV` is held, in rv order, so a watch can resume from
// any rv >= oldestRV; an older rv gets EGONE (the API server's 410 Expired). Watchers get the
// same frozen event objects, in rv order, never from inside `watch()` itself (replay starts in
// a microtask), and nothing after their signal aborts. A watcher whose callback throws is
// dropped: delivery to the others must not depend on one bad consumer.
import { StoreError } from './errors.ts';
import type { StoreEvent } from './types.ts';

interface Watcher {
  namespace: string | undefined;
  onEvent: (e: StoreEvent) => void;
  /** Events waiting while the replay has not started yet; undefined once live. */
  backlog: StoreEvent[] | undefined;
  stop: () => void;
}

/** Compact the array once this many dropped events sit at its front. */
const COMPACT_AFTER = 4096;

export class WatchCache {
  readonly resource: string;
  readonly #capacity: number;
  #events: StoreEvent[] = [];
  #head = 0;
  #oldestRV: number;
  readonly #watchers = new Set<Watcher>();

  /** `startRV`: the rv from which this cache has seen every event of the resource. */
  constructor(resource: string, startRV: number, capacity: number) {
    this.resource = resource;
    this.#oldestRV = startRV;
    this.#capacity = Math.max(1, capacity);
  }

  get oldestRV(): number {
    return this.#oldestRV;
  }

  get size(): number {
    return this.#events.length - this.#head;
  }

  get watcherCount(): number {
    return this.#watchers.size;
  }

  /** Adds an event (rv above every held one) to the window and hands it to live watchers. */
  record(event: StoreEvent): void {
    this.#events.push(event);
    if (this.#events.length - this.#head > this.#capacity) {
      this.#oldestRV = this.#events[this.#head]!.rv;
      this.#head++;
      if (this.#head >= COMPACT_AFTER && this.#head * 2 >= this.#events.length) {
        this.#events = this.#events.slice(this.#head);
        this.#head = 0;
      }
    }
    for (const watcher of this.#watchers) {
      if (watcher.namespace !== undefined && watcher.namespace !== event.key.namespace) continue;
      if (watcher.backlog === undefined) deliver(watcher, event);
      // A watch registered by a callback during this loop already holds `event` in its backlog.
      else if (watcher.backlog.at(-1) !== event) watcher.backlog.push(event);
    }
  }

  /**
   * Registers a watcher that first gets held events with rv > `fromRV` (undefined: none; only
   * live ones), then live events. Throws EGONE when `fromRV` is older than the window.
   */
  watch(fromRV: number | undefined, namespace: string | undefined, signal: AbortSignal, onEvent: (e: StoreEvent) => void): void {
    if (fromRV !== undefined && fromRV < this.#oldestRV) {
      throw new StoreError(
        'EGONE',
        `too old resource version: ${fromRV} (${this.#oldestRV}) for ${this.resource}`,
        { oldestRV: this.#oldestRV },
      );
    }
    if (signal.aborted) return;
    const backlog: StoreEvent[] = [];
    if (fromRV !== undefined) {
      for (let i = this.#firstIndexAfter(fromRV); i < this.#events.length; i++) {
        const event = this.#events[i]!;
        if (namespace === undefined || event.key.namespace === namespace) backlog.push(event);
      }
    }
    const watcher: Watcher = {
      namespace,
      onEvent,
      backlog,
      stop: () => {
        this.#watchers.delete(watcher);
        watcher.backlog = undefined;
        signal.removeEventListener('abort', watcher.stop);
      },
    };
    this.#watchers.add(watcher);
    signal.addEventListener('abort', watcher.stop, { once: true });
    queueMicrotask(() => {
      // The backlog can grow while it is replayed (a callback may cause writes that commit).
      for (let i = 0; watcher.backlog !== undefined && i < watcher.backlog.length; i++) {
        deliver(watcher, watcher.backlog[i]!);
      }
      if (this.#watchers.has(watcher)) watcher.backlog = undefined;
    });
  }

  /** Ends every watch (store closing). */
  stopAll(): void {
    for (const watcher of [...this.#watchers]) watcher.stop();
  }

  #firstIndexAfter(rv: number): number {
    let lo = this.#head;
    let hi = this.#events.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#events[mid]!.rv <= rv) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

function deliver(watcher: Watcher, event: StoreEvent): void {
  try {
    watcher.onEvent(event);
  } catch (_err) {
    watcher.stop();
  }
}
