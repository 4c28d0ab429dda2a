// The aggregation layer in front of the server's own handlers: decides, per request path,
// whether an APIService takes it (proxy), and contributes the aggregated groups to discovery.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServiceLookup } from '../admission/index.ts';
import type { UserInfo } from '../server/auth.ts';
import { writeJson } from '../server/http.ts';
import type { Store } from '../storage/index.ts';
import { aggregatedGroups, readApiService, remoteApiService, type AggregatedGroup, type ApiServiceEntry } from './apiservices.ts';
import { resolveBackend } from './backend.ts';
import { aggregatedApiGroup, withAggregatedGroups } from './discovery.ts';
import { proxyToBackend } from './proxy.ts';

const RESOURCE = 'apiregistration.k8s.io/apiservices';

export class Aggregator {
  readonly #store: Store;
  readonly #services: ServiceLookup;
  readonly #localGroups: () => ReadonlySet<string>;

  constructor(store: Store, services: ServiceLookup, localGroups: () => ReadonlySet<string>) {
    this.#store = store;
    this.#services = services;
    this.#localGroups = localGroups;
  }

  #entries(): ApiServiceEntry[] {
    return this.#store.list(RESOURCE).items.map(readApiService);
  }

  /** The remote APIService for `/apis/<group>/<version>[/...]`, if one serves that path. */
  routeFor(path: string): ApiServiceEntry | undefined {
    const parts = path.split('/');
    if (parts[1] !== 'apis' || parts.length < 4 || parts[2] === '' || parts[3] === '') return undefined;
    if (this.#localGroups().has(parts[2]!)) return undefined;
    return remoteApiService(this.#entries(), parts[2]!, parts[3]!);
  }

  groups(): AggregatedGroup[] {
    return aggregatedGroups(this.#entries(), this.#localGroups());
  }

  group(name: string): AggregatedGroup | undefined {
    return this.groups().find((g) => g.name === name);
  }

  /**
   * Answers what the aggregation layer owns (after authentication and authorization): /apis
   * with the aggregated groups added, /apis/<aggregated group>, and everything under an
   * APIService's /apis/<group>/<version>. False: the request is the server's own.
   */
  async serve(req: IncomingMessage, res: ServerResponse, path: string, user: UserInfo, signal: AbortSignal, localGroupList: () => unknown): Promise<boolean> {
    const entry = this.routeFor(path);
    if (entry !== undefined) {
      await this.proxy(entry, req, res, user, signal);
      return true;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    if (path === '/apis') {
      const groups = this.groups();
      if (groups.length === 0) return false;
      writeJson(res, 200, withAggregatedGroups(localGroupList() as { groups?: unknown[] }, groups));
      return true;
    }
    const parts = path.split('/');
    if (parts.length === 3 && parts[1] === 'apis') {
      const group = this.group(parts[2]!);
      if (group === undefined) return false;
      writeJson(res, 200, aggregatedApiGroup(group));
      return true;
    }
    return false;
  }

  /** Proxies the request (path and query unchanged) to the APIService's backend. */
  async proxy(entry: ApiServiceEntry, req: IncomingMessage, res: ServerResponse, user: UserInfo, signal: AbortSignal): Promise<void> {
    let backend;
    try {
      backend = resolveBackend(entry, this.#services);
    } catch {
      const text = 'service unavailable\n';
      res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff', 'Content-Length': Buffer.byteLength(text) });
      res.end(text);
      return;
    }
    await proxyToBackend(req, res, backend, req.url ?? '/', user, signal);
  }
}
