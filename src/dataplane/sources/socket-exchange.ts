/**
 * The plain-http fast path: one GET/HEAD per connection over a bare socket, with the body read by
 * the kernel straight into large slabs (net's `onread`) and yielded as views of them. Compared
 * with undici on loopback (1 GiB): about half the CPU per byte and no module to load. Used only
 * for http: URLs without a proxy; https, proxies and redirects that leave http go to undici.
 *
 * Framing: Content-Length, chunked, or until close; a body cut short fails with code
 * UND_ERR_SOCKET, and the timeouts with UND_ERR_HEADERS_TIMEOUT / UND_ERR_BODY_TIMEOUT /
 * UND_ERR_CONNECT_TIMEOUT, so the retry table (retry.ts) treats them as it treats undici's.
 */
import { connect, type NetConnectOpts, type Socket } from 'node:net';
import { DataPlaneError, redactUrl } from '../errors.ts';
import { MAX_REDIRECTS, REDIRECT_STATUSES, header, type Exchange, type ExchangeTimeouts, type RequestHeaders } from './http-exchange.ts';

/** A response body: iterate it once; release() stops it and frees the connection. */
export interface SocketBody extends AsyncIterable<Uint8Array> {
  release(): void;
}

export interface SocketExchange {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: SocketBody;
  /** The URL that answered (after redirects). */
  url: URL;
}

/** Slabs the kernel reads into; every chunk is a view of one. */
const SLAB_BYTES = 4 << 20;
/** Slabs kept for reuse; beyond this they are left to the GC. */
const MAX_FREE_SLABS = 6;

/**
 * Slab recycling. Fresh memory for every read costs page faults and GC (on loopback, ~0.3 s of
 * CPU per GiB: as much as the rest of the raw pipeline). A yielded chunk still belongs to the
 * consumer (Source contract); a consumer that is done with a chunk MAY hand it back with
 * recycleChunk(). A slab is reused only once it is full and every byte delivered from it has
 * been handed back, so a chunk that is kept, dropped, or only partly handed back just leaves
 * its slab to the GC.
 */
interface Slab {
  buf: Buffer;
  delivered: number;
  returned: number;
  retired: boolean;
}
const slabs = new WeakMap<ArrayBufferLike, Slab>();
const freeSlabs: Buffer[] = [];

function takeSlab(): Slab {
  const buf = freeSlabs.pop() ?? Buffer.allocUnsafeSlow(SLAB_BYTES);
  const slab: Slab = { buf, delivered: 0, returned: 0, retired: false };
  slabs.set(buf.buffer, slab);
  return slab;
}

function freeIfDone(slab: Slab): void {
  if (!slab.retired || slab.returned !== slab.delivered) return;
  slabs.delete(slab.buf.buffer);
  if (freeSlabs.length < MAX_FREE_SLABS) freeSlabs.push(slab.buf);
}

/**
 * Hands a chunk yielded by this module's bodies back for reuse: the caller promises it holds no
 * reference to it (nor to any view of it) any more. Other chunks are ignored. Call it at most
 * once per chunk.
 */
export function recycleChunk(chunk: Uint8Array): void {
  const slab = slabs.get(chunk.buffer);
  if (slab === undefined) return;
  slab.returned += chunk.byteLength;
  freeIfDone(slab);
}
/** A read is offered at least this much room (otherwise a new slab starts). */
const MIN_READ_ROOM = 256 << 10;
/**
 * The socket pauses when this much body is queued and not yet consumed. Measured (1 GiB,
 * loopback): 4 and 8 MiB equal; 16 MiB ~0.1 s slower on qcow2 (more read past a stream that is
 * then cancelled, e.g. format detection) and +8 MiB RSS.
 */
const HIGH_WATER = 8 << 20;
const MAX_HEADER_BYTES = 64 << 10;
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const CRLFCRLF = Buffer.from('\r\n\r\n');

function codedError(code: string, message: string, cause?: unknown): Error {
  const err = new Error(message, cause === undefined ? undefined : { cause }) as Error & { code: string };
  err.code = code;
  return err;
}

function requestHead(method: string, url: URL, headers: Record<string, string>): string {
  let head = `${method} ${url.pathname}${url.search} HTTP/1.1\r\nhost: ${url.host}\r\n`;
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (lower === 'host' || lower === 'connection' || lower === 'content-length' || lower === 'transfer-encoding') continue;
    if (!TOKEN.test(name) || /[\r\n\0]/.test(value)) throw codedError('UND_ERR_INVALID_ARG', `invalid request header ${JSON.stringify(name)}`);
    head += `${name}: ${value}\r\n`;
  }
  return head + 'connection: close\r\n\r\n';
}

function parseHead(text: string): { status: number; headers: Record<string, string | string[] | undefined> } | undefined {
  const lines = text.split('\r\n');
  const m = /^HTTP\/1\.[01] (\d{3})(?: .*)?$/.exec(lines[0] ?? '');
  if (m === null) return undefined;
  const headers: Record<string, string | string[] | undefined> = {};
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) return undefined;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    const prev = headers[name];
    headers[name] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return { status: Number(m[1]), headers };
}

/** Decodes `Transfer-Encoding: chunked`: feed() returns the data parts; done once the last chunk and trailers are read. */
class ChunkedDecoder {
  /** Bytes of the current chunk still to come; -1 while reading a size line, -2 reading the CRLF after data, -3 trailers. */
  #remaining = -1;
  #line = '';
  done = false;

  feed(buf: Buffer, out: Buffer[]): void {
    let at = 0;
    while (at < buf.length && !this.done) {
      if (this.#remaining > 0) {
        const n = Math.min(this.#remaining, buf.length - at);
        out.push(buf.subarray(at, at + n));
        at += n;
        this.#remaining -= n;
        if (this.#remaining === 0) this.#remaining = -2;
        continue;
      }
      const nl = buf.indexOf(10, at);
      const end = nl === -1 ? buf.length : nl + 1;
      this.#line += buf.toString('latin1', at, end);
      at = end;
      if (this.#line.length > 4096) throw codedError('UND_ERR_SOCKET', 'malformed chunked encoding (line too long)');
      if (nl === -1) continue;
      const line = this.#line.trim();
      this.#line = '';
      if (this.#remaining === -2) {
        if (line !== '') throw codedError('UND_ERR_SOCKET', 'malformed chunked encoding (no CRLF after data)');
        this.#remaining = -1;
      } else if (this.#remaining === -3) {
        if (line === '') this.done = true;
      } else {
        const size = /^([0-9a-fA-F]+)(;.*)?$/.exec(line);
        if (size === null) throw codedError('UND_ERR_SOCKET', 'malformed chunked encoding (bad chunk size)');
        this.#remaining = parseInt(size[1]!, 16);
        if (this.#remaining === 0) this.#remaining = -3;
      }
    }
  }
}

/** One request on a fresh connection; resolves when the response head has arrived. */
function socketRequest(
  method: 'GET' | 'HEAD',
  url: URL,
  headers: Record<string, string>,
  timeouts: ExchangeTimeouts & { connectMs: number },
  signal: AbortSignal,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: SocketBody }> {
  signal.throwIfAborted();
  const head = requestHead(method, url, headers);
  return new Promise((resolve, reject) => {
    let slab = takeSlab();
    let slabUsed = 0;
    const nextBuffer = (): Buffer => {
      if (SLAB_BYTES - slabUsed < MIN_READ_ROOM) {
        slab.retired = true;
        freeIfDone(slab);
        slab = takeSlab();
        slabUsed = 0;
      }
      return slab.buf.subarray(slabUsed);
    };
    // Response state.
    let headBytes: Buffer | undefined;
    let framing: 'length' | 'chunked' | 'close' | 'none' = 'none';
    let remaining = 0;
    let chunked: ChunkedDecoder | undefined;
    let settled = false;
    // Body queue (consumer side).
    const queue: Buffer[] = [];
    let queued = 0;
    let ended = false;
    let failure: unknown;
    let paused = false;
    let wake: (() => void) | undefined;
    let released = false;

    const socket: Socket = connect({
      host: url.hostname.replace(/^\[|\]$/g, ''),
      port: Number(url.port || 80),
      onread: { buffer: nextBuffer, callback: onRead },
    } satisfies NetConnectOpts);
    socket.setNoDelay(true);

    const headersTimer = setTimeout(() => fail(codedError('UND_ERR_HEADERS_TIMEOUT', `no response headers within ${timeouts.headersMs} ms`)), timeouts.headersMs);
    const connectTimer = setTimeout(() => fail(codedError('UND_ERR_CONNECT_TIMEOUT', `connect timeout after ${timeouts.connectMs} ms`)), timeouts.connectMs);
    const onAbort = (): void => fail(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });

    socket.once('connect', () => {
      clearTimeout(connectTimer);
      socket.write(head);
    });
    socket.on('error', (err) => fail(err));
    socket.on('end', () => {
      if (framing === 'close' && settled) finish();
      else fail(codedError('UND_ERR_SOCKET', 'other side closed'));
    });
    socket.on('close', () => {
      if (!ended) fail(codedError('UND_ERR_SOCKET', 'other side closed'));
    });
    socket.on('timeout', () => {
      // Idle because the consumer is slow (backpressure) is not a stalled server.
      if (!paused) fail(codedError('UND_ERR_BODY_TIMEOUT', `no body bytes for ${timeouts.bodyMs} ms`));
    });

    function cleanup(): void {
      slab.retired = true;
      freeIfDone(slab);
      clearTimeout(headersTimer);
      clearTimeout(connectTimer);
      signal.removeEventListener('abort', onAbort);
      socket.destroy();
    }

    function fail(err: unknown): void {
      if (ended) return;
      ended = true;
      failure = err;
      cleanup();
      if (!settled) {
        settled = true;
        reject(err);
      }
      wake?.();
    }

    function finish(): void {
      if (ended) return;
      ended = true;
      cleanup();
      wake?.();
    }

    function deliver(chunk: Buffer): void {
      if (chunk.length === 0 || released) return;
      const owner = slabs.get(chunk.buffer);
      if (owner !== undefined) owner.delivered += chunk.length;
      // Consecutive reads land side by side in a slab: join them into one view (no copy).
      const last = queue[queue.length - 1];
      if (last !== undefined && last.buffer === chunk.buffer && last.byteOffset + last.length === chunk.byteOffset) {
        queue[queue.length - 1] = Buffer.from(chunk.buffer, last.byteOffset, last.length + chunk.length);
      } else {
        queue.push(chunk);
      }
      queued += chunk.length;
      wake?.();
    }

    function onBody(data: Buffer): void {
      if (framing === 'length') {
        const n = Math.min(remaining, data.length);
        deliver(data.subarray(0, n));
        remaining -= n;
        if (remaining === 0) finish();
      } else if (framing === 'chunked') {
        const parts: Buffer[] = [];
        try {
          chunked!.feed(data, parts);
        } catch (err) {
          fail(err);
          return;
        }
        for (const p of parts) deliver(p);
        if (chunked!.done) finish();
      } else {
        deliver(data);
      }
    }

    function onHead(data: Buffer): void {
      headBytes = headBytes === undefined ? Buffer.from(data) : Buffer.concat([headBytes, data]);
      const end = headBytes.indexOf(CRLFCRLF);
      if (end === -1) {
        if (headBytes.length > MAX_HEADER_BYTES) fail(codedError('UND_ERR_HEADERS_OVERFLOW', 'response headers too large'));
        return;
      }
      const parsed = parseHead(headBytes.toString('latin1', 0, end));
      if (parsed === undefined) {
        fail(codedError('UND_ERR_SOCKET', 'malformed HTTP response'));
        return;
      }
      // The rest of this read is body: a view of the slab, not of the copied head.
      const rest = data.subarray(data.length - (headBytes.length - end - 4));
      headBytes = undefined;
      if (parsed.status >= 100 && parsed.status < 200) {
        if (rest.length > 0) onHead(rest);
        return;
      }
      clearTimeout(headersTimer);
      const te = parsed.headers['transfer-encoding'];
      const cl = parsed.headers['content-length'];
      if (method === 'HEAD' || parsed.status === 204 || parsed.status === 304) framing = 'none';
      else if (te !== undefined && /chunked/i.test(String(te))) {
        framing = 'chunked';
        chunked = new ChunkedDecoder();
      } else if (typeof cl === 'string' && /^\d+$/.test(cl)) {
        framing = 'length';
        remaining = Number(cl);
      } else framing = 'close';
      settled = true;
      socket.setTimeout(timeouts.bodyMs);
      resolve({ status: parsed.status, headers: parsed.headers, body });
      if (framing === 'none' || (framing === 'length' && remaining === 0)) finish();
      else if (rest.length > 0) onBody(rest);
    }

    function onRead(nread: number, buf: Uint8Array): boolean {
      const data = Buffer.from(buf.buffer, buf.byteOffset, nread);
      slabUsed += nread;
      if (ended) return false;
      if (!settled) onHead(data);
      else onBody(data);
      if (!ended && queued >= HIGH_WATER) {
        paused = true;
        return false;
      }
      return true;
    }

    const body: SocketBody = {
      release(): void {
        released = true;
        queue.length = 0;
        queued = 0;
        finish();
      },
      async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
        try {
          for (;;) {
            const chunk = queue.shift();
            if (chunk !== undefined) {
              queued -= chunk.length;
              if (paused && queued < HIGH_WATER / 2 && !ended) {
                paused = false;
                socket.resume();
              }
              yield chunk;
              continue;
            }
            if (failure !== undefined) throw failure;
            if (ended) return;
            await new Promise<void>((r) => (wake = r));
            wake = undefined;
          }
        } finally {
          body.release();
        }
      },
    };
  });
}

/**
 * `method url` over plain http, following redirects like exchange(); a redirect to https
 * continues through `fallback` (undici) with the sensitive headers only if still allowed.
 */
export async function socketExchange(
  method: 'GET' | 'HEAD',
  start: URL,
  headers: RequestHeaders,
  timeouts: ExchangeTimeouts & { connectMs: number },
  signal: AbortSignal,
  fallback: (url: URL, headers: RequestHeaders) => Promise<Exchange>,
): Promise<SocketExchange | Exchange> {
  let url = start;
  for (let hop = 0; ; hop++) {
    const keepSensitive = url.hostname === start.hostname;
    const res = await socketRequest(method, url, keepSensitive ? { ...headers.plain, ...headers.sensitive } : headers.plain, timeouts, signal);
    const location = header(res.headers, 'location');
    if (!REDIRECT_STATUSES.has(res.status) || location === undefined) return { ...res, url };
    res.body.release();
    if (hop >= MAX_REDIRECTS) {
      throw new DataPlaneError('EINVALIDSOURCE', `more than ${MAX_REDIRECTS} redirects from ${redactUrl(start)}: check spec.source.http.url`);
    }
    const next = new URL(location, url);
    if (next.protocol === 'https:') {
      return fallback(next, next.hostname === start.hostname ? headers : { plain: headers.plain, sensitive: {} });
    }
    if (next.protocol !== 'http:') {
      throw new DataPlaneError('EINVALIDSOURCE', `${redactUrl(url)} redirected to an unsupported scheme ${next.protocol}`);
    }
    url = next;
  }
}
