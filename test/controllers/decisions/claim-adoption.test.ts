import assert from 'node:assert/strict';
import { test } from 'node:test';
import { shouldAdoptClaim, type ClaimRelation } from '../../../src/controllers/decisions/index.ts';
import { claim, dataVolume, httpSource } from './fixtures.ts';

const ADOPT = 'cdi.kubevirt.io/allowClaimAdoption';
const dv = (annotations: Record<string, string> = {}) => dataVolume({ source: httpSource, storage: {} }, { annotations });

// The seeds' walkthrough: an existing claim, a DataVolume created with the annotation, with the
// gate, with the annotation "false" overriding the gate, and neither.
const rows: { name: string; annotations?: Record<string, string>; gate: boolean; pvc: ReturnType<typeof claim>; adopt: boolean; relation: ClaimRelation }[] = [
  { name: 'annotation "true", gate off: adopt', annotations: { [ADOPT]: 'true' }, gate: false, pvc: claim('dv1', { phase: 'Bound' }), adopt: true, relation: 'Adopt' },
  { name: 'gate on, no annotation: adopt', gate: true, pvc: claim('dv1', { phase: 'Bound' }), adopt: true, relation: 'Adopt' },
  { name: 'annotation "false" wins over the gate', annotations: { [ADOPT]: 'false' }, gate: true, pvc: claim('dv1', { phase: 'Bound' }), adopt: false, relation: 'NotAllowed' },
  { name: 'neither: not allowed', gate: false, pvc: claim('dv1', { phase: 'Bound' }), adopt: false, relation: 'NotAllowed' },
  { name: 'a malformed annotation falls back to the gate', annotations: { [ADOPT]: 'yes please' }, gate: true, pvc: claim('dv1'), adopt: true, relation: 'Adopt' },
  {
    name: 'the claim this DataVolume created (it controls it) is its own, even with adoption on',
    annotations: { [ADOPT]: 'true' }, gate: true,
    pvc: claim('dv1', { owner: { kind: 'DataVolume', name: 'dv1', uid: 'dv-uid-1' } }), adopt: false, relation: 'Own',
  },
  {
    name: 'a claim recording this DataVolume\'s UID is its own',
    annotations: { [ADOPT]: 'true' }, gate: true,
    pvc: claim('dv1', { annotations: { 'cdi.kubevirt.io/createdForDataVolume': 'dv-uid-1' } }), adopt: false, relation: 'Own',
  },
  {
    name: 'a claim populated for this DataVolume is taken over without adoption (GitOps re-apply)',
    gate: false,
    pvc: claim('dv1', { phase: 'Bound', annotations: { 'cdi.kubevirt.io/storage.populatedFor': 'dv1' } }), adopt: false, relation: 'PopulatedFor',
  },
  {
    name: 'a claim controlled by something else cannot be adopted',
    annotations: { [ADOPT]: 'true' }, gate: true,
    pvc: claim('dv1', { owner: { kind: 'StatefulSet', name: 'db', uid: 'sts-1' } }), adopt: false, relation: 'ControlledByOther',
  },
  {
    name: 'a claim being deleted is waited for',
    annotations: { [ADOPT]: 'true' }, gate: true, pvc: claim('dv1', { deleting: true }), adopt: false, relation: 'Terminating',
  },
];

test('shouldAdoptClaim', async (t) => {
  for (const row of rows) {
    await t.test(row.name, () => {
      const got = shouldAdoptClaim({ dv: dv(row.annotations), pvc: row.pvc, featureGateClaimAdoption: row.gate });
      assert.equal(got.adopt, row.adopt);
      assert.equal(got.relation, row.relation);
      assert.ok(got.reason.length > 0);
    });
  }
});

test('adopting takes ownership and marks the claim populated for the DataVolume, so it is Succeeded at once', () => {
  const got = shouldAdoptClaim({ dv: dv({ [ADOPT]: 'true' }), pvc: claim('dv1', { phase: 'Bound' }), featureGateClaimAdoption: false });
  assert.deepEqual(got.ownerReference, {
    apiVersion: 'cdi.kubevirt.io/v1beta1', kind: 'DataVolume', name: 'dv1', uid: 'dv-uid-1', controller: true, blockOwnerDeletion: true,
  });
  assert.deepEqual(got.claimPatch, { populatedFor: 'dv1' });
  assert.deepEqual(got.dataVolumePatch, { prePopulated: 'dv1' });
  assert.match(got.reason, /allows claim adoption/);
  const byGate = shouldAdoptClaim({ dv: dv(), pvc: claim('dv1'), featureGateClaimAdoption: true });
  assert.match(byGate.reason, /feature gate DataVolumeClaimAdoption/);
  const notAllowed = shouldAdoptClaim({ dv: dv(), pvc: claim('dv1'), featureGateClaimAdoption: false });
  assert.equal(notAllowed.ownerReference, undefined);
  assert.equal(notAllowed.claimPatch, undefined);
});
