// Pruning follows apiextensions-apiserver pkg/apiserver/schema/pruning (paths ".spec.foo",
// "[i]" for items; apiVersion/kind/metadata kept at resource roots); Strict/Warn texts follow the
// handler's `unknown field "spec.foo"`. Defaulting follows pkg/apiserver/schema/defaulting.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  applySchemaDefaults,
  noRefs,
  pruneUnknownFields,
  strictDecodingError,
  unknownFieldWarnings,
} from '../../../src/cluster/apiserver/schema/index.ts';
import type { Schema } from '../../../src/cluster/apiserver/types.ts';

const schema: Schema = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      properties: {
        source: { type: 'object', properties: { http: { type: 'object', properties: { url: { type: 'string' } } } } },
        list: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' } } } },
        labels: { type: 'object', additionalProperties: { type: 'string' } },
        free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { known: { type: 'object', properties: { a: { type: 'string' } } } } },
        template: { type: 'object', 'x-kubernetes-embedded-resource': true, properties: { spec: { type: 'object', properties: { x: { type: 'string' } } } } },
      },
    },
    status: { type: 'object', properties: { phase: { type: 'string' } } },
  },
};

test('pruneUnknownFields removes unspecified fields and reports their paths', () => {
  const obj = {
    apiVersion: 'cdi.kubevirt.io/v1beta1',
    kind: 'DataVolume',
    metadata: { name: 'dv', namespace: 'ns', labels: { a: 'b' }, bogus: 1 },
    spec: {
      source: { http: { url: 'u', secretRefX: 's' } },
      foo: 1,
      list: [{ name: 'a', extra: true }, { name: 'b' }],
      labels: { x: 'y' },
      free: { anything: { goes: 1 }, known: { a: 'kept', b: 'pruned' } },
      template: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', junk: 1 }, spec: { x: 'kept', y: 'pruned' } },
    },
    status: { phase: 'Pending', extra: 'x' },
    topLevel: true,
  };
  const pruned = pruneUnknownFields(obj, schema, noRefs);
  assert.deepEqual(pruned, [
    '.metadata.bogus',
    '.spec.foo',
    '.spec.free.known.b',
    '.spec.list[0].extra',
    '.spec.source.http.secretRefX',
    '.spec.template.metadata.junk',
    '.spec.template.spec.y',
    '.status.extra',
    '.topLevel',
  ]);
  assert.deepEqual(obj, {
    apiVersion: 'cdi.kubevirt.io/v1beta1',
    kind: 'DataVolume',
    metadata: { name: 'dv', namespace: 'ns', labels: { a: 'b' } },
    spec: {
      source: { http: { url: 'u' } },
      list: [{ name: 'a' }, { name: 'b' }],
      labels: { x: 'y' },
      free: { anything: { goes: 1 }, known: { a: 'kept' } },
      template: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { x: 'kept' } },
    },
    status: { phase: 'Pending' },
  });
});

test('pruneUnknownFields keeps everything that is specified', () => {
  const obj = { apiVersion: 'v', kind: 'K', metadata: { name: 'n' }, spec: { source: { http: { url: 'u' } } } };
  assert.deepEqual(pruneUnknownFields(obj, schema, noRefs), []);
  assert.deepEqual(obj, { apiVersion: 'v', kind: 'K', metadata: { name: 'n' }, spec: { source: { http: { url: 'u' } } } });
});

test('Strict and Warn texts', () => {
  assert.deepEqual(unknownFieldWarnings(['.spec.foo', '.spec.list[0].extra']), ['unknown field "spec.foo"', 'unknown field "spec.list[0].extra"']);
  assert.equal(strictDecodingError(['.spec.foo', '.spec.bar']), 'strict decoding error: unknown field "spec.foo", unknown field "spec.bar"');
});

const defaulted: Schema = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      default: {},
      properties: {
        contentType: { type: 'string', default: 'kubevirt' },
        preallocation: { type: 'boolean', default: false },
        nullable: { type: 'string', nullable: true, default: 'd' },
        items: { type: 'array', items: { type: 'object', properties: { mode: { type: 'string', default: 'rw' } } } },
        byName: { type: 'object', additionalProperties: { type: 'object', properties: { port: { type: 'integer', default: 443 } } } },
        strings: { type: 'array', items: { type: 'string', default: 'x' } },
      },
    },
  },
};

test('applySchemaDefaults fills absent fields recursively, including a defaulted parent', () => {
  const obj: Record<string, unknown> = {};
  applySchemaDefaults(obj, defaulted, noRefs);
  assert.deepEqual(obj, { spec: { contentType: 'kubevirt', preallocation: false, nullable: 'd' } });
});

test('applySchemaDefaults: present values win; null gets the default unless nullable; items and map values', () => {
  const obj = {
    spec: {
      contentType: 'archive',
      preallocation: null,
      nullable: null,
      items: [{}, { mode: 'ro' }],
      byName: { a: {}, b: { port: 80 } },
      strings: ['a', null],
    },
  };
  applySchemaDefaults(obj, defaulted, noRefs);
  assert.deepEqual(obj, {
    spec: {
      contentType: 'archive',
      preallocation: false,
      nullable: null,
      items: [{ mode: 'rw' }, { mode: 'ro' }],
      byName: { a: { port: 443 }, b: { port: 80 } },
      strings: ['a', 'x'],
    },
  });
});

test('applySchemaDefaults copies defaults (no shared references)', () => {
  const s: Schema = { type: 'object', properties: { m: { type: 'object', default: { k: 'v' } } } };
  const a: Record<string, unknown> = {};
  const b: Record<string, unknown> = {};
  applySchemaDefaults(a, s, noRefs);
  applySchemaDefaults(b, s, noRefs);
  assert.notEqual(a['m'], b['m']);
  assert.deepEqual(a, { m: { k: 'v' } });
});

test('pruneUnknownFields keeps opaque built-in payloads reached through $ref (RawExtension)', () => {
  const components: Record<string, Schema> = {
    'io.k8s.apimachinery.pkg.runtime.RawExtension': { type: 'object', description: 'RawExtension is used to hold extensions' },
    'io.k8s.api.apps.v1.ControllerRevision': {
      type: 'object',
      properties: { data: { allOf: [{ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.runtime.RawExtension' }] }, revision: { type: 'integer' } },
    },
  };
  const resolve = (ref: string): Schema | undefined => components[ref.replace('#/components/schemas/', '')];
  const obj = { apiVersion: 'apps/v1', kind: 'ControllerRevision', metadata: { name: 'r' }, data: { any: { thing: 1 } }, revision: 1, junk: 2 };
  const pruned = pruneUnknownFields(obj, { $ref: '#/components/schemas/io.k8s.api.apps.v1.ControllerRevision' }, resolve);
  assert.deepEqual(pruned, ['.junk']);
  assert.deepEqual(obj.data, { any: { thing: 1 } });
});
