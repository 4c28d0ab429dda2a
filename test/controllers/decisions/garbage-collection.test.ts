import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DataVolume } from '../../../src/api/index.ts';
import { decideGarbageCollection, type GarbageCollectionDecision } from '../../../src/controllers/decisions/index.ts';
import { claim, dataVolume, httpSource, NOW } from './fixtures.ts';

const readyAt = (at: string) => ({
  phase: 'Succeeded' as const,
  conditions: [{ type: 'Ready' as const, status: 'True' as const, lastTransitionTime: at, lastHeartbeatTime: at }],
});
const succeeded = (annotations: Record<string, string> = {}, at = '2026-01-01T11:59:00Z', meta: Partial<DataVolume['metadata']> = {}) =>
  dataVolume({ source: httpSource, storage: {} }, { annotations, ...meta }, readyAt(at));

const rows: { name: string; dv: DataVolume; ttl: number; want: GarbageCollectionDecision['action']; afterMs?: number }[] = [
  { name: 'Succeeded, TTL 0 (the default): delete at once', dv: succeeded(), ttl: 0, want: 'delete' },
  { name: 'TTL -1: never', dv: succeeded(), ttl: -1, want: 'keep' },
  { name: 'annotated deleteAfterCompletion "false": kept', dv: succeeded({ 'cdi.kubevirt.io/storage.deleteAfterCompletion': 'false' }), ttl: 0, want: 'keep' },
  { name: 'annotated "true": deleted', dv: succeeded({ 'cdi.kubevirt.io/storage.deleteAfterCompletion': 'true' }), ttl: 0, want: 'delete' },
  { name: 'TTL not yet passed: requeue for the rest', dv: succeeded(), ttl: 300, want: 'requeue', afterMs: 240_000 },
  { name: 'TTL passed: delete', dv: succeeded({}, '2026-01-01T11:00:00Z'), ttl: 300, want: 'delete' },
  { name: 'not Succeeded: kept', dv: dataVolume({ source: httpSource, storage: {} }, {}, { phase: 'ImportInProgress' }), ttl: 0, want: 'keep' },
  { name: 'already being deleted: kept', dv: succeeded({}, undefined, { deletionTimestamp: '2026-01-01T11:59:30Z' }), ttl: 0, want: 'keep' },
];

test('decideGarbageCollection', async (t) => {
  for (const row of rows) {
    await t.test(row.name, () => {
      const got = decideGarbageCollection({ dv: row.dv, ttlSeconds: row.ttl, now: NOW });
      assert.equal(got.action, row.want);
      if (got.action === 'requeue') assert.equal(got.afterMs, row.afterMs);
    });
  }
});

test('deleting orphans the claim to the DataVolume\'s owners and keeps it marked for re-apply', () => {
  const vmOwner = { apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachine', name: 'vm1', uid: 'vm-uid', controller: true };
  const dv = succeeded({}, undefined, { ownerReferences: [vmOwner] });
  const pvc = claim('dv1', { phase: 'Bound', owner: { kind: 'DataVolume', name: 'dv1', uid: 'dv-uid-1' } });
  const got = decideGarbageCollection({ dv, pvc, ttlSeconds: 0, now: NOW });
  assert.equal(got.action, 'delete');
  assert.deepEqual(got.action === 'delete' && got.claimPatch, {
    ownerReferences: [vmOwner],
    annotations: { populatedFor: 'dv1' },
  });
  // Already marked: nothing to add.
  const marked = claim('dv1', { annotations: { 'cdi.kubevirt.io/storage.populatedFor': 'dv1' } });
  const again = decideGarbageCollection({ dv: succeeded(), pvc: marked, ttlSeconds: 0, now: NOW });
  assert.deepEqual(again.action === 'delete' && again.claimPatch, { ownerReferences: [], annotations: {} });
  assert.deepEqual(decideGarbageCollection({ dv: succeeded(), ttlSeconds: 0, now: NOW }), { action: 'delete' });
});
