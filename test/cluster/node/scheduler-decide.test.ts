// Table tests of the scheduler's decision: claims missing, being deleted, unbound immediate,
// WaitForFirstConsumer (select the node, then wait), and bind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { V1PersistentVolumeClaim, V1Pod, V1StorageClass } from '@kubernetes/client-node';
import { type ScheduleDecision, decideScheduling, needsScheduling, podClaimNames } from '../../../src/cluster/node/scheduler-decide.ts';

const pod = (claims: string[], extra: Partial<NonNullable<V1Pod['spec']>> = {}): V1Pod => ({
  metadata: { name: 'p', namespace: 'ns' },
  spec: { containers: [{ name: 'c' }], volumes: claims.map((c, i) => ({ name: `v${i}`, persistentVolumeClaim: { claimName: c } })), ...extra },
});
const claim = (name: string, extra: { bound?: boolean; cls?: string; selected?: string; deleting?: boolean } = {}): V1PersistentVolumeClaim => ({
  metadata: {
    name,
    namespace: 'ns',
    ...(extra.selected ? { annotations: { 'volume.kubernetes.io/selected-node': extra.selected } } : {}),
    ...(extra.deleting ? { deletionTimestamp: new Date() } : {}),
  },
  spec: { ...(extra.cls ? { storageClassName: extra.cls } : {}), ...(extra.bound ? { volumeName: `pv-${name}` } : {}) },
  status: { phase: extra.bound ? 'Bound' : 'Pending' },
});
const classes: Record<string, V1StorageClass> = {
  fast: { metadata: { name: 'fast' }, provisioner: 'hostpath.ferry.dev', volumeBindingMode: 'Immediate' },
  late: { metadata: { name: 'late' }, provisioner: 'hostpath.ferry.dev', volumeBindingMode: 'WaitForFirstConsumer' },
};
const suffix = ' preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.';

test('decideScheduling: one row per situation', () => {
  const rows: { name: string; pod: V1Pod; claims: V1PersistentVolumeClaim[]; expected: ScheduleDecision }[] = [
    { name: 'no claims: bind', pod: pod([]), claims: [], expected: { kind: 'bind' } },
    { name: 'bound claim: bind', pod: pod(['a']), claims: [claim('a', { bound: true, cls: 'fast' })], expected: { kind: 'bind' } },
    { name: 'missing claim', pod: pod(['a']), claims: [], expected: { kind: 'unschedulable', message: `0/1 nodes are available: persistentvolumeclaim "a" not found.${suffix}` } },
    { name: 'claim being deleted', pod: pod(['a']), claims: [claim('a', { bound: true, deleting: true })], expected: { kind: 'unschedulable', message: `0/1 nodes are available: persistentvolumeclaim "a" is being deleted.${suffix}` } },
    { name: 'unbound immediate', pod: pod(['a']), claims: [claim('a', { cls: 'fast' })], expected: { kind: 'unschedulable', message: `0/1 nodes are available: 1 pod has unbound immediate PersistentVolumeClaims.${suffix}` } },
    { name: 'unknown class', pod: pod(['a']), claims: [claim('a', { cls: 'gold' })], expected: { kind: 'unschedulable', message: `0/1 nodes are available: storageclass.storage.k8s.io "gold" not found.${suffix}` } },
    { name: 'WFFC without node: select', pod: pod(['a', 'b']), claims: [claim('a', { cls: 'late' }), claim('b', { cls: 'late', selected: 'other' })], expected: { kind: 'select-node', claims: ['a', 'b'] } },
    { name: 'WFFC selected: wait', pod: pod(['a']), claims: [claim('a', { cls: 'late', selected: 'n1' })], expected: { kind: 'wait-for-binding', claims: ['a'] } },
    { name: 'WFFC selected and bound: bind', pod: pod(['a']), claims: [claim('a', { cls: 'late', selected: 'n1', bound: true })], expected: { kind: 'bind' } },
  ];
  for (const row of rows) {
    const decision = decideScheduling({ pod: row.pod, nodeName: 'n1', nodeCount: 1, claim: (n) => row.claims.find((c) => c.metadata?.name === n), storageClass: (n) => classes[n] });
    assert.deepEqual(decision, row.expected, row.name);
  }
});

test('needsScheduling and podClaimNames', () => {
  assert.equal(needsScheduling(pod([])), true);
  assert.equal(needsScheduling(pod([], { nodeName: 'n1' })), false);
  assert.equal(needsScheduling(pod([], { schedulerName: 'other' })), false);
  assert.equal(needsScheduling({ ...pod([]), status: { phase: 'Failed' } }), false);
  const eph: V1Pod = { metadata: { name: 'w' }, spec: { containers: [], volumes: [{ name: 'scratch', ephemeral: {} }, { name: 'd', persistentVolumeClaim: { claimName: 'disk' } }, { name: 'e', emptyDir: {} }] } };
  assert.deepEqual(podClaimNames(eph), ['w-scratch', 'disk']);
});
