// Typed errors over @kubernetes/client-node's ApiException: callers match on `code`, never on
// messages. The API server's Status (reason, details, message) is kept for what is shown to people.

export type KubeErrorCode =
  | 'ENOTFOUND'
  | 'ECONFLICT'
  | 'EEXISTS'
  | 'EINVALID'
  | 'EFORBIDDEN'
  | 'EUNAUTHORIZED'
  | 'EGONE'
  | 'EBADREQUEST'
  | 'ETOOMANYREQUESTS'
  | 'ESERVER'
  | 'ENETWORK';

export interface KubeStatus {
  kind?: string;
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: { name?: string; group?: string; kind?: string; causes?: { reason?: string; message?: string; field?: string }[] };
}

export class KubeError extends Error {
  readonly code: KubeErrorCode;
  readonly httpStatus: number | undefined;
  readonly reason: string | undefined;
  readonly status: KubeStatus | undefined;

  constructor(code: KubeErrorCode, message: string, init: { httpStatus?: number; status?: KubeStatus; cause?: unknown } = {}) {
    super(message, { cause: init.cause });
    this.name = 'KubeError';
    this.code = code;
    this.httpStatus = init.httpStatus;
    this.status = init.status;
    this.reason = init.status?.reason;
  }
}

/** Which codes are worth retrying: one table. */
export const retryableKubeErrors: ReadonlySet<KubeErrorCode> = new Set(['ECONFLICT', 'ETOOMANYREQUESTS', 'ESERVER', 'ENETWORK', 'EGONE']);

function codeForStatus(httpStatus: number, reason: string | undefined): KubeErrorCode {
  if (httpStatus === 404) return 'ENOTFOUND';
  if (httpStatus === 409) return reason === 'AlreadyExists' ? 'EEXISTS' : 'ECONFLICT';
  if (httpStatus === 422) return 'EINVALID';
  if (httpStatus === 403) return 'EFORBIDDEN';
  if (httpStatus === 401) return 'EUNAUTHORIZED';
  if (httpStatus === 410) return 'EGONE';
  if (httpStatus === 429) return 'ETOOMANYREQUESTS';
  if (httpStatus >= 500) return 'ESERVER';
  return 'EBADREQUEST';
}

function parseStatus(body: unknown): KubeStatus | undefined {
  if (typeof body === 'string') {
    try {
      return parseStatus(JSON.parse(body));
    } catch {
      return { message: body };
    }
  }
  if (body && typeof body === 'object') return body as KubeStatus;
  return undefined;
}

/** Converts anything client-node throws into a KubeError (idempotent). */
export function toKubeError(err: unknown): KubeError {
  if (err instanceof KubeError) return err;
  const e = err as { code?: unknown; body?: unknown; message?: string };
  if (typeof e?.code === 'number' && e.code >= 100 && e.code < 600) {
    const status = parseStatus(e.body);
    const message = status?.message ?? e.message ?? `HTTP ${e.code}`;
    return new KubeError(codeForStatus(e.code, status?.reason), message, { httpStatus: e.code, status, cause: err });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new KubeError('ENETWORK', message, { cause: err });
}

export function isKubeError(err: unknown, code: KubeErrorCode): boolean {
  return toKubeError(err).code === code;
}

/** Awaits `p`; a 404 becomes undefined, any other failure a KubeError. */
export async function orUndefined<T>(p: Promise<T>): Promise<T | undefined> {
  try {
    return await p;
  } catch (err) {
    const ke = toKubeError(err);
    if (ke.code === 'ENOTFOUND') return undefined;
    throw ke;
  }
}

/** Awaits `p`, converting failures to KubeError. */
export async function kube<T>(p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (err) {
    throw toKubeError(err);
  }
}
