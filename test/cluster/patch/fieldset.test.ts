import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  computeFieldSet,
  fieldPathToString,
  fieldSetToFieldsV1,
  fieldsV1ToFieldSet,
  memberPaths,
  deref,
  listKind,
} from '../../../src/cluster/apiserver/patch/index.ts';
import { deploymentSchema, podSchema, resolve, schemas } from './fixtures.ts';

test('computeFieldSet: a Deployment as kube-apiserver encodes an apply configuration', () => {
  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', labels: { app: 'web' } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [{ name: 'nginx', image: 'nginx:1.27', ports: [{ containerPort: 80, protocol: 'TCP' }], command: ['nginx'] }],
        },
      },
    },
  };
  assert.deepEqual(fieldSetToFieldsV1(computeFieldSet(deployment, deploymentSchema, resolve)), {
    'f:apiVersion': {},
    'f:kind': {},
    'f:metadata': { 'f:labels': { 'f:app': {} }, 'f:name': {} },
    'f:spec': {
      'f:replicas': {},
      'f:selector': {},
      'f:template': {
        'f:metadata': { 'f:labels': { 'f:app': {} } },
        'f:spec': {
          'f:containers': {
            'k:{"name":"nginx"}': {
              '.': {},
              'f:command': {},
              'f:image': {},
              'f:name': {},
              'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {}, 'f:protocol': {} } },
            },
          },
        },
      },
    },
  });
});

test('computeFieldSet: set lists use v: elements, empty associative lists set nothing, unknown schemas treat lists as atomic', () => {
  const pod = { metadata: { finalizers: ['a/x', 'b/y'] }, spec: { containers: [] }, extra: { list: [1, 2], map: { k: 'v' } } };
  assert.deepEqual(fieldSetToFieldsV1(computeFieldSet(pod, podSchema, resolve)), {
    'f:extra': { 'f:list': {}, 'f:map': { 'f:k': {} } },
    'f:metadata': { 'f:finalizers': { 'v:"a/x"': {}, 'v:"b/y"': {} } },
  });
  assert.deepEqual(fieldSetToFieldsV1(computeFieldSet(pod, undefined, resolve)), {
    'f:extra': { 'f:list': {}, 'f:map': { 'f:k': {} } },
    'f:metadata': { 'f:finalizers': {} },
    'f:spec': { 'f:containers': {} },
  });
});

test('FieldsV1 round-trips through a field set', () => {
  const fields = {
    'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
    'f:spec': { 'f:containers': { 'k:{"name":"nginx"}': { '.': {}, 'f:image': {}, 'f:name': {} } } },
  };
  assert.deepEqual(fieldSetToFieldsV1(fieldsV1ToFieldSet(fields)), fields);
});

test('fieldPathToString prints paths as conflict messages do', () => {
  const set = fieldsV1ToFieldSet({
    'f:spec': {
      'f:replicas': {},
      'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"nginx"}': { 'f:image': {}, 'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': {} } } } } },
    },
    'f:metadata': { 'f:finalizers': { 'v:"a/x"': {} } },
  });
  assert.deepEqual(memberPaths(set).map(fieldPathToString), [
    '.metadata.finalizers[="a/x"]',
    '.spec.replicas',
    '.spec.template.spec.containers[name="nginx"].image',
    '.spec.template.spec.containers[name="nginx"].ports[containerPort=80,protocol="TCP"]',
  ]);
});

test('deref follows allOf refs and keeps the property-level extensions', () => {
  const podSpec = deref(schemas['io.k8s.api.core.v1.PodSpec'], resolve);
  const containers = deref(podSpec?.properties?.containers, resolve);
  assert.deepEqual(listKind(containers), { type: 'map', keys: ['name'] });
  const item = deref(containers?.items, resolve);
  assert.ok(item?.properties?.image, 'the Container definition is reached through allOf');
  assert.deepEqual(item?.default, {}, 'the property-level default survives');
  assert.deepEqual(listKind({ type: 'array', 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-patch-merge-key': 'type' }), { type: 'map', keys: ['type'] });
  assert.deepEqual(listKind({ type: 'array', 'x-kubernetes-patch-strategy': 'merge' }), { type: 'set' });
  assert.deepEqual(listKind(undefined), { type: 'atomic' });
});
