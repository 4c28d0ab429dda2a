import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DataVolume, DataVolumeSpec } from '../../../src/api/index.ts';
import { defaultDataVolume, validateDataVolume, type AdmissionContext } from '../../../src/controllers/decisions/index.ts';
import { claim, dataVolume, httpSource } from './fixtures.ts';

const pvc1Gi = { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } };
const storage1Gi = { resources: { requests: { storage: '1Gi' } } };
const blank = { blank: {} };
const ctx: AdmissionContext = { featureGateClaimAdoption: false };

interface Row {
  name: string;
  spec?: DataVolumeSpec;
  dv?: DataVolume;
  old?: DataVolume;
  ctx?: Partial<AdmissionContext>;
  /** undefined: allowed; else the one cause's message. */
  message?: string;
}

const rows: Row[] = [
  { name: 'blank with pvc', spec: { source: blank, pvc: pvc1Gi } },
  { name: 'http with storage and no size (Ferry derives it)', spec: { source: httpSource, storage: {} } },
  { name: 'http with pvc and no size (Ferry derives it)', spec: { source: httpSource, pvc: { accessModes: ['ReadWriteOnce'] } } },
  { name: 'clone with storage and no size', spec: { source: { pvc: { namespace: 'a', name: 'b' } }, storage: {} } },
  { name: 'sourceRef to a DataSource', spec: { sourceRef: { kind: 'DataSource', name: 'fedora' }, storage: {} } },
  { name: 'neither pvc nor storage', spec: { source: blank }, message: 'Missing Data volume PVC' },
  { name: 'both pvc and storage', spec: { source: blank, pvc: pvc1Gi, storage: storage1Gi }, message: 'Duplicate storage definition, both target storage and target pvc defined' },
  { name: 'blank pvc without size', spec: { source: blank, pvc: { accessModes: ['ReadWriteOnce'] } }, message: 'PVC size is missing' },
  { name: 'upload storage without size', spec: { source: { upload: {} }, storage: {} }, message: 'Storage size is missing' },
  { name: 'zero size', spec: { source: blank, pvc: { ...pvc1Gi, resources: { requests: { storage: '0' } } } }, message: "PVC size can't be equal or less than zero" },
  { name: 'under 1 MiB', spec: { source: blank, storage: { resources: { requests: { storage: '512Ki' } } } }, message: 'Storage size must be at least 1Mi' },
  { name: 'pvc without access modes', spec: { source: blank, pvc: { resources: pvc1Gi.resources } }, message: 'Required value: at least 1 access mode is required' },
  { name: 'pvc with two access modes', spec: { source: blank, pvc: { ...pvc1Gi, accessModes: ['ReadWriteOnce', 'ReadWriteMany'] } }, message: 'PVC multiple accessModes' },
  {
    name: 'pvc with an unsupported access mode', spec: { source: blank, pvc: { ...pvc1Gi, accessModes: ['ReadWriteOncePod'] } },
    message: 'Unsupported value: "ReadWriteOncePod": supported values: "ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce"',
  },
  { name: 'storage may list several access modes', spec: { source: blank, storage: { ...storage1Gi, accessModes: ['ReadWriteOnce', 'ReadWriteMany'] } } },
  { name: 'neither source nor sourceRef', spec: { storage: storage1Gi }, message: 'Data volume should have either Source or SourceRef, or be externally populated' },
  { name: 'both source and sourceRef', spec: { source: blank, sourceRef: { kind: 'DataSource', name: 'x' }, storage: storage1Gi }, message: 'Data volume should have either Source or SourceRef, or be externally populated' },
  { name: 'empty source', spec: { source: {}, storage: storage1Gi }, message: 'Missing Data volume source' },
  { name: 'two sources', spec: { source: { ...blank, ...httpSource }, storage: storage1Gi }, message: 'Multiple Data volume sources' },
  { name: 'sourceRef of another kind', spec: { sourceRef: { kind: 'PersistentVolumeClaim', name: 'x' }, storage: {} }, message: 'Unsupported sourceRef kind PersistentVolumeClaim, currently only DataSource is supported' },
  { name: 'sourceRef to a missing DataSource', spec: { sourceRef: { kind: 'DataSource', name: 'x' }, storage: {} }, ctx: { dataSource: null }, message: 'SourceRef DataSource/default/x not found' },
  { name: 'http url missing', spec: { source: { http: { url: '' } }, storage: {} }, message: 'spec.source source URL is empty' },
  { name: 'http url unparseable', spec: { source: { http: { url: 'not a url' } }, storage: {} }, message: 'spec.source Invalid source URL: not a url' },
  { name: 'http url with another scheme', spec: { source: { http: { url: 'ftp://example.com/x.img' } }, storage: {} }, message: 'spec.source Invalid source URL scheme: ftp://example.com/x.img' },
  { name: 'unknown content type', spec: { source: httpSource, storage: {}, contentType: 'tarball' as 'archive' }, message: 'ContentType not one of: kubevirt, archive' },
  { name: 'blank archive', spec: { source: blank, storage: storage1Gi, contentType: 'archive' }, message: 'SourceType cannot be blank and the contentType be archive' },
  { name: 'registry docker://', spec: { source: { registry: { url: 'docker://quay.io/containerdisks/fedora:40' } }, storage: {} } },
  { name: 'registry oci-archive://', spec: { source: { registry: { url: 'oci-archive:///images/disk.tar' } }, storage: {} } },
  { name: 'registry http://', spec: { source: { registry: { url: 'http://quay.io/x' } }, storage: {} }, message: 'Illegal registry source URL scheme http://quay.io/x' },
  { name: 'registry archive', spec: { source: { registry: { url: 'docker://x/y' } }, storage: {}, contentType: 'archive' }, message: 'ContentType must be kubevirt when Source is Registry' },
  { name: 'registry without url or image stream', spec: { source: { registry: {} }, storage: {} }, message: 'Source registry should have either URL or ImageStream' },
  { name: 'registry pull method', spec: { source: { registry: { url: 'docker://x/y', pullMethod: 'teleport' as 'pod' } }, storage: {} }, message: 'ImportMethod teleport is neither pod, node or ""' },
  { name: 'imageio without disk id', spec: { source: { imageio: { url: 'https://engine/api', diskId: '', secretRef: 's', certConfigMap: 'c' } }, storage: {} }, message: 'spec.source.Imageio source Imageio is not valid' },
  { name: 'vddk without thumbprint', spec: { source: { vddk: { url: 'https://vcenter', uuid: 'u', backingFile: 'b', secretRef: 's' } }, storage: {} }, message: 'spec.source.VDDK source VDDK is not valid' },
  { name: 'clone source without a name', spec: { source: { pvc: { namespace: 'a', name: '' } }, storage: {} }, message: 'spec.source.PVC source PVC is not valid' },
  { name: 'clone source not there yet: allowed, the clone waits for it', spec: { source: { pvc: { namespace: 'a', name: 'b' } }, storage: {} }, ctx: { sourceClaim: null } },
  { name: 'gcs gs:// url', spec: { source: { gcs: { url: 'gs://bucket/disk.img' } }, storage: {} } },
  { name: 'gcs url missing', spec: { source: { gcs: { url: '' } }, storage: {} }, message: 'spec.source source URL is empty' },
  { name: 'registry image stream with node pull', spec: { source: { registry: { imageStream: 'fedora', pullMethod: 'node' } }, storage: {} } },
  { name: 'registry image stream with pod pull', spec: { source: { registry: { imageStream: 'fedora' } }, storage: {} }, message: 'Source registry ImageStream is supported only with node pull import method' },
  { name: 'registry both url and image stream', spec: { source: { registry: { url: 'docker://x/y', imageStream: 'fedora', pullMethod: 'node' } }, storage: {} }, message: 'Source registry should have either URL or ImageStream' },
  {
    name: 'sourceRef to a DataSource not ready', spec: { sourceRef: { kind: 'DataSource', name: 'fedora' }, storage: {} },
    ctx: { dataSource: { metadata: { name: 'fedora' }, spec: { source: {} } } }, message: "Empty source field in 'fedora'. DataSource may not be ready yet",
  },
  { name: 'storage class name too long', spec: { source: blank, storage: { ...storage1Gi, storageClassName: 'c'.repeat(254) } }, message: 'Name cannot be longer than 253 characters' },
  {
    name: 'externally populated (dataSourceRef), no source', spec: { storage: { ...storage1Gi, dataSourceRef: { apiGroup: 'example.com', kind: 'Populator', name: 'p' } } },
  },
  {
    name: 'externally populated and a source', spec: { source: blank, storage: { ...storage1Gi, dataSourceRef: { apiGroup: 'example.com', kind: 'Populator', name: 'p' } } },
    message: 'External population is incompatible with Source and SourceRef',
  },
  {
    name: 'externally populated without an apiGroup', spec: { storage: { ...storage1Gi, dataSource: { kind: 'Populator', name: 'p' } } },
    message: "Required value: DataSource apiGroup when kind is not 'PersistentVolumeClaim'",
  },
  {
    name: 'clone content types differ', spec: { source: { pvc: { namespace: 'a', name: 'b' } }, storage: {} },
    ctx: { sourceClaim: claim('b', { annotations: { 'cdi.kubevirt.io/storage.contentType': 'archive' } }) },
    message: 'Source contentType (archive) and target contentType (kubevirt) do not match',
  },
  { name: 'name longer than 253', dv: dataVolume({ source: blank, pvc: pvc1Gi }, { name: 'x'.repeat(254) }), message: 'Name cannot be longer than 253 characters' },
  { name: 'a claim of the same name exists', spec: { source: blank, pvc: pvc1Gi }, ctx: { existingClaim: claim('dv1') }, message: 'Destination PVC default/dv1 already exists' },
  { name: 'a claim of the same name, adoption by annotation', dv: dataVolume({ source: blank, pvc: pvc1Gi }, { annotations: { 'cdi.kubevirt.io/allowClaimAdoption': 'true' } }), ctx: { existingClaim: claim('dv1') } },
  { name: 'a claim of the same name, adoption by the gate', spec: { source: blank, pvc: pvc1Gi }, ctx: { existingClaim: claim('dv1'), featureGateClaimAdoption: true } },
  {
    name: 'the annotation "false" overrides the gate', dv: dataVolume({ source: blank, pvc: pvc1Gi }, { annotations: { 'cdi.kubevirt.io/allowClaimAdoption': 'false' } }),
    ctx: { existingClaim: claim('dv1'), featureGateClaimAdoption: true }, message: 'Destination PVC default/dv1 already exists',
  },
  { name: 'a claim populated for this DataVolume (re-apply after GC)', spec: { source: blank, pvc: pvc1Gi }, ctx: { existingClaim: claim('dv1', { annotations: { 'cdi.kubevirt.io/storage.populatedFor': 'dv1' } }) } },
  {
    name: 'spec changes are refused', dv: dataVolume({ source: blank, pvc: { ...pvc1Gi, resources: { requests: { storage: '2Gi' } } } }),
    old: dataVolume({ source: blank, pvc: pvc1Gi }), message: 'Cannot update DataVolume Spec',
  },
  {
    name: 'an update spelling the same spec differently is not a change',
    dv: dataVolume({ source: blank, pvc: { resources: { requests: { storage: '1024Mi' } }, accessModes: ['ReadWriteOnce'] }, finalCheckpoint: false, checkpoints: [] }),
    old: dataVolume({ source: blank, pvc: pvc1Gi }),
  },
  {
    name: 'a pointer field set to its zero value is a change (preallocation: false)',
    dv: dataVolume({ source: blank, pvc: pvc1Gi, preallocation: false }), old: dataVolume({ source: blank, pvc: pvc1Gi }),
    message: 'Cannot update DataVolume Spec',
  },
  { name: 'an update leaving the spec alone is allowed (metadata changes)', dv: dataVolume({ source: blank, pvc: pvc1Gi }, { labels: { a: 'b' } }), old: dataVolume({ source: blank, pvc: pvc1Gi }) },
  {
    name: 'multi-stage: new checkpoints are allowed',
    dv: dataVolume({ source: { vddk: { url: 'https://vc', uuid: 'u', backingFile: 'b', thumbprint: 't', secretRef: 's' } }, storage: storage1Gi, checkpoints: [{ previous: '', current: 's1' }, { previous: 's1', current: 's2' }], finalCheckpoint: true }),
    old: dataVolume({ source: { vddk: { url: 'https://vc', uuid: 'u', backingFile: 'b', thumbprint: 't', secretRef: 's' } }, storage: storage1Gi, checkpoints: [{ previous: '', current: 's1' }] }),
  },
  {
    name: 'multi-stage: other changes are not',
    dv: dataVolume({ source: { vddk: { url: 'https://vc2', uuid: 'u', backingFile: 'b', thumbprint: 't', secretRef: 's' } }, storage: storage1Gi, checkpoints: [{ previous: '', current: 's1' }] }),
    old: dataVolume({ source: { vddk: { url: 'https://vc', uuid: 'u', backingFile: 'b', thumbprint: 't', secretRef: 's' } }, storage: storage1Gi, checkpoints: [{ previous: '', current: 's1' }] }),
    message: 'Cannot update DataVolume Spec',
  },
];

test('validateDataVolume', async (t) => {
  for (const row of rows) {
    await t.test(row.name, () => {
      const dv = row.dv ?? dataVolume(row.spec ?? {});
      const got = validateDataVolume(dv, row.old, { ...ctx, ...row.ctx });
      if (row.message === undefined) {
        assert.deepEqual(got, { allowed: true });
      } else {
        assert.equal(got.allowed, false);
        assert.ok(!got.allowed);
        assert.equal(got.causes.length, 1);
        assert.equal(got.causes[0]?.message, row.message);
        // CDI joins cause messages each after a space: "denied the request:  Destination PVC ..."
        assert.equal(got.message, ` ${row.message}`);
        assert.equal(got.code, 422);
      }
    });
  }
});

test('defaultDataVolume marks DataVolumes for garbage collection unless told otherwise', () => {
  const plain = dataVolume({ source: blank, pvc: pvc1Gi });
  const on = defaultDataVolume(plain, { dataVolumeTTLSeconds: 0 });
  assert.equal(on.dv.metadata.annotations?.['cdi.kubevirt.io/storage.deleteAfterCompletion'], 'true');
  assert.deepEqual(on.patch, [{ op: 'add', path: '/metadata/annotations', value: { 'cdi.kubevirt.io/storage.deleteAfterCompletion': 'true' } }]);
  assert.equal(plain.metadata.annotations, undefined, 'input untouched');

  const annotated = dataVolume({ source: blank, pvc: pvc1Gi }, { annotations: { other: 'x' } });
  assert.deepEqual(defaultDataVolume(annotated, { dataVolumeTTLSeconds: 0 }).patch, [
    { op: 'add', path: '/metadata/annotations/cdi.kubevirt.io~1storage.deleteAfterCompletion', value: 'true' },
  ]);
  const kept = dataVolume({ source: blank, pvc: pvc1Gi }, { annotations: { 'cdi.kubevirt.io/storage.deleteAfterCompletion': 'false' } });
  assert.deepEqual(defaultDataVolume(kept, { dataVolumeTTLSeconds: 0 }).patch, []);
  assert.deepEqual(defaultDataVolume(plain, { dataVolumeTTLSeconds: -1 }).patch, []);
});

test('defaultDataVolume fills a clone source\'s namespace with the DataVolume\'s', () => {
  const clone = dataVolume({ source: { pvc: { namespace: '', name: 'golden' } }, storage: {} });
  const got = defaultDataVolume(clone, { dataVolumeTTLSeconds: -1 });
  assert.equal(got.dv.spec.source?.pvc?.namespace, 'default');
  assert.deepEqual(got.patch, [{ op: 'add', path: '/spec/source/pvc/namespace', value: 'default' }]);
  assert.equal(validateDataVolume(got.dv, undefined, ctx).allowed, true);
});
