// Structural pruning (apiextensions-apiserver pkg/apiserver/schema/pruning): fields the schema
// does not specify are dropped, except under x-kubernetes-preserve-unknown-fields, and
// apiVersion/kind/metadata survive at the object root and at the root of embedded resources.
import type { Schema } from '../types.ts';
import { isObject, resolveSchema, type SchemaResolver } from './resolve.ts';

const META_FIELDS = new Set(['apiVersion', 'kind', 'metadata']);

/** The fields of metav1.ObjectMeta; anything else under `metadata` is dropped by the server's decoding. */
const OBJECT_META_FIELDS = new Set([
  'name', 'generateName', 'namespace', 'selfLink', 'uid', 'resourceVersion', 'generation', 'creationTimestamp',
  'deletionTimestamp', 'deletionGracePeriodSeconds', 'labels', 'annotations', 'ownerReferences', 'finalizers', 'managedFields',
]);

/**
 * Removes, in place, every field of `value` that `schema` does not specify, and returns their
 * paths as the pruning algorithm records them (`.spec.foo`, `.spec.list[0].bar`), sorted.
 * Use {@link unknownFieldWarnings} / {@link strictDecodingError} for what the server reports.
 */
export function pruneUnknownFields(value: unknown, schema: Schema, resolve: SchemaResolver): string[] {
  const pruned: string[] = [];
  pruneNode(value, schema, resolve, '', true, pruned);
  return pruned.sort();
}

function pruneNode(value: unknown, raw: Schema, resolve: SchemaResolver, path: string, isResourceRoot: boolean, pruned: string[]): void {
  const s = resolveSchema(raw, resolve);
  if (Array.isArray(value)) {
    if (s.items !== undefined) value.forEach((item, i) => pruneNode(item, s.items as Schema, resolve, `${path}[${i}]`, false, pruned));
    return;
  }
  if (!isObject(value)) return;
  const preserve = s['x-kubernetes-preserve-unknown-fields'] === true || isOpaqueBuiltinObject(raw, s);
  const keepMeta = isResourceRoot || s['x-kubernetes-embedded-resource'] === true;
  const props = s.properties ?? {};
  for (const key of Object.keys(value)) {
    const childPath = `${path}.${key}`;
    // apiVersion/kind (strings) and metadata (an object) of a resource are never pruned by the
    // schema; metadata loses what metav1.ObjectMeta does not know instead.
    if (keepMeta && META_FIELDS.has(key)) {
      const v = value[key];
      if (key === 'metadata' && isObject(v)) {
        pruneObjectMeta(v, childPath, pruned);
        continue;
      }
      if (key !== 'metadata' && typeof v === 'string') continue;
    }
    const sub = props[key] ?? (isObject(s.additionalProperties) ? s.additionalProperties : undefined);
    if (sub !== undefined) {
      const embedded = resolveSchema(sub, resolve)['x-kubernetes-embedded-resource'] === true;
      pruneNode(value[key], sub, resolve, childPath, embedded, pruned);
    } else if (!preserve && s.additionalProperties !== true) {
      delete value[key];
      pruned.push(childPath);
    }
  }
}

/**
 * Built-in kinds reach opaque payloads (runtime.RawExtension, FieldsV1) through `$ref` to an
 * object schema with no properties; Go decoding keeps their content, so pruning must too. CRD
 * schemas never contain `$ref`, so this never loosens pruning of custom resources.
 */
function isOpaqueBuiltinObject(raw: Schema, resolved: Schema): boolean {
  const viaRef = raw.$ref !== undefined || (raw.allOf ?? []).some((m) => m.$ref !== undefined);
  return viaRef && resolved.type === 'object' && resolved.properties === undefined && resolved.additionalProperties === undefined;
}

function pruneObjectMeta(meta: unknown, path: string, pruned: string[]): void {
  if (!isObject(meta)) return;
  for (const key of Object.keys(meta)) {
    if (!OBJECT_META_FIELDS.has(key)) {
      delete meta[key];
      pruned.push(`${path}.${key}`);
    }
  }
}

/** The per-field text of fieldValidation=Warn (one `Warning: 299 - "<text>"` header each). */
export function unknownFieldWarnings(prunedPaths: readonly string[]): string[] {
  return prunedPaths.map((p) => `unknown field ${JSON.stringify(p.startsWith('.') ? p.slice(1) : p)}`);
}

/** The 400 BadRequest message of fieldValidation=Strict: `strict decoding error: unknown field "spec.foo", ...`. */
export function strictDecodingError(prunedPaths: readonly string[]): string {
  return `strict decoding error: ${unknownFieldWarnings(prunedPaths).join(', ')}`;
}
