// Expectations follow k8s.io/apimachinery/pkg/fields/selector.go (ParseSelector, UnescapeValue)
// and runtime.DefaultMetaV1FieldSelectorConversion / the per-kind conversion funcs' texts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  escapeFieldValue,
  fieldSelectorString,
  FieldSelectorError,
  findUnsupportedField,
  matchesFields,
  parseFieldSelector,
  unsupportedFieldSelectorError,
} from '../../../src/cluster/apiserver/selectors/index.ts';

test('parse: operators, sorting, escaping', () => {
  const cases: [string, { field: string; operator: string; value: string }[]][] = [
    ['', []],
    ['metadata.name=a', [{ field: 'metadata.name', operator: '=', value: 'a' }]],
    ['metadata.name==a', [{ field: 'metadata.name', operator: '=', value: 'a' }]],
    ['status.phase!=Running', [{ field: 'status.phase', operator: '!=', value: 'Running' }]],
    ['b=2,a=1', [{ field: 'a', operator: '=', value: '1' }, { field: 'b', operator: '=', value: '2' }]],
    ['a=x\\,y', [{ field: 'a', operator: '=', value: 'x,y' }]],
    ['a=x\\=y\\\\z', [{ field: 'a', operator: '=', value: 'x=y\\z' }]],
    ['a=', [{ field: 'a', operator: '=', value: '' }]],
    ['a=1,', [{ field: 'a', operator: '=', value: '1' }]],
  ];
  for (const [input, want] of cases) assert.deepEqual(parseFieldSelector(input).requirements, want, input);
});

test('parse: errors carry the real messages', () => {
  const cases: [string, string][] = [
    ['a', "invalid selector: 'a'; can't understand 'a'"],
    ['x=1,b', "invalid selector: 'x=1,b'; can't understand 'b'"],
    ['a=b=c', 'invalid field selector: unescaped character in value: 61'],
    ['a=b\\x', 'invalid field selector: invalid escape sequence: \\x'],
    ['a=b\\', 'invalid field selector: invalid escape sequence: \\'],
  ];
  for (const [input, message] of cases) {
    assert.throws(() => parseFieldSelector(input), (e: unknown) => e instanceof FieldSelectorError && e.code === 'FieldSelectorInvalid' && e.status === 400 && e.message === message, input);
  }
});

test('matchesFields: absent fields are ""', () => {
  const fields = { 'metadata.name': 'dv1', 'metadata.namespace': 'ns' };
  const cases: [string, boolean][] = [
    ['', true],
    ['metadata.name=dv1', true],
    ['metadata.name=dv2', false],
    ['metadata.name!=dv2', true],
    ['metadata.name=dv1,metadata.namespace=other', false],
    ['spec.nodeName=', true],
    ['spec.nodeName!=', false],
  ];
  for (const [sel, want] of cases) assert.equal(matchesFields(parseFieldSelector(sel), fields), want, sel);
});

test('unsupported fields produce the server texts', () => {
  const sel = parseFieldSelector('metadata.name=a,spec.foo=b');
  assert.equal(findUnsupportedField(sel, ['metadata.name', 'metadata.namespace']), 'spec.foo');
  assert.equal(findUnsupportedField(sel, ['metadata.name', 'spec.foo']), undefined);
  const byDefault = unsupportedFieldSelectorError('spec.foo', ['metadata.name', 'metadata.namespace']);
  assert.equal(byDefault.message, '"spec.foo" is not a known field selector: only "metadata.name", "metadata.namespace"');
  assert.equal(byDefault.code, 'FieldLabelNotSupported');
  assert.equal(byDefault.reason, 'BadRequest');
  const custom = unsupportedFieldSelectorError('spec.foo', ['metadata.name', 'metadata.namespace', 'spec.nodeName', 'status.phase']);
  assert.equal(custom.message, 'field label not supported: spec.foo');
});

test('escape round trip and canonical string', () => {
  assert.equal(escapeFieldValue('a,b=c\\d'), 'a\\,b\\=c\\\\d');
  assert.equal(fieldSelectorString(parseFieldSelector('b!=x\\,y,a=1')), 'a=1,b!=x\\,y');
});
