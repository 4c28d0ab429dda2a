// How server-side apply sees a JSON value through its schema (structured-merge-diff's typed
// values): a scalar, an atomic value (atomic list or map: one field), a granular map (one field
// per key), or an associative list (set or map list: one path element per item). Values with
// no schema are "deduced": maps granular, lists atomic.

import type { Schema } from '../types.ts';
import { PatchError } from './errors.ts';
import { fieldPathToString, indexElement, keyElement, valueElement, type FieldPath, type PathElement } from './fieldset.ts';
import { isJsonObject, type JsonObject } from './json-value.ts';
import { deref, fieldSchema, itemSchema, listKind, mapIsAtomic, type SchemaResolver } from './schema-lookup.ts';

export type Shape =
  | { kind: 'leaf' }
  | { kind: 'map'; value: JsonObject; schema: Schema | undefined }
  | { kind: 'list'; items: ListItem[]; itemSchema: Schema | undefined; setList: boolean };

export interface ListItem { pe: PathElement; value: unknown }

/**
 * The shape of `value` under `schema`. `strict` (used on apply configurations) rejects what
 * structured-merge-diff rejects: duplicate keys, and map-list items that are not objects.
 * Lenient mode (live objects) falls back to index elements instead.
 */
export function shapeOf(value: unknown, schema: Schema | undefined, resolve: SchemaResolver, path: FieldPath, strict: boolean): Shape {
  const s = deref(schema, resolve);
  if (isJsonObject(value)) {
    return mapIsAtomic(s) ? { kind: 'leaf' } : { kind: 'map', value, schema: s };
  }
  if (!Array.isArray(value)) return { kind: 'leaf' };
  const kind = listKind(s);
  if (kind.type === 'atomic') return { kind: 'leaf' };
  const items = itemSchema(s, resolve);
  const seen = new Set<PathElement>();
  const out: ListItem[] = [];
  value.forEach((item, index) => {
    let pe: PathElement;
    if (kind.type === 'map' && isJsonObject(item)) {
      const fields = keyFields(item, kind.keys, items, resolve);
      const omitted = kind.keys.find((k) => !Object.hasOwn(fields, k));
      if (strict && omitted !== undefined) {
        throw new PatchError('EAPPLYINVALID', `${fieldPathToString(path)}: associative list with keys has an element that omits key field ${JSON.stringify(omitted)} (and doesn't have default value)`);
      }
      pe = keyElement(fields);
    }
    else if (kind.type === 'set' && !isJsonObject(item) && !Array.isArray(item)) pe = valueElement(item);
    else if (strict) {
      throw new PatchError('EAPPLYINVALID', `${fieldPathToString(path)}: expected ${kind.type === 'map' ? 'map' : 'scalar'} list items, got ${JSON.stringify(item)}`);
    } else pe = indexElement(index);
    if (seen.has(pe)) {
      if (strict) throw new PatchError('EAPPLYINVALID', `${fieldPathToString(path)}: duplicate entries for key ${fieldPathToString([pe])}`);
      pe = indexElement(index);
    }
    seen.add(pe);
    out.push({ pe, value: item });
  });
  return { kind: 'list', items: out, itemSchema: items, setList: kind.type === 'set' };
}

/** The key of a map-list item; a key field the item omits takes the schema default, if any. */
function keyFields(item: JsonObject, keys: string[], schema: Schema | undefined, resolve: SchemaResolver): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const value = item[key] ?? fieldSchema(schema, key, resolve)?.default;
    if (value !== undefined) out[key] = value;
  }
  return out;
}

export function childPath(path: FieldPath, pe: PathElement): FieldPath {
  return [...path, pe];
}
