// The JSON payload of one log record and of one snapshot record. Kept short because every
// acknowledged write serialises one: the object's JSON is spliced in as-is, not re-encoded.
import type { KubeObject } from '../types.ts';
import type { StoreKey, WatchEventType } from './types.ts';

/** t: A(dded) / M(odified) / D(eleted); r/ns/n: the key; o: the object as stored. */
export interface LogRecord {
  t: 'A' | 'M' | 'D';
  rv: number;
  r: string;
  ns: string;
  n: string;
  o: KubeObject;
}

const TYPE_LETTER = { ADDED: 'A', MODIFIED: 'M', DELETED: 'D' } as const satisfies Record<WatchEventType, LogRecord['t']>;
const LETTER_TYPE = { A: 'ADDED', M: 'MODIFIED', D: 'DELETED' } as const satisfies Record<LogRecord['t'], WatchEventType>;

/** `objectJson` must be the JSON of the stored object (already carrying its resourceVersion). */
export function encodeLogRecord(type: WatchEventType, rv: number, key: StoreKey, objectJson: string): string {
  return `{"t":"${TYPE_LETTER[type]}","rv":${rv},"r":${JSON.stringify(key.resource)},"ns":${JSON.stringify(key.namespace)},"n":${JSON.stringify(key.name)},"o":${objectJson}}`;
}

/** Parses and shape-checks a record; returns a reason string when the payload is not one. */
export function decodeLogRecord(payload: string): LogRecord | string {
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch (err) {
    return `record is not JSON: ${(err as Error).message}`;
  }
  const rec = value as Partial<LogRecord> | null;
  if (
    rec === null || typeof rec !== 'object' ||
    (rec.t !== 'A' && rec.t !== 'M' && rec.t !== 'D') ||
    typeof rec.rv !== 'number' || !Number.isSafeInteger(rec.rv) || rec.rv <= 0 ||
    typeof rec.r !== 'string' || typeof rec.ns !== 'string' || typeof rec.n !== 'string' ||
    rec.o === null || typeof rec.o !== 'object' || typeof rec.o.metadata !== 'object'
  ) {
    return 'record does not have the shape {t, rv, r, ns, n, o}';
  }
  return rec as LogRecord;
}

export function eventTypeOf(rec: LogRecord): WatchEventType {
  return LETTER_TYPE[rec.t];
}

/** Snapshot file: a header record, then one record per object. */
export interface SnapshotHeader {
  v: 1;
  /** Committed resourceVersion the snapshot reflects. */
  rv: number;
  /** Log segments with this sequence number or higher hold the changes after `rv`. */
  nextSegment: number;
}

export interface SnapshotEntry {
  r: string;
  ns: string;
  n: string;
  o: KubeObject;
}
