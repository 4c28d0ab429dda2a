// Expectations follow k8s.io/apimachinery/pkg/labels/selector.go (Parse, the lexer, parser
// error strings) and selector_test.go (TestSelectorParse / TestSelectorMatches).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  LabelSelectorError,
  labelSelectorFromSpec,
  labelSelectorString,
  matchesLabels,
  parseLabelSelector,
} from '../../../src/cluster/apiserver/selectors/index.ts';

test('parse: canonical strings of valid selectors (requirements sorted by key)', () => {
  const cases: [string, string][] = [
    ['', ''],
    ['x=a', 'x=a'],
    ['x==a', 'x==a'],
    ['x!=a', 'x!=a'],
    ['y=b,x=a', 'x=a,y=b'],
    ['x in (a,b)', 'x in (a,b)'],
    ['x in (b, a, a)', 'x in (a,b)'],
    ['x notin (a)', 'x notin (a)'],
    ['x', 'x'],
    ['!x', '!x'],
    [' x , !y ', 'x,!y'],
    ['x=', 'x='],
    ['x in ()', 'x in ()'],
    ['x in (,a)', 'x in (,a)'],
    ['x>1', 'x>1'],
    ['x<10', 'x<10'],
    ['env in (in, notin)', 'env in (in,notin)'],
    ['app.kubernetes.io/name=cdi', 'app.kubernetes.io/name=cdi'],
  ];
  for (const [input, want] of cases) assert.equal(labelSelectorString(parseLabelSelector(input)), want, input);
});

test('parse: errors carry the real parser messages', () => {
  const cases: [string, string][] = [
    ['x=a,', "found '', expected: identifier after ','"],
    [',x=a', "found ',', expected: !, identifier, or 'end of string'"],
    ['x=a b', "found 'b', expected: ',' or 'end of string'"],
    ['x in a', "unable to parse requirement: found 'a' expected: '('"],
    ['x in (a', "unable to parse requirement: found '', expected: ',' or ')'"],
    ['x in (a b)', "unable to parse requirement: found 'b', expected: ',' or ')'"],
    ['x (a)', "unable to parse requirement: found '(', expected: in, notin, =, ==, !=, gt, lt"],
    ['x=(a)', "unable to parse requirement: found '(', expected: identifier"],
    ['!=a', "found '!=', expected: !, identifier, or 'end of string'"],
    ['!(a)', "unable to parse requirement: found '(', expected: identifier"],
    ['x>a', "unable to parse requirement: values[0]: Invalid value: \"a\": for 'Gt', 'Lt' operators, the value must be an integer"],
    [
      'x_=a',
      "unable to parse requirement: <nil>: Invalid value: \"x_\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
    ],
    [
      'x=a@b',
      "unable to parse requirement: values[0][x]: Invalid value: \"a@b\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
    ],
  ];
  for (const [input, message] of cases) {
    assert.throws(() => parseLabelSelector(input), (e: unknown) => e instanceof LabelSelectorError && e.code === 'LabelSelectorInvalid' && e.message === message, input);
  }
});

test('matchesLabels: equality, set-based and existence requirements', () => {
  const labels = { app: 'cdi', tier: 'backend', weight: '5' };
  const cases: [string, boolean][] = [
    ['', true],
    ['app=cdi', true],
    ['app==cdi', true],
    ['app=other', false],
    ['app!=other', true],
    ['missing!=x', true],
    ['app in (x,cdi)', true],
    ['app notin (cdi)', false],
    ['missing notin (a)', true],
    ['missing in (a)', false],
    ['app', true],
    ['!app', false],
    ['!missing', true],
    ['app=cdi,tier=frontend', false],
    ['weight>4', true],
    ['weight<5', false],
    ['missing=', false],
  ];
  for (const [sel, want] of cases) assert.equal(matchesLabels(parseLabelSelector(sel), labels), want, sel);
  assert.equal(matchesLabels(parseLabelSelector('!app'), undefined), true);
});

test('labelSelectorFromSpec: nil selects nothing, empty selects everything', () => {
  assert.equal(matchesLabels(labelSelectorFromSpec(null), { a: 'b' }), false);
  assert.equal(matchesLabels(labelSelectorFromSpec(undefined), {}), false);
  assert.equal(matchesLabels(labelSelectorFromSpec({}), {}), true);
  assert.equal(matchesLabels(labelSelectorFromSpec({ matchLabels: {}, matchExpressions: [] }), { a: 'b' }), true);
});

test('labelSelectorFromSpec: matchLabels and matchExpressions', () => {
  const sel = labelSelectorFromSpec({
    matchLabels: { app: 'cdi' },
    matchExpressions: [
      { key: 'tier', operator: 'In', values: ['backend', 'db'] },
      { key: 'legacy', operator: 'DoesNotExist' },
      { key: 'zone', operator: 'Exists' },
      { key: 'env', operator: 'NotIn', values: ['prod'] },
    ],
  });
  assert.equal(labelSelectorString(sel), 'app=cdi,env notin (prod),!legacy,tier in (backend,db),zone');
  assert.equal(matchesLabels(sel, { app: 'cdi', tier: 'db', zone: 'a' }), true);
  assert.equal(matchesLabels(sel, { app: 'cdi', tier: 'db', zone: 'a', env: 'prod' }), false);
  assert.equal(matchesLabels(sel, { app: 'cdi', tier: 'db' }), false);
});

test('labelSelectorFromSpec: invalid operator and values', () => {
  assert.throws(() => labelSelectorFromSpec({ matchExpressions: [{ key: 'a', operator: 'Gt', values: ['1'] }] }), { message: '"Gt" is not a valid label selector operator' });
  assert.throws(
    () => labelSelectorFromSpec({ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] }),
    { message: "values: Invalid value: []string{}: for 'in', 'notin' operators, values set can't be empty" },
  );
  assert.throws(
    () => labelSelectorFromSpec({ matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] }),
    { message: 'values: Invalid value: []string{"x"}: values set must be empty for exists and does not exist' },
  );
});
