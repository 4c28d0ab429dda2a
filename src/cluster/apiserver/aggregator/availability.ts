// The APIService availability check of kube-aggregator's AvailableConditionController: a Local
// APIService is always available; a remote one is available when its Service resolves and its
// discovery document (/apis/<group>/<version>) answers 2xx. The outcome is the `Available`
// condition, with the real reasons (Local, Passed, ServiceNotFound, FailedDiscoveryCheck) and
// messages. `decideAvailableCondition` is pure; `ApiServiceAvailability` does the I/O.
import { request } from 'node:https';
import { isIP } from 'node:net';
import { checkServerIdentity } from 'node:tls';
import type { Logger } from 'pino';
import { CallError, describeDialError, type ServiceLookup } from '../admission/index.ts';
import type { Store } from '../storage/index.ts';
import type { KubeObject } from '../types.ts';
import { readApiService, type ApiServiceEntry } from './apiservices.ts';
import { resolveBackend, type Backend } from './backend.ts';

export interface AvailableCondition {
  type: 'Available';
  status: 'True' | 'False' | 'Unknown';
  lastTransitionTime: string;
  reason: string;
  message: string;
}

/** What the checks found. */
export type ProbeOutcome =
  | { kind: 'local' }
  | { kind: 'serviceError'; error: CallError }
  | { kind: 'discovery'; url: string; statusCode?: number; error?: string };

export function decideAvailableCondition(entry: ApiServiceEntry, outcome: ProbeOutcome, previous: AvailableCondition | undefined, now: string): AvailableCondition {
  let status: AvailableCondition['status'];
  let reason: string;
  let message: string;
  if (outcome.kind === 'local') {
    [status, reason, message] = ['True', 'Local', 'Local APIServices are always available'];
  } else if (outcome.kind === 'serviceError') {
    const svc = entry.service!;
    [status, reason, message] = outcome.error.message.startsWith('service "')
      ? ['False', 'ServiceNotFound', `service/${svc.name} in "${svc.namespace}" is not present`]
      : ['False', 'ServiceAccessError', outcome.error.message];
  } else if (outcome.error !== undefined) {
    [status, reason, message] = ['False', 'FailedDiscoveryCheck', `failing or missing response from ${outcome.url}: ${outcome.error}`];
  } else if (outcome.statusCode !== undefined && (outcome.statusCode < 200 || outcome.statusCode > 299)) {
    [status, reason, message] = ['False', 'FailedDiscoveryCheck', `failing or missing response from ${outcome.url}: bad status from ${outcome.url}: ${outcome.statusCode}`];
  } else {
    [status, reason, message] = ['True', 'Passed', 'all checks passed'];
  }
  const lastTransitionTime = previous !== undefined && previous.status === status ? previous.lastTransitionTime : now;
  return { type: 'Available', status, lastTransitionTime, reason, message };
}

const RESOURCE = 'apiregistration.k8s.io/apiservices';
const DISCOVERY_TIMEOUT_MS = 5000;

export interface AvailabilityOptions {
  store: Store;
  services: ServiceLookup;
  now(): Date;
  logger: Logger;
  /** Re-check period (default 30 s): a backend that comes up later becomes Available. */
  intervalMs?: number;
}

export class ApiServiceAvailability {
  readonly #opts: AvailabilityOptions;
  readonly #inFlight = new Set<string>();
  readonly #again = new Set<string>();
  readonly #seen = new Map<string, string>();

  constructor(opts: AvailabilityOptions) {
    this.#opts = opts;
  }

  /** Checks every APIService now, on every change, and periodically until `signal` aborts. */
  start(signal: AbortSignal): void {
    const { store } = this.#opts;
    const { items, rv } = store.list(RESOURCE);
    for (const obj of items) this.check(obj.metadata.name ?? '');
    store.watch(RESOURCE, { fromRV: rv, signal }, (event) => {
      const name = event.object.metadata.name ?? '';
      if (event.type === 'DELETED') {
        this.#seen.delete(name);
        return;
      }
      // Its own status writes come back as MODIFIED: only spec or annotation changes recheck.
      const fingerprint = JSON.stringify([event.object.metadata.uid, event.object['spec'], event.object.metadata.annotations]);
      if (this.#seen.get(name) === fingerprint) return;
      this.#seen.set(name, fingerprint);
      this.check(name);
    });
    store.watch('core/services', { fromRV: store.list('core/services').rv, signal }, () => this.checkAll());
    const timer = setInterval(() => this.checkAll(), this.#opts.intervalMs ?? 30_000);
    timer.unref();
    signal.addEventListener('abort', () => clearInterval(timer), { once: true });
  }

  checkAll(): void {
    for (const obj of this.#opts.store.list(RESOURCE).items) this.check(obj.metadata.name ?? '');
  }

  /** Runs one check (at most one per APIService at a time; a request meanwhile reruns it). */
  check(name: string): void {
    if (this.#inFlight.has(name)) {
      this.#again.add(name);
      return;
    }
    this.#inFlight.add(name);
    this.#checkOnce(name)
      .catch((err: unknown) => this.#opts.logger.warn({ err, apiservice: name }, 'apiservice availability check failed'))
      .finally(() => {
        this.#inFlight.delete(name);
        if (this.#again.delete(name)) this.check(name);
      });
  }

  async #checkOnce(name: string): Promise<void> {
    const { store } = this.#opts;
    const key = { resource: RESOURCE, namespace: '', name };
    const live = store.get(key);
    if (live === undefined) return;
    const entry = readApiService(live);
    const outcome = await probe(entry, this.#opts.services);
    const current = store.get(key);
    if (current === undefined || current.metadata.uid !== live.metadata.uid) return;
    const status = (current['status'] ?? {}) as { conditions?: AvailableCondition[] };
    const conditions = status.conditions ?? [];
    const previous = conditions.find((c) => c.type === 'Available');
    const next = decideAvailableCondition(entry, outcome, previous, this.#opts.now().toISOString().replace(/\.\d{3}Z$/, 'Z'));
    if (previous !== undefined && previous.status === next.status && previous.reason === next.reason && previous.message === next.message) return;
    const updated = structuredClone(current) as KubeObject;
    updated['status'] = { ...status, conditions: [...conditions.filter((c) => c.type !== 'Available'), next] };
    try {
      await store.update(key, updated, { expectRV: current.metadata.resourceVersion! });
    } catch (err) {
      // Changed meanwhile: the change triggers another check.
      if ((err as { code?: string }).code !== 'ECONFLICT' && (err as { code?: string }).code !== 'ENOTFOUND') throw err;
      this.#again.add(name);
    }
  }
}

async function probe(entry: ApiServiceEntry, services: ServiceLookup): Promise<ProbeOutcome> {
  if (entry.service === undefined) return { kind: 'local' };
  let backend: Backend;
  try {
    backend = resolveBackend(entry, services);
  } catch (err) {
    if (err instanceof CallError) return { kind: 'serviceError', error: err };
    throw err;
  }
  const path = `/apis/${entry.group}/${entry.version}`;
  const url = `${backend.origin}${path}`;
  try {
    const statusCode = await getStatus(backend, path);
    return { kind: 'discovery', url, statusCode };
  } catch (err) {
    return { kind: 'discovery', url, error: describeDialError(err, backend.host, backend.port).message };
  }
}

function getStatus(backend: Backend, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({
      host: backend.host,
      port: backend.port,
      path,
      method: 'GET',
      headers: { accept: 'application/json', 'x-remote-user': 'system:kube-aggregator', 'x-remote-group': 'system:masters' },
      servername: isIP(backend.serverName) === 0 ? backend.serverName : '',
      rejectUnauthorized: !backend.insecure,
      checkServerIdentity: (_host, cert) => checkServerIdentity(backend.serverName, cert),
      ...(backend.caPem === undefined ? {} : { ca: backend.caPem }),
      agent: false,
      timeout: DISCOVERY_TIMEOUT_MS,
    });
    req.on('timeout', () => req.destroy(new CallError('ETIMEDOUT', 'context deadline exceeded')));
    req.on('error', reject);
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.end();
  });
}
