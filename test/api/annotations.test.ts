import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  Annotation, claimAnnotationMergePatch, parseGoBool, readClaimAnnotations, readDataVolumeAnnotations,
  readStorageClassAnnotations, withClaimAnnotations, withDataVolumeAnnotations,
} from '../../src/api/index.ts';

const withAnn = (annotations: Record<string, string>) => ({ metadata: { name: 'x', annotations } });

test('parseGoBool accepts what Go strconv.ParseBool accepts, nothing else', () => {
  const table: [string | undefined, boolean | undefined][] = [
    ['true', true], ['True', true], ['TRUE', true], ['t', true], ['1', true],
    ['false', false], ['False', false], ['f', false], ['0', false],
    ['yes', undefined], ['', undefined], [undefined, undefined], [' true', undefined],
  ];
  for (const [value, want] of table) assert.equal(parseGoBool(value), want, String(value));
});

test('readDataVolumeAnnotations types the DataVolume annotations', () => {
  const table: { annotations: Record<string, string>; want: Partial<ReturnType<typeof readDataVolumeAnnotations>> }[] = [
    { annotations: {}, want: { allowClaimAdoption: undefined, deleteAfterCompletion: undefined, immediateBinding: false } },
    { annotations: { [Annotation.AllowClaimAdoption]: 'true' }, want: { allowClaimAdoption: true } },
    { annotations: { [Annotation.AllowClaimAdoption]: 'false' }, want: { allowClaimAdoption: false } },
    { annotations: { [Annotation.AllowClaimAdoption]: 'maybe' }, want: { allowClaimAdoption: undefined } },
    { annotations: { [Annotation.DeleteAfterCompletion]: 'false' }, want: { deleteAfterCompletion: false } },
    { annotations: { [Annotation.PrePopulated]: 'dv1' }, want: { prePopulated: 'dv1' } },
    { annotations: { [Annotation.ImmediateBinding]: 'true' }, want: { immediateBinding: true } },
    { annotations: { [Annotation.PodRetainAfterCompletion]: 'true' }, want: { retainPodAfterCompletion: true } },
    { annotations: { [Annotation.UsePopulator]: 'false' }, want: { usePopulator: false } },
  ];
  for (const { annotations, want } of table) {
    const got = readDataVolumeAnnotations(withAnn(annotations));
    for (const [k, v] of Object.entries(want)) assert.equal(got[k as keyof typeof got], v, `${JSON.stringify(annotations)} ${k}`);
  }
});

test('readClaimAnnotations types pod state, conditions and markers', () => {
  const got = readClaimAnnotations(withAnn({
    [Annotation.PodPhase]: 'Running',
    [Annotation.PodRestarts]: '3',
    [Annotation.PodReady]: 'true',
    [Annotation.RunningCondition]: 'false',
    [Annotation.RunningConditionReason]: 'Error',
    [Annotation.RunningConditionMessage]: 'Unable to connect to http data source',
    [Annotation.BoundCondition]: 'TRUE',
    [Annotation.PopulatedFor]: 'dv1',
    [Annotation.ContentType]: 'archive',
    [Annotation.SelectedNode]: 'node-a',
    [Annotation.UploadRequest]: '',
    [Annotation.Endpoint]: 'http://example.com/disk.img',
  }));
  assert.equal(got.podPhase, 'Running');
  assert.equal(got.podRestarts, 3);
  assert.equal(got.podReady, true);
  assert.deepEqual(got.running, { status: 'False', reason: 'Error', message: 'Unable to connect to http data source' });
  assert.deepEqual(got.bound, { status: 'True', reason: '', message: '' });
  assert.equal(got.populatedFor, 'dv1');
  assert.equal(got.contentType, 'archive');
  assert.equal(got.selectedNode, 'node-a');
  assert.equal(got.uploadRequested, true);
  assert.equal(got.endpoint, 'http://example.com/disk.img');

  const odd = readClaimAnnotations(withAnn({
    [Annotation.PodPhase]: 'Exploded', [Annotation.PodRestarts]: '-1', [Annotation.ContentType]: 'tarball',
    [Annotation.RunningCondition]: 'whatever',
  }));
  assert.equal(odd.podPhase, undefined);
  assert.equal(odd.podRestarts, undefined);
  assert.equal(odd.contentType, undefined);
  assert.equal(odd.running?.status, 'Unknown');
  assert.equal(readClaimAnnotations(undefined).uploadRequested, false);
});

test('readStorageClassAnnotations compares default markers to "true" exactly, as CDI does', () => {
  const table: [Record<string, string>, boolean, boolean][] = [
    [{ [Annotation.DefaultStorageClass]: 'true' }, true, false],
    [{ [Annotation.DefaultStorageClass]: 'True' }, false, false],
    [{ [Annotation.DefaultVirtStorageClass]: 'true' }, false, true],
    [{}, false, false],
  ];
  for (const [annotations, isDefault, isVirt] of table) {
    const got = readStorageClassAnnotations(withAnn(annotations));
    assert.equal(got.isDefaultClass, isDefault);
    assert.equal(got.isDefaultVirtClass, isVirt);
  }
  assert.equal(readStorageClassAnnotations(withAnn({ [Annotation.StorageClassCloneStrategy]: 'csi-clone' })).cloneStrategy, 'csi-clone');
  assert.equal(readStorageClassAnnotations(withAnn({ [Annotation.StorageClassCloneStrategy]: 'teleport' })).cloneStrategy, undefined);
});

test('withClaimAnnotations writes CDI-formatted values, removes on null, and leaves the input alone', () => {
  const pvc = withAnn({ [Annotation.PodPhase]: 'Pending', keep: 'me' });
  const out = withClaimAnnotations(pvc, {
    podPhase: 'Running',
    podRestarts: 2,
    populatedFor: 'dv1',
    running: { status: 'True', reason: 'Pod is running', message: '' },
    uploadRequested: true,
  });
  assert.deepEqual(out.metadata.annotations, {
    keep: 'me',
    [Annotation.PodPhase]: 'Running',
    [Annotation.PodRestarts]: '2',
    [Annotation.PopulatedFor]: 'dv1',
    [Annotation.RunningCondition]: 'true',
    [Annotation.RunningConditionReason]: 'Pod is running',
    [Annotation.RunningConditionMessage]: '',
    [Annotation.UploadRequest]: 'true',
  });
  assert.deepEqual(pvc.metadata.annotations, { [Annotation.PodPhase]: 'Pending', keep: 'me' });
  const removed = withClaimAnnotations(out, { podPhase: null, running: null });
  assert.equal(removed.metadata.annotations[Annotation.PodPhase], undefined);
  assert.equal(removed.metadata.annotations[Annotation.RunningCondition], undefined);
  assert.equal(removed.metadata.annotations[Annotation.PodRestarts], '2');
  // Round trip through the reader.
  assert.equal(readClaimAnnotations(out).podRestarts, 2);
  assert.equal(readClaimAnnotations(out).running?.status, 'True');
});

test('withDataVolumeAnnotations formats booleans', () => {
  const input: { metadata: { annotations?: Record<string, string> } } = { metadata: {} };
  const out = withDataVolumeAnnotations(input, { deleteAfterCompletion: false, prePopulated: 'dv1' });
  assert.deepEqual(out.metadata.annotations, {
    [Annotation.DeleteAfterCompletion]: 'false',
    [Annotation.PrePopulated]: 'dv1',
  });
});

test('claimAnnotationMergePatch names only what the patch changes', () => {
  assert.deepEqual(claimAnnotationMergePatch({ populatedFor: 'dv1', podPhase: null }), {
    [Annotation.PopulatedFor]: 'dv1',
    [Annotation.PodPhase]: null,
  });
  assert.deepEqual(claimAnnotationMergePatch({}), {});
});
