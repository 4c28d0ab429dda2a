// Kubernetes strategic merge patch (`application/strategic-merge-patch+json`), following
// k8s.io/apimachinery/pkg/util/strategicpatch as kube-apiserver applies it (MergeParallelList and
// IgnoreUnmatchedNulls both on). The schema says, per field, `x-kubernetes-patch-strategy`
// (merge / replace / retainKeys, comma-separated) and `x-kubernetes-patch-merge-key`. Without a
// schema, maps merge and lists are replaced. Directives understood:
//   `$patch: replace | delete` in a map, `$patch: replace | delete` as a list item,
//   `$retainKeys: [...]`, `$deleteFromPrimitiveList/<field>: [...]`, `$setElementOrder/<field>: [...]`.

import type { Schema } from '../types.ts';
import { PatchError } from './errors.ts';
import { cloneJson, isJsonObject, jsonEqual, type JsonObject } from './json-value.ts';
import { deref, fieldSchema, itemSchema, patchStrategies, type SchemaResolver } from './schema-lookup.ts';
import { itemIdentity, normalizeElementOrder, partitionByPresence } from './strategic-list-order.ts';

const directiveMarker = '$patch';
const retainKeysDirective = '$retainKeys';
const deleteFromPrimitiveListPrefix = '$deleteFromPrimitiveList/';
const setElementOrderPrefix = '$setElementOrder/';

export function applyStrategicMergePatch(
  original: unknown,
  patch: unknown,
  schema: Schema | undefined,
  resolve: SchemaResolver,
): unknown {
  if (!isJsonObject(patch)) throw new PatchError('EPATCHINVALID', 'invalid JSON document');
  const base = isJsonObject(original) ? cloneJson(original) : {};
  return mergeMap(base, cloneJson(patch), deref(schema, resolve), resolve);
}

interface ListMeta { merge: boolean; mergeKey: string | undefined; items: Schema | undefined }

function listMeta(schema: Schema | undefined, resolve: SchemaResolver): ListMeta {
  return {
    merge: patchStrategies(schema).includes('merge'),
    mergeKey: schema?.['x-kubernetes-patch-merge-key'],
    items: itemSchema(schema, resolve),
  };
}

function describe(value: unknown): string {
  return JSON.stringify(value);
}

function mergeMap(original: JsonObject, patch: JsonObject, schema: Schema | undefined, resolve: SchemaResolver): JsonObject {
  if (Object.hasOwn(patch, directiveMarker)) {
    const directive = patch[directiveMarker];
    delete patch[directiveMarker];
    if (directive === 'replace') return mergeMap({}, patch, schema, resolve);
    if (directive === 'delete') return {};
    throw new PatchError('EPATCHINVALID', `unknown patch type: ${String(directive)} in map: ${describe(patch)}`);
  }
  applyRetainKeys(original, patch);
  applySetElementOrder(original, patch, schema, resolve);

  for (const [rawKey, patchValue] of Object.entries(patch)) {
    if (rawKey.startsWith(setElementOrderPrefix)) continue;
    const isDeleteList = rawKey.startsWith(deleteFromPrimitiveListPrefix);
    const key = isDeleteList ? rawKey.slice(deleteFromPrimitiveListPrefix.length) : rawKey;
    if (patchValue === null) {
      delete original[key];
      continue;
    }
    const sub = fieldSchema(schema, key, resolve);
    if (!Object.hasOwn(original, key)) {
      if (!isDeleteList) original[key] = fresh(patchValue, sub, resolve);
      continue;
    }
    const current = original[key];
    if (isJsonObject(current) && isJsonObject(patchValue)) {
      original[key] = patchStrategies(sub).includes('replace')
        ? fresh(patchValue, sub, resolve)
        : mergeMap(current, patchValue, sub, resolve);
    } else if (Array.isArray(current) && Array.isArray(patchValue)) {
      original[key] = mergeListField(current, patchValue, listMeta(sub, resolve), resolve, isDeleteList);
    } else if (!isDeleteList) {
      original[key] = fresh(patchValue, sub, resolve);
    }
  }
  return original;
}

/** A patch value with nothing to merge into: directives and nulls are dropped, as a merge into emptiness would. */
function fresh(value: unknown, schema: Schema | undefined, resolve: SchemaResolver): unknown {
  if (isJsonObject(value)) return mergeMap({}, value, schema, resolve);
  if (Array.isArray(value)) return mergeListField([], value, listMeta(schema, resolve), resolve, false);
  return value;
}

function mergeListField(original: unknown[], patch: unknown[], meta: ListMeta, resolve: SchemaResolver, isDeleteList: boolean): unknown[] {
  if (!meta.merge) return isDeleteList ? original : patch.map((item) => fresh(item, meta.items, resolve));
  return mergeSlice(original, patch, meta, resolve, isDeleteList);
}

/** `$retainKeys`: keys of the original not listed are cleared; every patch key must be listed. */
function applyRetainKeys(original: JsonObject, patch: JsonObject): void {
  if (!Object.hasOwn(patch, retainKeysDirective)) return;
  const retain = patch[retainKeysDirective];
  delete patch[retainKeysDirective];
  if (!Array.isArray(retain)) {
    throw new PatchError('EPATCHINVALID', `expected a []interface{}, but got ${describe(retain)}`);
  }
  const keep = new Set(retain);
  for (const [key, value] of Object.entries(patch)) {
    if (value === null || key.startsWith(deleteFromPrimitiveListPrefix) || key.startsWith(setElementOrderPrefix)) continue;
    if (!keep.has(key)) throw new PatchError('EPATCHINVALID', 'invalid patch format of retainKeys');
  }
  for (const key of Object.keys(original)) if (!keep.has(key)) delete original[key];
}

/** `$setElementOrder/<field>`: merges that field's list now and orders the result by the directive. */
function applySetElementOrder(original: JsonObject, patch: JsonObject, schema: Schema | undefined, resolve: SchemaResolver): void {
  for (const [directiveKey, order] of Object.entries(patch)) {
    if (!directiveKey.startsWith(setElementOrderPrefix)) continue;
    delete patch[directiveKey];
    if (!Array.isArray(order)) throw new PatchError('EPATCHINVALID', 'invalid patch format of setElementOrder list');
    const key = directiveKey.slice(setElementOrderPrefix.length);
    const meta = listMeta(fieldSchema(schema, key, resolve), resolve);
    const originalList = original[key];
    const patchList = patch[key];
    if (originalList !== undefined && !Array.isArray(originalList)) continue;
    if (patchList !== undefined && patchList !== null && !Array.isArray(patchList)) continue;
    if (Array.isArray(patchList)) validateAgainstOrder(patchList, order, meta.mergeKey);

    let merged: unknown[];
    if (Array.isArray(originalList) && Array.isArray(patchList)) merged = mergeListField(originalList, patchList, meta, resolve, false);
    else if (Array.isArray(patchList)) merged = mergeListField([], patchList, meta, resolve, false);
    else if (Array.isArray(originalList)) merged = originalList;
    else continue;

    const [named, serverOnly] = partitionByPresence(merged, order, meta.mergeKey);
    original[key] = normalizeElementOrder(named, serverOnly, order, originalList ?? [], meta.mergeKey);
    delete patch[key];
  }
}

/** Every non-directive item of the patch list must be named by `$setElementOrder`. */
function validateAgainstOrder(patchList: unknown[], order: unknown[], mergeKey: string | undefined): void {
  const ids = order.map((o) => itemIdentity(o, mergeKey));
  for (const item of patchList) {
    if (isJsonObject(item) && Object.hasOwn(item, directiveMarker)) continue;
    if (!ids.some((id) => jsonEqual(id, itemIdentity(item, mergeKey)))) {
      throw new PatchError('EPATCHINVALID', 'invalid patch format of setElementOrder list');
    }
  }
}

function mergeSlice(original: unknown[], patch: unknown[], meta: ListMeta, resolve: SchemaResolver, isDeleteList: boolean): unknown[] {
  if (original.length === 0 && patch.length === 0) return original;
  const all = [...original, ...patch];
  if (all.some(Array.isArray)) throw new PatchError('EPATCHINVALID', 'lists of lists are not supported');
  const ofMaps = all.some(isJsonObject);
  if (ofMaps && !all.every(isJsonObject)) {
    throw new PatchError('EPATCHINVALID', `mixed types in list: ${describe(all)}`);
  }

  let merged: unknown[];
  let patchItems: unknown[];
  if (!ofMaps) {
    if (isDeleteList) return original.filter((item) => !patch.some((p) => jsonEqual(p, item)));
    merged = [];
    for (const item of all) if (!merged.some((m) => jsonEqual(m, item))) merged.push(item);
    patchItems = patch;
  } else {
    const mergeKey = meta.mergeKey;
    if (mergeKey === undefined) throw new PatchError('EPATCHINVALID', 'cannot merge lists without merge key');
    const special = applySpecialItems(original as JsonObject[], patch as JsonObject[], mergeKey);
    if (special.replace) return special.patch.map((item) => mergeMap({}, item, meta.items, resolve));
    merged = [...special.original];
    for (const item of special.patch) {
      if (!Object.hasOwn(item, mergeKey)) {
        throw new PatchError('EPATCHINVALID', `map: ${describe(item)} does not contain declared merge key: ${mergeKey}`);
      }
      const at = merged.findIndex((m) => isJsonObject(m) && jsonEqual(m[mergeKey], item[mergeKey]));
      const target = at >= 0 ? merged[at] : undefined;
      if (isJsonObject(target)) merged[at] = mergeMap(target, item, meta.items, resolve);
      else merged.push(mergeMap({}, item, meta.items, resolve));
    }
    patchItems = special.patch;
  }
  const [fromPatch, serverOnly] = partitionByPresence(merged, patchItems, meta.mergeKey);
  return normalizeElementOrder(fromPatch, serverOnly, patchItems, original, meta.mergeKey);
}

/** List items carrying `$patch`: `delete` removes the original item with that key, `replace` makes the rest of the patch the whole list. */
function applySpecialItems(original: JsonObject[], patch: JsonObject[], mergeKey: string): { original: JsonObject[]; patch: JsonObject[]; replace: boolean } {
  let kept = original;
  const rest: JsonObject[] = [];
  let replace = false;
  for (const item of patch) {
    if (!Object.hasOwn(item, directiveMarker)) { rest.push(item); continue; }
    const directive = item[directiveMarker];
    if (directive === 'delete') {
      if (!Object.hasOwn(item, mergeKey)) {
        throw new PatchError('EPATCHINVALID', `map: ${describe(item)} does not contain declared merge key: ${mergeKey}`);
      }
      kept = kept.filter((o) => !jsonEqual(o[mergeKey], item[mergeKey]));
    } else if (directive === 'replace') {
      replace = true;
    } else if (directive === 'merge') {
      throw new PatchError('EPATCHINVALID', 'merging lists cannot yet be specified in the patch');
    } else {
      throw new PatchError('EPATCHINVALID', `unknown patch type: ${String(directive)} in map: ${describe(item)}`);
    }
  }
  return { original: kept, patch: rest, replace };
}
