// Committed objects by resource -> namespace -> name. Objects are frozen and shared: a reader
// gets the stored instance and must clone before modifying.
import type { KubeObject } from '../types.ts';
import type { StoreKey } from './types.ts';

export interface IndexedObject {
  key: StoreKey;
  object: KubeObject;
}

export class ObjectIndex {
  readonly #byResource = new Map<string, Map<string, Map<string, KubeObject>>>();
  #count = 0;

  get count(): number {
    return this.#count;
  }

  get(key: StoreKey): KubeObject | undefined {
    return this.#byResource.get(key.resource)?.get(key.namespace)?.get(key.name);
  }

  set(key: StoreKey, object: KubeObject): void {
    let namespaces = this.#byResource.get(key.resource);
    if (namespaces === undefined) {
      namespaces = new Map();
      this.#byResource.set(key.resource, namespaces);
    }
    let names = namespaces.get(key.namespace);
    if (names === undefined) {
      names = new Map();
      namespaces.set(key.namespace, names);
    }
    if (!names.has(key.name)) this.#count++;
    names.set(key.name, object);
  }

  delete(key: StoreKey): void {
    const namespaces = this.#byResource.get(key.resource);
    const names = namespaces?.get(key.namespace);
    if (names === undefined || !names.delete(key.name)) return;
    this.#count--;
    if (names.size === 0) namespaces!.delete(key.namespace);
    if (namespaces!.size === 0) this.#byResource.delete(key.resource);
  }

  /** Objects of `resource`, sorted by namespace then name; `namespace` undefined = all. */
  list(resource: string, namespace?: string): KubeObject[] {
    const namespaces = this.#byResource.get(resource);
    if (namespaces === undefined) return [];
    const nsNames = namespace === undefined ? [...namespaces.keys()].sort(compareStrings) : [namespace];
    const items: KubeObject[] = [];
    for (const ns of nsNames) {
      const names = namespaces.get(ns);
      if (names === undefined) continue;
      for (const name of [...names.keys()].sort(compareStrings)) items.push(names.get(name)!);
    }
    return items;
  }

  /** Every object with its key (a consistent copy of the references, for a snapshot). */
  entries(): IndexedObject[] {
    const out: IndexedObject[] = [];
    for (const [resource, namespaces] of this.#byResource) {
      for (const [namespace, names] of namespaces) {
        for (const [name, object] of names) out.push({ key: { resource, namespace, name }, object });
      }
    }
    return out;
  }
}

/** Byte-wise order, as etcd sorts keys (not locale order). */
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
