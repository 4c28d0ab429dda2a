// Field sets of typed values: what a value sets (computeFieldSet, like TypedValue.ToFieldSet)
// and what changed between two values (compareTyped, like TypedValue.Compare).

import type { Schema } from '../types.ts';
import { fieldElement, insertPath, newFieldSet, type FieldPath, type FieldSet } from './fieldset.ts';
import { isJsonObject, jsonEqual } from './json-value.ts';
import { deref, fieldSchema, type SchemaResolver } from './schema-lookup.ts';
import { childPath, shapeOf } from './typed-value.ts';

/**
 * The fields `obj` sets: every leaf (scalar, atomic list or map), every list item (a member,
 * whose fields are also listed), never a granular map itself.
 */
export function computeFieldSet(obj: unknown, schema: Schema | undefined, resolve: SchemaResolver): FieldSet {
  const set = newFieldSet();
  addFields(set, obj, schema, resolve, [], false);
  return set;
}

/**
 * Adds the fields of `value` at `path`; `strict` validates as for an apply configuration.
 * `wholeContainers` is for values that appear or vanish as a whole in a comparison: then a
 * map or list is itself a member too (the `".": {}` of Update entries), except a struct the
 * empty object of the kind already holds (its schema defaults to `{}`, as value-typed Go
 * structs like `spec` or `template` do in the real OpenAPI) or a field its parent lists as
 * `required` (never omitted in Go, so present as null in the empty object: `containers`).
 */
export function addFields(
  set: FieldSet, value: unknown, schema: Schema | undefined, resolve: SchemaResolver, path: FieldPath, strict: boolean,
  wholeContainers = false, presentInEmpty = false,
): void {
  if (value === undefined) return;
  const shape = shapeOf(value, schema, resolve, path, strict);
  switch (shape.kind) {
    case 'leaf':
      if (path.length > 0) insertPath(set, path);
      return;
    case 'map': {
      const names = Object.keys(shape.value);
      if (wholeContainers && path.length > 0 && (names.length === 0 || !(presentInEmpty || isJsonObject(deref(schema, resolve)?.default)))) {
        insertPath(set, path);
      }
      const required = shape.schema?.required ?? [];
      for (const name of names) {
        addFields(
          set, shape.value[name], fieldSchema(shape.schema, name, resolve), resolve, childPath(path, fieldElement(name)), strict,
          wholeContainers, required.includes(name),
        );
      }
      return;
    }
    case 'list':
      if (wholeContainers && path.length > 0 && (shape.items.length === 0 || !presentInEmpty)) insertPath(set, path);
      for (const item of shape.items) {
        const itemPath = childPath(path, item.pe);
        insertPath(set, itemPath);
        if (!shape.setList) addFields(set, item.value, shape.itemSchema, resolve, itemPath, strict, wholeContainers);
      }
      return;
  }
}

export interface Comparison {
  /** Fields modified or added going from the old value to the new one. */
  changed: FieldSet;
  /** Fields the new value no longer has. */
  removed: FieldSet;
}

export function compareTyped(oldValue: unknown, newValue: unknown, schema: Schema | undefined, resolve: SchemaResolver): Comparison {
  const result: Comparison = { changed: newFieldSet(), removed: newFieldSet() };
  compareAt(result, oldValue, newValue, schema, resolve, []);
  return result;
}

function compareAt(result: Comparison, a: unknown, b: unknown, schema: Schema | undefined, resolve: SchemaResolver, path: FieldPath): void {
  if (a === undefined && b === undefined) return;
  if (a === undefined) { addFields(result.changed, b, schema, resolve, path, false, true); return; }
  if (b === undefined) { addFields(result.removed, a, schema, resolve, path, false, true); return; }
  const sa = shapeOf(a, schema, resolve, path, false);
  const sb = shapeOf(b, schema, resolve, path, false);
  if (sa.kind === 'map' && sb.kind === 'map') {
    for (const name of new Set([...Object.keys(sa.value), ...Object.keys(sb.value)])) {
      compareAt(result, sa.value[name], sb.value[name], fieldSchema(sb.schema, name, resolve), resolve, childPath(path, fieldElement(name)));
    }
    return;
  }
  if (sa.kind === 'list' && sb.kind === 'list') {
    const before = new Map(sa.items.map((i) => [i.pe, i.value]));
    const after = new Map(sb.items.map((i) => [i.pe, i.value]));
    for (const [pe, value] of after) {
      const itemPath = childPath(path, pe);
      if (!before.has(pe)) {
        insertPath(result.changed, itemPath);
        if (!sb.setList) addFields(result.changed, value, sb.itemSchema, resolve, itemPath, false, true);
      } else if (!sb.setList) {
        compareAt(result, before.get(pe), value, sb.itemSchema, resolve, itemPath);
      }
    }
    for (const [pe, value] of before) {
      if (after.has(pe)) continue;
      const itemPath = childPath(path, pe);
      insertPath(result.removed, itemPath);
      if (!sa.setList) addFields(result.removed, value, sa.itemSchema, resolve, itemPath, false, true);
    }
    return;
  }
  if (sa.kind === 'leaf' && sb.kind === 'leaf') {
    if (!jsonEqual(a, b) && path.length > 0) insertPath(result.changed, path);
    return;
  }
  // The value changed shape (e.g. a scalar became a map): all of the old is gone, all of the new is new.
  addFields(result.removed, a, schema, resolve, path, false, true);
  addFields(result.changed, b, schema, resolve, path, false, true);
  if (path.length > 0) insertPath(result.changed, path);
}
