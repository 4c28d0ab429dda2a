import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  builtinCustomResourceDefinitions,
  builtinResources,
  compareQuantities,
  formatQuantity,
} from '../../../src/cluster/apiserver/resources/index.ts';
import { kind, object } from './helpers.ts';

test('each group/version/resource is registered once, with discovery facts of a real server', () => {
  const keys = builtinResources.map((r) => `${r.group}/${r.version}/${r.resource}`);
  assert.equal(new Set(keys).size, keys.length);
  assert.equal(builtinResources.length, 30);
  const facts = (group: string, resource: string): unknown => {
    const r = kind(group, resource);
    return { namespaced: r.namespaced, shortNames: r.shortNames, categories: r.categories, subresources: r.subresources, listKind: r.listKind, singular: r.singular };
  };
  assert.deepEqual(facts('', 'pods'), { namespaced: true, shortNames: ['po'], categories: ['all'], subresources: ['binding', 'eviction', 'log', 'status'], listKind: 'PodList', singular: 'pod' });
  assert.deepEqual(facts('', 'persistentvolumeclaims'), { namespaced: true, shortNames: ['pvc'], categories: [], subresources: ['status'], listKind: 'PersistentVolumeClaimList', singular: 'persistentvolumeclaim' });
  assert.deepEqual(facts('', 'serviceaccounts'), { namespaced: true, shortNames: ['sa'], categories: [], subresources: ['token'], listKind: 'ServiceAccountList', singular: 'serviceaccount' });
  assert.deepEqual(facts('', 'persistentvolumes'), { namespaced: false, shortNames: ['pv'], categories: [], subresources: ['status'], listKind: 'PersistentVolumeList', singular: 'persistentvolume' });
  assert.deepEqual(kind('apiextensions.k8s.io', 'customresourcedefinitions').shortNames, ['crd', 'crds']);
  assert.deepEqual(kind('', 'namespaces').verbs, ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch']);
  assert.equal(kind('', 'endpoints').singular, 'endpoints');
});

test('review kinds are create-only; everything else lists and watches', () => {
  for (const r of builtinResources) {
    const review = r.resource.endsWith('reviews');
    if (review) assert.deepEqual(r.verbs, ['create'], r.resource);
    else assert.ok(r.verbs.includes('list') && r.verbs.includes('watch'), r.resource);
    assert.ok(r.hasStatus === r.subresources.includes('status'), `${r.resource}: hasStatus and the status subresource disagree`);
  }
  assert.equal(kind('authorization.k8s.io', 'localsubjectaccessreviews').namespaced, true);
  assert.equal(kind('authentication.k8s.io', 'tokenreviews').namespaced, false);
});

test('field selectors read the real fields', () => {
  const pod = object({ spec: { nodeName: 'n1', restartPolicy: 'Never', hostNetwork: true }, status: { phase: 'Running', podIPs: [{ ip: '10.0.0.9' }] } });
  const selectors = kind('', 'pods').fieldSelectors;
  assert.deepEqual(
    ['spec.nodeName', 'spec.restartPolicy', 'spec.hostNetwork', 'status.phase', 'status.podIP', 'spec.schedulerName'].map((f) => selectors[f]?.(pod)),
    ['n1', 'Never', 'true', 'Running', '10.0.0.9', ''],
  );
  const event = object({ involvedObject: { kind: 'Pod', name: 'p', uid: 'u1' }, reason: 'Failed', type: 'Warning', source: { component: 'kubelet' } });
  const eventSelectors = kind('', 'events').fieldSelectors;
  assert.deepEqual(
    ['involvedObject.kind', 'involvedObject.name', 'involvedObject.uid', 'reason', 'type', 'source'].map((f) => eventSelectors[f]?.(event)),
    ['Pod', 'p', 'u1', 'Failed', 'Warning', 'kubelet'],
  );
  assert.equal(kind('', 'secrets').fieldSelectors['type']?.(object({ type: 'Opaque' })), 'Opaque');
  assert.equal(kind('', 'namespaces').fieldSelectors['status.phase']?.(object({ status: { phase: 'Terminating' } })), 'Terminating');
  assert.equal(kind('', 'nodes').fieldSelectors['spec.unschedulable']?.(object({ spec: {} })), 'false');
});

test('snapshot CRDs as external-snapshotter installs them', () => {
  const crds = builtinCustomResourceDefinitions();
  const byName = new Map(crds.map((c) => [c.metadata.name, c]));
  const spec = (name: string): Record<string, unknown> => {
    const crd = byName.get(name);
    assert.ok(crd, name);
    assert.equal(crd.apiVersion, 'apiextensions.k8s.io/v1');
    assert.equal(crd.kind, 'CustomResourceDefinition');
    return crd['spec'] as Record<string, unknown>;
  };
  const snapshots = spec('volumesnapshots.snapshot.storage.k8s.io') as {
    scope: string;
    names: { shortNames: string[] };
    versions: { name: string; storage: boolean; subresources: unknown; additionalPrinterColumns: { name: string }[] }[];
  };
  assert.equal(snapshots.scope, 'Namespaced');
  assert.deepEqual(snapshots.names.shortNames, ['vs']);
  assert.deepEqual(snapshots.versions.map((v) => [v.name, v.storage]), [['v1', true]]);
  assert.deepEqual(snapshots.versions[0]?.subresources, { status: {} });
  assert.deepEqual(snapshots.versions[0]?.additionalPrinterColumns.map((c) => c.name), [
    'ReadyToUse', 'SourcePVC', 'SourceSnapshotContent', 'RestoreSize', 'SnapshotClass', 'SnapshotContent', 'CreationTime', 'Age',
  ]);
  const contents = spec('volumesnapshotcontents.snapshot.storage.k8s.io') as { scope: string; names: { shortNames: string[] } };
  assert.deepEqual([contents.scope, contents.names.shortNames], ['Cluster', ['vsc', 'vscs']]);
  const classes = spec('volumesnapshotclasses.snapshot.storage.k8s.io') as { scope: string; names: { shortNames: string[] } };
  assert.deepEqual([classes.scope, classes.names.shortNames], ['Cluster', ['vsclass', 'vsclasses']]);
  // Each call returns fresh objects.
  byName.get('volumesnapshots.snapshot.storage.k8s.io')!.metadata.name = 'changed';
  assert.equal(builtinCustomResourceDefinitions()[1]?.metadata.name, 'volumesnapshots.snapshot.storage.k8s.io');
  // The CRDs pass the registry's own CRD validation.
  for (const crd of builtinCustomResourceDefinitions()) {
    assert.deepEqual(kind('apiextensions.k8s.io', 'customresourcedefinitions').validate(crd, undefined), [], crd.metadata.name);
  }
});

test('quantities compare exactly and print canonically', () => {
  const table: [string, string][] = [
    ['1Gi', '1Gi'],
    ['1024Mi', '1Gi'],
    ['1536Mi', '1536Mi'],
    ['0.5Gi', '512Mi'],
    ['1000M', '1G'],
    ['1.5G', '1500M'],
    ['100m', '100m'],
    ['0', '0'],
    ['2048', '2048'],
  ];
  for (const [input, canonical] of table) assert.equal(formatQuantity(input), canonical, input);
  assert.equal(compareQuantities('1Gi', '1024Mi'), 0);
  assert.equal(compareQuantities('1G', '1Gi'), -1);
  assert.equal(compareQuantities('2Gi', '1Gi'), 1);
});

test('events.k8s.io/v1 Events are stored as core/v1 Events and convert both ways', () => {
  const eventsV1 = kind('events.k8s.io', 'events');
  assert.ok(eventsV1.storedAs);
  assert.deepEqual([eventsV1.storedAs.group, eventsV1.storedAs.version, eventsV1.storedAs.resource], ['', 'v1', 'events']);
  const v1 = {
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    metadata: { name: 'e', namespace: 'ns' },
    regarding: { kind: 'Pod', name: 'p', namespace: 'ns' },
    note: 'pulled',
    reason: 'Pulled',
    type: 'Normal',
    action: 'Pull',
    eventTime: '2026-01-01T00:00:00.000000Z',
    reportingController: 'kubelet',
    reportingInstance: 'node-1',
    deprecatedCount: 2,
  };
  const core = eventsV1.storedAs.toStored(v1);
  assert.deepEqual(core, {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: 'e', namespace: 'ns' },
    involvedObject: { kind: 'Pod', name: 'p', namespace: 'ns' },
    message: 'pulled',
    reason: 'Pulled',
    type: 'Normal',
    action: 'Pull',
    eventTime: '2026-01-01T00:00:00.000000Z',
    reportingComponent: 'kubelet',
    reportingInstance: 'node-1',
    count: 2,
  });
  assert.deepEqual(eventsV1.storedAs.fromStored(core), v1);
});
