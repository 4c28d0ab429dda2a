// What the server serves right now: the built-in kinds plus one entry per served version of
// every established CustomResourceDefinition. Lookups by group/version/resource drive request
// dispatch; the grouped view drives discovery and the OpenAPI documents.
import type { ResourceType } from '../resources/types.ts';
import type { Schema } from '../types.ts';

export interface CustomResourceInfo {
  /** metadata.name of the CRD, `<plural>.<group>`. */
  crdName: string;
  /** openAPIV3Schema of this version (undefined: none given, everything preserved). */
  schema: Schema | undefined;
  /** The name of this version's schema in the OpenAPI components (`io.kubevirt.cdi.v1beta1.DataVolume`). */
  componentName: string;
}

/** A kind served at one group/version. */
export interface ServedResource extends ResourceType {
  /** The Store's resource key, `<group or core>/<plural>`: one per group/resource, whatever the version. */
  storageResource: string;
  /** The version objects are stored as (their apiVersion is rewritten to the requested one). */
  storageVersion: string;
  /** Set for custom resources. */
  custom?: CustomResourceInfo;
}

export interface GroupVersionView {
  group: string;
  version: string;
  resources: ServedResource[];
}

export interface GroupView {
  name: string;
  /** Served versions, preferred first. */
  versions: string[];
}

/** `core/pods`, `cdi.kubevirt.io/datavolumes`. */
export function storageResourceOf(group: string, resource: string): string {
  return `${group === '' ? 'core' : group}/${resource}`;
}

export function apiVersionOf(group: string, version: string): string {
  return group === '' ? version : `${group}/${version}`;
}

export class ResourceRegistry {
  readonly #builtin: ServedResource[];
  /** Custom resources by CRD name. */
  readonly #custom = new Map<string, ServedResource[]>();
  #byPath = new Map<string, ServedResource>();
  #generation = 0;

  constructor(builtin: ResourceType[]) {
    this.#builtin = builtin.map((r) => ({
      ...r,
      storageResource: storageResourceOf(r.group, r.resource),
      storageVersion: r.version,
    }));
    this.#rebuild();
  }

  /** Bumped on every change: caches of derived documents (discovery, OpenAPI) compare it. */
  get generation(): number {
    return this.#generation;
  }

  lookup(group: string, version: string, resource: string): ServedResource | undefined {
    return this.#byPath.get(`${group}/${version}/${resource}`);
  }

  /** Any served version of group/resource (used to find the storage version). */
  lookupAnyVersion(group: string, resource: string): ServedResource | undefined {
    for (const r of this.all()) if (r.group === group && r.resource === resource) return r;
    return undefined;
  }

  all(): ServedResource[] {
    return [...this.#byPath.values()];
  }

  /** Replaces the served versions of one CRD (empty: it is no longer served). */
  setCustom(crdName: string, resources: ServedResource[]): void {
    if (resources.length === 0) this.#custom.delete(crdName);
    else this.#custom.set(crdName, resources);
    this.#rebuild();
  }

  customNames(): string[] {
    return [...this.#custom.keys()];
  }

  /** Groups in discovery order: the legacy core group first, then built-in groups, then CRD groups. */
  groups(): GroupView[] {
    const order: string[] = [];
    const versions = new Map<string, string[]>();
    for (const r of this.all()) {
      if (r.group === '') continue;
      let list = versions.get(r.group);
      if (list === undefined) {
        list = [];
        versions.set(r.group, list);
        order.push(r.group);
      }
      if (!list.includes(r.version)) list.push(r.version);
    }
    return order.map((name) => ({ name, versions: sortVersions(versions.get(name)!) }));
  }

  groupVersion(group: string, version: string): GroupVersionView | undefined {
    const resources = this.all().filter((r) => r.group === group && r.version === version);
    if (resources.length === 0) return undefined;
    return { group, version, resources };
  }

  #rebuild(): void {
    const byPath = new Map<string, ServedResource>();
    for (const r of this.#builtin) byPath.set(`${r.group}/${r.version}/${r.resource}`, r);
    for (const list of this.#custom.values()) {
      for (const r of list) {
        const path = `${r.group}/${r.version}/${r.resource}`;
        // A built-in kind always wins over a CRD that claims its names.
        if (!byPath.has(path)) byPath.set(path, r);
      }
    }
    this.#byPath = byPath;
    this.#generation++;
  }
}

/**
 * Kubernetes version priority (k8s.io/apimachinery/pkg/version.CompareKubeAwareVersionStrings):
 * GA before beta before alpha, higher numbers first, non-Kubernetes-looking versions last.
 */
export function sortVersions(versions: string[]): string[] {
  const rank = (v: string): [number, number, number, string] => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (m === null) return [3, 0, 0, v];
    const stability = m[2] === undefined ? 0 : m[2] === 'beta' ? 1 : 2;
    return [stability, -Number(m[1]), -Number(m[3] ?? 0), v];
  };
  return [...versions].sort((a, b) => {
    const ra = rank(a);
    const rb = rank(b);
    for (let i = 0; i < 3; i++) if (ra[i] !== rb[i]) return (ra[i] as number) - (rb[i] as number);
    return ra[3] < rb[3] ? -1 : ra[3] > rb[3] ? 1 : 0;
  });
}
