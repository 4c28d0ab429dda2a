/**
 * The HTTP(S) Source: HEAD probing, streaming with resume-by-range, random reads, and a
 * fetch-ahead of parallel range requests for big objects on servers that allow it.
 *
 * Resume contract: every request after the first carries If-Range with the validator learnt from
 * the first answer (a strong ETag, else Last-Modified), and every answer's ETag is compared with
 * it, so a changed object fails with ESOURCECHANGED instead of splicing two versions. A server
 * that ignores Range is read again from byte 0 and the bytes already delivered are skipped.
 */
import type { Dispatcher } from 'undici';
import { DataPlaneError, redactUrl } from '../errors.ts';
import { DEFAULT_RETRY_POLICY, decideRetry, parseRetryAfter, realSleep, type RetryPolicy, type Sleep } from '../retry.ts';
import type { Source, SourceInfo } from '../source.ts';
import { createDispatcher, exchange, header, release, type Exchange, type ExchangeTimeouts, type RequestHeaders } from './http-exchange.ts';
import { recycleChunk, socketExchange, type SocketExchange } from './socket-exchange.ts';
import { networkError, statusError } from './http-failures.ts';
import { fetchAhead } from './fetch-ahead.ts';

export interface HttpSourceOptions {
  url: string;
  basicAuth?: { username: string; password: string };
  extraHeaders?: Record<string, string>;
  /** Values never logged nor put in messages; like basic auth, not sent to another host. */
  secretHeaders?: Record<string, string>;
  /** An extra CA (PEM), trusted in addition to the default roots. */
  caPem?: string;
  insecureSkipVerify?: boolean;
  proxy?: { http?: string; https?: string; noProxy?: string };
  retry?: RetryPolicy;
  userAgent?: string;
  /** Concurrent range requests in stream()'s fetch-ahead; 1 disables it. Default 1 (see fetch-ahead.ts). */
  parallel?: number;
  /** Bytes per range request in the fetch-ahead. Default 8 MiB. */
  chunkSize?: number;
  timeouts?: Partial<ExchangeTimeouts> & { connectMs?: number };
  /**
   * The object's identity as recorded by an earlier attempt (e.g. a previous importer pod), so
   * that a resume after a restart still detects a changed object (ESOURCECHANGED).
   */
  expected?: { etag?: string; lastModified?: string; size?: number };
  /** Injected for tests: backoff sleeps and jitter. */
  sleep?: Sleep;
  random?: () => number;
  /** Called before each backoff sleep (for logs and metrics). */
  onRetry?: (event: { attempt: number; delayMs: number; error: DataPlaneError }) => void;
}

export const DEFAULT_USER_AGENT = 'ferry-importer';

/** An answer from either client (undici, or the plain-http socket path). */
interface Answer {
  status: number;
  headers: Exchange['headers'];
  url: URL;
  body: AsyncIterable<Uint8Array>;
  /** Stops reading the body and frees the connection; idempotent. */
  release(): void;
}

function toAnswer(ex: Exchange | SocketExchange): Answer {
  if ('release' in ex.body) {
    const body = ex.body;
    return { status: ex.status, headers: ex.headers, url: ex.url, body, release: () => body.release() };
  }
  const body = ex.body;
  return { status: ex.status, headers: ex.headers, url: ex.url, body: body as AsyncIterable<Uint8Array>, release: () => release(body) };
}

/** A validator usable in If-Range: strong ETags only (RFC 9110 §13.1.5), else Last-Modified. */
function ifRangeValidator(etag: string | undefined, lastModified: string | undefined): string | undefined {
  if (etag !== undefined && !etag.startsWith('W/')) return etag;
  return lastModified;
}

export function createHttpSource(opts: HttpSourceOptions): Source {
  let url: URL;
  try {
    url = new URL(opts.url);
  } catch (err) {
    throw new DataPlaneError('EINVALIDSOURCE', `invalid URL ${redactUrl(opts.url)}: check spec.source.http.url`, { cause: err });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new DataPlaneError('EINVALIDSOURCE', `unsupported scheme ${url.protocol} in ${redactUrl(url)}: use http or https`);
  }
  // Credentials in the URL become basic auth, and leave the URL (so they are never sent elsewhere).
  let basicAuth = opts.basicAuth;
  if (url.username !== '' && basicAuth === undefined) {
    basicAuth = { username: decodeURIComponent(url.username), password: decodeURIComponent(url.password) };
  }
  url.username = '';
  url.password = '';

  const policy = opts.retry ?? DEFAULT_RETRY_POLICY;
  const sleep = opts.sleep ?? realSleep;
  const random = opts.random ?? Math.random;
  const timeouts: ExchangeTimeouts = { headersMs: opts.timeouts?.headersMs ?? 60_000, bodyMs: opts.timeouts?.bodyMs ?? 60_000 };
  // Header names are case-insensitive: lower-case them so a user's "User-Agent" replaces ours.
  const lower = (h: Record<string, string> | undefined): Record<string, string> =>
    Object.fromEntries(Object.entries(h ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  const plain: Record<string, string> = { 'user-agent': opts.userAgent ?? DEFAULT_USER_AGENT, ...lower(opts.extraHeaders) };
  const sensitive: Record<string, string> = lower(opts.secretHeaders);
  if (basicAuth !== undefined) {
    sensitive.authorization = 'Basic ' + Buffer.from(`${basicAuth.username}:${basicAuth.password}`).toString('base64');
  }
  const description = `http source ${redactUrl(url)}`;
  const parallel = Math.max(1, opts.parallel ?? 1);
  const chunkSize = Math.max(64 * 1024, opts.chunkSize ?? 8 * 1024 * 1024);

  // Created lazily: constructors do no I/O, and a dispatcher holds sockets.
  let dispatcher: Dispatcher | undefined;
  const getDispatcher = (): Dispatcher =>
    (dispatcher ??= createDispatcher({
      ...(opts.caPem === undefined ? {} : { caPem: opts.caPem }),
      ...(opts.insecureSkipVerify === undefined ? {} : { insecureSkipVerify: opts.insecureSkipVerify }),
      ...(opts.proxy === undefined ? {} : { proxy: opts.proxy }),
      connectTimeoutMs: opts.timeouts?.connectMs ?? 30_000,
    }));

  let fetched = 0;
  let probed: SourceInfo | undefined;
  /** The object's identity as first seen; every later answer must match it. */
  let identity: { etag?: string; lastModified?: string; size?: number } | undefined =
    opts.expected === undefined ? undefined : { ...opts.expected };

  // Plain http without a proxy takes the socket path (socket-exchange.ts); the rest goes to undici.
  const direct = url.protocol === 'http:' && opts.proxy?.http === undefined && opts.proxy?.https === undefined;
  const socketTimeouts = { ...timeouts, connectMs: opts.timeouts?.connectMs ?? 30_000 };

  async function send(method: 'GET' | 'HEAD', extra: Record<string, string>, signal: AbortSignal): Promise<Answer> {
    const headers: RequestHeaders = { plain: { ...plain, ...extra }, sensitive };
    if (!direct) return toAnswer(await exchange(getDispatcher(), method, url, headers, timeouts, signal));
    const viaUndici = (next: URL, h: RequestHeaders): Promise<Exchange> => exchange(getDispatcher(), method, next, h, timeouts, signal);
    return toAnswer(await socketExchange(method, url, headers, socketTimeouts, signal, viaUndici));
  }

  function failIfError(method: string, ex: Answer): void {
    if (ex.status < 400) return;
    ex.release();
    throw statusError(method, ex.url, ex.status, policy, parseRetryAfter(header(ex.headers, 'retry-after')));
  }

  /** Records the identity from the first answer; fails with ESOURCECHANGED when a later one differs. */
  function checkIdentity(ex: Answer, totalSize: number | undefined): void {
    const etag = header(ex.headers, 'etag');
    const lastModified = header(ex.headers, 'last-modified');
    if (identity === undefined) {
      identity = {
        ...(etag === undefined ? {} : { etag }),
        ...(lastModified === undefined ? {} : { lastModified }),
        ...(totalSize === undefined ? {} : { size: totalSize }),
      };
      return;
    }
    const changed =
      (identity.etag !== undefined && etag !== undefined && etag !== identity.etag) ||
      (identity.etag === undefined && identity.lastModified !== undefined && lastModified !== undefined && lastModified !== identity.lastModified) ||
      (identity.size !== undefined && totalSize !== undefined && totalSize !== identity.size);
    if (changed) {
      ex.release();
      throw new DataPlaneError(
        'ESOURCECHANGED',
        `${redactUrl(url)} changed while it was being read (ETag ${identity.etag ?? '-'} -> ${etag ?? '-'}, ` +
          `size ${identity.size ?? '?'} -> ${totalSize ?? '?'}): make sure the image is not replaced during the import`,
      );
    }
    identity.size ??= totalSize;
  }

  /** Runs `attempt` under the retry policy (for exchanges that deliver no bytes to resume from). */
  async function withRetries<T>(signal: AbortSignal, attempt: () => Promise<T>): Promise<T> {
    let failures = 0;
    for (;;) {
      try {
        return await attempt();
      } catch (err) {
        const e = networkError('GET', url, err, policy, signal);
        if (signal.aborted) throw e.code === 'EABORTED' ? e : new DataPlaneError('EABORTED', `${description}: aborted`, { cause: signal.reason });
        failures++;
        const decision = decideRetry(policy, e, failures, random);
        if (!decision.retry) throw e;
        opts.onRetry?.({ attempt: failures, delayMs: decision.delayMs, error: e });
        try {
          await sleep(decision.delayMs, signal);
        } catch (cause) {
          throw new DataPlaneError('EABORTED', `${description}: aborted`, { cause });
        }
      }
    }
  }

  async function probeOnce(signal: AbortSignal): Promise<SourceInfo> {
    let ex = await send('HEAD', {}, signal);
    let viaGet = false;
    if ([400, 403, 405, 501].includes(ex.status)) {
      // HEAD refused (some servers, pre-signed URLs signed for GET): ask for the first byte.
      ex.release();
      ex = await send('GET', { range: 'bytes=0-0' }, signal);
      viaGet = true;
    }
    failIfError(viaGet ? 'GET' : 'HEAD', ex);
    let size: number | undefined;
    let acceptsRanges: boolean;
    const contentRange = header(ex.headers, 'content-range');
    const contentLength = header(ex.headers, 'content-length');
    if (ex.status === 206) {
      acceptsRanges = true;
      const total = /\/(\d+)\s*$/.exec(contentRange ?? '')?.[1];
      if (total !== undefined) size = Number(total);
    } else {
      acceptsRanges = !viaGet && /\bbytes\b/i.test(header(ex.headers, 'accept-ranges') ?? '');
      if (contentLength !== undefined && /^\d+$/.test(contentLength)) size = Number(contentLength);
    }
    if (viaGet) {
      for await (const chunk of ex.body) fetched += (chunk as Buffer).length;
    } else {
      ex.release();
    }
    checkIdentity(ex, size);
    const info: SourceInfo = { acceptsRanges };
    if (size !== undefined) info.size = size;
    const etag = header(ex.headers, 'etag');
    const lastModified = header(ex.headers, 'last-modified');
    const contentType = header(ex.headers, 'content-type');
    if (etag !== undefined) info.etag = etag;
    if (lastModified !== undefined) info.lastModified = lastModified;
    if (contentType !== undefined) info.contentType = contentType;
    return info;
  }

  /**
   * The bytes [start, end) (end undefined: to the end of the object), each exactly once and in
   * order, resuming after transient failures.
   */
  async function* fetchRange(start: number, end: number | undefined, signal: AbortSignal): AsyncGenerator<Uint8Array> {
    let pos = start;
    let failures = 0;
    for (;;) {
      if (end !== undefined && pos >= end) return;
      if (identity?.size !== undefined && pos >= identity.size) return;
      let ex: Answer | undefined;
      try {
        const extra: Record<string, string> = {};
        const ranged = pos > 0 || end !== undefined;
        if (ranged) {
          extra.range = `bytes=${pos}-${end === undefined ? '' : end - 1}`;
          const validator = identity === undefined ? undefined : ifRangeValidator(identity.etag, identity.lastModified);
          if (validator !== undefined) extra['if-range'] = validator;
        }
        ex = await send('GET', extra, signal);
        if (ex.status === 416 && identity?.size !== undefined && pos >= identity.size) {
          ex.release();
          return;
        }
        failIfError('GET', ex);
        let skip = 0;
        if (ex.status === 206) {
          const m = /^bytes\s+(\d+)-(\d+)\/(\d+|\*)$/.exec(header(ex.headers, 'content-range') ?? '');
          checkIdentity(ex, m?.[3] === undefined || m[3] === '*' ? undefined : Number(m[3]));
          if (m === null || Number(m[1]) !== pos) {
            ex.release();
            throw new DataPlaneError('EPROTOCOL', `${description}: asked for bytes from ${pos}, got Content-Range ${header(ex.headers, 'content-range') ?? '(none)'}`);
          }
        } else if (ex.status === 200) {
          const len = header(ex.headers, 'content-length');
          checkIdentity(ex, len === undefined ? undefined : Number(len));
          // Whole object: the server ignores Range (If-Range mismatches were caught just above).
          skip = pos;
        } else {
          ex.release();
          throw new DataPlaneError('EPROTOCOL', `${description}: unexpected HTTP ${ex.status} to GET`);
        }
        for await (const raw of ex.body) {
          let chunk = raw as Buffer;
          fetched += chunk.length;
          if (skip > 0) {
            if (chunk.length <= skip) {
              skip -= chunk.length;
              continue;
            }
            chunk = chunk.subarray(skip);
            skip = 0;
          }
          if (end !== undefined && pos + chunk.length >= end) {
            const last = chunk.subarray(0, end - pos);
            pos = end;
            ex.release();
            yield last;
            return;
          }
          pos += chunk.length;
          failures = 0;
          yield chunk;
        }
        return;
      } catch (err) {
        if (ex !== undefined) ex.release();
        const e = networkError('GET', url, err, policy, signal);
        if (signal.aborted) throw e.code === 'EABORTED' ? e : new DataPlaneError('EABORTED', `${description}: aborted`, { cause: signal.reason });
        failures++;
        const decision = decideRetry(policy, e, failures, random);
        if (!decision.retry) throw e;
        opts.onRetry?.({ attempt: failures, delayMs: decision.delayMs, error: e });
        try {
          await sleep(decision.delayMs, signal);
        } catch (cause) {
          throw new DataPlaneError('EABORTED', `${description}: aborted`, { cause });
        }
      } finally {
        if (ex !== undefined) ex.release();
      }
    }
  }

  async function info(signal: AbortSignal): Promise<SourceInfo> {
    probed ??= await withRetries(signal, () => probeOnce(signal));
    return probed;
  }

  async function read(offset: number, length: number, signal: AbortSignal): Promise<Uint8Array> {
    const parts: Uint8Array[] = [];
    let total = 0;
    for await (const chunk of fetchRange(offset, offset + length, signal)) {
      parts.push(chunk);
      total += chunk.length;
    }
    if (parts.length === 1 && parts[0] !== undefined) return parts[0];
    const whole = Buffer.concat(parts, total);
    for (const part of parts) recycleChunk(part);
    return whole;
  }

  /** Fetch-ahead when it applies (needs the size and Range support, so a probe first). */
  async function* streamAhead(offset: number, signal: AbortSignal): AsyncGenerator<Uint8Array> {
    const probe = await info(signal);
    if (probe.acceptsRanges && probe.size !== undefined && probe.size - offset > 2 * chunkSize) {
      yield* fetchAhead({ offset, size: probe.size, chunkSize, parallel, signal, read: (s, e, sig) => fetchRange(s, e, sig) });
    } else {
      yield* fetchRange(offset, undefined, signal);
    }
  }

  // Not a generator itself: one less async-iteration layer per chunk on the single-request path.
  function stream(offset: number, signal: AbortSignal): AsyncIterable<Uint8Array> {
    return parallel > 1 ? streamAhead(offset, signal) : fetchRange(offset, undefined, signal);
  }

  return {
    description,
    info,
    stream,
    read,
    bytesFetched: () => fetched,
    async close() {
      const d = dispatcher;
      dispatcher = undefined;
      await d?.close();
    },
  };
}
