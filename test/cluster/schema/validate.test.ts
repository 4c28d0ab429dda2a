// Expected texts: kube-openapi pkg/validation/errors/schema.go and validate/schema_messages.go,
// as converted by apiextensions-apiserver validation.ValidateCustomResource and printed by
// apimachinery field.Error.ErrorBody (the causes[].message of a 422).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { noRefs, validateAgainstSchema, type SchemaResolver } from '../../../src/cluster/apiserver/schema/index.ts';
import type { FieldError, Schema } from '../../../src/cluster/apiserver/types.ts';

const obj = (properties: Record<string, Schema>, extra: Schema = {}): Schema => ({ type: 'object', properties, ...extra });
const root = (spec: Schema): Schema => obj({ spec });

interface Case {
  name: string;
  schema: Schema;
  value: unknown;
  want: FieldError[];
}

const cases: Case[] = [
  {
    name: 'valid object',
    schema: root(obj({ replicas: { type: 'integer' }, name: { type: 'string' } })),
    value: { spec: { replicas: 3, name: 'x' } },
    want: [],
  },
  {
    name: 'type: string for integer',
    schema: root(obj({ replicas: { type: 'integer' } })),
    value: { spec: { replicas: 'three' } },
    want: [{ type: 'FieldValueTypeInvalid', field: 'spec.replicas', message: 'Invalid value: "string": spec.replicas in body must be of type integer: "string"' }],
  },
  {
    name: 'type: float for integer',
    schema: root(obj({ replicas: { type: 'integer' } })),
    value: { spec: { replicas: 1.5 } },
    want: [{ type: 'FieldValueTypeInvalid', field: 'spec.replicas', message: 'Invalid value: "number": spec.replicas in body must be of type integer: "number"' }],
  },
  {
    name: 'type: integer accepted for number',
    schema: root(obj({ ratio: { type: 'number' } })),
    value: { spec: { ratio: 2 } },
    want: [],
  },
  {
    name: 'null without nullable',
    schema: root(obj({ s: { type: 'string' } })),
    value: { spec: { s: null } },
    want: [{ type: 'FieldValueTypeInvalid', field: 'spec.s', message: 'Invalid value: "null": spec.s in body must be of type string: "null"' }],
  },
  {
    name: 'null with nullable',
    schema: root(obj({ s: { type: 'string', nullable: true } })),
    value: { spec: { s: null } },
    want: [],
  },
  {
    name: 'required',
    schema: root(obj({ source: { type: 'object' }, pvc: { type: 'object' } }, { required: ['source', 'pvc'] })),
    value: { spec: { pvc: {} } },
    want: [{ type: 'FieldValueRequired', field: 'spec.source', message: 'Required value' }],
  },
  {
    name: 'required at the root',
    schema: obj({ spec: { type: 'object' } }, { required: ['spec'] }),
    value: {},
    want: [{ type: 'FieldValueRequired', field: 'spec', message: 'Required value' }],
  },
  {
    name: 'enum of strings',
    schema: root(obj({ x: { type: 'string', enum: ['a', 'b'] } })),
    value: { spec: { x: 'c' } },
    want: [{ type: 'FieldValueNotSupported', field: 'spec.x', message: 'Unsupported value: "c": supported values: "a", "b"' }],
  },
  {
    name: 'enum of integers (JSON-encoded, then quoted)',
    schema: root(obj({ n: { type: 'integer', enum: [1, 2] } })),
    value: { spec: { n: 3 } },
    want: [{ type: 'FieldValueNotSupported', field: 'spec.n', message: 'Unsupported value: 3: supported values: "1", "2"' }],
  },
  {
    name: 'maximum and minimum, inclusive and exclusive',
    schema: root(obj({
      a: { type: 'integer', maximum: 10 },
      b: { type: 'integer', maximum: 10, exclusiveMaximum: true },
      c: { type: 'integer', minimum: 1 },
      d: { type: 'number', minimum: 0.5, exclusiveMinimum: true },
    })),
    value: { spec: { a: 11, b: 10, c: 0, d: 0.5 } },
    want: [
      { type: 'FieldValueInvalid', field: 'spec.a', message: 'Invalid value: 11: spec.a in body should be less than or equal to 10' },
      { type: 'FieldValueInvalid', field: 'spec.b', message: 'Invalid value: 10: spec.b in body should be less than 10' },
      { type: 'FieldValueInvalid', field: 'spec.c', message: 'Invalid value: 0: spec.c in body should be greater than or equal to 1' },
      { type: 'FieldValueInvalid', field: 'spec.d', message: 'Invalid value: 0.5: spec.d in body should be greater than 0.5' },
    ],
  },
  {
    name: 'maxLength, minLength, pattern',
    schema: root(obj({
      long: { type: 'string', maxLength: 3 },
      short: { type: 'string', minLength: 3 },
      pat: { type: 'string', pattern: '^[a-z]+$' },
    })),
    value: { spec: { long: 'abcd', short: 'ab', pat: 'A1' } },
    want: [
      { type: 'FieldValueTooLong', field: 'spec.long', message: 'Too long: may not be more than 3 bytes' },
      { type: 'FieldValueInvalid', field: 'spec.short', message: 'Invalid value: "ab": spec.short in body should be at least 3 chars long' },
      { type: 'FieldValueInvalid', field: 'spec.pat', message: "Invalid value: \"A1\": spec.pat in body should match '^[a-z]+$'" },
    ],
  },
  {
    name: 'formats',
    schema: root(obj({ t: { type: 'string', format: 'date-time' }, b: { type: 'string', format: 'byte' }, ok: { type: 'string', format: 'date-time' }, other: { type: 'string', format: 'whatever' } })),
    value: { spec: { t: 'yesterday', b: '!!', ok: '2026-01-01T00:00:00Z', other: 'anything' } },
    want: [
      { type: 'FieldValueTypeInvalid', field: 'spec.t', message: 'Invalid value: "yesterday": spec.t in body must be of type date-time: "yesterday"' },
      { type: 'FieldValueTypeInvalid', field: 'spec.b', message: 'Invalid value: "!!": spec.b in body must be of type byte: "!!"' },
    ],
  },
  {
    name: 'minItems, maxItems, items with index paths',
    schema: root(obj({
      few: { type: 'array', minItems: 2, items: { type: 'string' } },
      many: { type: 'array', maxItems: 2, items: { type: 'string' } },
      typed: { type: 'array', items: { type: 'object', properties: { port: { type: 'integer' } } } },
    })),
    value: { spec: { few: ['a'], many: ['a', 'b', 'c'], typed: [{ port: 1 }, { port: 'x' }] } },
    want: [
      { type: 'FieldValueInvalid', field: 'spec.few', message: 'Invalid value: 1: spec.few in body should have at least 2 items' },
      { type: 'FieldValueTooMany', field: 'spec.many', message: 'Too many: 3: must have at most 2 items' },
      { type: 'FieldValueTypeInvalid', field: 'spec.typed[1].port', message: 'Invalid value: "string": spec.typed[1].port in body must be of type integer: "string"' },
    ],
  },
  {
    name: 'minProperties, maxProperties',
    schema: root(obj({
      few: { type: 'object', minProperties: 2, additionalProperties: { type: 'string' } },
      many: { type: 'object', maxProperties: 1, additionalProperties: { type: 'string' } },
    })),
    value: { spec: { few: { a: 'x' }, many: { a: 'x', b: 'y' } } },
    want: [
      { type: 'FieldValueInvalid', field: 'spec.few', message: 'Invalid value: 1: spec.few in body should have at least 2 properties' },
      { type: 'FieldValueTooMany', field: 'spec.many', message: 'Too many: 2: must have at most 1 items' },
    ],
  },
  {
    name: 'additionalProperties schema applies to map values',
    schema: root(obj({ m: { type: 'object', additionalProperties: { type: 'integer' } } })),
    value: { spec: { m: { a: 1, b: 'two' } } },
    want: [{ type: 'FieldValueTypeInvalid', field: 'spec.m.b', message: 'Invalid value: "string": spec.m.b in body must be of type integer: "string"' }],
  },
  {
    name: 'int-or-string',
    schema: root(obj({ port: { 'x-kubernetes-int-or-string': true }, size: { 'x-kubernetes-int-or-string': true } })),
    value: { spec: { port: 80, size: true } },
    want: [{ type: 'FieldValueTypeInvalid', field: 'spec.size', message: 'Invalid value: "boolean": spec.size in body must be of type integer,string: "boolean"' }],
  },
  {
    name: 'preserve-unknown-fields accepts anything',
    schema: root({ 'x-kubernetes-preserve-unknown-fields': true }),
    value: { spec: { anything: [1, { b: 2 }] } },
    want: [],
  },
  {
    name: 'embedded resource needs apiVersion and kind',
    schema: root(obj({ template: { type: 'object', 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true } })),
    value: { spec: { template: { metadata: {} } } },
    want: [
      { type: 'FieldValueRequired', field: 'spec.template.apiVersion', message: 'Required value: must not be empty' },
      { type: 'FieldValueRequired', field: 'spec.template.kind', message: 'Required value: must not be empty' },
    ],
  },
  {
    name: 'list-type set duplicates',
    schema: root(obj({ s: { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'string' } } })),
    value: { spec: { s: ['a', 'b', 'a'] } },
    want: [{ type: 'FieldValueDuplicate', field: 'spec.s[2]', message: 'Duplicate value: "a"' }],
  },
  {
    name: 'list-type map duplicate keys',
    schema: root(obj({
      ports: {
        type: 'array',
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['name'],
        items: { type: 'object', properties: { name: { type: 'string' }, port: { type: 'integer' } } },
      },
    })),
    value: { spec: { ports: [{ name: 'a', port: 1 }, { name: 'a', port: 2 }] } },
    want: [{ type: 'FieldValueDuplicate', field: 'spec.ports[1]', message: 'Duplicate value: map[string]interface {}{"name":"a"}' }],
  },
  {
    name: 'oneOf with none valid',
    schema: root({ type: 'object', oneOf: [{ required: ['a'] }, { required: ['b'] }] }),
    value: { spec: {} },
    want: [
      { type: 'FieldValueInvalid', field: '<nil>', message: 'Invalid value: "": "spec" must validate one and only one schema (oneOf). Found none valid' },
      { type: 'FieldValueRequired', field: 'spec.a', message: 'Required value' },
    ],
  },
  {
    name: 'oneOf with two valid',
    schema: root({ type: 'object', oneOf: [{ required: ['a'] }, { required: ['b'] }] }),
    value: { spec: { a: 1, b: 2 } },
    want: [{ type: 'FieldValueInvalid', field: '<nil>', message: 'Invalid value: "": "spec" must validate one and only one schema (oneOf). Found 2 valid alternatives' }],
  },
  {
    name: 'anyOf, allOf and not',
    schema: root(obj({
      any: { type: 'string', anyOf: [{ maxLength: 1 }, { pattern: '^x' }] },
      all: { type: 'integer', allOf: [{ minimum: 5 }] },
      not: { type: 'string', not: { enum: ['forbidden'] } },
    })),
    value: { spec: { any: 'abc', all: 3, not: 'forbidden' } },
    want: [
      { type: 'FieldValueInvalid', field: '<nil>', message: 'Invalid value: "": "spec.any" must validate at least one schema (anyOf)' },
      { type: 'FieldValueTooLong', field: 'spec.any', message: 'Too long: may not be more than 1 byte' },
      { type: 'FieldValueInvalid', field: 'spec.all', message: 'Invalid value: 3: spec.all in body should be greater than or equal to 5' },
      { type: 'FieldValueInvalid', field: '<nil>', message: 'Invalid value: "": "spec.all" must validate all the schemas (allOf). None validated' },
      { type: 'FieldValueInvalid', field: '<nil>', message: 'Invalid value: "": "spec.not" must not validate the schema (not)' },
    ],
  },
  // The following cases are TestValidateCustomResource in apiextensions-apiserver
  // pkg/apis/apiextensions/validation/validation_test.go (`<field>: <message>` there).
  {
    name: 'upstream: nullable int-or-string accepts null, rejects a float',
    schema: obj({ field: { nullable: true, 'x-kubernetes-int-or-string': true } }),
    value: { field: 1.2 },
    want: [{ type: 'FieldValueTypeInvalid', field: 'field', message: 'Invalid value: "number": field in body must be of type integer,string: "number"' }],
  },
  {
    name: 'upstream: int-or-string with a user-provided anyOf',
    schema: obj({ field: { nullable: true, 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] } }),
    value: { field: true },
    want: [
      { type: 'FieldValueTypeInvalid', field: 'field', message: 'Invalid value: "boolean": field in body must be of type integer,string: "boolean"' },
      { type: 'FieldValueInvalid', field: '<nil>', message: 'Invalid value: "": "field" must validate at least one schema (anyOf)' },
      { type: 'FieldValueTypeInvalid', field: 'field', message: 'Invalid value: "boolean": field in body must be of type integer: "boolean"' },
    ],
  },
  {
    name: 'upstream: nested required',
    schema: obj({ field: { type: 'object', required: ['nested'], properties: { nested: {} } } }, { required: ['field'] }),
    value: { field: {} },
    want: [{ type: 'FieldValueRequired', field: 'field.nested', message: 'Required value' }],
  },
  {
    name: 'upstream: enum with wrong types reports type and enum',
    schema: obj({ field: { type: 'object', properties: { nestedint: { type: 'integer', enum: [1, 2] }, nestedstring: { type: 'string', enum: ['a', 'b'] } } } }),
    value: { field: { nestedint: 'x', nestedstring: true } },
    want: [
      { type: 'FieldValueTypeInvalid', field: 'field.nestedint', message: 'Invalid value: "string": field.nestedint in body must be of type integer: "string"' },
      { type: 'FieldValueNotSupported', field: 'field.nestedint', message: 'Unsupported value: "x": supported values: "1", "2"' },
      { type: 'FieldValueTypeInvalid', field: 'field.nestedstring', message: 'Invalid value: "boolean": field.nestedstring in body must be of type string: "boolean"' },
      { type: 'FieldValueNotSupported', field: 'field.nestedstring', message: 'Unsupported value: true: supported values: "a", "b"' },
    ],
  },
  {
    name: 'upstream: maxLength',
    schema: obj({ fieldX: { type: 'string', maxLength: 2 } }),
    value: { fieldX: 'abc' },
    want: [{ type: 'FieldValueTooLong', field: 'fieldX', message: 'Too long: may not be more than 2 bytes' }],
  },
];

test('validateAgainstSchema: table', () => {
  for (const c of cases) assert.deepEqual(validateAgainstSchema(c.value, c.schema, noRefs), c.want, c.name);
});

test('validateAgainstSchema: a base path prefixes every field', () => {
  const errs = validateAgainstSchema({ replicas: 'x' }, obj({ replicas: { type: 'integer' } }), noRefs, 'spec');
  assert.deepEqual(errs, [{ type: 'FieldValueTypeInvalid', field: 'spec.replicas', message: 'Invalid value: "string": replicas in body must be of type integer: "string"' }]);
});

test('validateAgainstSchema follows $ref and allOf: [{$ref}]', () => {
  const components: Record<string, Schema> = {
    'io.k8s.api.core.v1.PersistentVolumeClaimSpec': obj({ volumeName: { type: 'string' }, resources: { allOf: [{ $ref: '#/components/schemas/io.k8s.api.core.v1.VolumeResourceRequirements' }], default: {} } }),
    'io.k8s.api.core.v1.VolumeResourceRequirements': obj({ requests: { type: 'object', additionalProperties: { 'x-kubernetes-int-or-string': true } } }),
  };
  const resolve: SchemaResolver = (ref) => components[ref.replace('#/components/schemas/', '')];
  const schema: Schema = obj({ spec: { allOf: [{ $ref: '#/components/schemas/io.k8s.api.core.v1.PersistentVolumeClaimSpec' }], description: 'spec' } });
  assert.deepEqual(validateAgainstSchema({ spec: { volumeName: 'pv', resources: { requests: { storage: '1Gi' } } } }, schema, resolve), []);
  assert.deepEqual(validateAgainstSchema({ spec: { volumeName: 5, resources: { requests: { storage: [] } } } }, schema, resolve), [
    { type: 'FieldValueTypeInvalid', field: 'spec.volumeName', message: 'Invalid value: "integer": spec.volumeName in body must be of type string: "integer"' },
    { type: 'FieldValueTypeInvalid', field: 'spec.resources.requests.storage', message: 'Invalid value: "array": spec.resources.requests.storage in body must be of type integer,string: "array"' },
  ]);
  // an unknown $ref accepts anything rather than rejecting objects
  assert.deepEqual(validateAgainstSchema({ x: 1 }, { $ref: '#/components/schemas/missing' }, resolve), []);
});
