// Proxies one request to an aggregated API server, streaming both ways, the way
// kube-aggregator does: the caller's credentials are dropped, and the identity the server
// authenticated is sent as X-Remote-User, one X-Remote-Group per group, and
// X-Remote-Extra-<key> per extra value. A backend that cannot be reached is a 503.
import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { request } from 'node:https';
import { isIP } from 'node:net';
import { checkServerIdentity } from 'node:tls';
import { describeDialError } from '../admission/index.ts';
import type { UserInfo } from '../server/auth.ts';
import type { Backend } from './backend.ts';

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'host', 'authorization', 'proxy-authorization']);

/** The request headers sent to the backend: the client's, minus credentials and hop-by-hop ones, plus the identity. */
export function proxyRequestHeaders(incoming: IncomingHttpHeaders, user: UserInfo, host: string): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(incoming)) {
    const lower = name.toLowerCase();
    if (HOP_BY_HOP.has(lower) || lower.startsWith('x-remote-') || value === undefined) continue;
    out[lower] = value;
  }
  out['host'] = host;
  out['x-remote-user'] = user.username;
  if (user.groups.length > 0) out['x-remote-group'] = [...user.groups];
  for (const [key, values] of Object.entries(user.extra ?? {})) {
    out[`x-remote-extra-${encodeURIComponent(key).toLowerCase()}`] = [...values];
  }
  return out;
}

export function proxyToBackend(req: IncomingMessage, res: ServerResponse, backend: Backend, pathAndQuery: string, user: UserInfo, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    const upstream = request({
      host: backend.host,
      port: backend.port,
      method: req.method,
      path: pathAndQuery,
      headers: proxyRequestHeaders(req.headers, user, `${backend.serverName}:${backend.port}`),
      servername: isIP(backend.serverName) === 0 ? backend.serverName : '',
      rejectUnauthorized: !backend.insecure,
      checkServerIdentity: (_host, cert) => checkServerIdentity(backend.serverName, cert),
      ...(backend.caPem === undefined ? {} : { ca: backend.caPem }),
      agent: false,
    });
    const onAbort = (): void => {
      upstream.destroy();
    };
    signal.addEventListener('abort', onAbort, { once: true });
    upstream.on('response', (answer) => {
      const headers: OutgoingHttpHeaders = {};
      for (const [name, value] of Object.entries(answer.headers)) {
        if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
      }
      res.writeHead(answer.statusCode ?? 502, headers);
      // Flush headers at once: watches stream events as they come.
      res.flushHeaders();
      answer.pipe(res);
      answer.on('end', () => resolve());
      answer.on('error', () => {
        res.destroy();
        resolve();
      });
    });
    upstream.on('error', (err) => {
      signal.removeEventListener('abort', onAbort);
      if (res.headersSent) res.destroy();
      else {
        const text = `error trying to reach service: ${describeDialError(err, backend.host, backend.port).message}\n`;
        res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff', 'Content-Length': Buffer.byteLength(text) });
        res.end(text);
      }
      resolve();
    });
    req.pipe(upstream);
  });
}
