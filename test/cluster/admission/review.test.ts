// Table tests of AdmissionReview answers: what makes a webhook's answer invalid (with
// kube-apiserver's texts) and the Status a denial becomes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deniedError, verifyAdmissionResponse } from '../../../src/cluster/apiserver/admission/index.ts';

const uid = '5b1b4e44-0000-4000-8000-000000000001';
const review = (response: unknown, apiVersion = 'admission.k8s.io/v1') => ({ apiVersion, kind: 'AdmissionReview', response });

const invalidCases: { name: string; body: unknown; mutating: boolean; message: string }[] = [
  { name: 'no response', body: review(undefined), mutating: true, message: 'webhook response was absent' },
  { name: 'other uid', body: review({ uid: 'x', allowed: true }), mutating: true, message: `expected response.uid="${uid}", got "x"` },
  {
    name: 'v1beta1 answer',
    body: review({ uid, allowed: true }, 'admission.k8s.io/v1beta1'),
    mutating: true,
    message: 'expected webhook response of admission.k8s.io/v1, Kind=AdmissionReview, got admission.k8s.io/v1beta1, Kind=AdmissionReview',
  },
  { name: 'patch without type', body: review({ uid, allowed: true, patch: 'W10=' }), mutating: true, message: 'webhook returned response.patch but not response.patchType' },
  { name: 'validating patch', body: review({ uid, allowed: true, patch: 'W10=', patchType: 'JSONPatch' }), mutating: false, message: 'validating webhook may not return response.patch' },
  { name: 'other patch type', body: review({ uid, allowed: true, patch: 'W10=', patchType: 'MergePatch' }), mutating: true, message: 'webhook returned invalid response.patchType of "MergePatch"' },
];

for (const c of invalidCases) {
  test(`review: invalid answer: ${c.name}`, () => {
    assert.throws(() => verifyAdmissionResponse(uid, c.mutating, c.body), { name: 'InvalidResponseError', code: 'EINVALIDRESPONSE', message: c.message });
  });
}

test('review: a valid answer keeps its patch and warnings', () => {
  assert.deepEqual(verifyAdmissionResponse(uid, true, review({ uid, allowed: true, patch: 'W10=', patchType: 'JSONPatch', warnings: ['w'] })), {
    uid,
    allowed: true,
    patch: 'W10=',
    patchType: 'JSONPatch',
    warnings: ['w'],
  });
});

const denialCases: { name: string; status: Parameters<typeof deniedError>[1]; code: number; reason: string | undefined; message: string }[] = [
  { name: 'message', status: { code: 403, reason: 'Forbidden', message: 'no' }, code: 403, reason: 'Forbidden', message: 'admission webhook "x.example.com" denied the request: no' },
  { name: 'reason only', status: { reason: 'NotAllowed' }, code: 400, reason: 'NotAllowed', message: 'admission webhook "x.example.com" denied the request: NotAllowed' },
  { name: 'code below 400', status: { code: 200, message: 'no' }, code: 400, reason: undefined, message: 'admission webhook "x.example.com" denied the request: no' },
  { name: 'nothing', status: undefined, code: 400, reason: undefined, message: 'admission webhook "x.example.com" denied the request without explanation' },
];

for (const c of denialCases) {
  test(`review: denial: ${c.name}`, () => {
    const status = deniedError('x.example.com', c.status).status;
    assert.deepEqual([status.code, status.reason, status.message, status.status], [c.code, c.reason, c.message, 'Failure']);
  });
}
