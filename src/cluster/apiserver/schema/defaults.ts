// Structural defaulting (apiextensions-apiserver pkg/apiserver/schema/defaulting/algorithm.go):
// `default` of a property fills an absent field, or a null one when the property is not
// nullable; it recurses through properties, additionalProperties and array items.
import type { Schema } from '../types.ts';
import { isObject, resolveSchema, type SchemaResolver } from './resolve.ts';

export function applySchemaDefaults(value: unknown, schema: Schema, resolve: SchemaResolver): void {
  const s = resolveSchema(schema, resolve);
  if (Array.isArray(value)) {
    if (s.items === undefined) return;
    const items = resolveSchema(s.items, resolve);
    value.forEach((item, i) => {
      if (item === null && items.nullable !== true && items.default !== undefined) value[i] = structuredClone(items.default);
      applySchemaDefaults(value[i], items, resolve);
    });
    return;
  }
  if (!isObject(value)) return;
  const props = s.properties ?? {};
  for (const [k, raw] of Object.entries(props)) {
    const prop = resolveSchema(raw, resolve);
    if (prop.default === undefined) continue;
    if (!Object.hasOwn(value, k) || (value[k] === null && prop.nullable !== true)) value[k] = structuredClone(prop.default);
  }
  const additional = isObject(s.additionalProperties) ? resolveSchema(s.additionalProperties, resolve) : undefined;
  for (const k of Object.keys(value)) {
    const prop = props[k];
    if (prop !== undefined) {
      applySchemaDefaults(value[k], prop, resolve);
    } else if (additional !== undefined) {
      if (value[k] === null && additional.nullable !== true && additional.default !== undefined) value[k] = structuredClone(additional.default);
      applySchemaDefaults(value[k], additional, resolve);
    }
  }
}
