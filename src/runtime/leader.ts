// Leader election on a coordination.k8s.io/v1 Lease, as client-go's leaderelection does it:
// 1. Try to acquire: create the Lease, or take it over when its holder has not renewed it within
//    leaseDuration, measured on OUR clock from when we last saw the record change (no trust in
//    other hosts' clocks).
// 2. While leading, renew every retryPeriod; a renewal that has not succeeded within renewDeadline
//    means leadership is lost: the leading signal aborts and the caller stops acting.
// 3. On a clean stop, release: clear holderIdentity so another candidate takes over at once.
// Writes carry the resourceVersion read, so two candidates never both win a round.
import { CoordinationV1Api, type KubeConfig, type V1Lease, V1MicroTime } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { kube, orUndefined } from '../kube/errors.ts';
import { type Clock, systemClock } from './clock.ts';

export interface LeaderElectionConfig {
  kubeConfig: KubeConfig;
  namespace: string;
  name: string;
  identity: string;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  clock?: Clock;
  logger?: Logger;
}

export interface LeaderCallbacks {
  /** Called once leadership is acquired; `leading` aborts when it is lost or the election stops. */
  onStartedLeading(leading: AbortSignal): void;
  onStoppedLeading?(): void;
}

interface Observed {
  holder: string;
  resourceVersion: string;
  observedAt: number;
  renewTime: string;
}

export class LeaderElector {
  readonly #api: CoordinationV1Api;
  readonly #cfg: Required<Omit<LeaderElectionConfig, 'logger' | 'clock'>> & { logger?: Logger; clock: Clock };
  #observed: Observed | undefined;
  #leading: AbortController | undefined;

  constructor(config: LeaderElectionConfig) {
    this.#api = config.kubeConfig.makeApiClient(CoordinationV1Api);
    this.#cfg = {
      leaseDurationMs: 15_000,
      renewDeadlineMs: 10_000,
      retryPeriodMs: 2_000,
      clock: systemClock,
      ...config,
    };
  }

  isLeader(): boolean {
    return this.#leading !== undefined && !this.#leading.signal.aborted;
  }

  /** Runs the election until `signal` aborts; then releases the lease if held. */
  async run(callbacks: LeaderCallbacks, signal: AbortSignal): Promise<void> {
    const { retryPeriodMs, renewDeadlineMs, clock } = this.#cfg;
    while (!signal.aborted) {
      // Acquire.
      while (!signal.aborted && !(await this.#tryAcquireOrRenew())) await this.#sleep(retryPeriodMs, signal);
      if (signal.aborted) break;
      this.#leading = new AbortController();
      this.#cfg.logger?.info({ lease: `${this.#cfg.namespace}/${this.#cfg.name}`, identity: this.#cfg.identity }, 'became leader');
      callbacks.onStartedLeading(this.#leading.signal);
      // Renew.
      let lastRenew = clock.now();
      while (!signal.aborted) {
        await this.#sleep(retryPeriodMs, signal);
        if (signal.aborted) break;
        if (await this.#tryAcquireOrRenew()) lastRenew = clock.now();
        else if (clock.now() - lastRenew >= renewDeadlineMs) break;
      }
      this.#leading.abort();
      this.#leading = undefined;
      this.#cfg.logger?.warn({ identity: this.#cfg.identity }, 'stopped leading');
      callbacks.onStoppedLeading?.();
    }
    await this.#release();
  }

  #sleep(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal.aborted) return resolve();
      const cancel = this.#cfg.clock.setTimer(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        cancel();
        resolve();
      };
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  async #tryAcquireOrRenew(): Promise<boolean> {
    const { namespace, name, identity, leaseDurationMs, clock } = this.#cfg;
    const now = clock.now();
    const spec = (lease?: V1Lease) => ({
      holderIdentity: identity,
      leaseDurationSeconds: Math.ceil(leaseDurationMs / 1000),
      acquireTime: lease?.spec?.holderIdentity === identity && lease.spec.acquireTime ? lease.spec.acquireTime : new V1MicroTime(now),
      renewTime: new V1MicroTime(now),
      leaseTransitions: (lease?.spec?.leaseTransitions ?? 0) + (lease && lease.spec?.holderIdentity !== identity ? 1 : 0),
    });
    try {
      const lease = await orUndefined(this.#api.readNamespacedLease({ name, namespace }));
      if (!lease) {
        await kube(this.#api.createNamespacedLease({ namespace, body: { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, namespace }, spec: spec() } }));
        return true;
      }
      const holder = lease.spec?.holderIdentity ?? '';
      const renewTime = String(lease.spec?.renewTime ?? '');
      if (!this.#observed || this.#observed.holder !== holder || this.#observed.renewTime !== renewTime) {
        this.#observed = { holder, renewTime, resourceVersion: lease.metadata?.resourceVersion ?? '', observedAt: now };
      }
      const durationMs = (lease.spec?.leaseDurationSeconds ?? 15) * 1000;
      if (holder && holder !== identity && this.#observed.observedAt + durationMs > now) return false;
      await kube(this.#api.replaceNamespacedLease({ name, namespace, body: { ...lease, spec: { ...lease.spec, ...spec(lease) } } }));
      return true;
    } catch (err) {
      this.#cfg.logger?.debug({ err: err instanceof Error ? err.message : String(err) }, 'lease update failed');
      return false;
    }
  }

  async #release(): Promise<void> {
    const { namespace, name, identity } = this.#cfg;
    try {
      const lease = await orUndefined(this.#api.readNamespacedLease({ name, namespace }));
      if (!lease || lease.spec?.holderIdentity !== identity) return;
      await kube(this.#api.replaceNamespacedLease({ name, namespace, body: { ...lease, spec: { ...lease.spec, holderIdentity: '', leaseDurationSeconds: 1 } } }));
    } catch (err) {
      this.#cfg.logger?.warn({ err: err instanceof Error ? err.message : String(err) }, 'could not release the lease');
    }
  }
}
