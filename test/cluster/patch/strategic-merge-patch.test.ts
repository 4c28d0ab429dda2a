import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyStrategicMergePatch, PatchError } from '../../../src/cluster/apiserver/patch/index.ts';
import type { Schema } from '../../../src/cluster/apiserver/types.ts';
import { deploymentSchema, podSchema, resolve } from './fixtures.ts';

const pod = () => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web', labels: { app: 'web' }, finalizers: ['a.example.com/x', 'b.example.com/y'] },
  spec: {
    containers: [
      {
        name: 'nginx',
        image: 'nginx:1.25',
        env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }],
        ports: [{ containerPort: 80, protocol: 'TCP' }],
        command: ['nginx', '-g', 'daemon off;'],
      },
      { name: 'side', image: 'busybox' },
    ],
    volumes: [{ name: 'data', emptyDir: {} }, { name: 'conf', configMap: { name: 'web-conf' } }],
    nodeSelector: { disk: 'hdd', zone: 'a' },
  },
  status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'False' }, { type: 'Initialized', status: 'True' }] },
});

type Pod = ReturnType<typeof pod>;

const cases: { name: string; patch: unknown; want: (p: Pod) => unknown; schema?: Schema | undefined }[] = [
  {
    name: 'maps merge recursively, null deletes a key',
    patch: { metadata: { labels: { tier: 'front', app: null } } },
    want: (p) => { p.metadata.labels = { tier: 'front' } as never; return p; },
  },
  {
    name: 'containers merge by name: change one image, keep the other container and fields',
    patch: { spec: { containers: [{ name: 'nginx', image: 'nginx:1.27' }] } },
    want: (p) => { p.spec.containers[0]!.image = 'nginx:1.27'; return p; },
  },
  {
    name: 'env merges by name inside a merged container',
    patch: { spec: { containers: [{ name: 'nginx', env: [{ name: 'B', value: 'two' }] }] } },
    want: (p) => { p.spec.containers[0]!.env![1]!.value = 'two'; return p; },
  },
  {
    name: 'a new list item goes before the remaining server-only items (no $setElementOrder)',
    patch: { spec: { containers: [{ name: 'nginx', env: [{ name: 'C', value: '3' }] }] } },
    want: (p) => { (p.spec.containers[0] as { env?: unknown }).env = [{ name: 'C', value: '3' }, { name: 'A', value: '1' }, { name: 'B', value: '2' }]; return p; },
  },
  {
    name: 'ports merge by containerPort',
    patch: { spec: { containers: [{ name: 'nginx', ports: [{ containerPort: 80, name: 'http' }, { containerPort: 443, name: 'https' }] }] } },
    want: (p) => {
      p.spec.containers[0]!.ports = [{ containerPort: 80, protocol: 'TCP', name: 'http' }, { containerPort: 443, name: 'https' }] as never;
      return p;
    },
  },
  {
    name: 'conditions merge by type (a kubelet status patch)',
    patch: { status: { conditions: [{ type: 'Ready', status: 'True', reason: 'PodReady' }] } },
    want: (p) => { p.status.conditions[0] = { type: 'Ready', status: 'True', reason: 'PodReady' } as never; return p; },
  },
  {
    name: 'finalizers (merge strategy, primitives) merge as a set',
    patch: { metadata: { finalizers: ['b.example.com/y', 'c.example.com/z'] } },
    want: (p) => { p.metadata.finalizers = ['a.example.com/x', 'b.example.com/y', 'c.example.com/z']; return p; },
  },
  {
    name: 'lists without a merge strategy are replaced (command)',
    patch: { spec: { containers: [{ name: 'nginx', command: ['sleep', '1'] }] } },
    want: (p) => { p.spec.containers[0]!.command = ['sleep', '1']; return p; },
  },
  {
    name: '$patch: delete in a list removes the item with that key',
    patch: { spec: { containers: [{ name: 'side', $patch: 'delete' }] } },
    want: (p) => { p.spec.containers.splice(1, 1); return p; },
  },
  {
    name: '$patch: replace in a list makes the patch the whole list',
    patch: { spec: { containers: [{ name: 'only', image: 'alpine' }, { $patch: 'replace' }] } },
    want: (p) => { p.spec.containers = [{ name: 'only', image: 'alpine' }] as never; return p; },
  },
  {
    name: '$patch: replace in a map replaces the map',
    patch: { spec: { nodeSelector: { $patch: 'replace', disk: 'ssd' } } },
    want: (p) => { p.spec.nodeSelector = { disk: 'ssd' } as never; return p; },
  },
  {
    name: '$patch: delete in a map empties it',
    patch: { metadata: { labels: { $patch: 'delete' } } },
    want: (p) => { p.metadata.labels = {} as never; return p; },
  },
  {
    name: '$deleteFromPrimitiveList removes values from a merged primitive list',
    patch: { metadata: { '$deleteFromPrimitiveList/finalizers': ['a.example.com/x'] } },
    want: (p) => { p.metadata.finalizers = ['b.example.com/y']; return p; },
  },
  {
    name: '$setElementOrder reorders without changing contents',
    patch: { spec: { '$setElementOrder/containers': [{ name: 'side' }, { name: 'nginx' }] } },
    want: (p) => { p.spec.containers.reverse(); return p; },
  },
  {
    name: '$setElementOrder places a new item where the configuration has it',
    patch: {
      spec: { containers: [{ name: 'nginx', '$setElementOrder/env': [{ name: 'A' }, { name: 'C' }, { name: 'B' }], env: [{ name: 'C', value: '3' }] }] },
    },
    want: (p) => { (p.spec.containers[0] as { env?: unknown }).env = [{ name: 'A', value: '1' }, { name: 'C', value: '3' }, { name: 'B', value: '2' }]; return p; },
  },
  {
    name: '$setElementOrder on primitives',
    patch: { metadata: { '$setElementOrder/finalizers': ['b.example.com/y', 'a.example.com/x'] } },
    want: (p) => { p.metadata.finalizers = ['b.example.com/y', 'a.example.com/x']; return p; },
  },
  {
    name: '$retainKeys clears the keys it does not list (volume source switch)',
    patch: { spec: { volumes: [{ $retainKeys: ['hostPath', 'name'], name: 'data', hostPath: { path: '/srv/data' } }] } },
    want: (p) => { p.spec.volumes[0] = { name: 'data', hostPath: { path: '/srv/data' } } as never; return p; },
  },
  {
    name: 'without a schema, maps still merge and lists are replaced',
    schema: undefined,
    patch: { metadata: { labels: { tier: 'front' } }, spec: { containers: [{ name: 'nginx', image: 'x' }] } },
    want: (p) => {
      (p.metadata.labels as Record<string, string>).tier = 'front';
      p.spec.containers = [{ name: 'nginx', image: 'x' }] as never;
      return p;
    },
  },
  {
    name: 'a new field with directives inside is added without them',
    patch: { spec: { initContainers: [{ name: 'init', image: 'busybox', env: [{ name: 'X', value: null }] }] } },
    want: (p) => { (p.spec as Record<string, unknown>).initContainers = [{ name: 'init', image: 'busybox', env: [{ name: 'X' }] }]; return p; },
  },
];

for (const c of cases) {
  test(`applyStrategicMergePatch: ${c.name}`, () => {
    const original = pod();
    const schema = 'schema' in c ? c.schema : podSchema;
    assert.deepEqual(applyStrategicMergePatch(original, c.patch, schema, resolve), c.want(pod()));
    assert.deepEqual(original, pod(), 'the original is not mutated');
  });
}

const deployment = () => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' } },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'web' } },
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        containers: [
          { name: 'nginx', image: 'nginx:1.25', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }] },
          { name: 'side', image: 'busybox' },
        ],
      },
    },
  },
});

// Patches as `kubectl apply` (client-side) computes them with CreateThreeWayMergePatch.
const kubectlApply: { name: string; patch: unknown; want: (d: ReturnType<typeof deployment>) => unknown }[] = [
  {
    name: 'image change',
    patch: {
      metadata: { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"v":2}' } },
      spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'nginx' }, { name: 'side' }], containers: [{ image: 'nginx:1.27', name: 'nginx' }] } } },
    },
    want: (d) => {
      d.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration'] = '{"v":2}';
      d.spec.template.spec.containers[0]!.image = 'nginx:1.27';
      return d;
    },
  },
  {
    name: 'container removed from the configuration',
    patch: { spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'nginx' }], containers: [{ $patch: 'delete', name: 'side' }] } } } },
    want: (d) => { d.spec.template.spec.containers.pop(); return d; },
  },
  {
    name: 'env var removed and another added, order from the configuration',
    patch: {
      spec: {
        template: {
          spec: {
            '$setElementOrder/containers': [{ name: 'nginx' }, { name: 'side' }],
            containers: [{ '$setElementOrder/env': [{ name: 'Z' }, { name: 'A' }], env: [{ name: 'Z', value: '26' }, { $patch: 'delete', name: 'B' }], name: 'nginx' }],
          },
        },
      },
    },
    want: (d) => { (d.spec.template.spec.containers[0] as { env?: unknown }).env = [{ name: 'Z', value: '26' }, { name: 'A', value: '1' }]; return d; },
  },
  {
    name: 'strategy switched to Recreate ($retainKeys on a retainKeys field)',
    patch: { spec: { strategy: { $retainKeys: ['type'], rollingUpdate: null, type: 'Recreate' } } },
    want: (d) => { d.spec.strategy = { type: 'Recreate' } as never; return d; },
  },
  {
    name: 'field dropped from the configuration',
    patch: { spec: { replicas: null } },
    want: (d) => { delete (d.spec as Partial<typeof d.spec>).replicas; return d; },
  },
];

for (const c of kubectlApply) {
  test(`applyStrategicMergePatch, kubectl apply: ${c.name}`, () => {
    assert.deepEqual(applyStrategicMergePatch(deployment(), c.patch, deploymentSchema, resolve), c.want(deployment()));
  });
}

const invalid: { name: string; patch: unknown; message: string }[] = [
  { name: 'not an object', patch: [1], message: 'invalid JSON document' },
  { name: 'list item without its merge key', patch: { spec: { containers: [{ image: 'x' }] } }, message: 'map: {"image":"x"} does not contain declared merge key: name' },
  { name: 'delete directive without merge key', patch: { spec: { containers: [{ $patch: 'delete' }] } }, message: 'map: {"$patch":"delete"} does not contain declared merge key: name' },
  { name: 'unknown map directive', patch: { metadata: { labels: { $patch: 'frobnicate' } } }, message: 'unknown patch type: frobnicate in map: {}' },
  { name: 'merge directive in a list', patch: { spec: { containers: [{ $patch: 'merge' }] } }, message: 'merging lists cannot yet be specified in the patch' },
  { name: 'patch key not listed in $retainKeys', patch: { spec: { volumes: [{ $retainKeys: ['name'], name: 'data', hostPath: { path: '/x' } }] } }, message: 'invalid patch format of retainKeys' },
  { name: 'patch item missing from $setElementOrder', patch: { spec: { '$setElementOrder/containers': [{ name: 'nginx' }], containers: [{ name: 'new' }] } }, message: 'invalid patch format of setElementOrder list' },
];

for (const c of invalid) {
  test(`applyStrategicMergePatch rejects: ${c.name}`, () => {
    assert.throws(() => applyStrategicMergePatch(pod(), c.patch, podSchema, resolve), (err: unknown) => {
      assert.ok(err instanceof PatchError);
      assert.equal(err.code, 'EPATCHINVALID');
      assert.equal(err.message, c.message);
      return true;
    });
  });
}
