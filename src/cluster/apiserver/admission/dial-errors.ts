// How a failed outbound HTTPS call (to a webhook or an aggregated API server) is described: the
// text Go's net/http and crypto/tls would print for the same failure, because kube-apiserver's
// error messages embed it and clients and people match on those messages.

export type CallErrorCode = 'ETIMEDOUT' | 'ECONNREFUSED' | 'ENOTFOUND' | 'ETLS' | 'ECONNRESET' | 'ESERVICE' | 'EOTHER';

/** A failed call; `message` is the Go-style text after `Post "<url>": `. */
export class CallError extends Error {
  readonly code: CallErrorCode;

  constructor(code: CallErrorCode, message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'CallError';
    this.code = code;
  }
}

const UNKNOWN_AUTHORITY = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'CERT_SIGNATURE_FAILURE',
]);

const TLS_VERIFY = 'tls: failed to verify certificate: x509:';

/** Maps a Node socket/TLS error to the Go text; `host`/`port` are what was dialed. */
export function describeDialError(err: unknown, host: string, port: number): CallError {
  if (err instanceof CallError) return err;
  const e = err as NodeJS.ErrnoException & { cert?: { subjectaltname?: string }; host?: string };
  const code = e.code ?? '';
  const address = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  if (code === 'ECONNREFUSED') return new CallError('ECONNREFUSED', `dial tcp ${address}: connect: connection refused`, err);
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new CallError('ENOTFOUND', `dial tcp: lookup ${host}: no such host`, err);
  if (UNKNOWN_AUTHORITY.has(code)) return new CallError('ETLS', `${TLS_VERIFY} certificate signed by unknown authority`, err);
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    const names = (e.cert?.subjectaltname ?? '')
      .split(',')
      .map((s) => s.trim().replace(/^(DNS|IP Address):/, ''))
      .filter((s) => s !== '');
    return new CallError('ETLS', `${TLS_VERIFY} certificate is valid for ${names.join(', ')}, not ${e.host ?? host}`, err);
  }
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') {
    return new CallError('ETLS', `${TLS_VERIFY} certificate has expired or is not yet valid`, err);
  }
  if (code === 'ECONNRESET' || code === 'EPIPE') return new CallError('ECONNRESET', 'EOF', err);
  return new CallError('EOTHER', e.message ?? String(err), err);
}
