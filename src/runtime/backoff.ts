// Per-key exponential backoff, as controller-runtime's default rate limiter: 5 ms doubling per
// consecutive failure of the same key, capped (STYLE.md: ~15 min). Policy is data.

export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
}

export const defaultBackoff: BackoffPolicy = { baseMs: 5, maxMs: 15 * 60 * 1000 };

/** The delay before retry number `failures` (1 = first retry). */
export function backoffDelay(policy: BackoffPolicy, failures: number): number {
  if (failures <= 0) return 0;
  const exp = Math.min(failures - 1, 40);
  return Math.min(policy.maxMs, policy.baseMs * 2 ** exp);
}
