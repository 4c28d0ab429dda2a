/**
 * Turning HTTP statuses and network failures into DataPlaneErrors with messages a person can act
 * on. Pure functions: the table test of classifyStatus is their specification.
 */
import { STATUS_CODES } from 'node:http';
import { DataPlaneError, redactUrl, type DataPlaneErrorCode } from '../errors.ts';
import type { RetryPolicy } from '../retry.ts';

/** Node/OpenSSL codes meaning the peer's certificate was not trusted. */
const TLS_VERIFY_CODES: ReadonlySet<string> = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID', 'CERT_UNTRUSTED', 'CERT_SIGNATURE_FAILURE', 'CERT_REJECTED',
  'ERR_TLS_CERT_ALTNAME_INVALID', 'HOSTNAME_MISMATCH',
]);

/** The code a status maps to, or undefined for success/redirect statuses. */
export function classifyStatus(status: number, policy: RetryPolicy): DataPlaneErrorCode | undefined {
  if (status < 400) return undefined;
  if (policy.retryStatusCodes.includes(status)) return 'ETRANSIENT';
  if (status === 404 || status === 410) return 'ENOTFOUND';
  if (status === 401 || status === 403 || status === 407) return 'EUNAUTHORIZED';
  if (status === 416) return 'EPROTOCOL';
  if (status < 500) return 'EINVALIDSOURCE';
  return status === 501 || status === 505 ? 'EPROTOCOL' : 'ETRANSIENT';
}

const ADVICE: Partial<Record<DataPlaneErrorCode, string>> = {
  ENOTFOUND: 'check spec.source.http.url',
  EUNAUTHORIZED: 'check the credentials in spec.source.http.secretRef (and secretExtraHeaders)',
  ETRANSIENT: 'the server is failing or overloaded; Ferry retries with backoff',
  EINVALIDSOURCE: 'the server refused the request; check spec.source.http.url and extraHeaders',
  EPROTOCOL: 'the server does not support what Ferry asked for',
};

export function statusError(
  method: string,
  url: URL,
  status: number,
  policy: RetryPolicy,
  retryAfterMs?: number,
): DataPlaneError {
  const code = classifyStatus(status, policy) ?? 'EPROTOCOL';
  const reason = STATUS_CODES[status] ?? 'Unknown';
  const advice = ADVICE[code] ?? 'unexpected answer';
  return new DataPlaneError(code, `HTTP ${status} ${reason} from ${method} ${redactUrl(url)}: ${advice}`, {
    status,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
}

/** Every `code` along an error's cause chain (undici wraps system errors). */
function codesOf(err: unknown): string[] {
  const codes: string[] = [];
  let e: unknown = err;
  for (let depth = 0; depth < 5 && typeof e === 'object' && e !== null; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
    e = (e as { cause?: unknown }).cause;
  }
  return codes;
}

/** A thrown network-level failure (not a status) as a DataPlaneError. */
export function networkError(
  method: string,
  url: URL,
  err: unknown,
  policy: RetryPolicy,
  signal: AbortSignal,
): DataPlaneError {
  if (err instanceof DataPlaneError) return err;
  const where = `${method} ${redactUrl(url)}`;
  if (signal.aborted) return new DataPlaneError('EABORTED', `${where} aborted`, { cause: signal.reason });
  const codes = codesOf(err);
  const detail = err instanceof Error ? err.message : String(err);
  const tls = codes.find((c) => TLS_VERIFY_CODES.has(c));
  if (tls !== undefined) {
    return new DataPlaneError(
      'ETLS',
      `TLS verification failed for ${where} (${tls}: ${detail}): if the server uses a private CA, ` +
        'put its certificate in a ConfigMap and name it in spec.source.http.certConfigMap',
      { cause: err },
    );
  }
  if (codes.includes('ERR_SSL_WRONG_VERSION_NUMBER')) {
    return new DataPlaneError('EINVALIDSOURCE', `TLS handshake with ${where} failed (is it plain http?): check the URL scheme`, { cause: err });
  }
  const transient = codes.find((c) => policy.retryNetworkErrorCodes.includes(c));
  if (transient !== undefined) {
    return new DataPlaneError('ETRANSIENT', `${where} failed: ${transient} (${detail}); Ferry retries with backoff`, { cause: err });
  }
  return new DataPlaneError('EINTERNAL', `${where} failed: ${codes[0] ?? 'error'} (${detail})`, { cause: err });
}
