import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  Annotation, ConditionMessage, DataVolumePhase, EventMessage, EventReason, FeatureGate, ImporterEnv, Label, LabelValue,
  allDataVolumePhases,
} from '../../src/api/index.ts';

// Other programs (kubectl, KubeVirt, virtctl, monitoring) match these strings: they must be CDI's.

test('DataVolume phases are exactly CDI\'s', () => {
  assert.deepEqual([...allDataVolumePhases].sort(), [
    '', 'CSICloneInProgress', 'CloneFromSnapshotSourceInProgress', 'CloneInProgress', 'CloneScheduled',
    'ExpansionInProgress', 'Failed', 'ImportInProgress', 'ImportScheduled', 'NamespaceTransferInProgress', 'PVCBound',
    'Paused', 'Pending', 'PendingPopulation', 'PrepClaimInProgress', 'RebindInProgress', 'SmartClonePVCInProgress',
    'SnapshotForSmartCloneInProgress', 'Succeeded', 'Unknown', 'UploadReady', 'UploadScheduled', 'WaitForFirstConsumer',
  ]);
  assert.equal(DataVolumePhase.WaitForFirstConsumer, 'WaitForFirstConsumer');
});

test('annotation keys, labels and gates are CDI\'s', () => {
  const table: [string, string][] = [
    [Annotation.AllowClaimAdoption, 'cdi.kubevirt.io/allowClaimAdoption'],
    [Annotation.PopulatedFor, 'cdi.kubevirt.io/storage.populatedFor'],
    [Annotation.PrePopulated, 'cdi.kubevirt.io/storage.prePopulated'],
    [Annotation.DeleteAfterCompletion, 'cdi.kubevirt.io/storage.deleteAfterCompletion'],
    [Annotation.UsePopulator, 'cdi.kubevirt.io/storage.usePopulator'],
    [Annotation.ImmediateBinding, 'cdi.kubevirt.io/storage.bind.immediate.requested'],
    [Annotation.PodRetainAfterCompletion, 'cdi.kubevirt.io/storage.pod.retainAfterCompletion'],
    [Annotation.ContentType, 'cdi.kubevirt.io/storage.contentType'],
    [Annotation.Endpoint, 'cdi.kubevirt.io/storage.import.endpoint'],
    [Annotation.PodPhase, 'cdi.kubevirt.io/storage.pod.phase'],
    [Annotation.PodRestarts, 'cdi.kubevirt.io/storage.pod.restarts'],
    [Annotation.RunningConditionReason, 'cdi.kubevirt.io/storage.condition.running.reason'],
    [Annotation.SelectedNode, 'volume.kubernetes.io/selected-node'],
    [Annotation.DefaultVirtStorageClass, 'storageclass.kubevirt.io/is-default-virt-class'],
    [Annotation.DefaultStorageClass, 'storageclass.kubernetes.io/is-default-class'],
    [Label.App, 'app'],
    [LabelValue.App, 'containerized-data-importer'],
    [Label.Component, 'cdi.kubevirt.io'],
    [FeatureGate.HonorWaitForFirstConsumer, 'HonorWaitForFirstConsumer'],
    [FeatureGate.DataVolumeClaimAdoption, 'DataVolumeClaimAdoption'],
    [ImporterEnv.Endpoint, 'IMPORTER_ENDPOINT'],
    [ImporterEnv.ImageSize, 'IMPORTER_IMAGE_SIZE'],
  ];
  for (const [got, want] of table) assert.equal(got, want);
  const values = Object.values(Annotation);
  assert.equal(new Set(values).size, values.length, 'annotation keys are unique');
});

test('event reasons and messages are CDI\'s', () => {
  assert.equal(EventReason.ImportSucceeded, 'ImportSucceeded');
  assert.equal(EventMessage.importScheduled('dv1'), 'Import into dv1 scheduled');
  assert.equal(EventMessage.importSucceeded('dv1'), 'Successfully imported into PVC dv1');
  assert.equal(EventMessage.uploadReady('dv1'), 'Upload into dv1 ready');
  assert.equal(EventMessage.cloneSucceeded('a', 'src', 'b', 'dst'), 'Successfully cloned from a/src into b/dst');
  assert.equal(EventMessage.resourceExists('dv1'), 'Resource "dv1" already exists and is not managed by DataVolume');
  assert.equal(EventMessage.claimLost('dv1'), 'PVC dv1 lost');
  assert.equal(ConditionMessage.claimBound('dv1'), 'PVC dv1 Bound');
  assert.equal(ConditionMessage.claimPending('dv1'), 'PVC dv1 Pending');
});
