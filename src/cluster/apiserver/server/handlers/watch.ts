// watch: a chunked JSON stream, one `{"type":...,"object":...}` per line.
//
// Start: resourceVersion unset or "0" = a synthetic ADDED per current object, then live events;
// N = every event after N (an ERROR event carrying a 410 Expired Status when N has left the
// watch window, so that reflectors relist). sendInitialEvents=true (watch-list) adds the
// initial-events-end BOOKMARK. Selectors filter events; an object that stops matching is sent
// as DELETED, one that starts matching as ADDED. The stream ends at timeoutSeconds, when the
// client goes away, or when the server closes.
import type { StoreEvent } from '../../storage/index.ts';
import { StoreError } from '../../storage/index.ts';
import type { KubeObject } from '../../types.ts';
import type { ResourceRequest } from '../context.ts';
import { filterFromQuery } from '../filter.ts';
import { presentObject } from '../present.ts';
import { apiVersionOf } from '../registry.ts';
import { badRequest, type StatusObject } from '../status.ts';

const WATCH_ENDED = new Error('watch ended');

/** A client that lets this much output pile up is too slow: its watch is ended (it will rewatch). */
const MAX_BUFFERED_BYTES = 64 * 1024 * 1024;

/** kube-apiserver's default watch length is a random 30-60 minutes (--min-request-timeout 1800). */
function defaultTimeoutMs(): number {
  return (1800 + Math.random() * 1800) * 1000;
}

/**
 * Encoded events by stored object (frozen and shared by every watcher) and type/version: N
 * watchers of one kind serialize each event once, not N times.
 */
const encodedEvents = new WeakMap<KubeObject, Map<string, string>>();

function encodedEvent(type: string, obj: KubeObject, versionKey: string, present: () => unknown): string {
  let byKey = encodedEvents.get(obj);
  if (byKey === undefined) {
    byKey = new Map();
    encodedEvents.set(obj, byKey);
  }
  const key = `${type} ${versionKey}`;
  let line = byKey.get(key);
  if (line === undefined) {
    line = JSON.stringify({ type, object: present() });
    byKey.set(key, line);
  }
  return line;
}

export function handleWatch(rr: ResourceRequest): void {
  const { ctx, served, query, res } = rr;
  const rvParam = query.get('resourceVersion') ?? '';
  let fromRV: number | undefined;
  if (rvParam !== '' && rvParam !== '0') {
    fromRV = Number(rvParam);
    if (!Number.isInteger(fromRV) || fromRV < 0) throw badRequest(`resourceVersion: Invalid value: "${rvParam}": must be an integer`);
  }
  const sendInitialEvents = query.get('sendInitialEvents') === 'true';
  const allowBookmarks = query.get('allowWatchBookmarks') === 'true';
  const timeoutText = query.get('timeoutSeconds');
  const timeoutMs = timeoutText !== null && timeoutText !== '' ? Number(timeoutText) * 1000 : defaultTimeoutMs();
  if (!Number.isFinite(timeoutMs) || timeoutMs < 0) throw badRequest(`timeoutSeconds: Invalid value: "${timeoutText}"`);
  let filter = filterFromQuery(served, query);
  if (rr.info.name !== '') {
    const name = rr.info.name;
    const inner = filter;
    filter = (o) => o.metadata.name === name && (inner === undefined || inner(o));
  }
  const namespace = served.namespaced && rr.info.namespace !== '' ? rr.info.namespace : undefined;

  const abort = new AbortController();
  let bookmarks: NodeJS.Timeout | undefined;
  // Events not flushed yet (see sendLine) go out with the end of the stream.
  let pending = '';
  const end = (): void => {
    if (abort.signal.aborted) return;
    abort.abort(WATCH_ENDED);
    clearTimeout(timer);
    clearInterval(bookmarks);
    const rest = pending;
    pending = '';
    if (!res.writableEnded && !res.destroyed) res.end(rest);
  };
  rr.signal.addEventListener('abort', end, { once: true });
  res.on('close', end);
  const timer = setTimeout(end, timeoutMs);

  res.writeHead(200, {
    'Content-Type': 'application/json',
    'Cache-Control': 'no-cache, private',
    'Transfer-Encoding': 'chunked',
  });
  res.flushHeaders();

  let first = true;
  let lastRV = 0;
  /** Keys known to match the filter, to turn "stopped matching" into DELETED. */
  const matching = new Set<string>();
  // Events committed together (one group commit) go out as one chunk: one TLS record, one syscall.
  const flush = (): void => {
    const text = pending;
    pending = '';
    if (abort.signal.aborted || text === '') return;
    const ok = res.write(text);
    if (!ok && res.writableLength > MAX_BUFFERED_BYTES) end();
  };
  const sendLine = (line: string): void => {
    if (abort.signal.aborted) return;
    if (pending === '') setImmediate(flush);
    pending += line;
  };
  const send = (type: string, object: unknown): void => sendLine(`${JSON.stringify({ type, object })}\n`);
  const plainObjects = rr.negotiated.format === 'object';
  const versionKey = `${served.group}/${served.version}`;
  const sendObject = (type: string, obj: KubeObject): void => {
    if (plainObjects) {
      sendLine(`${encodedEvent(type, obj, versionKey, () => presentObject(rr, obj))}\n`);
      return;
    }
    send(type, presentObject(rr, obj, first));
    first = false;
  };
  const bookmark = (rv: number, initialEventsEnd: boolean): void => {
    const metadata: Record<string, unknown> = { resourceVersion: String(rv) };
    if (initialEventsEnd) metadata['annotations'] = { 'k8s.io/initial-events-end': 'true' };
    send('BOOKMARK', { kind: served.kind, apiVersion: apiVersionOf(served.group, served.version), metadata });
  };
  const keyOf = (o: KubeObject): string => `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;

  const onEvent = (event: StoreEvent): void => {
    lastRV = event.rv;
    const obj = event.object;
    if (filter === undefined) {
      sendObject(event.type, obj);
      return;
    }
    const key = keyOf(obj);
    const matches = event.type !== 'DELETED' && filter(obj);
    if (matches) {
      const type = matching.has(key) ? 'MODIFIED' : 'ADDED';
      matching.add(key);
      sendObject(type, obj);
    } else if (matching.delete(key) || (event.type === 'DELETED' && filter(obj))) {
      sendObject('DELETED', obj);
    }
  };

  let startRV: number;
  if (fromRV === undefined) {
    // Initial state and the watch are taken in the same synchronous step: nothing falls between.
    const { items, rv } = ctx.store.list(served.storageResource, namespace);
    startRV = rv;
    for (const obj of items) {
      if (filter !== undefined && !filter(obj)) continue;
      if (filter !== undefined) matching.add(keyOf(obj));
      sendObject('ADDED', obj);
    }
    lastRV = rv;
    if (sendInitialEvents && allowBookmarks) bookmark(rv, true);
  } else {
    startRV = fromRV;
    lastRV = fromRV;
    if (filter !== undefined) {
      for (const obj of ctx.store.list(served.storageResource, namespace).items) if (filter(obj)) matching.add(keyOf(obj));
    }
  }
  try {
    ctx.store.watch(served.storageResource, { fromRV: startRV, ...(namespace === undefined ? {} : { namespace }), signal: abort.signal }, onEvent);
  } catch (err) {
    if (err instanceof StoreError && err.code === 'EGONE') {
      const status: StatusObject = {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: `too old resource version: ${startRV} (${err.oldestRV ?? ctx.store.currentRV()})`,
        reason: 'Expired',
        code: 410,
      };
      send('ERROR', status);
      end();
      return;
    }
    end();
    throw err;
  }
  if (allowBookmarks && !abort.signal.aborted) {
    // Every event up to the store's committed rv has been delivered (delivery is synchronous
    // at commit), so that rv is a safe point to resume from.
    bookmarks = setInterval(() => bookmark(Math.max(lastRV, ctx.store.currentRV()), false), ctx.bookmarkIntervalMs);
  }
}
