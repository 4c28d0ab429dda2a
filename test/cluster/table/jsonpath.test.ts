import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateJSONPath, JSONPathError, parseJSONPath } from '../../../src/cluster/apiserver/table/index.ts';

const dv = {
  metadata: { name: 'dv1', labels: { 'app.kubernetes.io/name': 'x' } },
  spec: { source: { http: { url: 'http://a/b.img' } } },
  status: {
    phase: 'Succeeded',
    progress: '100.0%',
    restartCount: 2,
    conditions: [
      { type: 'Bound', status: 'True' },
      { type: 'Ready', status: 'False' },
      { type: 'Running', status: 'False', reason: 'Completed' },
    ],
  },
};

const cases: [string, unknown[]][] = [
  ['.status.phase', ['Succeeded']],
  ['{.status.phase}', ['Succeeded']],
  ['.spec.source.http.url', ['http://a/b.img']],
  ['.status.restartCount', [2]],
  ['.status.conditions[?(@.type=="Ready")].status', ['False']],
  [".status.conditions[?(@.type=='Running')].reason", ['Completed']],
  ['.status.conditions[?(@.status!="False")].type', ['Bound']],
  ['.status.conditions[0].type', ['Bound']],
  ['.status.conditions[-1].type', ['Running']],
  ['.status.conditions[0:2].type', ['Bound', 'Ready']],
  ['.status.conditions[*].type', ['Bound', 'Ready', 'Running']],
  ['.status.conditions[?(@.reason)].type', ['Running']],
  [".metadata.labels['app.kubernetes.io/name']", ['x']],
  ['.metadata.labels.missing', []],
  ['.status.nothing.deeper', []],
  ['.status.conditions[7].type', []],
  ['..reason', ['Completed']],
];

test('evaluateJSONPath over the CRD printer-column subset', () => {
  for (const [path, want] of cases) assert.deepEqual(evaluateJSONPath(parseJSONPath(path), dv), want, path);
});

test('parseJSONPath rejects malformed paths with JSONPathError', () => {
  for (const bad of ['.a[', '.a[x]', '.a[?(@.b ~ 1)]', 'a b']) {
    assert.throws(() => parseJSONPath(bad), (e: unknown) => e instanceof JSONPathError && e.code === 'JSONPathInvalid', bad);
  }
});
