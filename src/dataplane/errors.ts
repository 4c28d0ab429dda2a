/**
 * Data plane errors: a stable `code` (callers, the termination message and the controller's
 * DataVolume failure reasons match on it, never on the message) and one table saying which
 * codes are worth retrying. Messages say what failed, where (URL with credentials stripped) and
 * what to do.
 */

/** code -> retryable. The single source of truth for retry decisions by code. */
export const RETRYABLE_BY_CODE = {
  /** 5xx, 429, connection reset, timeout, truncated body: try again, resume by range. */
  ETRANSIENT: true,
  /** 404 / no such object / no such tag. */
  ENOTFOUND: false,
  /** 401 / 403: wrong or missing credentials. */
  EUNAUTHORIZED: false,
  /** TLS verification failed (unknown CA, hostname mismatch, expired). */
  ETLS: false,
  /** The computed checksum differs from spec.source.*.checksum. */
  ECHECKSUM: false,
  /** The image's virtual size exceeds the usable size of the target. */
  ETOOLARGE: false,
  /** Backing file, external data file, or archive entry escaping the volume. */
  EUNSAFEIMAGE: false,
  /** A format Ferry cannot read. */
  EUNSUPPORTEDFORMAT: false,
  /** A registry image with no disk file under disk/. */
  ENODISK: false,
  /** The object changed while it was being read (ETag/Last-Modified differ on resume). */
  ESOURCECHANGED: false,
  /** The target ran out of space. */
  ENOSPACE: false,
  /** The source spec is malformed (bad URL, bad checksum syntax, unsupported scheme, ...). */
  EINVALIDSOURCE: false,
  /** The server answered something we cannot use (e.g. an unexpected status, bad Content-Range). */
  EPROTOCOL: false,
  /** The caller aborted the operation via its AbortSignal. */
  EABORTED: false,
  /** A bug or an unexpected local failure. */
  EINTERNAL: false,
  /**
   * The image cannot be read at random (compressed, or a stream with no ranges) and its format
   * needs it, and no scratch space is mounted: the controller adds a scratch claim and starts a
   * new worker (CDI's "scratch space required"). Not retryable in the same pod.
   */
  ESCRATCHREQUIRED: false,
} as const satisfies Record<string, boolean>;

export type DataPlaneErrorCode = keyof typeof RETRYABLE_BY_CODE;

export const DATA_PLANE_ERROR_CODES = Object.keys(RETRYABLE_BY_CODE) as DataPlaneErrorCode[];

export function isRetryable(code: DataPlaneErrorCode): boolean {
  return RETRYABLE_BY_CODE[code];
}

export interface DataPlaneErrorOptions {
  cause?: unknown;
  /** HTTP status, when the error came from a response. */
  status?: number;
  /** Milliseconds the server asked us to wait (Retry-After), when it did. */
  retryAfterMs?: number;
}

export class DataPlaneError extends Error {
  override readonly name = 'DataPlaneError';
  readonly code: DataPlaneErrorCode;
  readonly retryable: boolean;
  readonly status?: number;
  readonly retryAfterMs?: number;

  constructor(code: DataPlaneErrorCode, message: string, options: DataPlaneErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryable = isRetryable(code);
    if (options.status !== undefined) this.status = options.status;
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
  }
}

export function isDataPlaneError(err: unknown): err is DataPlaneError {
  return err instanceof DataPlaneError;
}

/** True when `err` is a DataPlaneError with a retryable code. */
export function isRetryableError(err: unknown): boolean {
  return err instanceof DataPlaneError && err.retryable;
}

/**
 * A URL safe to show: user info removed, and the query string elided (pre-signed URLs carry
 * signatures there). Unparseable input is replaced rather than echoed.
 */
export function redactUrl(url: string | URL): string {
  let u: URL;
  try {
    u = new URL(String(url));
  } catch {
    return '<invalid URL>';
  }
  u.username = '';
  u.password = '';
  const hadQuery = u.search !== '';
  u.search = '';
  u.hash = '';
  return hadQuery ? `${u.toString()}?…` : u.toString();
}
