// RFC 6902 JSON patch (`application/json-patch+json`), with the error texts of
// gopkg.in/evanphx/json-patch.v4, which kube-apiserver uses: a failed `test` reads
// `testing value /spec/x failed: test failed`, a missing target
// `replace operation does not apply: doc is missing key: /spec/x: missing value`.
// Deviation, on purpose: v4 lets `replace` of an absent object member act as `add`; RFC 6902
// (and this code) require the target to exist.

import { PatchError } from './errors.ts';
import { cloneJson, isJsonObject, jsonEqual } from './json-value.ts';

type Container = Record<string, unknown> | unknown[];

const missing = 'missing value';

export function applyJsonPatch(doc: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops)) {
    throw new PatchError('EPATCHINVALID', 'json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  }
  // The document is wrapped so that a root replacement ("" path) needs no special container.
  const holder = { root: cloneJson(doc) };
  for (const op of ops) {
    if (!isJsonObject(op)) {
      throw new PatchError('EPATCHINVALID', 'json: cannot unmarshal non-object into Go value of type jsonpatch.Operation');
    }
    applyOperation(holder, op);
  }
  return holder.root;
}

function applyOperation(holder: { root: unknown }, op: Record<string, unknown>): void {
  const kind = typeof op.op === 'string' ? op.op : 'unknown';
  switch (kind) {
    case 'add': {
      const path = requirePath(op, 'path', 'add operation failed to decode path');
      const value = requireValue(op, kind);
      if (path === '') { holder.root = cloneJson(value); return; }
      const [con, key] = locate(holder.root, path, `add operation does not apply: doc is missing path: "${path}"`);
      addAt(con, key, cloneJson(value), `error in add for path: '${path}'`);
      return;
    }
    case 'remove': {
      const path = requirePath(op, 'path', 'remove operation failed to decode path');
      const [con, key] = locate(holder.root, path, `remove operation does not apply: doc is missing path: "${path}"`);
      removeAt(con, key, `error in remove for path: '${path}'`);
      return;
    }
    case 'replace': {
      const path = requirePath(op, 'path', 'replace operation failed to decode path');
      const value = requireValue(op, kind);
      if (path === '') { holder.root = cloneJson(value); return; }
      const [con, key] = locate(holder.root, path, `replace operation does not apply: doc is missing path: ${path}`);
      if (!has(con, key)) {
        throw new PatchError('EPATCHPATH', `replace operation does not apply: doc is missing key: ${path}: ${missing}`);
      }
      setAt(con, key, cloneJson(value));
      return;
    }
    case 'move':
    case 'copy': {
      const from = requirePath(op, 'from', `${kind} operation failed to decode from`);
      const path = requirePath(op, 'path', `${kind} operation failed to decode path`);
      const [src, srcKey] = locate(holder.root, from, `${kind} operation does not apply: doc is missing from path: ${from}`);
      if (!has(src, srcKey)) {
        throw new PatchError('EPATCHPATH', `error in ${kind} for path: '${srcKey}': Unable to access invalid index: ${srcKey}: ${missing}`);
      }
      const value = cloneJson(getAt(src, srcKey));
      if (kind === 'move') {
        if (path === from) return;
        if (path.startsWith(`${from}/`)) {
          throw new PatchError('EPATCHPATH', `move operation does not apply: cannot move ${from} into its own child ${path}`);
        }
        removeAt(src, srcKey, `error in move for path: '${srcKey}'`);
      }
      if (path === '') { holder.root = value; return; }
      const [dst, dstKey] = locate(holder.root, path, `${kind} operation does not apply: doc is missing destination path: ${path}`);
      addAt(dst, dstKey, value, kind === 'move' ? `error in move for path: '${path}'` : 'error while adding value during copy');
      return;
    }
    case 'test': {
      const path = requirePath(op, 'path', 'test operation failed to decode path');
      const expected = op.value;
      if (path === '') {
        if (!jsonEqual(holder.root, expected)) throw testFailed(path);
        return;
      }
      const [con, key] = locate(holder.root, path, `test operation does not apply: is missing path: ${path}`);
      const actual = has(con, key) ? getAt(con, key) : undefined;
      // v4 treats an absent member as equal to an absent or null test value.
      if (actual === undefined ? !(expected === undefined || expected === null) : !jsonEqual(actual, expected)) {
        throw testFailed(path);
      }
      return;
    }
    default:
      throw new PatchError('EPATCHINVALID', `Unexpected kind: ${kind}`);
  }
}

function testFailed(path: string): PatchError {
  return new PatchError('EPATCHTEST', `testing value ${path} failed: test failed`);
}

function requirePath(op: Record<string, unknown>, field: 'path' | 'from', context: string): string {
  const value = op[field];
  if (typeof value !== 'string') throw new PatchError('EPATCHINVALID', `${context}: ${missing}`);
  if (value !== '' && !value.startsWith('/')) {
    throw new PatchError('EPATCHPATH', `${context}: JSON pointer must be empty or start with a "/": ${value}`);
  }
  return value;
}

function requireValue(op: Record<string, unknown>, kind: string): unknown {
  if (!Object.hasOwn(op, 'value')) throw new PatchError('EPATCHINVALID', `${kind} operation, missing value field: ${missing}`);
  return op.value;
}

/** RFC 6901 reference token: `~1` is `/`, `~0` is `~` (in that order). */
function decodeToken(token: string): string {
  return token.replaceAll('~1', '/').replaceAll('~0', '~');
}

/** The container holding the pointer's last token, and that token; throws EPATCHPATH with `message` when a parent is absent. */
function locate(root: unknown, pointer: string, message: string): [Container, string] {
  const tokens = pointer.split('/').slice(1).map(decodeToken);
  const last = tokens.pop() ?? '';
  let node: unknown = root;
  for (const token of tokens) {
    if (!isContainer(node) || !has(node, token)) throw new PatchError('EPATCHPATH', `${message}: ${missing}`);
    node = getAt(node, token);
  }
  if (!isContainer(node)) throw new PatchError('EPATCHPATH', `${message}: ${missing}`);
  return [node, last];
}

function isContainer(value: unknown): value is Container {
  return Array.isArray(value) || isJsonObject(value);
}

function arrayIndex(key: string, length: number): number | undefined {
  if (!/^(0|[1-9][0-9]*)$/.test(key)) return undefined;
  const index = Number(key);
  return index < length ? index : undefined;
}

function has(con: Container, key: string): boolean {
  if (Array.isArray(con)) return arrayIndex(key, con.length) !== undefined;
  return Object.hasOwn(con, key);
}

function getAt(con: Container, key: string): unknown {
  if (Array.isArray(con)) return con[arrayIndex(key, con.length) ?? -1];
  return con[key];
}

function setAt(con: Container, key: string, value: unknown): void {
  if (Array.isArray(con)) con[arrayIndex(key, con.length) ?? -1] = value;
  else con[key] = value;
}

function addAt(con: Container, key: string, value: unknown, context: string): void {
  if (!Array.isArray(con)) { con[key] = value; return; }
  if (key === '-') { con.push(value); return; }
  // Inserting at index == length appends, as RFC 6902 allows.
  const index = arrayIndex(key, con.length + 1);
  if (index === undefined) {
    throw new PatchError('EPATCHPATH', `${context}: Unable to access invalid index: ${key}: invalid index referenced`);
  }
  con.splice(index, 0, value);
}

function removeAt(con: Container, key: string, context: string): void {
  if (Array.isArray(con)) {
    const index = arrayIndex(key, con.length);
    if (index === undefined) {
      throw new PatchError('EPATCHPATH', `${context}: Unable to access invalid index: ${key}: invalid index referenced`);
    }
    con.splice(index, 1);
    return;
  }
  if (!Object.hasOwn(con, key)) {
    throw new PatchError('EPATCHPATH', `${context}: Unable to remove nonexistent key: ${key}: ${missing}`);
  }
  delete con[key];
}
