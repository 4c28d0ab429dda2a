// decideImporterPod: the table of what an importer pod's status means, and failedForGoodFromClaim.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { V1ContainerStatus, V1Pod } from '@kubernetes/client-node';
import { readClaimAnnotations, withClaimAnnotations } from '../../../src/api/index.ts';
import { decideImporterPod, explainImportFailure, failedForGoodFromClaim, isTerminalFailure } from '../../../src/controllers/import/index.ts';

function pod(phase: string, container: Partial<V1ContainerStatus> = {}, extra: Partial<NonNullable<V1Pod['status']>> = {}): V1Pod {
  return {
    metadata: { name: 'importer-disk', namespace: 'default', uid: 'pod-uid' },
    status: {
      phase,
      podIP: '127.0.0.5',
      containerStatuses: [{ name: 'importer', image: 'ferry', imageID: '', ready: phase === 'Running', restartCount: 0, ...container }],
      ...extra,
    },
  };
}

const terminated = (exitCode: number, message: object | string, reason = exitCode === 0 ? 'Completed' : 'Error') => ({
  terminated: { exitCode, reason, message: typeof message === 'string' ? message : JSON.stringify(message) },
});

const notFound = { outcome: 'Failed', code: 'ENOTFOUND', retryable: false, message: 'GET http://h/disk.img answered 404 Not Found' };
const reset = { outcome: 'Failed', code: 'ETRANSIENT', retryable: true, message: 'connection reset by peer' };
const succeeded = { outcome: 'Succeeded', message: 'Import Complete', format: 'qcow2', virtualSize: 1048576, bytesWritten: 1048576 };

interface Row {
  name: string;
  pod: V1Pod;
  retain?: boolean;
  outcome: string;
  phase: string;
  deletePod: boolean;
  permanentFailure?: boolean;
  reason?: string;
  restarts?: number;
  mirrorPhase?: string;
}

const rows: Row[] = [
  { name: 'scheduled, container creating', pod: pod('Pending', { state: { waiting: { reason: 'ContainerCreating' } } }), outcome: 'Pending', phase: 'Pending', deletePod: false, reason: 'ContainerCreating', mirrorPhase: 'Pending' },
  { name: 'running', pod: pod('Running', { state: { running: { startedAt: new Date() } } }), outcome: 'Running', phase: 'Running', deletePod: false, mirrorPhase: 'Running' },
  { name: 'succeeded', pod: pod('Succeeded', { state: terminated(0, succeeded) }), outcome: 'Succeeded', phase: 'Succeeded', deletePod: true, mirrorPhase: 'Succeeded' },
  { name: 'succeeded, retained', pod: pod('Succeeded', { state: terminated(0, succeeded) }), retain: true, outcome: 'Succeeded', phase: 'Succeeded', deletePod: false },
  { name: 'succeeded with a plain-text message (another image)', pod: pod('Succeeded', { state: terminated(0, 'Import Complete') }), outcome: 'Succeeded', phase: 'Succeeded', deletePod: true },
  {
    name: '404: the worker exits 0 with a terminal failure: Failed for good, no restart, pod deleted',
    pod: pod('Succeeded', { state: terminated(0, notFound) }),
    outcome: 'FailedForGood', phase: 'Failed', deletePod: true, permanentFailure: true, reason: 'ImportSourceNotFound', restarts: 0, mirrorPhase: 'Failed',
  },
  {
    name: 'terminal failure, retained pod',
    pod: pod('Succeeded', { state: terminated(0, notFound) }), retain: true,
    outcome: 'FailedForGood', phase: 'Failed', deletePod: false, permanentFailure: true, reason: 'ImportSourceNotFound',
  },
  {
    name: 'terminal failure from a worker that exited 1 and is backing off',
    pod: pod('Running', { restartCount: 1, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: terminated(1, { ...notFound, code: 'ECHECKSUM', retryable: false }) }),
    outcome: 'FailedForGood', phase: 'Failed', deletePod: true, permanentFailure: true, reason: 'ImportChecksumMismatch', restarts: 1,
  },
  {
    name: 'terminal code without the retryable flag',
    pod: pod('Succeeded', { state: terminated(0, { outcome: 'Failed', code: 'EUNSAFEIMAGE', message: 'backing file' }) }),
    outcome: 'FailedForGood', phase: 'Failed', deletePod: true, permanentFailure: true, reason: 'ImportImageUnsafe',
  },
  {
    name: 'transient failure, backing off: Retrying, restarts shown, pod kept',
    pod: pod('Running', { restartCount: 2, state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 20s' } }, lastState: terminated(1, reset) }),
    outcome: 'Retrying', phase: 'Failed', deletePod: false, reason: 'CrashLoopBackOff', restarts: 2, mirrorPhase: 'Failed',
  },
  {
    name: 'transient failure just exited (before the restart)',
    pod: pod('Running', { restartCount: 0, state: terminated(1, reset) }),
    outcome: 'Retrying', phase: 'Failed', deletePod: false, reason: 'Error',
  },
  {
    name: 'restarted after a transient failure and running again',
    pod: pod('Running', { restartCount: 1, state: { running: { startedAt: new Date() } }, lastState: terminated(1, reset) }),
    outcome: 'Running', phase: 'Running', deletePod: false, restarts: 1,
  },
  {
    name: 'evicted: the pod is lost, deleted, and a new one will resume',
    pod: pod('Failed', { state: terminated(137, { outcome: 'Failed', code: 'EABORTED', retryable: true, message: 'the importer was stopped' }) }, { reason: 'Evicted', message: 'The node was low on resource: memory.' }),
    outcome: 'PodLost', phase: 'Failed', deletePod: true, reason: 'Evicted',
  },
  {
    name: 'exit 0 with a failure that may heal: the pod is replaced',
    pod: pod('Succeeded', { state: terminated(0, reset) }),
    outcome: 'PodLost', phase: 'Failed', deletePod: true,
  },
  {
    name: 'unschedulable',
    pod: pod('Pending', {}, { conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable' }] }),
    outcome: 'Pending', phase: 'Pending', deletePod: false,
  },
];

for (const row of rows) {
  test(`decideImporterPod: ${row.name}`, () => {
    const d = decideImporterPod(row.pod, row.retain ?? false);
    assert.equal(d.outcome, row.outcome);
    assert.equal(d.observation.phase, row.phase);
    assert.equal(d.deletePod, row.deletePod);
    assert.equal(d.observation.permanentFailure ?? false, row.permanentFailure ?? false);
    if (row.reason !== undefined) assert.equal(d.observation.reason, row.reason);
    if (row.restarts !== undefined) assert.equal(d.observation.restarts, row.restarts);
    if (row.mirrorPhase !== undefined) assert.equal(d.claimMirror.podPhase, row.mirrorPhase);
  });
}

test('a terminal failure says what failed and what to do, on the observation and the claim mirror', () => {
  const d = decideImporterPod(pod('Succeeded', { state: terminated(0, notFound) }), false);
  assert.match(d.observation.terminationMessage ?? '', /answered 404 Not Found\. Check the source URL \(spec\.source\)\. Ferry does not retry this import/);
  assert.deepEqual(d.claimMirror.running, { status: 'False', reason: 'ImportSourceNotFound', message: d.observation.terminationMessage });
  assert.equal(d.claimMirror.podRestarts, 0);
});

test('unschedulable pods are mirrored as such', () => {
  const d = decideImporterPod(pod('Pending', {}, { conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable' }] }), false);
  assert.equal(d.observation.unschedulable, true);
  assert.equal(d.claimMirror.podSchedulable, false);
});

test('failedForGoodFromClaim: the mirror of a deleted pod that failed for good keeps the DataVolume Failed', () => {
  const failed = decideImporterPod(pod('Succeeded', { state: terminated(0, notFound) }), false);
  const claim = withClaimAnnotations({ metadata: {} }, failed.claimMirror);
  const observation = failedForGoodFromClaim(readClaimAnnotations(claim));
  assert.deepEqual(observation && [observation.phase, observation.permanentFailure, observation.reason], ['Failed', true, 'ImportSourceNotFound']);
  // A pod that failed for another reason (evicted, backing off) is not a failure for good.
  const lost = decideImporterPod(pod('Failed', {}, { reason: 'Evicted' }), false);
  assert.equal(failedForGoodFromClaim(readClaimAnnotations(withClaimAnnotations({ metadata: {} }, lost.claimMirror))), undefined);
  const retrying = decideImporterPod(pod('Running', { state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: terminated(1, reset) }), false);
  assert.equal(failedForGoodFromClaim(readClaimAnnotations(withClaimAnnotations({ metadata: {} }, retrying.claimMirror))), undefined);
});

test('isTerminalFailure and explainImportFailure by code', () => {
  const table: [object | undefined, boolean][] = [
    [undefined, false],
    [succeeded, false],
    [reset, false],
    [notFound, true],
    [{ outcome: 'Failed', code: 'ETRANSIENT' }, false],
    [{ outcome: 'Failed', code: 'EUNAUTHORIZED' }, true],
    [{ outcome: 'Failed', code: 'EINTERNAL', retryable: true }, false],
  ];
  for (const [termination, expected] of table) assert.equal(isTerminalFailure(termination as never), expected, JSON.stringify(termination));
  const reasons: [string | undefined, string][] = [
    ['ENOTFOUND', 'ImportSourceNotFound'], ['EUNAUTHORIZED', 'ImportSourceUnauthorized'], ['ECHECKSUM', 'ImportChecksumMismatch'],
    ['ETOOLARGE', 'ImportImageTooLarge'], ['EUNSAFEIMAGE', 'ImportImageUnsafe'], ['EUNSUPPORTEDFORMAT', 'ImportFormatUnsupported'],
    ['ENODISK', 'ImportRegistryImageHasNoDisk'], ['ESOURCECHANGED', 'ImportSourceChanged'], ['EINVALIDSOURCE', 'ImportSourceInvalid'],
    ['ETLS', 'ImportSourceTLSError'], ['ENOSPACE', 'ImportVolumeFull'], ['EWHATEVER', 'ImportFailed'], [undefined, 'ImportFailed'],
  ];
  for (const [code, reason] of reasons) assert.equal(explainImportFailure(code, 'x failed').reason, reason, String(code));
  assert.match(explainImportFailure('ETOOLARGE', 'virtual image size 2G is larger than the reported available storage 1G.').message, /larger than the reported available storage 1G\. Ask for more storage/);
});

test('scratch space required: the pod is deleted even when retained, the claim marked, Running says why', () => {
  const needsScratch = { outcome: 'Failed', code: 'ESCRATCHREQUIRED', retryable: true, scratchSpaceRequired: true, message: 'scratch space required and none found: http://h/disk.qcow2.gz is a gz-compressed qcow2 image and cannot be read at random' };
  const decision = decideImporterPod(pod('Succeeded', { state: terminated(0, needsScratch) }), true);
  assert.equal(decision.outcome, 'NeedsScratch');
  assert.equal(decision.deletePod, true);
  assert.equal(decision.observation.permanentFailure, undefined);
  const claim = readClaimAnnotations(withClaimAnnotations({ metadata: {} }, decision.claimMirror));
  assert.equal(claim.requiresScratch, true);
  assert.equal(claim.running?.status, 'False');
  assert.equal(claim.running?.reason, 'Scratch space required');
  assert.equal(claim.running?.message, 'scratch space required and none found');
  assert.equal(isTerminalFailure(decision.termination), false);
});

test('OOMKilled: a new importer with direct I/O, once; with direct I/O already on, an ordinary failed run', () => {
  const oom = { lastState: terminated(137, '', 'OOMKilled'), state: { waiting: { reason: 'CrashLoopBackOff' } }, restartCount: 1 };
  const first = decideImporterPod(pod('Running', oom), false);
  assert.equal(first.outcome, 'NeedsDirectIO');
  assert.equal(first.deletePod, true);
  const claim = readClaimAnnotations(withClaimAnnotations({ metadata: {} }, first.claimMirror));
  assert.equal(claim.requiresDirectIo, true);
  assert.equal(claim.running?.reason, 'OOMKilled');
  assert.match(claim.running?.message ?? '', /direct I\/O/);

  const withDirectIo = pod('Running', oom);
  withDirectIo.spec = { containers: [{ name: 'importer', env: [{ name: 'CACHE_MODE', value: 'TRYNONE' }] }] };
  const again = decideImporterPod(withDirectIo, false);
  assert.equal(again.outcome, 'Retrying');
  assert.equal(again.deletePod, false);
  assert.equal(again.claimMirror.requiresDirectIo, undefined);
});
