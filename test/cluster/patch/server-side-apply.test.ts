import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  PatchError,
  serverSideApply,
  trackUpdate,
  type ServerSideApplyResult,
} from '../../../src/cluster/apiserver/patch/index.ts';
import type { KubeObject, Schema } from '../../../src/cluster/apiserver/types.ts';
import { deploymentSchema, podSchema, resolve } from './fixtures.ts';

const t0 = new Date('2026-11-22T04:40:00.250Z');
const t1 = new Date('2026-11-22T04:41:00Z');
const t2 = new Date('2026-11-22T04:42:00Z');

function deployment(spec: Record<string, unknown>, labels: Record<string, string> = { app: 'web' }): KubeObject {
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default', labels }, spec };
}

function container(name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { name, image: `${name}:1`, ...extra };
}

function template(containers: unknown[]): Record<string, unknown> {
  return { metadata: { labels: { app: 'web' } }, spec: { containers } };
}

function apply(live: KubeObject | undefined, applied: KubeObject, manager: string, now: Date, force = false): ServerSideApplyResult {
  return serverSideApply({ live, applied, manager, force, schema: deploymentSchema, resolve, apiVersion: 'apps/v1', now });
}

function applied(result: ServerSideApplyResult): KubeObject {
  assert.ok('object' in result, `expected success, got: ${'message' in result ? result.message : ''}`);
  return result.object;
}

function entries(obj: KubeObject): { manager?: string; operation?: string; fieldsV1?: unknown }[] {
  return (obj.metadata.managedFields ?? []).map((e) => ({ manager: e.manager, operation: e.operation, fieldsV1: e.fieldsV1 }));
}

test('first apply creates the object and records the Apply entry', () => {
  const config = deployment({ replicas: 2, template: template([container('nginx')]) });
  const obj = applied(apply(undefined, config, 'kubectl', t0));
  assert.deepEqual({ ...obj, metadata: { ...obj.metadata, managedFields: undefined } }, { ...config, metadata: { ...config.metadata, managedFields: undefined } });
  assert.deepEqual(obj.metadata.managedFields, [{
    manager: 'kubectl',
    operation: 'Apply',
    apiVersion: 'apps/v1',
    time: '2026-11-22T04:40:00Z',
    fieldsType: 'FieldsV1',
    fieldsV1: {
      'f:metadata': { 'f:labels': { 'f:app': {} } },
      'f:spec': {
        'f:replicas': {},
        'f:template': {
          'f:metadata': { 'f:labels': { 'f:app': {} } },
          'f:spec': { 'f:containers': { 'k:{"name":"nginx"}': { '.': {}, 'f:image': {}, 'f:name': {} } } },
        },
      },
    },
  }]);
  assert.equal(config.metadata.managedFields, undefined, 'the input is not mutated');
});

test('re-applying without a field removes it from the object', () => {
  const first = applied(apply(undefined, deployment({ replicas: 2, minReadySeconds: 5, template: template([container('nginx'), container('side')]) }, { app: 'web', tier: 'front' }), 'kubectl', t0));
  const second = applied(apply(first, deployment({ replicas: 2, template: template([container('nginx')]) }), 'kubectl', t1));
  assert.deepEqual(second.metadata.labels, { app: 'web' });
  assert.equal((second.spec as Record<string, unknown>).minReadySeconds, undefined);
  assert.deepEqual(((second.spec as any).template.spec.containers as unknown[]), [container('nginx')]);
  assert.equal(second.metadata.managedFields?.[0]?.time, '2026-11-22T04:41:00Z');
});

test('a field two managers apply with the same value is shared and survives one of them dropping it', () => {
  const a = applied(apply(undefined, deployment({ replicas: 3 }), 'team-a', t0));
  const ab = applied(apply(a, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 3, minReadySeconds: 10 } }, 'team-b', t1));
  assert.deepEqual(entries(ab).map((e) => [e.manager, e.fieldsV1]), [
    ['team-a', { 'f:metadata': { 'f:labels': { 'f:app': {} } }, 'f:spec': { 'f:replicas': {} } }],
    ['team-b', { 'f:spec': { 'f:minReadySeconds': {}, 'f:replicas': {} } }],
  ]);
  const aDrops = applied(apply(ab, deployment({}), 'team-a', t2));
  assert.equal((aDrops.spec as Record<string, unknown>).replicas, 3, 'team-b still owns replicas');
  const bDrops = applied(apply(aDrops, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { minReadySeconds: 10 } }, 'team-b', t2));
  assert.equal((bDrops.spec as Record<string, unknown>).replicas, undefined, 'nobody owns replicas any more');
});

test('changing a field another manager owns is a conflict, with the real server\'s message', () => {
  const created = trackUpdate({
    old: undefined, updated: deployment({ replicas: 1, template: template([container('nginx')]) }), manager: 'kubectl-client-side-apply',
    schema: deploymentSchema, resolve, apiVersion: 'apps/v1', now: t0,
  });
  const result = apply(created, deployment({ replicas: 5 }), 'kubectl', t1);
  assert.ok('conflicts' in result);
  assert.equal(result.message, 'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas');
  assert.deepEqual(result.conflicts, [{ manager: 'kubectl-client-side-apply', field: '.spec.replicas', message: 'conflict with "kubectl-client-side-apply" using apps/v1' }]);

  const same = applied(apply(created, deployment({ replicas: 1 }), 'kubectl', t1));
  assert.equal((same.spec as Record<string, unknown>).replicas, 1, 'applying the live value is not a conflict');
});

test('several conflicts are grouped by manager, managers sorted', () => {
  let live = applied(apply(undefined, deployment({ replicas: 1, template: template([container('nginx')]) }), 'zeta', t0));
  live = trackUpdate({
    old: live, updated: deployment({ replicas: 1, minReadySeconds: 3, template: template([container('nginx')]) }), manager: 'alpha-editor',
    schema: deploymentSchema, resolve, apiVersion: 'apps/v1', now: t1,
  });
  const result = apply(live, deployment({ replicas: 2, minReadySeconds: 4, template: template([container('nginx', { image: 'nginx:2' })]) }), 'kubectl', t2);
  assert.ok('conflicts' in result);
  assert.equal(result.message, [
    'Apply failed with 3 conflicts: conflicts with "alpha-editor" using apps/v1:',
    '- .spec.minReadySeconds',
    'conflicts with "zeta":',
    '- .spec.replicas',
    '- .spec.template.spec.containers[name="nginx"].image',
  ].join('\n'));
  assert.deepEqual(result.conflicts.map((c) => c.field), ['.spec.minReadySeconds', '.spec.replicas', '.spec.template.spec.containers[name="nginx"].image']);
});

test('force takes ownership from the other manager', () => {
  const created = trackUpdate({
    old: undefined, updated: deployment({ replicas: 1, minReadySeconds: 2 }), manager: 'kubectl-create',
    schema: deploymentSchema, resolve, apiVersion: 'apps/v1', now: t0,
  });
  const forced = applied(apply(created, deployment({ replicas: 5 }), 'ci-bot', t1, true));
  assert.equal((forced.spec as Record<string, unknown>).replicas, 5);
  assert.deepEqual(entries(forced), [
    { manager: 'ci-bot', operation: 'Apply', fieldsV1: { 'f:metadata': { 'f:labels': { 'f:app': {} } }, 'f:spec': { 'f:replicas': {} } } },
    { manager: 'kubectl-create', operation: 'Update', fieldsV1: { 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } }, 'f:spec': { 'f:minReadySeconds': {} } } },
  ]);
  // Labels had the same value, so they are shared: dropping them from ci-bot's config keeps them.
  const again = applied(apply(forced, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 5 } }, 'ci-bot', t2));
  assert.deepEqual(again.metadata.labels, { app: 'web' });
});

test('map lists merge by their keys and keep items other managers own', () => {
  const a = applied(apply(undefined, deployment({ template: template([container('nginx', { env: [{ name: 'A', value: '1' }] })]) }), 'app-team', t0));
  // A sidecar injector adds a container and an env var through ordinary updates.
  const spec = structuredClone(a.spec) as any;
  spec.template.spec.containers.push(container('proxy'));
  spec.template.spec.containers[0].env.push({ name: 'PROXY', value: 'on' });
  const injected = trackUpdate({ old: a, updated: { ...a, spec }, manager: 'injector', schema: deploymentSchema, resolve, apiVersion: 'apps/v1', now: t1 });
  assert.deepEqual(entries(injected)[1]?.fieldsV1, {
    'f:spec': {
      'f:template': {
        'f:spec': {
          'f:containers': {
            'k:{"name":"nginx"}': { 'f:env': { 'k:{"name":"PROXY"}': { '.': {}, 'f:name': {}, 'f:value': {} } } },
            'k:{"name":"proxy"}': { '.': {}, 'f:image': {}, 'f:name': {} },
          },
        },
      },
    },
  });
  const reapplied = applied(apply(injected, deployment({ template: template([container('nginx', { image: 'nginx:2', env: [{ name: 'A', value: '2' }] })]) }), 'app-team', t2));
  assert.deepEqual((reapplied.spec as any).template.spec.containers, [
    { name: 'nginx', image: 'nginx:2', env: [{ name: 'A', value: '2' }, { name: 'PROXY', value: 'on' }] },
    container('proxy'),
  ]);
});

test('an item the applier drops goes, even when another manager owns fields inside it', () => {
  const a = applied(apply(undefined, deployment({ template: template([container('nginx'), container('side')]) }), 'app-team', t0));
  const spec = structuredClone(a.spec) as any;
  spec.template.spec.containers[1].imagePullPolicy = 'Always';
  const edited = trackUpdate({ old: a, updated: { ...a, spec }, manager: 'kubectl-edit', schema: deploymentSchema, resolve, apiVersion: 'apps/v1', now: t1 });
  const dropped = applied(apply(edited, deployment({ template: template([container('nginx')]) }), 'app-team', t2));
  assert.deepEqual((dropped.spec as any).template.spec.containers, [container('nginx')]);
  assert.deepEqual(entries(dropped).map((e) => e.manager), ['app-team'], 'kubectl-edit lost its only field with the item');
});

test('atomic lists and maps are one field: a different value conflicts, and the whole value is replaced', () => {
  const a = serverSideApply({
    live: undefined, manager: 'a', force: false, schema: podSchema, resolve, apiVersion: 'v1', now: t0,
    applied: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', command: ['sleep', '1'] }], nodeSelector: { disk: 'ssd', zone: 'a' } } },
  });
  const live = applied(a);
  assert.deepEqual(live.metadata.managedFields?.[0]?.fieldsV1, {
    'f:spec': { 'f:containers': { 'k:{"name":"c"}': { '.': {}, 'f:command': {}, 'f:name': {} } }, 'f:nodeSelector': {} },
  });
  const conflict = serverSideApply({
    live, manager: 'b', force: false, schema: podSchema, resolve, apiVersion: 'v1', now: t1,
    applied: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', command: ['sleep', '2'] }], nodeSelector: { disk: 'ssd' } } },
  });
  assert.ok('conflicts' in conflict);
  assert.equal(conflict.message, 'Apply failed with 2 conflicts: conflicts with "a":\n- .spec.nodeSelector\n- .spec.containers[name="c"].command');
  const replaced = applied(serverSideApply({
    live, manager: 'a', force: false, schema: podSchema, resolve, apiVersion: 'v1', now: t1,
    applied: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', command: ['sleep', '2'] }], nodeSelector: { disk: 'ssd' } } },
  }));
  assert.deepEqual(replaced.spec, { containers: [{ name: 'c', command: ['sleep', '2'] }], nodeSelector: { disk: 'ssd' } });
});

test('set lists (finalizers) are merged across managers with v: items', () => {
  const pod = (finalizers: string[]): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', finalizers } });
  const run = (live: KubeObject | undefined, fin: string[], manager: string): KubeObject =>
    applied(serverSideApply({ live, applied: pod(fin), manager, force: false, schema: podSchema, resolve, apiVersion: 'v1', now: t0 }));
  const one = run(undefined, ['a/x'], 'a');
  const two = run(one, ['b/y'], 'b');
  assert.deepEqual(two.metadata.finalizers, ['a/x', 'b/y']);
  assert.deepEqual(entries(two).map((e) => e.fieldsV1), [
    { 'f:metadata': { 'f:finalizers': { 'v:"a/x"': {} } } },
    { 'f:metadata': { 'f:finalizers': { 'v:"b/y"': {} } } },
  ]);
  assert.deepEqual(run(two, [], 'a').metadata.finalizers, ['b/y']);
});

test('an object without managedFields belongs to "before-first-apply"', () => {
  const legacy = deployment({ replicas: 1 });
  const result = apply(legacy, deployment({ replicas: 4 }), 'kubectl', t1);
  assert.ok('conflicts' in result);
  assert.equal(result.message, 'Apply failed with 1 conflict: conflict with "before-first-apply" using apps/v1: .spec.replicas');
});

test('an edit takes ownership, so the next apply of the old value conflicts with the editor', () => {
  const a = applied(apply(undefined, deployment({ replicas: 2, template: template([container('nginx')]) }), 'kubectl', t0));
  const spec = structuredClone(a.spec) as any;
  spec.template.spec.containers[0].image = 'nginx:hotfix';
  const edited = trackUpdate({ old: a, updated: { ...a, spec }, manager: 'kubectl-edit', schema: deploymentSchema, resolve, apiVersion: 'apps/v1', now: t1 });
  assert.deepEqual(entries(edited).map((e) => [e.manager, e.operation]), [['kubectl', 'Apply'], ['kubectl-edit', 'Update']]);
  assert.equal(edited.metadata.managedFields?.[1]?.time, '2026-11-22T04:41:00Z');
  const result = apply(edited, deployment({ replicas: 2, template: template([container('nginx')]) }), 'kubectl', t2);
  assert.ok('conflicts' in result);
  assert.equal(result.message, 'Apply failed with 1 conflict: conflict with "kubectl-edit" using apps/v1: .spec.template.spec.containers[name="nginx"].image');
});

test('trackUpdate: a no-op write records nothing; a status write is recorded with its subresource', () => {
  const pod: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c' }] } };
  const created = trackUpdate({ old: undefined, updated: pod, manager: 'kubectl-create', schema: podSchema, resolve, apiVersion: 'v1', now: t0 });
  const noop = trackUpdate({ old: created, updated: created, manager: 'other', schema: podSchema, resolve, apiVersion: 'v1', now: t1 });
  assert.deepEqual(noop.metadata.managedFields, created.metadata.managedFields);

  const withStatus = { ...created, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } };
  const kubelet = trackUpdate({ old: created, updated: withStatus, manager: 'kubelet', schema: podSchema, resolve, apiVersion: 'v1', now: t1, subresource: 'status' });
  assert.deepEqual(kubelet.metadata.managedFields?.[1], {
    manager: 'kubelet', operation: 'Update', apiVersion: 'v1', time: '2026-11-22T04:41:00Z', fieldsType: 'FieldsV1',
    fieldsV1: { 'f:status': { 'f:conditions': { '.': {}, 'k:{"type":"Ready"}': { '.': {}, 'f:status': {}, 'f:type': {} } }, 'f:phase': {} } },
    subresource: 'status',
  });
  const result = serverSideApply({
    live: kubelet, manager: 'me', force: false, schema: podSchema, resolve, apiVersion: 'v1', now: t2,
    applied: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, status: { phase: 'Failed' } },
  });
  assert.ok('conflicts' in result);
  assert.equal(result.message, 'Apply failed with 1 conflict: conflict with "kubelet" with subresource "status" using v1: .status.phase');
});

test('trackUpdate: managedFields [{}] wipes ownership; writing other managedFields replaces them', () => {
  const created = trackUpdate({ old: undefined, updated: deployment({ replicas: 1 }), manager: 'kubectl-create', schema: deploymentSchema, resolve, apiVersion: 'apps/v1', now: t0 });
  const wiped = trackUpdate({
    old: created, updated: { ...created, metadata: { ...created.metadata, managedFields: [{}] } }, manager: 'kubectl-edit',
    schema: deploymentSchema, resolve, apiVersion: 'apps/v1', now: t1,
  });
  assert.equal(wiped.metadata.managedFields, undefined);
  const kept = trackUpdate({
    old: created, updated: { ...created, metadata: { ...created.metadata, managedFields: [] } }, manager: 'kubectl-edit',
    schema: deploymentSchema, resolve, apiVersion: 'apps/v1', now: t1,
  });
  assert.deepEqual(kept.metadata.managedFields, created.metadata.managedFields, 'an empty list keeps the stored entries');
});

test('an apply configuration with duplicate keys or managedFields is rejected', () => {
  assert.throws(() => apply(undefined, deployment({ template: template([container('nginx'), container('nginx')]) }), 'kubectl', t0), (err: unknown) => {
    assert.ok(err instanceof PatchError);
    assert.equal(err.code, 'EAPPLYINVALID');
    assert.equal(err.message, '.spec.template.spec.containers: duplicate entries for key [name="nginx"]');
    return true;
  });
  const withFields = { ...deployment({}), metadata: { name: 'web', managedFields: [] } };
  assert.throws(() => apply(undefined, withFields, 'kubectl', t0), /metadata.managedFields must be nil/);
});

test('list order: live-only items keep their place, applied items follow the configuration', () => {
  const live = trackUpdate({
    old: undefined, updated: deployment({ template: template([container('a'), container('x'), container('b')]) }), manager: 'creator',
    schema: deploymentSchema, resolve, apiVersion: 'apps/v1', now: t0,
  });
  const out = applied(apply(live, deployment({ template: template([container('b'), container('a'), container('c')]) }), 'kubectl', t1));
  assert.deepEqual((out.spec as any).template.spec.containers.map((c: { name: string }) => c.name), ['x', 'b', 'a', 'c']);
});

test('ignoredFields: status applied on the main resource is neither owned nor conflicting', () => {
  const live = trackUpdate({
    old: undefined, updated: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, status: { phase: 'Running' } }, manager: 'kubelet',
    schema: podSchema, resolve, apiVersion: 'v1', now: t0, subresource: 'status', ignoredFields: [['spec'], ['metadata']],
  });
  assert.deepEqual(live.metadata.managedFields?.[0]?.fieldsV1, { 'f:status': { 'f:phase': {} } });
  const result = serverSideApply({
    live, manager: 'me', force: false, schema: podSchema, resolve, apiVersion: 'v1', now: t1, ignoredFields: [['status']],
    applied: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', labels: { a: 'b' } }, status: { phase: 'Failed' } },
  });
  const obj = applied(result);
  assert.deepEqual(obj.metadata.managedFields?.map((e) => [e.manager, e.fieldsV1]), [
    ['me', { 'f:metadata': { 'f:labels': { 'f:a': {} } } }],
    ['kubelet', { 'f:status': { 'f:phase': {} } }],
  ]);
});

test('an apply configuration whose map-list item omits a key without default is rejected; a defaulted key is filled in', () => {
  const pod = (ports: unknown[]): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', ports }] } });
  const run = (p: KubeObject) => serverSideApply({ live: undefined, applied: p, manager: 'm', force: false, schema: podSchema, resolve, apiVersion: 'v1', now: t0 });
  // A CRD-style schema whose key field has no default.
  const widgetSchema: Schema = {
    type: 'object',
    properties: {
      spec: {
        type: 'object',
        properties: {
          parts: { type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['id'], items: { type: 'object', properties: { id: { type: 'string' } } } },
        },
      },
    },
  };
  const widget: KubeObject = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { parts: [{ size: 1 }] } };
  assert.throws(() => serverSideApply({ live: undefined, applied: widget, manager: 'm', force: false, schema: widgetSchema, resolve, apiVersion: 'example.com/v1', now: t0 }), (err: unknown) => {
    assert.ok(err instanceof PatchError);
    assert.equal(err.code, 'EAPPLYINVALID');
    assert.equal(err.message, '.spec.parts: associative list with keys has an element that omits key field "id" (and doesn\'t have default value)');
    return true;
  });
  const obj = applied(run(pod([{ containerPort: 8080 }])));
  assert.deepEqual((obj.metadata.managedFields?.[0]?.fieldsV1 as any)['f:spec']['f:containers']['k:{"name":"c"}']['f:ports'], {
    'k:{"containerPort":8080,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} },
  });
});

test('trackUpdate: a writer that sends its own managedFields replaces the stored ones, then its change is recorded', () => {
  const created = trackUpdate({ old: undefined, updated: deployment({ replicas: 1 }), manager: 'kubectl-create', schema: deploymentSchema, resolve, apiVersion: 'apps/v1', now: t0 });
  const handover = [{ manager: 'gitops', operation: 'Apply' as const, apiVersion: 'apps/v1', time: '2026-11-22T04:00:00Z', fieldsType: 'FieldsV1' as const, fieldsV1: { 'f:spec': { 'f:replicas': {} } } }];
  const updated = trackUpdate({
    old: created, updated: { ...deployment({ replicas: 1, minReadySeconds: 9 }), metadata: { ...created.metadata, managedFields: handover } },
    manager: 'migrator', schema: deploymentSchema, resolve, apiVersion: 'apps/v1', now: t1,
  });
  assert.deepEqual(entries(updated), [
    { manager: 'gitops', operation: 'Apply', fieldsV1: { 'f:spec': { 'f:replicas': {} } } },
    { manager: 'migrator', operation: 'Update', fieldsV1: { 'f:spec': { 'f:minReadySeconds': {} } } },
  ]);
});
