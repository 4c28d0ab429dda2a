// Reading the x-kubernetes-* extensions off OpenAPI v3 schemas as the real server does:
// a property is often `{allOf: [{$ref}], description, default}` (OpenAPI v3) or `{$ref}` (v2
// style); the extensions that matter may sit on the property (list-type, patch-strategy) or on
// the referenced definition (map-type on e.g. LabelSelector). `deref` merges both views.

import type { Schema } from '../types.ts';

/** Resolves `#/components/schemas/<name>` (or whatever the caller's refs look like). */
export type SchemaResolver = (ref: string) => Schema | undefined;

/** The effective schema of a node: the referenced definition overlaid with the node's own keys. */
export function deref(schema: Schema | undefined, resolve: SchemaResolver): Schema | undefined {
  let node = schema;
  // A bounded walk: a $ref chain longer than this is a broken schema, treated as unknown.
  for (let hops = 0; node !== undefined && hops < 16; hops++) {
    const ref = node.$ref ?? singleAllOfRef(node);
    if (ref === undefined) return node;
    const target = resolve(ref);
    if (target === undefined) return undefined;
    const own: Schema = { ...node };
    delete own.$ref;
    if (own.allOf !== undefined && singleAllOfRef(node) === ref) delete own.allOf;
    node = { ...target, ...own };
  }
  return node;
}

function singleAllOfRef(schema: Schema): string | undefined {
  const allOf = schema.allOf;
  if (allOf === undefined || allOf.length !== 1) return undefined;
  return allOf[0]?.$ref;
}

/** The schema of a map's field `name`; undefined means "unknown", handled as deduced types. */
export function fieldSchema(schema: Schema | undefined, name: string, resolve: SchemaResolver): Schema | undefined {
  const s = deref(schema, resolve);
  if (s === undefined) return undefined;
  const prop = s.properties?.[name];
  if (prop !== undefined) return deref(prop, resolve);
  if (typeof s.additionalProperties === 'object') return deref(s.additionalProperties, resolve);
  return undefined;
}

/** The schema of a list's items. */
export function itemSchema(schema: Schema | undefined, resolve: SchemaResolver): Schema | undefined {
  const s = deref(schema, resolve);
  return s?.items === undefined ? undefined : deref(s.items, resolve);
}

export type ListKind = { type: 'atomic' } | { type: 'set' } | { type: 'map'; keys: string[] };

/**
 * How server-side apply treats a list. Like structured-merge-diff's OpenAPI conversion:
 * `x-kubernetes-list-type` wins; else a `merge` patch strategy makes it associative (keyed by
 * the patch merge key, or a set of primitives without one); else atomic. Unknown -> atomic.
 */
export function listKind(schema: Schema | undefined): ListKind {
  if (schema === undefined) return { type: 'atomic' };
  const listType = schema['x-kubernetes-list-type'];
  if (listType === 'map') return { type: 'map', keys: schema['x-kubernetes-list-map-keys'] ?? [] };
  if (listType === 'set') return { type: 'set' };
  if (listType === 'atomic') return { type: 'atomic' };
  if (patchStrategies(schema).includes('merge')) {
    const key = schema['x-kubernetes-patch-merge-key'];
    return key === undefined ? { type: 'set' } : { type: 'map', keys: [key] };
  }
  return { type: 'atomic' };
}

/** True when server-side apply treats this map/struct as one value (`x-kubernetes-map-type: atomic`). */
export function mapIsAtomic(schema: Schema | undefined): boolean {
  return schema?.['x-kubernetes-map-type'] === 'atomic';
}

/** The comma-separated `x-kubernetes-patch-strategy` as a list, e.g. ["merge", "retainKeys"]. */
export function patchStrategies(schema: Schema | undefined): string[] {
  const raw = schema?.['x-kubernetes-patch-strategy'];
  return typeof raw === 'string' && raw !== '' ? raw.split(',').map((s) => s.trim()) : [];
}
