import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyJsonPatch, PatchError, patchErrorStatus } from '../../../src/cluster/apiserver/patch/index.ts';

const pod = () => ({
  metadata: { name: 'web', labels: { app: 'web', 'app.kubernetes.io/name': 'web', 'a~b': 'tilde' } },
  spec: {
    containers: [
      { name: 'nginx', image: 'nginx:1.25', env: [{ name: 'A', value: '1' }] },
      { name: 'side', image: 'busybox' },
    ],
  },
});

const ok: { name: string; ops: unknown[]; want: (p: ReturnType<typeof pod>) => unknown }[] = [
  {
    name: 'add a member',
    ops: [{ op: 'add', path: '/metadata/labels/tier', value: 'front' }],
    want: (p) => { (p.metadata.labels as Record<string, string>).tier = 'front'; return p; },
  },
  {
    name: 'add replaces an existing member',
    ops: [{ op: 'add', path: '/metadata/labels/app', value: 'api' }],
    want: (p) => { p.metadata.labels.app = 'api'; return p; },
  },
  {
    name: 'add at an index inserts',
    ops: [{ op: 'add', path: '/spec/containers/1', value: { name: 'mid' } }],
    want: (p) => { p.spec.containers.splice(1, 0, { name: 'mid' } as never); return p; },
  },
  {
    name: 'add with - appends',
    ops: [{ op: 'add', path: '/spec/containers/0/env/-', value: { name: 'B', value: '2' } }],
    want: (p) => { p.spec.containers[0]?.env?.push({ name: 'B', value: '2' }); return p; },
  },
  {
    name: 'add at index == length appends',
    ops: [{ op: 'add', path: '/spec/containers/2', value: { name: 'last' } }],
    want: (p) => { p.spec.containers.push({ name: 'last' } as never); return p; },
  },
  {
    name: '~1 escapes a slash in a label key',
    ops: [{ op: 'replace', path: '/metadata/labels/app.kubernetes.io~1name', value: 'api' }],
    want: (p) => { p.metadata.labels['app.kubernetes.io/name'] = 'api'; return p; },
  },
  {
    name: '~0 escapes a tilde',
    ops: [{ op: 'remove', path: '/metadata/labels/a~0b' }],
    want: (p) => { delete (p.metadata.labels as Partial<typeof p.metadata.labels>)['a~b']; return p; },
  },
  {
    name: 'remove an array item',
    ops: [{ op: 'remove', path: '/spec/containers/0' }],
    want: (p) => { p.spec.containers.shift(); return p; },
  },
  {
    name: 'replace an image',
    ops: [{ op: 'replace', path: '/spec/containers/0/image', value: 'nginx:1.27' }],
    want: (p) => { (p.spec.containers[0] as { image: string }).image = 'nginx:1.27'; return p; },
  },
  {
    name: 'move a label',
    ops: [{ op: 'move', from: '/metadata/labels/app', path: '/metadata/labels/component' }],
    want: (p) => {
      const labels = p.metadata.labels as Record<string, string>;
      delete labels.app; labels.component = 'web'; return p;
    },
  },
  {
    name: 'copy an env list to another container',
    ops: [{ op: 'copy', from: '/spec/containers/0/env', path: '/spec/containers/1/env' }],
    want: (p) => { (p.spec.containers[1] as Record<string, unknown>).env = [{ name: 'A', value: '1' }]; return p; },
  },
  {
    name: 'test that holds, then replace (optimistic update)',
    ops: [
      { op: 'test', path: '/spec/containers/0/image', value: 'nginx:1.25' },
      { op: 'replace', path: '/spec/containers/0/image', value: 'nginx:1.26' },
    ],
    want: (p) => { (p.spec.containers[0] as { image: string }).image = 'nginx:1.26'; return p; },
  },
  {
    name: 'test compares objects structurally',
    ops: [{ op: 'test', path: '/spec/containers/0/env/0', value: { value: '1', name: 'A' } }],
    want: (p) => p,
  },
  {
    name: 'replace the whole document',
    ops: [{ op: 'replace', path: '', value: { metadata: { name: 'x' } } }],
    want: () => ({ metadata: { name: 'x' } }),
  },
];

for (const c of ok) {
  test(`applyJsonPatch: ${c.name}`, () => {
    const doc = pod();
    assert.deepEqual(applyJsonPatch(doc, c.ops), c.want(pod()));
    assert.deepEqual(doc, pod(), 'the document is not mutated');
  });
}

const failing: { name: string; ops: unknown; code: string; message: string }[] = [
  {
    name: 'failed test',
    ops: [{ op: 'test', path: '/spec/containers/0/image', value: 'nginx:1.24' }],
    code: 'EPATCHTEST',
    message: 'testing value /spec/containers/0/image failed: test failed',
  },
  {
    name: 'test of an absent member',
    ops: [{ op: 'test', path: '/spec/replicas', value: 3 }],
    code: 'EPATCHTEST',
    message: 'testing value /spec/replicas failed: test failed',
  },
  {
    name: 'test below an absent parent',
    ops: [{ op: 'test', path: '/spec/x/y', value: 1 }],
    code: 'EPATCHPATH',
    message: 'test operation does not apply: is missing path: /spec/x/y: missing value',
  },
  {
    name: 'replace of an absent member',
    ops: [{ op: 'replace', path: '/spec/x', value: 1 }],
    code: 'EPATCHPATH',
    message: 'replace operation does not apply: doc is missing key: /spec/x: missing value',
  },
  {
    name: 'replace below an absent parent',
    ops: [{ op: 'replace', path: '/spec/x/y', value: 1 }],
    code: 'EPATCHPATH',
    message: 'replace operation does not apply: doc is missing path: /spec/x/y: missing value',
  },
  {
    name: 'remove of an absent member',
    ops: [{ op: 'remove', path: '/metadata/labels/nope' }],
    code: 'EPATCHPATH',
    message: "error in remove for path: '/metadata/labels/nope': Unable to remove nonexistent key: nope: missing value",
  },
  {
    name: 'add below an absent parent',
    ops: [{ op: 'add', path: '/metadata/annotations/a', value: 'x' }],
    code: 'EPATCHPATH',
    message: 'add operation does not apply: doc is missing path: "/metadata/annotations/a": missing value',
  },
  {
    name: 'add past the end of an array',
    ops: [{ op: 'add', path: '/spec/containers/5', value: {} }],
    code: 'EPATCHPATH',
    message: "error in add for path: '/spec/containers/5': Unable to access invalid index: 5: invalid index referenced",
  },
  {
    name: 'remove past the end of an array',
    ops: [{ op: 'remove', path: '/spec/containers/2' }],
    code: 'EPATCHPATH',
    message: "error in remove for path: '/spec/containers/2': Unable to access invalid index: 2: invalid index referenced",
  },
  { name: 'not an array', ops: { op: 'add' }, code: 'EPATCHINVALID', message: 'json: cannot unmarshal object into Go value of type jsonpatch.Patch' },
  { name: 'unknown op', ops: [{ op: 'merge', path: '/a' }], code: 'EPATCHINVALID', message: 'Unexpected kind: merge' },
  { name: 'missing path', ops: [{ op: 'add', value: 1 }], code: 'EPATCHINVALID', message: 'add operation failed to decode path: missing value' },
  { name: 'missing value', ops: [{ op: 'add', path: '/a' }], code: 'EPATCHINVALID', message: 'add operation, missing value field: missing value' },
];

for (const c of failing) {
  test(`applyJsonPatch rejects: ${c.name}`, () => {
    assert.throws(() => applyJsonPatch(pod(), c.ops), (err: unknown) => {
      assert.ok(err instanceof PatchError);
      assert.equal(err.code, c.code);
      assert.equal(err.message, c.message);
      return true;
    });
  });
}

test('applyJsonPatch: error codes map to the statuses the real server answers', () => {
  assert.equal(patchErrorStatus.EPATCHINVALID, 400);
  assert.equal(patchErrorStatus.EPATCHTEST, 422);
  assert.equal(patchErrorStatus.EPATCHPATH, 422);
});

test('applyJsonPatch: operations apply in order and a later failure leaves the input untouched', () => {
  const doc = pod();
  assert.throws(() => applyJsonPatch(doc, [
    { op: 'replace', path: '/spec/containers/0/image', value: 'changed' },
    { op: 'test', path: '/metadata/name', value: 'other' },
  ]), PatchError);
  assert.equal(doc.spec.containers[0]?.image, 'nginx:1.25');
});
