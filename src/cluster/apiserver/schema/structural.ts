// Whether a CRD version's openAPIV3Schema is structural (apiextensions-apiserver
// pkg/apiserver/schema/validation.go validateStructuralInvariants, plus the forbidden keywords of
// apiextensions validation): a type at every specified node, no $ref, and so on.
import type { FieldError, Schema } from '../types.ts';
import { forbiddenError, invalidError, requiredError } from './field-errors.ts';
import { isObject } from './resolve.ts';

type Level = 'root' | 'item' | 'field';

const EMPTY_TYPE_DETAIL: Record<Level, string> = {
  root: 'must not be empty at the root',
  item: 'must not be empty for specified array items',
  field: 'must not be empty for specified object fields',
};

const key = (base: string, k: string): string => `${base}[${k}]`;

/** Errors of `schema` at `path` (e.g. `spec.versions[0].schema.openAPIV3Schema`). */
export function validateStructuralSchema(schema: Schema, path: string): FieldError[] {
  return walk(schema, 'root', path);
}

function walk(s: Schema, level: Level, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (s.$ref !== undefined) errs.push(forbiddenError(`${path}.$ref`, '$ref is not supported'));
  if (s.uniqueItems === true) errs.push(forbiddenError(`${path}.uniqueItems`, 'uniqueItems cannot be set to true since the runtime complexity becomes quadratic'));
  if (s.additionalProperties === false) errs.push(forbiddenError(`${path}.additionalProperties`, 'additionalProperties cannot be set to false'));
  if (s.additionalProperties !== undefined && s.properties !== undefined && Object.keys(s.properties).length > 0) {
    errs.push(forbiddenError(`${path}.additionalProperties`, 'additionalProperties and properties are mutual exclusive'));
  }
  if (s.type === 'array' && s.items === undefined) errs.push(requiredError(`${path}.items`, 'must be specified'));
  if (s.items !== undefined) errs.push(...walk(s.items, 'item', `${path}.items`));
  for (const [k, v] of Object.entries(s.properties ?? {})) errs.push(...walk(v, 'field', key(`${path}.properties`, k)));
  if (isObject(s.additionalProperties)) errs.push(...walk(s.additionalProperties as Schema, 'field', `${path}.additionalProperties`));
  const intOrStringAnyOf = s['x-kubernetes-int-or-string'] === true;
  for (const [name, list] of [['allOf', s.allOf], ['anyOf', s.anyOf], ['oneOf', s.oneOf]] as const) {
    // the int-or-string idiom `anyOf: [{type: integer}, {type: string}]` is the one allowed use of types there
    if (name === 'anyOf' && intOrStringAnyOf) continue;
    (list ?? []).forEach((sub, i) => errs.push(...walkValueValidation(sub, `${path}.${name}[${i}]`)));
  }
  if (s.not !== undefined) errs.push(...walkValueValidation(s.not, `${path}.not`));

  const embedded = s['x-kubernetes-embedded-resource'] === true;
  const intOrString = s['x-kubernetes-int-or-string'] === true;
  const preserve = s['x-kubernetes-preserve-unknown-fields'] === true;
  if (embedded && s.type !== 'object') {
    if (s.type === undefined) errs.push(requiredError(`${path}.type`, 'must be object if x-kubernetes-embedded-resource is true'));
    else errs.push(invalidError(`${path}.type`, s.type, 'must be object if x-kubernetes-embedded-resource is true'));
  } else if (s.type === undefined && !embedded && !intOrString && !preserve) {
    errs.push(requiredError(`${path}.type`, EMPTY_TYPE_DETAIL[level]));
  }
  if (intOrString && s.type !== undefined) {
    errs.push(invalidError(`${path}.type`, s.type, 'must be empty if x-kubernetes-int-or-string is true'));
  }
  if (embedded && s.additionalProperties !== undefined) {
    errs.push(forbiddenError(`${path}.additionalProperties`, 'must not be used if x-kubernetes-embedded-resource is set'));
  }
  if (level === 'root' && s.type !== undefined && s.type !== 'object') errs.push(invalidError(`${path}.type`, s.type, 'must be object at the root'));
  if (embedded && !preserve && Object.keys(s.properties ?? {}).length === 0) {
    errs.push(requiredError(`${path}.properties`, 'must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields'));
  }
  return errs;
}

/** Inside allOf/anyOf/oneOf/not only value validations are allowed; types and structure are not. */
function walkValueValidation(s: Schema, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (s.$ref !== undefined) errs.push(forbiddenError(`${path}.$ref`, '$ref is not supported'));
  if (s.type !== undefined) errs.push(forbiddenError(`${path}.type`, 'must be empty to be structural'));
  if (s.default !== undefined) errs.push(forbiddenError(`${path}.default`, 'must be undefined to be structural'));
  if (s.additionalProperties !== undefined) errs.push(forbiddenError(`${path}.additionalProperties`, 'must be undefined to be structural'));
  for (const [k, v] of Object.entries(s.properties ?? {})) errs.push(...walkValueValidation(v, key(`${path}.properties`, k)));
  if (s.items !== undefined) errs.push(...walkValueValidation(s.items, `${path}.items`));
  return errs;
}
