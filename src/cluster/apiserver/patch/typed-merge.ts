// The value half of server-side apply: merging an apply configuration into the live object
// (TypedValue.Merge) and removing the fields an applier gave up (TypedValue.RemoveItems).

import type { Schema } from '../types.ts';
import type { FieldPath, PathElement } from './fieldset.ts';
import { fieldElement } from './fieldset.ts';
import { cloneJson, isJsonObject, type JsonObject } from './json-value.ts';
import { deref, fieldSchema, listKind, type SchemaResolver } from './schema-lookup.ts';
import { childPath, shapeOf, type ListItem } from './typed-value.ts';

/**
 * `config` merged over `live`: granular maps merge key by key, associative lists item by item
 * (live-only items keep their place, shared and new items follow the configuration's order),
 * everything else (scalars, atomic lists and maps) is taken from the configuration.
 */
export function mergeTyped(live: unknown, config: unknown, schema: Schema | undefined, resolve: SchemaResolver, path: FieldPath = []): unknown {
  if (config === undefined) return cloneJson(live);
  if (live === undefined) return cloneJson(config);
  const sl = shapeOf(live, schema, resolve, path, false);
  const sc = shapeOf(config, schema, resolve, path, true);
  if (sl.kind === 'map' && sc.kind === 'map') {
    const out: JsonObject = { ...cloneJson(sl.value) };
    for (const [name, value] of Object.entries(sc.value)) {
      out[name] = mergeTyped(sl.value[name], value, fieldSchema(sc.schema, name, resolve), resolve, childPath(path, fieldElement(name)));
    }
    return out;
  }
  if (sl.kind === 'list' && sc.kind === 'list') {
    return mergeListItems(sl.items, sc.items, (pe, l, r) => mergeTyped(l, r, sc.itemSchema, resolve, childPath(path, pe)));
  }
  return cloneJson(config);
}

/** structured-merge-diff's list merge order: two cursors, live-only items stay where they were. */
function mergeListItems(lhs: ListItem[], rhs: ListItem[], mergeItem: (pe: PathElement, l: unknown, r: unknown) => unknown): unknown[] {
  const lhsByPe = new Map(lhs.map((i) => [i.pe, i.value]));
  const rhsByPe = new Map(rhs.map((i) => [i.pe, i.value]));
  const shared = rhs.filter((i) => lhsByPe.has(i.pe)).map((i) => i.pe);
  let nextShared = 0;
  const done = new Set<PathElement>();
  const out: unknown[] = [];
  let li = 0;
  let ri = 0;
  const takeRhs = (): void => {
    const item = rhs[ri++] as ListItem;
    done.add(item.pe);
    out.push(mergeItem(item.pe, lhsByPe.get(item.pe), item.value));
    if (shared[nextShared] === item.pe) nextShared++;
  };
  while (li < lhs.length || ri < rhs.length) {
    const l = lhs[li];
    if (l !== undefined && ri < rhs.length) {
      if (l.pe === rhs[ri]?.pe) { li++; takeRhs(); continue; }
      if (rhsByPe.has(l.pe) && nextShared < shared.length && shared[nextShared] !== l.pe) { li++; continue; }
    }
    if (l !== undefined) {
      if (!rhsByPe.has(l.pe)) { out.push(cloneJson(l.value)); li++; continue; }
      if (done.has(l.pe)) { li++; continue; }
    }
    if (ri < rhs.length) takeRhs();
    else li++;
  }
  return out;
}

/**
 * Removes the value at `path` from `obj` (in place). A key field of a map-list item is never
 * removed alone: the item's identity would go with it.
 */
export function removePath(obj: unknown, path: FieldPath, schema: Schema | undefined, resolve: SchemaResolver): void {
  let node: unknown = obj;
  let nodeSchema = deref(schema, resolve);
  let itemKeys: string[] = [];
  for (let depth = 0; depth < path.length; depth++) {
    const pe = path[depth] as PathElement;
    const last = depth === path.length - 1;
    if (pe.startsWith('f:')) {
      if (!isJsonObject(node)) return;
      const name = pe.slice(2);
      if (last) {
        if (!itemKeys.includes(name)) delete node[name];
        return;
      }
      node = node[name];
      nodeSchema = fieldSchema(nodeSchema, name, resolve);
      itemKeys = [];
      continue;
    }
    if (!Array.isArray(node)) return;
    const shape = shapeOf(node, nodeSchema, resolve, path.slice(0, depth), false);
    if (shape.kind !== 'list') return;
    const index = shape.items.findIndex((i) => i.pe === pe);
    if (index < 0) return;
    if (last) { node.splice(index, 1); return; }
    const kind = listKind(nodeSchema);
    itemKeys = kind.type === 'map' ? kind.keys : [];
    node = node[index];
    nodeSchema = shape.itemSchema;
  }
}
