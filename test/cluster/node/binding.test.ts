import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { V1PersistentVolume, V1PersistentVolumeClaim, V1StorageClass } from '@kubernetes/client-node';
import { decideBinding, decideVolumePhase } from '../../../src/cluster/node/storage/binding.ts';
import { parseQuantity, formatBytes } from '../../../src/cluster/node/storage/quantity.ts';

function pvc(name: string, extra: Partial<V1PersistentVolumeClaim['spec']> = {}, annotations: Record<string, string> = {}): V1PersistentVolumeClaim {
  return {
    metadata: { name, namespace: 'ns', uid: `uid-${name}`, annotations },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, storageClassName: 'sc', volumeMode: 'Filesystem', ...extra },
  };
}

function pv(name: string, size: string, extra: Partial<V1PersistentVolume['spec']> = {}, phase = 'Available', labels: Record<string, string> = {}): V1PersistentVolume {
  return {
    metadata: { name, labels },
    spec: { capacity: { storage: size }, accessModes: ['ReadWriteOnce', 'ReadOnlyMany'], storageClassName: 'sc', volumeMode: 'Filesystem', persistentVolumeReclaimPolicy: 'Delete', ...extra },
    status: { phase },
  };
}

const immediate: V1StorageClass = { metadata: { name: 'sc' }, provisioner: 'hostpath.ferry.dev', volumeBindingMode: 'Immediate' };
const wffc: V1StorageClass = { metadata: { name: 'sc' }, provisioner: 'hostpath.ferry.dev', volumeBindingMode: 'WaitForFirstConsumer' };
const static_: V1StorageClass = { metadata: { name: 'sc' }, provisioner: 'kubernetes.io/no-provisioner' };

test('decideBinding: a table of claims and volumes', () => {
  const cases: { name: string; claim: V1PersistentVolumeClaim; volumes: V1PersistentVolume[]; sc?: V1StorageClass; want: string }[] = [
    { name: 'smallest fitting volume wins', claim: pvc('a'), volumes: [pv('big', '10Gi'), pv('small', '2Gi'), pv('tiny', '512Mi')], sc: immediate, want: 'bind:small' },
    { name: 'class must match', claim: pvc('a'), volumes: [pv('other', '2Gi', { storageClassName: 'x' })], sc: immediate, want: 'wait-for-provisioning' },
    { name: 'volume mode must match', claim: pvc('a', { volumeMode: 'Block' }), volumes: [pv('fs', '2Gi')], sc: static_, want: 'pending' },
    { name: 'access modes must be a subset', claim: pvc('a', { accessModes: ['ReadWriteMany'] }), volumes: [pv('rwo', '2Gi')], sc: static_, want: 'pending' },
    { name: 'selector filters by labels', claim: pvc('a', { selector: { matchLabels: { tier: 'gold' } } }), volumes: [pv('plain', '2Gi'), pv('gold', '3Gi', {}, 'Available', { tier: 'gold' })], sc: immediate, want: 'bind:gold' },
    { name: 'pre-bound volume (claimRef) wins over a better fit', claim: pvc('a'), volumes: [pv('fit', '1Gi'), pv('pre', '5Gi', { claimRef: { name: 'a', namespace: 'ns' } })], sc: immediate, want: 'bind:pre' },
    { name: 'spec.volumeName is honoured', claim: pvc('a', { volumeName: 'named' }), volumes: [pv('fit', '1Gi'), pv('named', '4Gi')], sc: immediate, want: 'bind:named' },
    { name: 'spec.volumeName bound elsewhere stays pending', claim: pvc('a', { volumeName: 'taken' }), volumes: [pv('taken', '4Gi', { claimRef: { name: 'b', namespace: 'ns', uid: 'uid-b' } }, 'Bound')], sc: immediate, want: 'pending' },
    { name: 'WaitForFirstConsumer without a selected node waits', claim: pvc('a'), volumes: [pv('fit', '1Gi')], sc: wffc, want: 'wait-for-first-consumer' },
    { name: 'WaitForFirstConsumer with a selected node binds', claim: pvc('a', {}, { 'volume.kubernetes.io/selected-node': 'node' }), volumes: [], sc: wffc, want: 'wait-for-provisioning' },
    { name: 'a Released volume is not reused', claim: pvc('a'), volumes: [pv('old', '2Gi', { claimRef: { name: 'gone', namespace: 'ns', uid: 'x' } }, 'Released')], sc: static_, want: 'pending' },
  ];
  for (const c of cases) {
    const d = decideBinding({ pvc: c.claim, volumes: c.volumes, storageClass: c.sc });
    const got = d.action === 'bind' ? `bind:${d.volume.metadata?.name}` : d.action;
    assert.equal(got, c.want, c.name);
  }
});

test('decideVolumePhase: bound, released, reclaimed, available', () => {
  const claim = pvc('a', { volumeName: 'v' });
  const bound = pv('v', '1Gi', { claimRef: { name: 'a', namespace: 'ns', uid: 'uid-a' } }, 'Bound');
  assert.equal(decideVolumePhase(bound, claim).phase, 'Bound');
  assert.equal(decideVolumePhase(bound, undefined).phase, 'reclaim-delete', 'Delete policy, claim gone');
  const retained = pv('v', '1Gi', { claimRef: { name: 'a', namespace: 'ns', uid: 'uid-a' }, persistentVolumeReclaimPolicy: 'Retain' }, 'Bound');
  assert.equal(decideVolumePhase(retained, undefined).phase, 'Released');
  const recreated = { ...claim, metadata: { ...claim.metadata, uid: 'uid-new' } };
  assert.equal(decideVolumePhase(retained, recreated).phase, 'Released', 'a new claim of the same name is not the old one');
  const rebindable = pv('v', '1Gi', { claimRef: { name: 'a', namespace: 'other' }, persistentVolumeReclaimPolicy: 'Retain' }, 'Released');
  assert.equal(decideVolumePhase(rebindable, undefined).phase, 'Available', 'a claimRef without uid waits for its claim');
  assert.equal(decideVolumePhase(pv('free', '1Gi'), undefined).phase, 'Available');
});

test('quantities', () => {
  const table: [string, number][] = [['1Gi', 2 ** 30], ['500M', 5e8], ['1.5Gi', 1.5 * 2 ** 30], ['1e3', 1000], ['100', 100], ['64Ki', 65536]];
  for (const [q, bytes] of table) assert.equal(parseQuantity(q), bytes, q);
  assert.throws(() => parseQuantity('ten'), /quantities must match/);
  assert.equal(formatBytes(2 ** 30), '1Gi');
  assert.equal(formatBytes(3 * 2 ** 20), '3Mi');
  assert.equal(formatBytes(1000), '1000');
});
