import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyMergePatch } from '../../../src/cluster/apiserver/patch/index.ts';

// RFC 7386 appendix A, then Kubernetes-shaped cases.
const cases: { name: string; target: unknown; patch: unknown; want: unknown }[] = [
  { name: 'replace member', target: { a: 'b' }, patch: { a: 'c' }, want: { a: 'c' } },
  { name: 'add member', target: { a: 'b' }, patch: { b: 'c' }, want: { a: 'b', b: 'c' } },
  { name: 'null deletes', target: { a: 'b' }, patch: { a: null }, want: {} },
  { name: 'null deletes one of two', target: { a: 'b', b: 'c' }, patch: { a: null }, want: { b: 'c' } },
  { name: 'array replaced by string', target: { a: ['b'] }, patch: { a: 'c' }, want: { a: 'c' } },
  { name: 'string replaced by array', target: { a: 'c' }, patch: { a: ['b'] }, want: { a: ['b'] } },
  { name: 'nested merge with delete', target: { a: { b: 'c' } }, patch: { a: { b: 'd', c: null } }, want: { a: { b: 'd' } } },
  { name: 'arrays are replaced, not merged', target: { a: [{ b: 'c' }] }, patch: { a: [1] }, want: { a: [1] } },
  { name: 'non-object patch replaces', target: ['a', 'b'], patch: ['c', 'd'], want: ['c', 'd'] },
  { name: 'object patch on array target', target: { a: 'b' }, patch: ['c'], want: ['c'] },
  { name: 'null patch', target: { a: 'foo' }, patch: null, want: null },
  { name: 'string patch', target: { a: 'foo' }, patch: 'bar', want: 'bar' },
  { name: 'null inside new object is dropped', target: { e: null }, patch: { a: 1 }, want: { e: null, a: 1 } },
  { name: 'patch on non-object target', target: [1, 2], patch: { a: 'b', c: null }, want: { a: 'b' } },
  { name: 'deep new member drops nulls', target: {}, patch: { a: { bb: { ccc: null } } }, want: { a: { bb: {} } } },
  {
    name: 'kubectl patch --type merge: add a label, drop an annotation, replace containers',
    target: {
      metadata: { name: 'web', labels: { app: 'web' }, annotations: { note: 'x' } },
      spec: { containers: [{ name: 'nginx', image: 'nginx:1.25' }, { name: 'side', image: 'busybox' }] },
    },
    patch: { metadata: { labels: { tier: 'front' }, annotations: { note: null } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.27' }] } },
    want: {
      metadata: { name: 'web', labels: { app: 'web', tier: 'front' }, annotations: {} },
      spec: { containers: [{ name: 'nginx', image: 'nginx:1.27' }] },
    },
  },
];

for (const c of cases) {
  test(`applyMergePatch: ${c.name}`, () => {
    const target = structuredClone(c.target);
    assert.deepEqual(applyMergePatch(target, c.patch), c.want);
    assert.deepEqual(target, c.target, 'the target is not mutated');
  });
}
