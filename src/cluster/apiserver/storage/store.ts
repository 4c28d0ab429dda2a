// The embedded API server's storage engine: every object in memory, every acknowledged write
// in an fsynced log, snapshots to compact the log, and per-resource watch windows.
//
// Visibility (what readers see before a write is durable): like etcd, only committed writes.
// A write is validated and given its resourceVersion synchronously, when it is called, against
// the latest state including writes still waiting for their fsync (so two racing creates of one
// key cannot both succeed, and an expectRV check sees the write before it). It becomes visible
// to get/list/watch only when the fsync covering it completes; writes become visible, and
// their events are delivered, strictly in resourceVersion order. So a reader may briefly see
// an object older than a write already accepted, exactly as with a lagging etcd watch: its
// resourceVersion then makes an update conflict, and the caller rereads. A write's event is
// delivered to watchers before its promise resolves.
//
// Sharing: stored objects are deep-frozen and shared by get, list and every watcher. Callers
// must clone (structuredClone) before modifying what they get; the store copies what it is
// given (through its JSON form) so callers may keep modifying their own objects.
import { rm } from 'node:fs/promises';
import type { KubeObject } from '../types.ts';
import { StoreError } from './errors.ts';
import { encodeFrame } from './frame.ts';
import { deepFreeze } from './freeze.ts';
import { encodeLogRecord } from './log-record.ts';
import { LogWriter } from './log-writer.ts';
import type { ObjectIndex } from './object-index.ts';
import { recoverState, type RecoveredState } from './recovery.ts';
import { writeSnapshot } from './snapshot.ts';
import { fsyncDir, listSegments } from './state-dir.ts';
import type { StoreEvent, StoreKey, StoreOptions, StoreStats, WatchEventType, WatchOptions } from './types.ts';
import { WatchCache } from './watch-cache.ts';

const DEFAULT_SNAPSHOT_EVERY_RECORDS = 50_000;
const DEFAULT_WATCH_WINDOW = 10_000;

/** The latest state of a key whose write is accepted but not yet durable (undefined: deleted). */
interface PendingWrite {
  object: KubeObject | undefined;
  rv: number;
}

export class Store {
  readonly #dir: string;
  readonly #snapshotEveryRecords: number;
  readonly #watchWindow: number;
  readonly #index: ObjectIndex;
  readonly #writer: LogWriter;
  readonly #caches = new Map<string, WatchCache>();
  readonly #pending = new Map<string, PendingWrite>();
  /** Watch windows of resources first seen after open start here. */
  readonly #baseRV: number;
  #assignedRV: number;
  #committedRV: number;
  #closing: Promise<void> | undefined;
  #recordsSinceSnapshot: number;
  #snapshotChain: Promise<void> = Promise.resolve();
  #autoSnapshotRunning = false;
  #snapshots = 0;
  #lastSnapshotError: Error | undefined;

  private constructor(dir: string, options: StoreOptions, state: RecoveredState, writer: LogWriter) {
    this.#dir = dir;
    this.#snapshotEveryRecords = options.snapshotEveryRecords ?? DEFAULT_SNAPSHOT_EVERY_RECORDS;
    this.#watchWindow = options.watchWindow ?? DEFAULT_WATCH_WINDOW;
    this.#index = state.index;
    this.#writer = writer;
    this.#baseRV = state.baseRV;
    this.#assignedRV = state.rv;
    this.#committedRV = state.rv;
    this.#recordsSinceSnapshot = state.events.length;
    for (const event of state.events) this.#cacheFor(event.key.resource).record(event);
  }

  /** Recovers the state in `dir` (created if missing). Throws StoreError ESTORECORRUPT on a damaged log. */
  static async open(dir: string, options: StoreOptions = {}): Promise<Store> {
    const state = await recoverState(dir);
    const writer = new LogWriter(dir);
    await writer.start(state.nextSegment);
    const store = new Store(dir, options, state, writer);
    store.#maybeSnapshot();
    return store;
  }

  /** The committed resourceVersion: every write up to it is durable and visible. */
  currentRV(): number {
    this.#assertOpen();
    return this.#committedRV;
  }

  /** The committed object (frozen: clone before modifying), or undefined. */
  get(key: StoreKey): KubeObject | undefined {
    this.#assertOpen();
    return this.#index.get(key);
  }

  /** Committed objects sorted by namespace then name (frozen), and the rv they reflect. */
  list(resource: string, namespace?: string): { items: KubeObject[]; rv: number } {
    this.#assertOpen();
    return { items: this.#index.list(resource, namespace), rv: this.#committedRV };
  }

  /** Stores a new object; resolves with the stored (frozen) copy once durable. EEXISTS. */
  async create(key: StoreKey, obj: KubeObject): Promise<KubeObject> {
    this.#assertWritable(key, obj);
    if (this.#latest(key) !== undefined) {
      throw new StoreError('EEXISTS', `${describe(key)} already exists`);
    }
    return this.#write('ADDED', key, obj);
  }

  /** Replaces an object. ENOTFOUND; ECONFLICT when `expectRV` is not its resourceVersion. */
  async update(key: StoreKey, obj: KubeObject, opts: { expectRV?: string } = {}): Promise<KubeObject> {
    this.#assertWritable(key, obj);
    const current = this.#latest(key);
    if (current === undefined) throw new StoreError('ENOTFOUND', `${describe(key)} not found`);
    if (opts.expectRV !== undefined && current.metadata.resourceVersion !== opts.expectRV) {
      throw conflict(key, `resourceVersion is ${current.metadata.resourceVersion}, not ${opts.expectRV}`);
    }
    return this.#write('MODIFIED', key, obj);
  }

  /** Removes an object; resolves with it as deleted, carrying the deletion's resourceVersion. */
  async delete(key: StoreKey, opts: { expectRV?: string; expectUID?: string } = {}): Promise<KubeObject> {
    this.#assertWritable(key, undefined);
    const current = this.#latest(key);
    if (current === undefined) throw new StoreError('ENOTFOUND', `${describe(key)} not found`);
    if (opts.expectRV !== undefined && current.metadata.resourceVersion !== opts.expectRV) {
      throw conflict(key, `resourceVersion is ${current.metadata.resourceVersion}, not ${opts.expectRV}`);
    }
    if (opts.expectUID !== undefined && current.metadata.uid !== opts.expectUID) {
      throw conflict(key, `uid is ${String(current.metadata.uid)}, not ${opts.expectUID}`);
    }
    return this.#write('DELETED', key, current);
  }

  /**
   * Events for `resource` (one namespace if given) with rv > fromRV, in order, then live ones;
   * fromRV undefined = live ones only. Throws StoreError EGONE synchronously when fromRV is
   * older than the watch window. `onEvent` gets shared frozen events, is never called from
   * inside `watch()`, must not block, and ends its watch by throwing.
   */
  watch(resource: string, opts: WatchOptions, onEvent: (e: StoreEvent) => void): void {
    this.#assertOpen();
    this.#cacheFor(resource).watch(opts.fromRV, opts.namespace, opts.signal, onEvent);
  }

  /** The oldest rv a watch of `resource` can resume from right now. */
  oldestWatchRV(resource: string): number {
    this.#assertOpen();
    return this.#caches.get(resource)?.oldestRV ?? this.#baseRV;
  }

  /** Writes a snapshot covering every write acknowledged before the call, then drops old log segments. */
  snapshotNow(): Promise<void> {
    if (this.#closing !== undefined) return Promise.reject(closedError());
    const run = this.#snapshotChain.then(() => this.#takeSnapshot());
    this.#snapshotChain = run.catch(() => undefined);
    return run;
  }

  stats(): StoreStats {
    const stats: StoreStats = {
      rv: this.#committedRV,
      records: this.#writer.records,
      fsyncs: this.#writer.fsyncs,
      snapshots: this.#snapshots,
    };
    if (this.#lastSnapshotError !== undefined) stats.lastSnapshotError = this.#lastSnapshotError;
    return stats;
  }

  /** Waits for accepted writes and a running snapshot, closes files and ends every watch. */
  close(): Promise<void> {
    if (this.#closing !== undefined) return Promise.reject(closedError());
    this.#closing = (async () => {
      await this.#snapshotChain;
      await this.#writer.close();
      for (const cache of this.#caches.values()) cache.stopAll();
    })();
    return this.#closing;
  }

  async #write(type: WatchEventType, key: StoreKey, obj: KubeObject): Promise<KubeObject> {
    if (this.#writer.failure !== undefined) throw this.#writer.failure;
    const rv = ++this.#assignedRV;
    const objectJson = JSON.stringify({ ...obj, metadata: { ...obj.metadata, resourceVersion: String(rv) } });
    const stored = deepFreeze(JSON.parse(objectJson) as KubeObject);
    const storedKey: StoreKey = Object.freeze({ resource: key.resource, namespace: key.namespace, name: key.name });
    const id = keyId(key);
    this.#pending.set(id, { object: type === 'DELETED' ? undefined : stored, rv });
    const frame = encodeFrame(encodeLogRecord(type, rv, storedKey, objectJson));
    this.#recordsSinceSnapshot++;
    const durable = this.#writer.append(frame, () => this.#commit(type, storedKey, id, stored, rv));
    this.#maybeSnapshot();
    await durable;
    return stored;
  }

  /** Runs in rv order as each write becomes durable (LogWriter's contract). */
  #commit(type: WatchEventType, key: StoreKey, id: string, object: KubeObject, rv: number): void {
    if (type === 'DELETED') this.#index.delete(key);
    else this.#index.set(key, object);
    this.#committedRV = rv;
    if (this.#pending.get(id)?.rv === rv) this.#pending.delete(id);
    this.#cacheFor(key.resource).record(Object.freeze({ type, key, object, rv }));
  }

  /** The latest accepted state of `key`, durable or not: what preconditions are checked against. */
  #latest(key: StoreKey): KubeObject | undefined {
    const pending = this.#pending.get(keyId(key));
    return pending !== undefined ? pending.object : this.#index.get(key);
  }

  async #takeSnapshot(): Promise<void> {
    this.#recordsSinceSnapshot = 0;
    let captured: { rv: number; objects: ReturnType<ObjectIndex['entries']> } | undefined;
    // Captured inside the rotation: exactly the writes in the segments before `nextSegment`.
    const nextSegment = await this.#writer.rotate(() => {
      captured = { rv: this.#committedRV, objects: this.#index.entries() };
    });
    if (captured === undefined) throw new Error('log rotation did not capture the state');
    await writeSnapshot(this.#dir, { v: 1, rv: captured.rv, nextSegment }, captured.objects);
    for (const segment of await listSegments(this.#dir)) {
      if (segment.seq < nextSegment) await rm(segment.path, { force: true });
    }
    await fsyncDir(this.#dir);
    this.#snapshots++;
    this.#lastSnapshotError = undefined;
  }

  #maybeSnapshot(): void {
    if (this.#autoSnapshotRunning || this.#closing !== undefined) return;
    if (this.#recordsSinceSnapshot < this.#snapshotEveryRecords) return;
    this.#autoSnapshotRunning = true;
    // A failed snapshot loses nothing (the log still holds every write); it is retried later.
    this.snapshotNow()
      .catch((err: unknown) => {
        this.#lastSnapshotError = err instanceof Error ? err : new Error(String(err));
      })
      .finally(() => {
        this.#autoSnapshotRunning = false;
      });
  }

  #cacheFor(resource: string): WatchCache {
    let cache = this.#caches.get(resource);
    if (cache === undefined) {
      cache = new WatchCache(resource, this.#baseRV, this.#watchWindow);
      this.#caches.set(resource, cache);
    }
    return cache;
  }

  #assertOpen(): void {
    if (this.#closing !== undefined) throw closedError();
  }

  #assertWritable(key: StoreKey, obj: KubeObject | undefined): void {
    this.#assertOpen();
    if (!key.resource || !key.name || typeof key.namespace !== 'string') {
      throw new TypeError(`invalid store key ${JSON.stringify(key)}: resource and name are required`);
    }
    if (obj !== undefined && (obj === null || typeof obj.metadata !== 'object' || obj.metadata === null)) {
      throw new TypeError(`object for ${describe(key)} has no metadata`);
    }
  }
}

function keyId(key: StoreKey): string {
  return `${key.resource}\u0000${key.namespace}\u0000${key.name}`;
}

function describe(key: StoreKey): string {
  return key.namespace === '' ? `${key.resource} "${key.name}"` : `${key.resource} "${key.namespace}/${key.name}"`;
}

function conflict(key: StoreKey, detail: string): StoreError {
  return new StoreError(
    'ECONFLICT',
    `Operation cannot be fulfilled on ${describe(key)}: the object has been modified; ` +
      `please apply your changes to the latest version and try again (${detail})`,
  );
}

function closedError(): StoreError {
  return new StoreError('ECLOSED', 'the store is closed');
}
