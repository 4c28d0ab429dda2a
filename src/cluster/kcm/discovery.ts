// Discovery through the client library: every resource the API server serves (preferred version
// of each group), with its scope and verbs, as the garbage collector and the namespace controller
// of kube-controller-manager see it.
import { ApisApi, CoreV1Api, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { kube } from '../../kube/errors.ts';

export interface DiscoveredResource {
  group: string;
  version: string;
  resource: string;
  kind: string;
  namespaced: boolean;
  verbs: string[];
  /** "v1" or "group/version". */
  apiVersion: string;
}

/** The collection path of a resource, optionally within one namespace. */
export function collectionPath(r: DiscoveredResource, namespace?: string): string {
  const base = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
  return namespace && r.namespaced ? `${base}/namespaces/${namespace}/${r.resource}` : `${base}/${r.resource}`;
}

export async function discoverResources(kc: KubeConfig): Promise<DiscoveredResource[]> {
  const out: DiscoveredResource[] = [];
  const core = await kube(kc.makeApiClient(CoreV1Api).getAPIResources());
  for (const r of core.resources) {
    if (r.name.includes('/')) continue;
    out.push({ group: '', version: 'v1', resource: r.name, kind: r.kind, namespaced: r.namespaced, verbs: r.verbs, apiVersion: 'v1' });
  }
  const groups = await kube(kc.makeApiClient(ApisApi).getAPIVersions());
  const custom = kc.makeApiClient(CustomObjectsApi);
  for (const g of groups.groups) {
    const version = g.preferredVersion?.version ?? g.versions[0]?.version;
    if (!version) continue;
    let list;
    try {
      list = await kube(custom.getAPIResources({ group: g.name, version }));
    } catch {
      continue; // An aggregated group that is down must not stop discovery of the rest.
    }
    for (const r of list.resources) {
      if (r.name.includes('/')) continue;
      out.push({ group: g.name, version, resource: r.name, kind: r.kind, namespaced: r.namespaced, verbs: r.verbs, apiVersion: `${g.name}/${version}` });
    }
  }
  return out;
}
