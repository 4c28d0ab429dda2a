// The schema currency of the server: one resolver over OpenAPI `components.schemas`, built-in
// definitions plus CRD schemas, with refs spelled `#/components/schemas/<name>`.
import type { Schema } from '../types.ts';

export type SchemaResolver = (ref: string) => Schema | undefined;

const PREFIX = '#/components/schemas/';

export function refTo(name: string): string {
  return `${PREFIX}${name}`;
}

export function makeResolver(components: Record<string, Schema>): SchemaResolver {
  return (ref) => {
    const name = ref.startsWith(PREFIX) ? ref.slice(PREFIX.length) : ref;
    return Object.hasOwn(components, name) ? components[name] : undefined;
  };
}
