// The storage engine's public shapes. The engine knows nothing of Kubernetes semantics except
// resourceVersions: uid, timestamps, generation and validation belong to the caller.
import type { KubeObject } from '../types.ts';

/**
 * resource = "<group>/<plural>", the core group spelled "core" ("core/pods",
 * "cdi.kubevirt.io/datavolumes"); namespace '' for cluster-scoped objects.
 */
export interface StoreKey {
  resource: string;
  namespace: string;
  name: string;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/**
 * One change. `object` is frozen and shared by every watcher (never mutate it). For DELETED it
 * is the object as it was when deleted, carrying the deletion's own resourceVersion.
 */
export interface StoreEvent {
  type: WatchEventType;
  key: StoreKey;
  object: KubeObject;
  rv: number;
}

export interface StoreOptions {
  /** Compact the log into a snapshot after this many records (default 50,000). */
  snapshotEveryRecords?: number;
  /** Events kept per resource for watch resumption (default 10,000). */
  watchWindow?: number;
}

export interface WatchOptions {
  /** Deliver events with rv > fromRV first; undefined = only changes from now on. */
  fromRV?: number;
  /** Only events in this namespace; undefined = all namespaces. */
  namespace?: string;
  /** Aborting ends the watch: no event is delivered after the abort. */
  signal: AbortSignal;
}

export interface StoreStats {
  /** Committed (durable and visible) resourceVersion. */
  rv: number;
  /** Log records written since open. */
  records: number;
  /** fdatasync calls on log segments since open: fewer than `records` under concurrency. */
  fsyncs: number;
  /** Snapshots completed since open. */
  snapshots: number;
  /** The last background snapshot failure, cleared by a successful snapshot. */
  lastSnapshotError?: Error;
}
