import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DataVolumeCondition, DataVolumeStatus } from '../../../src/api/index.ts';
import {
  computeDataVolumeStatus, type DataVolumeEvent, type DataVolumeStatusInput,
} from '../../../src/controllers/decisions/index.ts';
import { claim, dataVolume, EARLIER, httpSource, NOW } from './fixtures.ts';

const T = '2026-01-01T12:00:00Z'; // NOW as metav1.Time
const c = (type: DataVolumeCondition['type'], status: DataVolumeCondition['status'], reason = '', message = '', since = EARLIER): DataVolumeCondition => ({
  type, status, reason, message, lastTransitionTime: since, lastHeartbeatTime: since,
});
const boundTrue = c('Bound', 'True', 'Bound', 'PVC dv1 Bound');
const pvcBoundStatus: DataVolumeStatus = {
  phase: 'PVCBound', claimName: 'dv1', progress: 'N/A',
  conditions: [boundTrue, c('Ready', 'False'), c('Running', 'False')],
};
const inProgress: DataVolumeStatus = {
  phase: 'ImportInProgress', claimName: 'dv1', progress: '10.00%', restartCount: 0,
  conditions: [boundTrue, c('Ready', 'False', 'TransferRunning'), c('Running', 'True', 'Pod is running')],
};
const bound = claim('dv1', { phase: 'Bound' });
const pending = claim('dv1', { phase: 'Pending' });
const importDv = (status?: DataVolumeStatus, annotations: Record<string, string> = {}) =>
  dataVolume({ source: httpSource, storage: {} }, { annotations }, status);

interface Row {
  name: string;
  input: Partial<DataVolumeStatusInput> & Pick<DataVolumeStatusInput, 'dv'>;
  phase: string;
  progress?: string | undefined;
  restartCount?: number | undefined;
  /** [type, status, reason, message] in order. */
  conditions: [string, string, string, string][];
  events: [string, string, string][];
}

const N = 'Normal';
const W = 'Warning';

const rows: Row[] = [
  {
    name: 'new DataVolume, no claim yet: Pending',
    input: { dv: importDv() },
    phase: 'Pending',
    conditions: [['Bound', 'False', 'NotFound', 'No PVC found'], ['Ready', 'False', '', ''], ['Running', 'False', '', '']],
    events: [[N, 'NotFound', 'No PVC found']],
  },
  {
    name: 'claim Pending on WaitForFirstConsumer storage with the gate: WaitForFirstConsumer',
    input: { dv: importDv({ phase: 'Pending' }), pvc: pending, wffc: true, honorWaitForFirstConsumer: true },
    phase: 'WaitForFirstConsumer', progress: 'N/A',
    conditions: [['Bound', 'False', 'Pending', 'PVC dv1 Pending'], ['Ready', 'False', '', ''], ['Running', 'False', '', '']],
    events: [[N, 'Pending', 'PVC dv1 Pending']],
  },
  {
    name: 'WaitForFirstConsumer storage without the gate: Pending',
    input: { dv: importDv({ phase: 'Pending' }), pvc: pending, wffc: true, honorWaitForFirstConsumer: false },
    phase: 'Pending', progress: 'N/A',
    conditions: [['Bound', 'False', 'Pending', 'PVC dv1 Pending'], ['Ready', 'False', '', ''], ['Running', 'False', '', '']],
    events: [[N, 'Pending', 'PVC dv1 Pending']],
  },
  {
    name: 'WaitForFirstConsumer storage, gate on, immediate binding requested: Pending',
    input: {
      dv: importDv({ phase: 'Pending' }, { 'cdi.kubevirt.io/storage.bind.immediate.requested': 'true' }),
      pvc: pending, wffc: true, honorWaitForFirstConsumer: true,
    },
    phase: 'Pending', progress: 'N/A',
    conditions: [['Bound', 'False', 'Pending', 'PVC dv1 Pending'], ['Ready', 'False', '', ''], ['Running', 'False', '', '']],
    events: [[N, 'Pending', 'PVC dv1 Pending']],
  },
  {
    name: 'claim bound, no worker yet: PVCBound',
    input: { dv: importDv({ phase: 'Pending' }), pvc: bound },
    phase: 'PVCBound', progress: 'N/A',
    conditions: [['Bound', 'True', 'Bound', 'PVC dv1 Bound'], ['Ready', 'False', '', ''], ['Running', 'False', '', '']],
    events: [[N, 'Bound', 'PVC dv1 Bound']],
  },
  {
    name: 'worker pod Pending: ImportScheduled',
    input: { dv: importDv(pvcBoundStatus), pvc: bound, pod: { phase: 'Pending', restarts: 0, reason: 'ContainerCreating' } },
    phase: 'ImportScheduled', progress: 'N/A', restartCount: 0,
    conditions: [['Bound', 'True', 'Bound', 'PVC dv1 Bound'], ['Ready', 'False', '', ''], ['Running', 'False', 'ContainerCreating', '']],
    events: [[N, 'ImportScheduled', 'Import into dv1 scheduled']],
  },
  {
    name: 'worker running with progress and a restart: ImportInProgress',
    input: { dv: importDv(pvcBoundStatus), pvc: bound, pod: { phase: 'Running', restarts: 1, progress: 45.2 } },
    phase: 'ImportInProgress', progress: '45.20%', restartCount: 1,
    conditions: [['Bound', 'True', 'Bound', 'PVC dv1 Bound'], ['Ready', 'False', 'TransferRunning', ''], ['Running', 'True', 'Pod is running', '']],
    events: [[N, 'ImportInProgress', 'Import into dv1 in progress']],
  },
  {
    name: 'worker succeeded: Succeeded at 100.0%',
    input: {
      dv: importDv(inProgress), pvc: bound,
      pod: { phase: 'Succeeded', restarts: 0, reason: 'Completed', terminationMessage: 'Import Complete' },
    },
    phase: 'Succeeded', progress: '100.0%', restartCount: 0,
    conditions: [['Bound', 'True', 'Bound', 'PVC dv1 Bound'], ['Ready', 'True', '', ''], ['Running', 'False', 'Completed', 'Import Complete']],
    events: [[N, 'ImportSucceeded', 'Successfully imported into PVC dv1']],
  },
  {
    name: 'worker failed (will retry): back to ImportScheduled, the failure reported',
    input: {
      dv: importDv(inProgress), pvc: bound,
      pod: { phase: 'Failed', restarts: 2, reason: 'Error', terminationMessage: 'Unable to connect to http data source' },
    },
    phase: 'ImportScheduled', progress: '10.00%', restartCount: 2,
    conditions: [['Bound', 'True', 'Bound', 'PVC dv1 Bound'], ['Ready', 'False', '', ''], ['Running', 'False', 'Error', 'Unable to connect to http data source']],
    events: [[W, 'ImportFailed', 'Failed to import into PVC dv1'], [W, 'Error', 'Unable to connect to http data source']],
  },
  {
    name: 'worker failed for good (404): Failed',
    input: {
      dv: importDv(inProgress), pvc: bound,
      pod: { phase: 'Failed', restarts: 0, reason: 'Error', terminationMessage: 'HTTP 404 Not Found', permanentFailure: true },
    },
    phase: 'Failed', progress: '10.00%', restartCount: 0,
    conditions: [['Bound', 'True', 'Bound', 'PVC dv1 Bound'], ['Ready', 'False', '', ''], ['Running', 'False', 'Error', 'HTTP 404 Not Found']],
    events: [[W, 'ImportFailed', 'Failed to import into PVC dv1'], [W, 'Error', 'HTTP 404 Not Found']],
  },
  {
    name: 'claim lost: Failed',
    input: { dv: importDv(inProgress), pvc: claim('dv1', { phase: 'Lost' }) },
    phase: 'Failed', progress: '10.00%', restartCount: 0,
    conditions: [['Bound', 'False', 'ClaimLost', 'Claim Lost'], ['Ready', 'False', '', ''], ['Running', 'False', '', '']],
    events: [[W, 'ErrClaimLost', 'PVC dv1 lost'], [N, 'ClaimLost', 'Claim Lost']],
  },
  {
    name: 'claim populated for this DataVolume (adopted or re-applied): Succeeded at once',
    input: { dv: importDv({ phase: 'Pending' }), pvc: claim('dv1', { phase: 'Bound', annotations: { 'cdi.kubevirt.io/storage.populatedFor': 'dv1' } }) },
    phase: 'Succeeded', progress: 'N/A',
    conditions: [['Bound', 'True', 'Bound', 'PVC dv1 Bound'], ['Ready', 'True', '', ''], ['Running', 'False', '', '']],
    events: [[N, 'Bound', 'PVC dv1 Bound']],
  },
  {
    name: 'the claim cannot be rendered: no phase, the error on Bound and Ready',
    input: { dv: importDv(), syncError: { reason: 'ErrClaimNotValid', message: 'no accessMode defined DV nor on StorageProfile for local StorageClass' } },
    phase: '',
    conditions: [
      ['Bound', 'False', 'ErrClaimNotValid', 'no accessMode defined DV nor on StorageProfile for local StorageClass'],
      ['Ready', 'False', 'ErrClaimNotValid', 'no accessMode defined DV nor on StorageProfile for local StorageClass'],
      ['Running', 'False', '', ''],
    ],
    events: [
      [W, 'ErrClaimNotValid', 'no accessMode defined DV nor on StorageProfile for local StorageClass'],
      [N, 'ErrClaimNotValid', 'no accessMode defined DV nor on StorageProfile for local StorageClass'],
    ],
  },
  {
    name: 'upload target claim bound, no server pod yet: UploadScheduled',
    input: {
      dv: dataVolume({ source: { upload: {} }, storage: {} }, {}, pvcBoundStatus), operation: 'Upload',
      pvc: claim('dv1', { phase: 'Bound', annotations: { 'cdi.kubevirt.io/storage.upload.target': '' } }),
    },
    phase: 'UploadScheduled', progress: 'N/A',
    conditions: [['Bound', 'True', 'Bound', 'PVC dv1 Bound'], ['Ready', 'False', '', ''], ['Running', 'False', '', '']],
    events: [],
  },
  {
    name: 'upload server running but not ready: UploadScheduled',
    input: { dv: dataVolume({ source: { upload: {} }, storage: {} }, {}, pvcBoundStatus), pvc: bound, operation: 'Upload', pod: { phase: 'Running', restarts: 0, ready: false } },
    phase: 'UploadScheduled', progress: 'N/A', restartCount: 0,
    conditions: [['Bound', 'True', 'Bound', 'PVC dv1 Bound'], ['Ready', 'False', 'TransferRunning', ''], ['Running', 'True', 'Pod is running', '']],
    events: [],
  },
  {
    name: 'upload server ready: UploadReady',
    input: { dv: dataVolume({ source: { upload: {} }, storage: {} }, {}, pvcBoundStatus), pvc: bound, operation: 'Upload', pod: { phase: 'Running', restarts: 0, ready: true } },
    phase: 'UploadReady', progress: 'N/A', restartCount: 0,
    conditions: [['Bound', 'True', 'Bound', 'PVC dv1 Bound'], ['Ready', 'False', 'TransferRunning', ''], ['Running', 'True', 'Pod is running', '']],
    events: [[N, 'UploadReady', 'Upload into dv1 ready']],
  },
  {
    name: 'populator on WaitForFirstConsumer storage, no node chosen: PendingPopulation',
    input: { dv: importDv({ phase: 'Pending' }), pvc: pending, usePopulator: true, wffc: true },
    phase: 'PendingPopulation', progress: 'N/A',
    conditions: [['Bound', 'False', 'Pending', 'PVC dv1 Pending'], ['Ready', 'False', '', ''], ['Running', 'False', '', '']],
    events: [[N, 'Pending', 'PVC dv1 Pending']],
  },
  {
    name: 'worker state read back from the claim\'s annotations when the pod is not observed (CDI\'s mirror)',
    input: {
      dv: importDv(pvcBoundStatus),
      pvc: claim('dv1', {
        phase: 'Bound',
        annotations: {
          'cdi.kubevirt.io/storage.pod.phase': 'Running',
          'cdi.kubevirt.io/storage.pod.restarts': '3',
          'cdi.kubevirt.io/storage.condition.running': 'true',
          'cdi.kubevirt.io/storage.condition.running.reason': 'Pod is running',
          'cdi.kubevirt.io/storage.condition.running.message': '',
        },
      }),
    },
    phase: 'ImportInProgress', progress: 'N/A', restartCount: 3,
    conditions: [['Bound', 'True', 'Bound', 'PVC dv1 Bound'], ['Ready', 'False', 'TransferRunning', ''], ['Running', 'True', 'Pod is running', '']],
    events: [[N, 'ImportInProgress', 'Import into dv1 in progress']],
  },
  {
    name: 'multi-stage import between checkpoints: Paused',
    input: {
      dv: importDv(inProgress),
      pvc: claim('dv1', { phase: 'Bound', annotations: { 'cdi.kubevirt.io/storage.checkpoint.current': 'snap-1' } }),
      pod: { phase: 'Succeeded', restarts: 0, reason: 'Completed' },
    },
    phase: 'Paused', progress: '10.00%', restartCount: 0,
    conditions: [['Bound', 'True', 'Bound', 'PVC dv1 Bound'], ['Ready', 'False', '', ''], ['Running', 'False', 'Completed', '']],
    events: [[N, 'ImportPaused', 'Multistage import into PVC dv1 is paused']],
  },
  {
    name: 'host-assisted clone in progress',
    input: {
      dv: dataVolume({ source: { pvc: { namespace: 'golden', name: 'fedora' } }, storage: {} }, {}, pvcBoundStatus),
      pvc: bound, operation: 'Clone', pod: { phase: 'Running', restarts: 0 },
    },
    phase: 'CloneInProgress', progress: 'N/A', restartCount: 0,
    conditions: [['Bound', 'True', 'Bound', 'PVC dv1 Bound'], ['Ready', 'False', 'TransferRunning', ''], ['Running', 'True', 'Pod is running', '']],
    events: [[N, 'CloneInProgress', 'Cloning from golden/fedora into default/dv1 in progress']],
  },
];

test('computeDataVolumeStatus', async (t) => {
  for (const row of rows) {
    await t.test(row.name, () => {
      const got = computeDataVolumeStatus({ operation: 'Import', wffc: false, honorWaitForFirstConsumer: true, now: NOW, ...row.input });
      assert.equal(got.phase, row.phase, 'phase');
      assert.equal(got.progress, row.progress, 'progress');
      assert.equal(got.restartCount, row.restartCount, 'restartCount');
      assert.deepEqual(got.conditions.map((x) => [x.type, x.status, x.reason ?? '', x.message ?? '']), row.conditions, 'conditions');
      assert.deepEqual(got.events.map((e: DataVolumeEvent) => [e.type, e.reason, e.message]), row.events, 'events');
      assert.equal(got.changed, true);
      assert.equal(got.status.phase, row.phase);
    });
  }
});

test('a condition keeps its lastTransitionTime while its status holds; the heartbeat moves on any change', () => {
  const got = computeDataVolumeStatus({
    dv: importDv(pvcBoundStatus), pvc: bound, pod: { phase: 'Running', restarts: 0 },
    operation: 'Import', wffc: false, honorWaitForFirstConsumer: true, now: NOW,
  });
  const [b, ready, running] = got.conditions;
  assert.deepEqual([b?.lastTransitionTime, b?.lastHeartbeatTime], [EARLIER, EARLIER], 'Bound unchanged');
  assert.deepEqual([ready?.lastTransitionTime, ready?.lastHeartbeatTime], [EARLIER, T], 'Ready: reason changed, status did not');
  assert.deepEqual([running?.lastTransitionTime, running?.lastHeartbeatTime], [T, T], 'Running: status changed');
});

test('nothing observed changed: no new status, no events', () => {
  const input: DataVolumeStatusInput = {
    dv: importDv(inProgress), pvc: bound, pod: { phase: 'Running', restarts: 0, progress: 10 },
    operation: 'Import', wffc: false, honorWaitForFirstConsumer: true, now: NOW,
  };
  const got = computeDataVolumeStatus(input);
  assert.equal(got.changed, false);
  assert.deepEqual(got.events, []);
  assert.deepEqual(got.status, inProgress);
  // The input is not modified.
  assert.deepEqual(input.dv.status, inProgress);
});

test('the three conditions are always present, in CDI\'s order', () => {
  for (const row of rows) {
    const got = computeDataVolumeStatus({ operation: 'Import', wffc: false, honorWaitForFirstConsumer: true, now: NOW, ...row.input });
    assert.deepEqual(got.conditions.map((x) => x.type), ['Bound', 'Ready', 'Running'], row.name);
  }
});
