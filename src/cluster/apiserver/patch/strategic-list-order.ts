// The ordering rules of strategic merge patch lists (k8s.io/apimachinery strategicpatch
// normalizeElementOrder / mergeSortedSlice): items named by the patch (or by its
// `$setElementOrder`) follow that order; items only on the server keep their relative order and
// stay in front of a patch item that the server list held after them. A new patch item therefore
// lands before the remaining server-only items, as kube-apiserver does.

import { isJsonObject } from './json-value.ts';

/** Identity of a list item: the merge key's value for maps, the item itself for primitives. */
export function itemIdentity(item: unknown, mergeKey: string | undefined): unknown {
  return mergeKey !== undefined && isJsonObject(item) ? item[mergeKey] : item;
}

function indexIn(order: unknown[], item: unknown, mergeKey: string | undefined): number {
  const id = itemIdentity(item, mergeKey);
  return order.findIndex((o) => itemIdentity(o, mergeKey) === id);
}

/** Splits `merged` into the items present in `named` and the rest, preserving order. */
export function partitionByPresence(merged: unknown[], named: unknown[], mergeKey: string | undefined): [unknown[], unknown[]] {
  const present: unknown[] = [];
  const absent: unknown[] = [];
  for (const item of merged) (indexIn(named, item, mergeKey) >= 0 ? present : absent).push(item);
  return [present, absent];
}

/** Stable sort of `items` by position in `order`; items not in `order` go last. */
function sortByOrder(items: unknown[], order: unknown[], mergeKey: string | undefined): unknown[] {
  const found = items.filter((i) => indexIn(order, i, mergeKey) >= 0);
  const notFound = items.filter((i) => indexIn(order, i, mergeKey) < 0);
  found.sort((a, b) => indexIn(order, a, mergeKey) - indexIn(order, b, mergeKey));
  return [...found, ...notFound];
}

export function normalizeElementOrder(
  patchItems: unknown[],
  serverOnly: unknown[],
  patchOrder: unknown[],
  serverOrder: unknown[],
  mergeKey: string | undefined,
): unknown[] {
  const left = sortByOrder(serverOnly, serverOrder, mergeKey);
  const right = sortByOrder(patchItems, patchOrder, mergeKey);
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (j >= right.length) { out.push(left[i++]); continue; }
    if (i >= left.length) { out.push(right[j++]); continue; }
    const li = indexIn(serverOrder, left[i], mergeKey);
    const ri = indexIn(serverOrder, right[j], mergeKey);
    if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++]);
    else out.push(right[j++]);
  }
  return out;
}
