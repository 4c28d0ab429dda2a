// The generated OpenAPI v3 definitions of the built-in kinds (scripts/gen-openapi.ts writes
// generated/schemas.json), and the field descriptions printer columns reuse from them.

import type { Schema } from '../types.ts';
import generated from './generated/schemas.json' with { type: 'json' };

export const builtinSchemas: Record<string, Schema> = generated as Record<string, Schema>;

/** The description of `property` of definition `definition`, as Go's SwaggerDoc() returns it. */
export function describe(definition: string, property: string): string {
  const schema = builtinSchemas[definition]?.properties?.[property];
  return schema?.description ?? '';
}
