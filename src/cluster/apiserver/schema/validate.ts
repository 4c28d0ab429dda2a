// Validation of a custom resource against its structural schema, as the apiextensions-apiserver
// does it: kube-openapi's SchemaValidator ("<path> in body ..." messages), converted to field
// errors by apiextensions validation.ValidateCustomResource, followed by the checks of
// x-kubernetes-embedded-resource (schema/objectmeta) and x-kubernetes-list-type (schema/listtype).
// Messages follow kube-openapi pkg/validation/errors/schema.go and validate/schema_messages.go.
import type { FieldError, Schema } from '../types.ts';
import {
  duplicateError,
  goFloat,
  goQuote,
  invalidError,
  notSupportedError,
  requiredError,
  tooLongError,
  tooManyError,
  typeInvalidError,
} from './field-errors.ts';
import { stringMatchesFormat } from './formats.ts';
import { isDNS1035Label } from './names.ts';
import { isObject, jsonTypeOf, resolveSchema, type SchemaResolver } from './resolve.ts';

interface Walk {
  resolve: SchemaResolver;
  /** field.Path of the validated value (the caller's fldPath); '' is a nil path. */
  base: string;
}

/**
 * Validates `value` against `schema`. `path` is the field path of `value` (empty for an object
 * root, the way the server calls it); kube-openapi's names ("spec.replicas") are appended to it.
 * Returns schema errors first, then embedded-resource and list-type errors, as the server does.
 */
export function validateAgainstSchema(value: unknown, schema: Schema, resolve: SchemaResolver, path = ''): FieldError[] {
  const walk: Walk = { resolve, base: path };
  const errors = validateNode(walk, value, schema, '');
  errors.push(...structuralChecks(walk, value, schema, path));
  return errors;
}

/** The field an error at kube-openapi name `name` is reported on (ValidateCustomResource's errPath). */
function fieldOf(walk: Walk, name: string): string {
  const trimmed = name.startsWith('.') ? name.slice(1) : name;
  if (trimmed === '') return walk.base === '' ? '<nil>' : walk.base;
  return walk.base === '' ? trimmed : `${walk.base}.${trimmed}`;
}

function childName(name: string, key: string): string {
  return name === '' ? key : `${name}.${key}`;
}

/** go-openapi prints a bound with %v: integers bare, other floats as Go does. */
function bound(n: number): string {
  return Number.isInteger(n) && Math.abs(n) < 1e21 ? String(n) : goFloat(n);
}

function validateNode(walk: Walk, value: unknown, raw: Schema, name: string): FieldError[] {
  const s = resolveSchema(raw, walk.resolve);
  const errs: FieldError[] = [];
  const field = fieldOf(walk, name);
  const actual = jsonTypeOf(value);
  const types = s['x-kubernetes-int-or-string'] === true ? ['integer', 'string'] : s.type !== undefined ? [s.type] : [];

  // typeValidator
  if (actual === 'null') {
    if (types.length > 0 && s.nullable !== true) {
      errs.push(typeInvalidError(field, 'null', `${name} in body must be of type ${types.join(',')}: "null"`));
    }
  } else if (types.length > 0) {
    const ok = types.includes(actual) || (actual === 'integer' && types.includes('number'));
    if (!ok) errs.push(typeInvalidError(field, actual, `${name} in body must be of type ${types.join(',')}: ${goQuote(actual)}`));
  }

  // schemaPropsValidator
  errs.push(...validateCombinators(walk, value, s, name));

  if (actual === 'string') errs.push(...validateString(value as string, s, name, field));
  if (actual === 'integer' || actual === 'number') errs.push(...validateNumber(value as number, s, name, field));
  if (actual === 'array') errs.push(...validateArray(walk, value as unknown[], s, name, field));

  // commonValidator (enum)
  if (s.enum !== undefined && s.enum.length > 0 && !s.enum.some((e) => deepEqual(e, value))) {
    const supported = s.enum.map((e) => (typeof e === 'string' ? e : JSON.stringify(e)));
    errs.push(notSupportedError(field, value ?? null, supported));
  }

  if (actual === 'object') errs.push(...validateObject(walk, value as Record<string, unknown>, s, name, field));
  return errs;
}

function validateCombinators(walk: Walk, value: unknown, s: Schema, name: string): FieldError[] {
  const errs: FieldError[] = [];
  // errors.New(CompositeErrorCode, ...) carries no Name, so the server reports these on its base
  // path: `<nil>` for a custom resource, with the path only inside the message.
  const composite = (detail: string): FieldError => invalidError(fieldOf(walk, ''), '', detail);
  if (s.anyOf !== undefined && s.anyOf.length > 0) {
    let best: FieldError[] | undefined;
    let passed = false;
    for (const sub of s.anyOf) {
      const r = validateNode(walk, value, sub, name);
      if (r.length === 0) { passed = true; best = undefined; break; }
      if (best === undefined || r.length < best.length) best = r;
    }
    if (!passed) errs.push(composite(`${goQuote(name)} must validate at least one schema (anyOf)`));
    if (best !== undefined) errs.push(...best);
  }
  if (s.oneOf !== undefined && s.oneOf.length > 0) {
    let best: FieldError[] | undefined;
    let validated = 0;
    for (const sub of s.oneOf) {
      const r = validateNode(walk, value, sub, name);
      if (r.length === 0) { validated++; best = undefined; continue; }
      if (validated === 0 && (best === undefined || r.length < best.length)) best = r;
    }
    if (validated !== 1) {
      const more = validated === 0 ? 'Found none valid' : `Found ${validated} valid alternatives`;
      errs.push(composite(`${goQuote(name)} must validate one and only one schema (oneOf). ${more}`));
      if (best !== undefined) errs.push(...best);
    }
  }
  if (s.allOf !== undefined && s.allOf.length > 0) {
    let validated = 0;
    for (const sub of s.allOf) {
      const r = validateNode(walk, value, sub, name);
      if (r.length === 0) validated++;
      errs.push(...r);
    }
    if (validated !== s.allOf.length) {
      errs.push(composite(`${goQuote(name)} must validate all the schemas (allOf)${validated === 0 ? '. None validated' : ''}`));
    }
  }
  if (s.not !== undefined && validateNode(walk, value, s.not, name).length === 0) {
    errs.push(composite(`${goQuote(name)} must not validate the schema (not)`));
  }
  return errs;
}

function validateString(value: string, s: Schema, name: string, field: string): FieldError[] {
  const errs: FieldError[] = [];
  const length = [...value].length; // go-openapi counts runes
  if (s.maxLength !== undefined && length > s.maxLength) errs.push(tooLongError(field, s.maxLength));
  if (s.minLength !== undefined && length < s.minLength) {
    errs.push(invalidError(field, value, `${name} in body should be at least ${s.minLength} chars long`));
  }
  if (s.pattern !== undefined) {
    const failure = patternFailure(s.pattern, value);
    if (failure !== undefined) errs.push(invalidError(field, value, `${name} in body should match '${s.pattern}${failure}'`));
  }
  if (s.format !== undefined && s.type !== 'integer' && s.type !== 'number' && !stringMatchesFormat(s.format, value)) {
    errs.push(typeInvalidError(field, value, `${name} in body must be of type ${s.format}: ${goQuote(value)}`));
  }
  return errs;
}

/** undefined when the value matches; else the suffix go-openapi puts after the pattern ('' or the compile error). */
function patternFailure(pattern: string, value: string): string | undefined {
  let re: RegExp;
  try {
    re = new RegExp(pattern, 'u');
  } catch (err) {
    // Go prints its regexp parser's error here; JavaScript's differs in wording.
    return `, but pattern is invalid: error parsing regexp: ${(err as Error).message}`;
  }
  return re.test(value) ? undefined : '';
}

function validateNumber(value: number, s: Schema, name: string, field: string): FieldError[] {
  const errs: FieldError[] = [];
  if (s.multipleOf !== undefined && s.multipleOf > 0) {
    const q = value / s.multipleOf;
    if (Math.abs(q - Math.round(q)) > 1e-9) errs.push(invalidError(field, value, `${name} in body should be a multiple of ${bound(s.multipleOf)}`));
  }
  if (s.maximum !== undefined) {
    const exclusive = s.exclusiveMaximum === true;
    if (exclusive ? value >= s.maximum : value > s.maximum) {
      errs.push(invalidError(field, value, `${name} in body should be less than ${exclusive ? '' : 'or equal to '}${bound(s.maximum)}`));
    }
  }
  if (s.minimum !== undefined) {
    const exclusive = s.exclusiveMinimum === true;
    if (exclusive ? value <= s.minimum : value < s.minimum) {
      errs.push(invalidError(field, value, `${name} in body should be greater than ${exclusive ? '' : 'or equal to '}${bound(s.minimum)}`));
    }
  }
  return errs;
}

function validateArray(walk: Walk, value: unknown[], s: Schema, name: string, field: string): FieldError[] {
  const errs: FieldError[] = [];
  if (s.items !== undefined) {
    value.forEach((item, i) => errs.push(...validateNode(walk, item, s.items as Schema, `${name}[${i}]`)));
  }
  if (s.minItems !== undefined && value.length < s.minItems) {
    errs.push(invalidError(field, value.length, `${name} in body should have at least ${s.minItems} items`));
  }
  if (s.maxItems !== undefined && value.length > s.maxItems) errs.push(tooManyError(field, value.length, s.maxItems));
  if (s.uniqueItems === true && hasDuplicates(value)) errs.push(invalidError(field, '', `${name} in body shouldn't contain duplicates`));
  return errs;
}

function validateObject(walk: Walk, value: Record<string, unknown>, s: Schema, name: string, field: string): FieldError[] {
  const keys = Object.keys(value);
  if (s.minProperties !== undefined && keys.length < s.minProperties) {
    return [invalidError(field, keys.length, `${name} in body should have at least ${s.minProperties} properties`)];
  }
  if (s.maxProperties !== undefined && keys.length > s.maxProperties) return [tooManyError(field, keys.length, s.maxProperties)];
  const errs: FieldError[] = [];
  const props = s.properties ?? {};
  const additional = s.additionalProperties;
  if (additional === false) {
    for (const k of keys) {
      if (!(k in props)) errs.push(invalidError(field, k, `${name}.${k} in body is a forbidden property`));
    }
  } else if (isObject(additional)) {
    for (const k of keys) {
      if (!(k in props)) errs.push(...validateNode(walk, value[k], additional, `${name}.${k}`));
    }
  }
  for (const [p, sub] of Object.entries(props)) {
    if (Object.hasOwn(value, p)) errs.push(...validateNode(walk, value[p], sub, childName(name, p)));
  }
  for (const k of s.required ?? []) {
    if (!Object.hasOwn(value, k)) errs.push(requiredError(fieldOf(walk, `${name}.${k}`)));
  }
  return errs;
}

// --- the apiextensions checks that run after the OpenAPI validator ---------------------------

function structuralChecks(walk: Walk, value: unknown, raw: Schema, path: string): FieldError[] {
  const s = resolveSchema(raw, walk.resolve);
  const errs: FieldError[] = [];
  if (Array.isArray(value)) {
    errs.push(...listTypeErrors(walk, value, s, path));
    if (s.items !== undefined) value.forEach((item, i) => errs.push(...structuralChecks(walk, item, s.items as Schema, `${path}[${i}]`)));
  } else if (isObject(value)) {
    if (s['x-kubernetes-embedded-resource'] === true) errs.push(...embeddedResourceErrors(value, path));
    const props = s.properties ?? {};
    for (const [k, v] of Object.entries(value)) {
      const sub = props[k] ?? (isObject(s.additionalProperties) ? s.additionalProperties : undefined);
      if (sub !== undefined) errs.push(...structuralChecks(walk, v, sub, childPathOf(path, k)));
    }
  }
  return errs;
}

function childPathOf(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

/** schema/objectmeta validateEmbeddedResource: apiVersion and kind are required, metadata is not. */
function embeddedResourceErrors(value: Record<string, unknown>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const apiVersionPath = childPathOf(path, 'apiVersion');
  const kindPath = childPathOf(path, 'kind');
  if (!Object.hasOwn(value, 'apiVersion')) errs.push(requiredError(apiVersionPath, 'must not be empty'));
  if (!Object.hasOwn(value, 'kind')) errs.push(requiredError(kindPath, 'must not be empty'));
  const apiVersion = value['apiVersion'];
  if (Object.hasOwn(value, 'apiVersion')) {
    if (typeof apiVersion !== 'string') errs.push(invalidError(apiVersionPath, apiVersion, 'must be a string'));
    else if (apiVersion === '') errs.push(invalidError(apiVersionPath, apiVersion, 'must not be empty'));
    else if (apiVersion.split('/').length > 2) errs.push(invalidError(apiVersionPath, apiVersion, `unexpected GroupVersion string: ${apiVersion}`));
  }
  const kind = value['kind'];
  if (Object.hasOwn(value, 'kind')) {
    if (typeof kind !== 'string') errs.push(invalidError(kindPath, kind, 'must be a string'));
    else if (kind === '') errs.push(invalidError(kindPath, kind, 'must not be empty'));
    else {
      const dnsErrs = isDNS1035Label(kind.toLowerCase());
      if (dnsErrs.length > 0) errs.push(invalidError(kindPath, kind, `may have mixed case, but should otherwise match: ${dnsErrs.join(',')}`));
    }
  }
  return errs;
}

/** schema/listtype: `set` items and `map` keys must be unique (Duplicate value at the later index). */
function listTypeErrors(walk: Walk, list: unknown[], s: Schema, path: string): FieldError[] {
  const listType = s['x-kubernetes-list-type'];
  const errs: FieldError[] = [];
  if (listType === 'set') {
    const seen: unknown[] = [];
    list.forEach((item, i) => {
      if (seen.some((x) => deepEqual(x, item))) errs.push(duplicateError(`${path}[${i}]`, item));
      else seen.push(item);
    });
  } else if (listType === 'map') {
    const keys = s['x-kubernetes-list-map-keys'] ?? [];
    const itemSchema = s.items !== undefined ? resolveSchema(s.items, walk.resolve) : undefined;
    const seen: Record<string, unknown>[] = [];
    list.forEach((item, i) => {
      if (!isObject(item)) return;
      const key: Record<string, unknown> = {};
      for (const k of keys) {
        if (Object.hasOwn(item, k)) key[k] = item[k];
        else {
          // a key with a default counts as present (defaulting ran first on the server)
          const d = itemSchema?.properties?.[k]?.default;
          if (d !== undefined) key[k] = d;
          else errs.push(requiredError(`${path}[${i}].${k}`));
        }
      }
      if (seen.some((x) => deepEqual(x, key))) errs.push(duplicateError(`${path}[${i}]`, key));
      else seen.push(key);
    });
  }
  return errs;
}

function hasDuplicates(list: unknown[]): boolean {
  return list.some((a, i) => list.slice(i + 1).some((b) => deepEqual(a, b)));
}

/** JSON equality (key order ignored). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}
