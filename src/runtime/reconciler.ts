// The reconcile contract (controller-runtime's, DESIGN.md §3):
// - A reconciler receives only a key ("namespace/name", or "name" for cluster-scoped objects),
//   never the event. It reads the world, decides, and writes the difference; running it twice
//   does no harm.
// - What happens after a reconcile is decided here, in one place:
//     returned { requeueAfterMs }  -> the key is added again after that delay, backoff reset;
//     returned done                -> backoff reset;
//     threw TerminalError          -> recorded (onTerminal) and not retried;
//     threw anything else          -> retried with the key's exponential backoff.
import type { Logger } from 'pino';
import type { WorkQueue } from './workqueue.ts';

export interface Result {
  readonly requeueAfterMs?: number;
}

export const done: Result = Object.freeze({});

export function requeueAfter(ms: number): Result {
  return { requeueAfterMs: Math.max(1, Math.round(ms)) };
}

/** A failure that retrying will not heal; the reconciler has already recorded it on the object. */
export class TerminalError extends Error {
  readonly code = 'ETERMINAL';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TerminalError';
  }
}

export interface Reconciler {
  readonly name: string;
  reconcile(key: string, signal: AbortSignal): Promise<Result>;
}

export interface RunWorkersOptions {
  workers: number;
  signal: AbortSignal;
  logger?: Logger;
  onTerminal?: (key: string, error: TerminalError) => void;
  /** Called after each reconcile, for metrics. */
  onResult?: (outcome: 'success' | 'requeue' | 'error' | 'terminal', ms: number) => void;
}

let reconcileCounter = 0;

/** Runs `workers` loops taking keys from the queue until the signal aborts; resolves when all stop. */
export async function runWorkers(queue: WorkQueue<string>, reconciler: Reconciler, options: RunWorkersOptions): Promise<void> {
  const stop = () => queue.shutdown();
  options.signal.addEventListener('abort', stop, { once: true });
  const loop = async () => {
    for (;;) {
      const key = await queue.get();
      if (key === undefined) return;
      const started = performance.now();
      const reconcileID = `${reconciler.name}-${++reconcileCounter}`;
      try {
        const result = await reconciler.reconcile(key, options.signal);
        queue.forget(key);
        if (result.requeueAfterMs !== undefined) queue.addAfter(key, result.requeueAfterMs);
        options.onResult?.(result.requeueAfterMs !== undefined ? 'requeue' : 'success', performance.now() - started);
      } catch (err) {
        if (err instanceof TerminalError) {
          queue.forget(key);
          options.logger?.warn({ key, reconcileID, err: err.message }, 'reconcile failed terminally');
          options.onTerminal?.(key, err);
          options.onResult?.('terminal', performance.now() - started);
        } else if (!options.signal.aborted) {
          const delay = queue.addRateLimited(key);
          options.logger?.info({ key, reconcileID, err: err instanceof Error ? err.message : String(err), retryInMs: delay }, 'reconcile failed, retrying');
          options.onResult?.('error', performance.now() - started);
        }
      } finally {
        queue.done(key);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.workers) }, loop));
  options.signal.removeEventListener('abort', stop);
}
