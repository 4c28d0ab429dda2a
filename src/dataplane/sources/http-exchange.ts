/**
 * One HTTP exchange with redirects followed by hand (so credentials can be dropped when a
 * redirect leaves the host), over an undici dispatcher built once from the TLS and proxy options.
 *
 * undici is loaded on first use (createDispatcher), not with this module: a plain-http import
 * never needs it (see socket-exchange.ts), and loading it costs ~0.1 s warm, ~0.3 s cold.
 */
import { createRequire } from 'node:module';
import { rootCertificates } from 'node:tls';
import type { Dispatcher } from 'undici';
import { DataPlaneError, redactUrl } from '../errors.ts';

const require = createRequire(import.meta.url);

export const MAX_REDIRECTS = 10;
export const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

export interface DispatcherOptions {
  caPem?: string;
  insecureSkipVerify?: boolean;
  proxy?: { http?: string; https?: string; noProxy?: string };
  connectTimeoutMs: number;
}

/**
 * An extra CA is added to Node's default roots (not instead of them), like CDI's certConfigMap.
 * Proxies come only from `proxy` (never from the process environment: configuration is parsed
 * once at the entry point).
 */
export function createDispatcher(opts: DispatcherOptions): Dispatcher {
  const { Agent, EnvHttpProxyAgent } = require('undici') as typeof import('undici');
  const tlsOptions = {
    ...(opts.caPem === undefined ? {} : { ca: [...rootCertificates, opts.caPem] }),
    rejectUnauthorized: opts.insecureSkipVerify !== true,
    timeout: opts.connectTimeoutMs,
  };
  const common = { connect: tlsOptions, keepAliveTimeout: 10_000, connections: 64 };
  const p = opts.proxy;
  if (p === undefined || (p.http === undefined && p.https === undefined)) return new Agent(common);
  return new EnvHttpProxyAgent({
    ...common,
    requestTls: tlsOptions,
    httpProxy: p.http ?? '',
    httpsProxy: p.https ?? '',
    noProxy: p.noProxy ?? '',
  });
}

export interface RequestHeaders {
  /** Sent to every hop. */
  plain: Record<string, string>;
  /** Sent only while the request stays on the original host (and scheme is not downgraded). */
  sensitive: Record<string, string>;
}

export interface Exchange {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Dispatcher.ResponseData['body'];
  /** The URL that answered (after redirects). */
  url: URL;
}

export interface ExchangeTimeouts {
  headersMs: number;
  bodyMs: number;
}

export function header(headers: Exchange['headers'], name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * Stops reading a body and frees its connection. undici reports a destroyed body as an 'error'
 * (AbortError); nobody is listening any more, so that event is swallowed here.
 */
export function release(body: Exchange['body']): void {
  if (body.destroyed) return;
  body.on('error', () => undefined);
  body.destroy();
}

/** Sends `method url`, following up to MAX_REDIRECTS redirects. The caller owns the body. */
export async function exchange(
  dispatcher: Dispatcher,
  method: 'GET' | 'HEAD',
  start: URL,
  headers: RequestHeaders,
  timeouts: ExchangeTimeouts,
  signal: AbortSignal,
): Promise<Exchange> {
  let url = start;
  for (let hop = 0; ; hop++) {
    const keepSensitive = url.hostname === start.hostname && !(start.protocol === 'https:' && url.protocol === 'http:');
    const res = await dispatcher.request({
      origin: url.origin,
      path: url.pathname + url.search,
      method,
      headers: keepSensitive ? { ...headers.plain, ...headers.sensitive } : headers.plain,
      signal,
      headersTimeout: timeouts.headersMs,
      bodyTimeout: timeouts.bodyMs,
    });
    const location = header(res.headers, 'location');
    if (!REDIRECT_STATUSES.has(res.statusCode) || location === undefined) {
      return { status: res.statusCode, headers: res.headers, body: res.body, url };
    }
    release(res.body);
    if (hop >= MAX_REDIRECTS) {
      throw new DataPlaneError('EINVALIDSOURCE', `more than ${MAX_REDIRECTS} redirects from ${redactUrl(start)}: check spec.source.http.url`);
    }
    const next = new URL(location, url);
    if (next.protocol !== 'http:' && next.protocol !== 'https:') {
      throw new DataPlaneError('EINVALIDSOURCE', `${redactUrl(url)} redirected to an unsupported scheme ${next.protocol}`);
    }
    url = next;
  }
}
