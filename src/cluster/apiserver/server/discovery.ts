// Legacy discovery documents (/api, /api/v1, /apis, /apis/<group>, /apis/<group>/<version>).
// Aggregated discovery (apidiscovery.k8s.io/v2) is declined by answering plain
// application/json, which makes client-go fall back to these.
import { createHash } from 'node:crypto';
import { apiVersionOf, type ResourceRegistry, type ServedResource } from './registry.ts';

/** What a subresource is served as in discovery: its kind, group/version when not the parent's, and verbs. */
const SUBRESOURCE_DISCOVERY: Record<string, { kind?: string; group?: string; version?: string; verbs: string[] }> = {
  status: { verbs: ['get', 'patch', 'update'] },
  scale: { kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: ['get', 'patch', 'update'] },
  log: { verbs: ['get'] },
  binding: { kind: 'Binding', verbs: ['create'] },
  eviction: { kind: 'Eviction', group: 'policy', version: 'v1', verbs: ['create'] },
  token: { kind: 'TokenRequest', group: 'authentication.k8s.io', version: 'v1', verbs: ['create'] },
  finalize: { verbs: ['update'] },
  ephemeralcontainers: { verbs: ['get', 'patch', 'update'] },
  resize: { verbs: ['get', 'patch', 'update'] },
  attach: { kind: 'PodAttachOptions', verbs: ['create', 'get'] },
  exec: { kind: 'PodExecOptions', verbs: ['create', 'get'] },
  portforward: { kind: 'PodPortForwardOptions', verbs: ['create', 'get'] },
  proxy: { kind: 'PodProxyOptions', verbs: ['create', 'delete', 'get', 'patch', 'update'] },
};

/** discovery.StorageVersionHash: base64 of the first 8 bytes of sha256("<group>/<version>/<kind>"). */
export function storageVersionHash(served: ServedResource): string {
  const digest = createHash('sha256').update(`${served.group}/${served.storageVersion}/${served.kind}`).digest();
  return digest.subarray(0, 8).toString('base64');
}

export function apiVersions(serverAddress: string): unknown {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function groupEntry(name: string, versions: string[]): unknown {
  const list = versions.map((v) => ({ groupVersion: `${name}/${v}`, version: v }));
  return { name, versions: list, preferredVersion: list[0] };
}

export function apiGroupList(registry: ResourceRegistry): unknown {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: registry.groups().map((g) => groupEntry(g.name, g.versions)),
  };
}

export function apiGroup(registry: ResourceRegistry, group: string): unknown {
  const found = registry.groups().find((g) => g.name === group);
  if (found === undefined) return undefined;
  return { kind: 'APIGroup', apiVersion: 'v1', ...(groupEntry(found.name, found.versions) as object) };
}

export function apiResourceList(registry: ResourceRegistry, group: string, version: string): unknown {
  const view = registry.groupVersion(group, version);
  if (view === undefined) return undefined;
  const resources: unknown[] = [];
  const sorted = [...view.resources].sort((a, b) => (a.resource < b.resource ? -1 : a.resource > b.resource ? 1 : 0));
  for (const r of sorted) {
    const entry: Record<string, unknown> = {
      name: r.resource,
      singularName: r.singular,
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: r.verbs,
    };
    if (r.shortNames.length > 0) entry['shortNames'] = r.shortNames;
    if (r.categories.length > 0) entry['categories'] = r.categories;
    entry['storageVersionHash'] = storageVersionHash(r);
    resources.push(entry);
    for (const sub of [...r.subresources].sort()) {
      const known = SUBRESOURCE_DISCOVERY[sub] ?? { verbs: ['get'] };
      const subEntry: Record<string, unknown> = {
        name: `${r.resource}/${sub}`,
        singularName: '',
        namespaced: r.namespaced,
      };
      if (known.group !== undefined) subEntry['group'] = known.group;
      if (known.version !== undefined) subEntry['version'] = known.version;
      subEntry['kind'] = known.kind ?? r.kind;
      subEntry['verbs'] = known.verbs;
      resources.push(subEntry);
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: apiVersionOf(group, version), resources };
}
