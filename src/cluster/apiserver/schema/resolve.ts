// Following `$ref` (built-in kinds' schemas, generated from the Kubernetes OpenAPI v3 document,
// point at #/components/schemas/<name>, often as `allOf: [{$ref}]` beside a description or
// default). CRD schemas are inline and pass through unchanged.
import type { Schema } from '../types.ts';

/** Looks up a `$ref` string ("#/components/schemas/<name>"); undefined when unknown. */
export type SchemaResolver = (ref: string) => Schema | undefined;

/** A resolver for inline-only schemas (CRDs): every `$ref` is unknown. */
export const noRefs: SchemaResolver = () => undefined;

const MAX_REF_DEPTH = 32;

/**
 * The schema with `$ref` and single-`$ref` `allOf` members merged in; sibling keywords win over
 * the referenced ones (a property's own description/default). Unknown refs resolve to `{}`
 * (accept anything), as a missing definition must not reject objects. Contract: shallow, lazy:
 * nested properties are resolved when the walk reaches them, so recursive schemas terminate.
 */
export function resolveSchema(schema: Schema, resolve: SchemaResolver, depth = 0): Schema {
  if (depth > MAX_REF_DEPTH) return {};
  let out: Schema = schema;
  if (schema.$ref !== undefined) {
    const { $ref, ...rest } = schema;
    const target = resolve($ref);
    out = { ...(target ? resolveSchema(target, resolve, depth + 1) : {}), ...rest };
  }
  if (out.allOf !== undefined && out.allOf.some(isPureRef)) {
    const { allOf, ...rest } = out;
    let merged: Schema = {};
    const remaining: Schema[] = [];
    for (const member of allOf) {
      if (isPureRef(member)) merged = { ...merged, ...resolveSchema(member, resolve, depth + 1) };
      else remaining.push(member);
    }
    out = { ...merged, ...rest };
    if (remaining.length > 0) out.allOf = remaining;
  }
  return out;
}

function isPureRef(s: Schema): boolean {
  return s.$ref !== undefined && Object.keys(s).length === 1;
}

/** The JSON type name go-openapi infers from a decoded value (integral numbers are "integer"). */
export function jsonTypeOf(value: unknown): 'null' | 'boolean' | 'integer' | 'number' | 'string' | 'array' | 'object' {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  if (typeof value === 'string') return 'string';
  if (Array.isArray(value)) return 'array';
  return 'object';
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
