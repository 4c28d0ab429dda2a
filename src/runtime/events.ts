// The event recorder: core/v1 Events about objects, correlated the way client-go's recorder does:
// the same (object, type, reason, message) seen again within the window is one Event whose count
// and lastTimestamp grow, instead of a new object each time. Recording never fails the caller:
// an event is an explanation, not state.
import { CoreV1Api, type CoreV1Event, type KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { kube } from '../kube/errors.ts';
import { mergePatch } from '../kube/patch.ts';
import { type Clock, systemClock } from './clock.ts';

export type EventType = 'Normal' | 'Warning';

export interface EventSubject {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; uid?: string; resourceVersion?: string };
}

export interface EventRecorderOptions {
  kubeConfig: KubeConfig;
  component: string;
  host?: string;
  clock?: Clock;
  logger?: Logger;
  /** How long a recorded event is correlated with repeats (client-go: 10 minutes). */
  correlationWindowMs?: number;
}

interface Seen {
  name: string;
  namespace: string;
  count: number;
  firstTimestamp: string;
  lastSeen: number;
}

export class EventRecorder {
  readonly #api: CoreV1Api;
  readonly #options: EventRecorderOptions;
  readonly #clock: Clock;
  readonly #seen = new Map<string, Seen>();

  constructor(options: EventRecorderOptions) {
    this.#options = options;
    this.#api = options.kubeConfig.makeApiClient(CoreV1Api);
    this.#clock = options.clock ?? systemClock;
  }

  async record(subject: EventSubject, type: EventType, reason: string, message: string): Promise<void> {
    const meta = subject.metadata ?? {};
    const namespace = meta.namespace || 'default';
    const key = [meta.uid, subject.kind, namespace, meta.name, type, reason, message].join('\u0000');
    const nowMs = this.#clock.now();
    const now = new Date(nowMs);
    const windowMs = this.#options.correlationWindowMs ?? 10 * 60 * 1000;
    this.#forgetOlderThan(nowMs - windowMs);
    const seen = this.#seen.get(key);
    try {
      if (seen) {
        seen.count++;
        seen.lastSeen = nowMs;
        await kube(
          this.#api.patchNamespacedEvent(
            { name: seen.name, namespace: seen.namespace, body: { count: seen.count, lastTimestamp: now } },
            mergePatch,
          ),
        );
        return;
      }
      const name = `${meta.name ?? 'unknown'}.${(BigInt(nowMs) * 1_000_000n + BigInt(this.#seen.size)).toString(16)}`;
      const body: CoreV1Event = {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name, namespace },
        involvedObject: {
          apiVersion: subject.apiVersion,
          kind: subject.kind,
          name: meta.name,
          namespace: meta.namespace,
          uid: meta.uid,
          resourceVersion: meta.resourceVersion,
        },
        type,
        reason,
        message,
        count: 1,
        firstTimestamp: now,
        lastTimestamp: now,
        source: { component: this.#options.component, host: this.#options.host },
        reportingComponent: this.#options.component,
        reportingInstance: this.#options.host ?? '',
      };
      await kube(this.#api.createNamespacedEvent({ namespace, body }));
      this.#seen.set(key, { name, namespace, count: 1, firstTimestamp: now.toISOString(), lastSeen: nowMs });
    } catch (err) {
      this.#options.logger?.warn({ reason, object: `${namespace}/${meta.name}`, err: err instanceof Error ? err.message : String(err) }, 'could not record event');
    }
  }

  #forgetOlderThan(cutoff: number): void {
    if (this.#seen.size < 4096) {
      for (const [k, v] of this.#seen) if (v.lastSeen < cutoff) this.#seen.delete(k);
      return;
    }
    // Bound memory even when every event is recent.
    const oldest = [...this.#seen.entries()].sort((a, b) => a[1].lastSeen - b[1].lastSeen).slice(0, 1024);
    for (const [k] of oldest) this.#seen.delete(k);
  }
}
