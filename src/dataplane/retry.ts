/**
 * Retry policy as data, and the pure decision "retry this failure, after how long?".
 *
 * Whether a failure is retryable at all is decided by its DataPlaneError code (errors.ts, one
 * table); the policy says how many attempts and how long to wait. The attempt count is per
 * stretch without progress: a download that keeps delivering bytes between drops never runs out
 * of attempts (the caller resets the count when bytes arrive).
 */
import { DataPlaneError } from './errors.ts';

export interface RetryPolicy {
  /** Attempts in a row without progress, the first included; 1 means never retry. */
  readonly maxAttempts: number;
  /** Delay before the second attempt; doubles for each further one. */
  readonly baseDelayMs: number;
  /** Upper bound on any delay, Retry-After included. */
  readonly maxDelayMs: number;
  /** HTTP statuses that count as transient (mapped to ETRANSIENT). */
  readonly retryStatusCodes: readonly number[];
  /** Network error codes (Node / undici `code`) that count as transient. */
  readonly retryNetworkErrorCodes: readonly string[];
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 10,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  retryStatusCodes: [408, 425, 429, 500, 502, 503, 504],
  retryNetworkErrorCodes: [
    'ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH',
    'ENETUNREACH', 'ENETDOWN', 'EAI_AGAIN', 'ENOTFOUND',
    'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT',
    'UND_ERR_BODY_TIMEOUT', 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
  ],
};

export type RetryDecision = { readonly retry: false } | { readonly retry: true; readonly delayMs: number };

/**
 * Decide whether to retry after `attemptsSoFar` failed attempts (≥ 1) ended with `err`.
 * Exponential backoff with equal jitter (half fixed, half random, `random` injected for tests);
 * a server's Retry-After wins over the computed delay when larger, both capped at maxDelayMs.
 */
export function decideRetry(
  policy: RetryPolicy,
  err: unknown,
  attemptsSoFar: number,
  random: () => number = Math.random,
): RetryDecision {
  if (!(err instanceof DataPlaneError) || !err.retryable) return { retry: false };
  if (attemptsSoFar >= policy.maxAttempts) return { retry: false };
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attemptsSoFar - 1));
  const jittered = exp / 2 + (random() * exp) / 2;
  const wanted = Math.max(jittered, err.retryAfterMs ?? 0);
  return { retry: true, delayMs: Math.round(Math.min(policy.maxDelayMs, wanted)) };
}

/**
 * Parse a Retry-After header (delta-seconds or an HTTP date) into milliseconds from `now`.
 * Returns undefined when absent or unparseable.
 */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

export type Sleep = (ms: number, signal: AbortSignal) => Promise<void>;

/** A real, abortable sleep: rejects with the signal's reason when aborted. */
export const realSleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason as Error);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
