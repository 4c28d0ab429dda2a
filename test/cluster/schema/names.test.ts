// Table of k8s.io/apimachinery/pkg/util/validation checks and of ErrorBody value printing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  goValue,
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  isValidLabelValue,
  notSupportedError,
  tooManyError,
  duplicateError,
} from '../../../src/cluster/apiserver/schema/index.ts';

test('name checks accept and reject like the Go functions', () => {
  const cases: [(s: string) => string[], string, number][] = [
    [isDNS1123Subdomain, 'a.b-c.d', 0],
    [isDNS1123Subdomain, 'A', 1],
    [isDNS1123Subdomain, '-a', 1],
    [isDNS1123Subdomain, 'a'.repeat(254), 1],
    [isDNS1123Label, 'a-b', 0],
    [isDNS1123Label, 'a.b', 1],
    [isDNS1123Label, 'a'.repeat(64), 1],
    [isDNS1035Label, 'a1', 0],
    [isDNS1035Label, '1a', 1],
    [isQualifiedName, 'example.com/Name_1.x', 0],
    [isQualifiedName, '/a', 1],
    [isQualifiedName, 'a/b/c', 1],
    [isQualifiedName, 'a/', 2],
    [isValidLabelValue, '', 0],
    [isValidLabelValue, 'A-b_c.9', 0],
    [isValidLabelValue, '-a', 1],
  ];
  for (const [fn, value, count] of cases) assert.equal(fn(value).length, count, `${fn.name}(${value})`);
  assert.deepEqual(isQualifiedName('a/'), [
    'name part must be non-empty',
    "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
  ]);
  assert.deepEqual(isQualifiedName('/a'), ['prefix part must be non-empty']);
});

test('goValue prints bad values like ErrorBody', () => {
  const cases: [unknown, string][] = [
    ['x', '"x"'],
    ['say "hi"', '"say \\"hi\\""'],
    [5, '5'],
    [0.25, '0.25'],
    [1234567.5, '1.2345675e+06'],
    [true, 'true'],
    [null, '"null"'],
    [{ name: 'a', port: 80 }, 'map[string]interface {}{"name":"a", "port":80}'],
  ];
  for (const [v, want] of cases) assert.equal(goValue(v), want, JSON.stringify(v));
});

test('error builders', () => {
  assert.deepEqual(notSupportedError('spec.x', 'c', ['a', 'b']), { type: 'FieldValueNotSupported', field: 'spec.x', message: 'Unsupported value: "c": supported values: "a", "b"' });
  assert.equal(tooManyError('spec.l', 3, 2).message, 'Too many: 3: must have at most 2 items');
  assert.equal(duplicateError('spec.l[1]', 'a').message, 'Duplicate value: "a"');
});
