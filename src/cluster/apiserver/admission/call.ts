// One HTTPS POST of an AdmissionReview to a webhook: the caBundle (when given) is the only
// trust root, the TLS name is the url's host or `<service>.<namespace>.svc`, and the whole
// exchange is bounded by the webhook's timeoutSeconds. Failures are CallErrors with Go's text.
import { request } from 'node:https';
import { isIP } from 'node:net';
import { checkServerIdentity } from 'node:tls';
import { CallError, describeDialError } from './dial-errors.ts';

/** Where a call goes: what the URL says (for messages) and where the socket connects. */
export interface CallTarget {
  /** The URL as kube-apiserver prints it in errors, `?timeout=10s` included. */
  displayUrl: string;
  connectHost: string;
  connectPort: number;
  /** Host name the certificate must be valid for (SNI and verification). */
  serverName: string;
  /** Path and query sent. */
  path: string;
  /** PEM trust roots; undefined: the system roots. */
  caPem: string | undefined;
}

export interface CallResult {
  statusCode: number;
  body: Buffer;
}

const MAX_RESPONSE_BYTES = 3 * 1024 * 1024;

export function postJson(target: CallTarget, payload: unknown, timeoutMs: number, signal?: AbortSignal): Promise<CallResult> {
  const body = Buffer.from(JSON.stringify(payload));
  return new Promise<CallResult>((resolve, reject) => {
    let settled = false;
    const finish = (err: CallError | undefined, result?: CallResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (err !== undefined) {
        req.destroy();
        reject(err);
      } else resolve(result!);
    };
    const req = request({
      host: target.connectHost,
      port: target.connectPort,
      path: target.path,
      method: 'POST',
      servername: isIP(target.serverName) === 0 ? target.serverName : '',
      // The certificate must be valid for the name the URL gives, not for the address dialed.
      checkServerIdentity: (_host, cert) => checkServerIdentity(target.serverName, cert),
      ...(target.caPem === undefined ? {} : { ca: target.caPem }),
      headers: { 'content-type': 'application/json', accept: 'application/json, */*', 'content-length': body.length },
      agent: false,
    });
    const timer = setTimeout(() => finish(new CallError('ETIMEDOUT', 'context deadline exceeded')), timeoutMs);
    const onAbort = (): void => finish(new CallError('ETIMEDOUT', 'context canceled'));
    signal?.addEventListener('abort', onAbort, { once: true });
    req.on('error', (err) => finish(describeDialError(err, target.connectHost, target.connectPort)));
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_RESPONSE_BYTES) finish(new CallError('EOTHER', 'response body too large'));
        else chunks.push(chunk);
      });
      res.on('end', () => finish(undefined, { statusCode: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      res.on('error', (err) => finish(describeDialError(err, target.connectHost, target.connectPort)));
    });
    req.end(body);
  });
}
