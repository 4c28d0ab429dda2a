// Table tests of the controller's own pure decisions (beside G's in test/controllers/decisions):
// settings in force, when a worker starts, the claim and worker pod templates, reading a worker
// pod's status, annotation diffs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { V1PersistentVolumeClaim, V1Pod } from '@kubernetes/client-node';
import type { CDI, CDIConfig, DataVolume } from '../../src/api/index.ts';
import { renderClaim } from '../../src/controllers/decisions/index.ts';
import { buildImporterPod, importerPodName, workerPodName } from '../../src/controllers/datavolume/importer-pod.ts';
import { claimMirrorOf, observeWorkerPod, parseWorkerTermination } from '../../src/controllers/datavolume/observe-pod.ts';
import { decideWorkerStart, type WorkerStartInput } from '../../src/controllers/datavolume/worker-gate.ts';
import { annotationsMergePatch } from '../../src/controllers/patches.ts';
import { effectiveConfigSpec, effectiveSettings } from '../../src/controllers/settings.ts';

const cdi = (config: CDI['spec']['config']): CDI => ({ metadata: { name: 'cdi' }, spec: { config } });
const cdiConfig = (spec: CDIConfig['spec']): CDIConfig => ({ metadata: { name: 'config' }, spec });

test('effectiveConfigSpec: CDI.spec.config wins field by field; feature gates from both', () => {
  const table: [string, CDI | undefined, CDIConfig | undefined, CDIConfig['spec']][] = [
    ['nothing', undefined, undefined, {}],
    ['CDIConfig only', undefined, cdiConfig({ dataVolumeTTLSeconds: 5 }), { dataVolumeTTLSeconds: 5 }],
    ['CDI wins', cdi({ dataVolumeTTLSeconds: -1 }), cdiConfig({ dataVolumeTTLSeconds: 5, preallocation: true }), { dataVolumeTTLSeconds: -1, preallocation: true }],
    ['gates united', cdi({ featureGates: ['A', 'B'] }), cdiConfig({ featureGates: ['B', 'C'] }), { featureGates: ['B', 'C', 'A'] }],
    ['no gates at all', cdi({ featureGates: [] }), cdiConfig({}), {}],
  ];
  for (const [what, c, config, want] of table) assert.deepEqual(effectiveConfigSpec(c, config), want, what);
});

test('effectiveSettings: the gates and TTL the reconcilers read', () => {
  const s = effectiveSettings(cdi({ featureGates: ['HonorWaitForFirstConsumer'] }), cdiConfig({ featureGates: ['DataVolumeClaimAdoption'] }), []);
  assert.equal(s.settings.honorWaitForFirstConsumer, true);
  assert.equal(s.settings.dataVolumeClaimAdoption, true);
  assert.equal(s.settings.dataVolumeTTLSeconds, 0);
  assert.equal(effectiveSettings(undefined, undefined, []).settings.honorWaitForFirstConsumer, false);
});

test('decideWorkerStart: CDI\'s WaitForFirstConsumer rule', () => {
  const base: WorkerStartInput = {
    claimPhase: 'Pending', mirroredPodPhase: undefined, populatedForThisDataVolume: false,
    waitForFirstConsumerStorage: true, honorWaitForFirstConsumer: true, immediateBindingRequested: false,
  };
  const table: [string, Partial<WorkerStartInput>, ReturnType<typeof decideWorkerStart>][] = [
    ['WFFC, gate on: wait', {}, { start: false, why: 'WaitingForFirstConsumer' }],
    ['WFFC, gate on, bound by a consumer: start', { claimPhase: 'Bound' }, { start: true }],
    ['WFFC, gate off: start (the worker is the first consumer)', { honorWaitForFirstConsumer: false }, { start: true }],
    ['WFFC, immediate binding asked: start', { immediateBindingRequested: true }, { start: true }],
    ['Immediate class, pending: start', { waitForFirstConsumerStorage: false }, { start: true }],
    ['already populated for it: never', { claimPhase: 'Bound', populatedForThisDataVolume: true }, { start: false, why: 'AlreadyPopulated' }],
    ['worker already succeeded: never', { claimPhase: 'Bound', mirroredPodPhase: 'Succeeded' }, { start: false, why: 'AlreadyPopulated' }],
  ];
  for (const [what, change, want] of table) assert.deepEqual(decideWorkerStart({ ...base, ...change }), want, what);
});

test('worker pod names: importer-<claim>, cut with a hash past 63 characters', () => {
  assert.equal(importerPodName('dv1'), 'importer-dv1');
  const long = 'x'.repeat(80);
  const name = workerPodName('importer', long);
  assert.equal(name.length <= 63, true);
  assert.match(name, /^importer-x+-[0-9a-f]{8}$/);
  assert.equal(workerPodName('importer', long), name, 'deterministic');
  assert.notEqual(workerPodName('importer', long + 'y'), name);
});

const dv: DataVolume = {
  metadata: {
    name: 'disk', namespace: 'ns', uid: 'dv-uid', labels: { team: 'a' },
    annotations: { 'cdi.kubevirt.io/storage.pod.retainAfterCompletion': 'true', 'kubectl.kubernetes.io/last-applied-configuration': '{}' },
  },
  spec: { source: { blank: {} }, priorityClassName: 'high', pvc: {} },
};

test('renderClaim: CDI\'s labels, passed-through annotations (not kubectl\'s last-applied), owner and populate annotations', () => {
  const claim = renderClaim({
    dv,
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
    preallocationDefault: true,
    annotations: { source: 'none', importPodName: 'importer-disk' },
  });
  assert.deepEqual(claim.metadata?.labels, { app: 'containerized-data-importer', 'alerts.k8s.io/KubePersistentVolumeFillingUp': 'disabled', team: 'a' });
  assert.deepEqual(claim.metadata?.annotations, {
    'cdi.kubevirt.io/storage.pod.retainAfterCompletion': 'true',
    'cdi.kubevirt.io/storage.pod.restarts': '0',
    'cdi.kubevirt.io/storage.contentType': 'kubevirt',
    'cdi.kubevirt.io/storage.preallocation.requested': 'true',
    'cdi.kubevirt.io/createdForDataVolume': 'dv-uid',
    'cdi.kubevirt.io/storage.pod.priorityclassname': 'high',
    'cdi.kubevirt.io/storage.import.source': 'none',
    'cdi.kubevirt.io/storage.import.importPodName': 'importer-disk',
  });
  assert.deepEqual(claim.metadata?.ownerReferences, [{ apiVersion: 'cdi.kubevirt.io/v1beta1', kind: 'DataVolume', name: 'disk', uid: 'dv-uid', controller: true, blockOwnerDeletion: true }]);
  const block = renderClaim({ dv, spec: { volumeMode: 'Block' } });
  assert.equal(block.metadata?.labels?.['alerts.k8s.io/KubePersistentVolumeFillingUp'], undefined);
});

const claim = (volumeMode: string): V1PersistentVolumeClaim => ({
  metadata: {
    name: 'disk', namespace: 'ns', uid: 'pvc-uid',
    annotations: { 'cdi.kubevirt.io/storage.preallocation.requested': 'true', 'cdi.kubevirt.io/storage.pod.priorityclassname': 'high' },
  },
  spec: { volumeMode, storageClassName: 'fast', resources: { requests: { storage: '1Gi' } } },
});

test('buildImporterPod: Filesystem at /data, Block at /dev/cdi-block-volume, CDI\'s env', () => {
  const input = { source: 'none' as const, workerImage: 'ferry.dev/ferry:v1', imagePullPolicy: 'IfNotPresent' as const, filesystemOverhead: '0.055' };
  const fs = buildImporterPod({ pvc: claim('Filesystem'), ...input });
  const c = fs.spec!.containers[0]!;
  assert.equal(fs.metadata?.name, 'importer-disk');
  assert.equal(fs.spec?.restartPolicy, 'OnFailure');
  assert.equal(fs.spec?.priorityClassName, 'high');
  assert.deepEqual(fs.metadata?.ownerReferences?.map((r) => [r.kind, r.uid, r.controller]), [['PersistentVolumeClaim', 'pvc-uid', true]]);
  assert.deepEqual(c.volumeMounts, [{ name: 'cdi-data-vol', mountPath: '/data' }]);
  assert.equal(c.volumeDevices, undefined);
  const env = Object.fromEntries((c.env ?? []).map((e) => [e.name, e.value]));
  assert.deepEqual(env, {
    IMPORTER_SOURCE: 'none', IMPORTER_CONTENTTYPE: 'kubevirt', IMPORTER_IMAGE_SIZE: '1Gi', OWNER_UID: 'pvc-uid',
    FILESYSTEM_OVERHEAD: '0.055', INSECURE_TLS: 'false', PREALLOCATION: 'true',
  });
  const block = buildImporterPod({ pvc: claim('Block'), ...input });
  assert.deepEqual(block.spec?.containers[0]?.volumeDevices, [{ name: 'cdi-data-vol', devicePath: '/dev/cdi-block-volume' }]);
  assert.equal(block.spec?.containers[0]?.env?.find((e) => e.name === 'FILESYSTEM_OVERHEAD')?.value, '0');
});

const pod = (status: V1Pod['status']): V1Pod => ({ metadata: { name: 'importer-disk' }, status });

test('observeWorkerPod: phases, restarts, termination message, permanent failures', () => {
  const done = JSON.stringify({ outcome: 'Succeeded', message: 'Import Complete' });
  const fatal = JSON.stringify({ outcome: 'Failed', code: 'ENOTFOUND', retryable: false, message: 'HTTP 404 from the source' });
  const flaky = JSON.stringify({ outcome: 'Failed', code: 'ESERVER', retryable: true, message: 'HTTP 503' });
  const table: [string, V1Pod['status'], Record<string, unknown>][] = [
    ['no status yet', undefined, { phase: 'Pending', restarts: 0 }],
    ['creating', { phase: 'Pending', containerStatuses: [{ name: 'importer', image: '', imageID: '', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } }] },
      { phase: 'Pending', restarts: 0, ready: false, reason: 'ContainerCreating' }],
    ['succeeded', { phase: 'Succeeded', containerStatuses: [{ name: 'importer', image: '', imageID: '', ready: false, restartCount: 1, state: { terminated: { exitCode: 0, reason: 'Completed', message: done } } }] },
      { phase: 'Succeeded', restarts: 1, ready: false, reason: 'Completed', message: done, terminationMessage: 'Import Complete' }],
    ['failed for good (restartPolicy would retry)', { phase: 'Running', containerStatuses: [{ name: 'importer', image: '', imageID: '', ready: false, restartCount: 0, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1, reason: 'Error', message: fatal } } }] },
      { phase: 'Failed', restarts: 0, ready: false, permanentFailure: true, reason: 'CrashLoopBackOff', terminationMessage: 'HTTP 404 from the source' }],
    ['failed, retryable: keeps running', { phase: 'Running', containerStatuses: [{ name: 'importer', image: '', imageID: '', ready: false, restartCount: 2, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1, reason: 'Error', message: flaky } } }] },
      { phase: 'Running', restarts: 2, ready: false, reason: 'CrashLoopBackOff' }],
    ['unschedulable', { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable' }] }, { phase: 'Pending', restarts: 0, unschedulable: true }],
  ];
  for (const [what, status, want] of table) {
    const { termination: _t, ...observed } = observeWorkerPod(pod(status));
    assert.deepEqual(observed, want, what);
  }
  assert.deepEqual(parseWorkerTermination('plain words'), { message: 'plain words' });
  assert.equal(parseWorkerTermination(''), undefined);
});

test('claimMirrorOf: what CDI mirrors onto the claim', () => {
  assert.deepEqual(claimMirrorOf({ phase: 'Running', restarts: 1 }), {
    podPhase: 'Running', podRestarts: 1, running: { status: 'True', reason: 'Pod is running', message: '' }, podSchedulable: null,
  });
  assert.deepEqual(claimMirrorOf({ phase: 'Succeeded', restarts: 0, reason: 'Completed', terminationMessage: 'Import Complete', termination: { preallocationApplied: true } }), {
    podPhase: 'Succeeded', podRestarts: 0, running: { status: 'False', reason: 'Completed', message: 'Import Complete' }, podSchedulable: null, preallocationApplied: true,
  });
});

test('annotationsMergePatch: only differences, null to remove, undefined when equal', () => {
  assert.equal(annotationsMergePatch({ a: '1' }, { a: '1' }), undefined);
  assert.deepEqual(annotationsMergePatch({ a: '1', b: '2' }, { a: '3', c: '4' }), { a: '3', c: '4', b: null });
  assert.deepEqual(annotationsMergePatch(undefined, { a: '1' }), { a: '1' });
});
