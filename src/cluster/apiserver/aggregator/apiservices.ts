// APIService objects (apiregistration.k8s.io/v1) read into what the aggregator needs, pure:
// which group/versions are proxied and where, and how discovery orders the aggregated groups
// (groupPriorityMinimum, then versionPriority, highest first).
import type { KubeObject } from '../types.ts';

/** Embedded mode: where to reach an APIService whose Service has no reachable address. */
export const URL_ANNOTATION = 'ferry.dev/url';

export interface ApiServiceEntry {
  name: string;
  group: string;
  version: string;
  /** Undefined for Local APIServices (served by this server itself). */
  service?: { namespace: string; name: string; port: number };
  /** The `ferry.dev/url` annotation, when set. */
  url?: string;
  caPem?: string;
  insecureSkipTLSVerify: boolean;
  groupPriorityMinimum: number;
  versionPriority: number;
}

interface ApiServiceSpec {
  group?: string;
  version?: string;
  service?: { namespace?: string; name?: string; port?: number } | null;
  caBundle?: string;
  insecureSkipTLSVerify?: boolean;
  groupPriorityMinimum?: number;
  versionPriority?: number;
}

export function readApiService(obj: KubeObject): ApiServiceEntry {
  const spec = (obj['spec'] ?? {}) as ApiServiceSpec;
  const entry: ApiServiceEntry = {
    name: obj.metadata.name ?? '',
    group: spec.group ?? '',
    version: spec.version ?? '',
    insecureSkipTLSVerify: spec.insecureSkipTLSVerify === true,
    groupPriorityMinimum: spec.groupPriorityMinimum ?? 0,
    versionPriority: spec.versionPriority ?? 0,
  };
  if (spec.service !== undefined && spec.service !== null) {
    entry.service = { namespace: spec.service.namespace ?? '', name: spec.service.name ?? '', port: spec.service.port ?? 443 };
  }
  const url = obj.metadata.annotations?.[URL_ANNOTATION];
  if (url !== undefined && url !== '') entry.url = url;
  if (spec.caBundle !== undefined && spec.caBundle !== '') entry.caPem = Buffer.from(spec.caBundle, 'base64').toString('utf8');
  return entry;
}

/** The remote APIService serving group/version, if any (Local ones are served in-process). */
export function remoteApiService(entries: ApiServiceEntry[], group: string, version: string): ApiServiceEntry | undefined {
  return entries.find((e) => e.group === group && e.version === version && e.service !== undefined);
}

export interface AggregatedGroup {
  name: string;
  /** Preferred first. */
  versions: string[];
}

/** Groups served only through remote APIServices, in discovery order. */
export function aggregatedGroups(entries: ApiServiceEntry[], localGroups: ReadonlySet<string>): AggregatedGroup[] {
  const byGroup = new Map<string, ApiServiceEntry[]>();
  for (const e of entries) {
    if (e.service === undefined || localGroups.has(e.group)) continue;
    byGroup.set(e.group, [...(byGroup.get(e.group) ?? []), e]);
  }
  const groups = [...byGroup.entries()].map(([name, list]) => {
    const sorted = [...list].sort((a, b) => b.versionPriority - a.versionPriority || compareVersions(b.version, a.version));
    return { name, versions: sorted.map((e) => e.version), priority: Math.max(...list.map((e) => e.groupPriorityMinimum)) };
  });
  groups.sort((a, b) => b.priority - a.priority || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return groups.map(({ name, versions }) => ({ name, versions }));
}

/** Kube-aware version order: GA > beta > alpha, then by number (v2 > v1, v1beta2 > v1beta1). */
export function compareVersions(a: string, b: string): number {
  const parse = (v: string): [number, number, number] | undefined => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (m === null) return undefined;
    const stage = m[2] === undefined ? 2 : m[2] === 'beta' ? 1 : 0;
    return [stage, Number(m[1]), Number(m[3] ?? 0)];
  };
  const pa = parse(a);
  const pb = parse(b);
  if (pa === undefined || pb === undefined) {
    if (pa !== undefined) return 1;
    if (pb !== undefined) return -1;
    return a < b ? 1 : a > b ? -1 : 0;
  }
  return pa[0] - pb[0] || pa[1] - pb[1] || pa[2] - pb[2];
}
