// Untyped access to stored objects: the registry works on plain JSON, as the server stores it.

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The object at `key`, created empty when missing (for defaulting). */
export function child(parent: JsonObject, key: string): JsonObject {
  const existing = parent[key];
  if (isObject(existing)) return existing;
  const created: JsonObject = {};
  parent[key] = created;
  return created;
}

/** The object at `key`, or an empty one (not attached) when missing. */
export function objectAt(parent: unknown, key: string): JsonObject {
  if (!isObject(parent)) return {};
  const value = parent[key];
  return isObject(value) ? value : {};
}

export function arrayAt(parent: unknown, key: string): unknown[] {
  if (!isObject(parent)) return [];
  const value = parent[key];
  return Array.isArray(value) ? value : [];
}

export function objectsAt(parent: unknown, key: string): JsonObject[] {
  return arrayAt(parent, key).filter(isObject);
}

export function stringAt(parent: unknown, key: string): string {
  if (!isObject(parent)) return '';
  const value = parent[key];
  return typeof value === 'string' ? value : '';
}

export function numberAt(parent: unknown, key: string): number {
  if (!isObject(parent)) return 0;
  const value = parent[key];
  return typeof value === 'number' ? value : 0;
}

/** Walks a dotted path of object keys: `path(obj, 'spec', 'nodeName')`. */
export function path(root: unknown, ...keys: string[]): unknown {
  let current = root;
  for (const key of keys) {
    if (!isObject(current)) return undefined;
    current = current[key];
  }
  return current;
}

export function stringPath(root: unknown, ...keys: string[]): string {
  const value = path(root, ...keys);
  return typeof value === 'string' ? value : '';
}

/** Sets `parent[key] = value` only when the key is absent (undefined or null). */
export function setDefault(parent: JsonObject, key: string, value: unknown): void {
  if (parent[key] === undefined || parent[key] === null) parent[key] = value;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, i) => deepEqual(item, b[i]));
  }
  if (isObject(a) && isObject(b)) {
    const aKeys = Object.keys(a).filter((k) => a[k] !== undefined);
    const bKeys = Object.keys(b).filter((k) => b[k] !== undefined);
    return aKeys.length === bKeys.length && aKeys.every((k) => deepEqual(a[k], b[k]));
  }
  return false;
}
