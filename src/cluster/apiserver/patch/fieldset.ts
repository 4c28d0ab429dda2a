// Field sets as structured-merge-diff (sigs.k8s.io/structured-merge-diff/fieldpath) models them:
// a trie of path elements whose nodes may be members. Path elements are kept in their FieldsV1
// spelling, which is also their identity:
//   f:<name>          a field of a map/struct          .name
//   k:{"name":"x"}    an item of a map list, by keys    [name="x"]
//   v:"x"             an item of a set list, by value   [="x"]
//   i:3               an item of a list, by index       [3]     (only for deduced lists; never for map lists)
// FieldsV1 is the trie as JSON: a child with no children is `{}`; a member that has children
// also holds the key ".".

export type PathElement = string;
export type FieldPath = readonly PathElement[];

export interface FieldSet {
  member: boolean;
  children: Map<PathElement, FieldSet>;
}

export function newFieldSet(): FieldSet {
  return { member: false, children: new Map() };
}

export function fieldElement(name: string): PathElement {
  return `f:${name}`;
}

/** A map-list item key: fields sorted by name, values as compact JSON (what kube-apiserver writes). */
export function keyElement(fields: Record<string, unknown>): PathElement {
  const sorted: Record<string, unknown> = {};
  for (const name of Object.keys(fields).sort()) sorted[name] = fields[name];
  return `k:${JSON.stringify(sorted)}`;
}

export function valueElement(value: unknown): PathElement {
  return `v:${JSON.stringify(value)}`;
}

export function indexElement(index: number): PathElement {
  return `i:${index}`;
}

export function insertPath(set: FieldSet, path: FieldPath): void {
  let node = set;
  for (const pe of path) {
    let child = node.children.get(pe);
    if (child === undefined) {
      child = newFieldSet();
      node.children.set(pe, child);
    }
    node = child;
  }
  if (path.length > 0) node.member = true;
}

export function hasPath(set: FieldSet, path: FieldPath): boolean {
  const node = nodeAt(set, path);
  return node !== undefined && node.member;
}

/** The sub-trie under `path`, if any. */
export function nodeAt(set: FieldSet, path: FieldPath): FieldSet | undefined {
  let node: FieldSet | undefined = set;
  for (const pe of path) {
    node = node.children.get(pe);
    if (node === undefined) return undefined;
  }
  return node;
}

export function isEmptyFieldSet(set: FieldSet): boolean {
  return !set.member && set.children.size === 0;
}

export function cloneFieldSet(set: FieldSet): FieldSet {
  const out: FieldSet = { member: set.member, children: new Map() };
  for (const [pe, child] of set.children) out.children.set(pe, cloneFieldSet(child));
  return out;
}

export function unionFieldSets(a: FieldSet, b: FieldSet): FieldSet {
  const out = cloneFieldSet(a);
  out.member ||= b.member;
  for (const [pe, child] of b.children) {
    const mine = out.children.get(pe);
    out.children.set(pe, mine === undefined ? cloneFieldSet(child) : unionFieldSets(mine, child));
  }
  return out;
}

/** Members of `a` that are not members of `b` (member-wise, like fieldpath.Set.Difference). */
export function differenceFieldSets(a: FieldSet, b: FieldSet): FieldSet {
  const out: FieldSet = { member: a.member && !b.member, children: new Map() };
  for (const [pe, child] of a.children) {
    const other = b.children.get(pe);
    const rest = other === undefined ? cloneFieldSet(child) : differenceFieldSets(child, other);
    if (!isEmptyFieldSet(rest)) out.children.set(pe, rest);
  }
  return out;
}

export function intersectFieldSets(a: FieldSet, b: FieldSet): FieldSet {
  const out: FieldSet = { member: a.member && b.member, children: new Map() };
  for (const [pe, child] of a.children) {
    const other = b.children.get(pe);
    if (other === undefined) continue;
    const both = intersectFieldSets(child, other);
    if (!isEmptyFieldSet(both)) out.children.set(pe, both);
  }
  return out;
}

/** `set` without anything at or below the given paths. */
export function withoutSubtrees(set: FieldSet, paths: readonly FieldPath[]): FieldSet {
  const out = cloneFieldSet(set);
  for (const path of paths) {
    const parent = nodeAt(out, path.slice(0, -1));
    const last = path[path.length - 1];
    if (parent !== undefined && last !== undefined) parent.children.delete(last);
  }
  return pruneEmpty(out);
}

function pruneEmpty(set: FieldSet): FieldSet {
  for (const [pe, child] of set.children) {
    pruneEmpty(child);
    if (isEmptyFieldSet(child)) set.children.delete(pe);
  }
  return set;
}

const kindRank: Record<string, number> = { f: 0, k: 1, v: 2, i: 3 };

/** The order structured-merge-diff iterates and serializes elements in: fields, keys, values, indexes. */
export function comparePathElements(a: PathElement, b: PathElement): number {
  const rank = (kindRank[a[0] ?? ''] ?? 9) - (kindRank[b[0] ?? ''] ?? 9);
  if (rank !== 0) return rank;
  if (a.startsWith('i:') && b.startsWith('i:')) return Number(a.slice(2)) - Number(b.slice(2));
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortedChildren(set: FieldSet): [PathElement, FieldSet][] {
  return [...set.children.entries()].sort(([a], [b]) => comparePathElements(a, b));
}

/** Member paths in fieldpath.Set.Iterate order: at each level the members first, then each child's subtree. */
export function memberPaths(set: FieldSet): FieldPath[] {
  const out: FieldPath[] = [];
  const walk = (node: FieldSet, prefix: PathElement[]): void => {
    const children = sortedChildren(node);
    for (const [pe, child] of children) if (child.member) out.push([...prefix, pe]);
    for (const [pe, child] of children) if (child.children.size > 0) walk(child, [...prefix, pe]);
  };
  walk(set, []);
  return out;
}

export function fieldSetToFieldsV1(set: FieldSet): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (set.member && set.children.size > 0) out['.'] = {};
  for (const [pe, child] of sortedChildren(set)) out[pe] = fieldSetToFieldsV1(child);
  return out;
}

export function fieldsV1ToFieldSet(fields: unknown): FieldSet {
  const set = newFieldSet();
  const fill = (node: FieldSet, json: unknown): void => {
    if (typeof json !== 'object' || json === null || Array.isArray(json)) return;
    for (const [pe, sub] of Object.entries(json)) {
      if (pe === '.') { node.member = true; continue; }
      const child = newFieldSet();
      const subKeys = typeof sub === 'object' && sub !== null ? Object.keys(sub) : [];
      if (subKeys.length === 0) child.member = true;
      fill(child, sub);
      node.children.set(pe, child);
    }
  };
  fill(set, fields);
  set.member = false;
  return set;
}

/** A value as structured-merge-diff's value.ToString prints it: strings quoted, numbers and booleans bare. */
function valueToString(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(valueToString).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${k}=${valueToString(v)}`).join(';')}}`;
  }
  return String(value);
}

/** fieldpath.Path.String(): `.spec.containers[name="nginx"].image`. */
export function fieldPathToString(path: FieldPath): string {
  return path.map((pe) => {
    const body = pe.slice(2);
    switch (pe.slice(0, 2)) {
      case 'f:': return `.${body}`;
      case 'k:': {
        const fields = JSON.parse(body) as Record<string, unknown>;
        return `[${Object.entries(fields).map(([k, v]) => `${k}=${valueToString(v)}`).join(',')}]`;
      }
      case 'v:': return `[=${valueToString(JSON.parse(body))}]`;
      case 'i:': return `[${body}]`;
      default: return '{{invalid path element}}';
    }
  }).join('');
}
