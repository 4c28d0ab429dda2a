import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DataSource, DataVolumeSpec } from '../../../src/api/index.ts';
import { dataVolumeOperation, renderClaim, type DataVolumeOperation } from '../../../src/controllers/decisions/index.ts';
import { dataVolume, httpSource } from './fixtures.ts';

const dataSource = (source: DataSource['spec']['source']): DataSource => ({ metadata: { name: 'fedora' }, spec: { source } });

test('dataVolumeOperation', () => {
  const table: [string, DataVolumeSpec, DataSource | undefined, DataVolumeOperation][] = [
    ['http', { source: httpSource }, undefined, 'Import'],
    ['blank', { source: { blank: {} } }, undefined, 'Import'],
    ['registry', { source: { registry: { url: 'docker://x/y' } } }, undefined, 'Import'],
    ['upload', { source: { upload: {} } }, undefined, 'Upload'],
    ['pvc', { source: { pvc: { namespace: 'a', name: 'b' } } }, undefined, 'Clone'],
    ['snapshot', { source: { snapshot: { namespace: 'a', name: 'b' } } }, undefined, 'Clone'],
    ['sourceRef to a PVC', { sourceRef: { kind: 'DataSource', name: 'fedora' } }, dataSource({ pvc: { namespace: 'a', name: 'b' } }), 'Clone'],
    ['sourceRef, DataSource unknown', { sourceRef: { kind: 'DataSource', name: 'fedora' } }, undefined, 'None'],
    ['no source', {}, undefined, 'None'],
  ];
  for (const [name, spec, ds, want] of table) assert.equal(dataVolumeOperation(dataVolume(spec), ds), want, name);
});

test('renderClaim: CDI\'s labels, annotations and owner', () => {
  const dv = dataVolume(
    { source: httpSource, storage: {}, priorityClassName: 'kubevirt', contentType: 'archive' },
    { labels: { team: 'a' }, annotations: { 'cdi.kubevirt.io/storage.pod.retainAfterCompletion': 'true' } },
  );
  const pvc = renderClaim({
    dv,
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
    preallocationDefault: true,
    annotations: { source: 'http', endpoint: 'http://example.com/disk.img' },
  });
  assert.equal(pvc.metadata?.name, 'dv1');
  assert.equal(pvc.metadata?.namespace, 'default');
  assert.deepEqual(pvc.metadata?.labels, {
    app: 'containerized-data-importer', 'alerts.k8s.io/KubePersistentVolumeFillingUp': 'disabled', team: 'a',
  });
  assert.deepEqual(pvc.metadata?.annotations, {
    'cdi.kubevirt.io/storage.pod.retainAfterCompletion': 'true',
    'cdi.kubevirt.io/storage.pod.restarts': '0',
    'cdi.kubevirt.io/storage.contentType': 'archive',
    'cdi.kubevirt.io/storage.preallocation.requested': 'true',
    'cdi.kubevirt.io/storage.pod.priorityclassname': 'kubevirt',
    'cdi.kubevirt.io/createdForDataVolume': 'dv-uid-1',
    'cdi.kubevirt.io/storage.import.source': 'http',
    'cdi.kubevirt.io/storage.import.endpoint': 'http://example.com/disk.img',
  });
  assert.deepEqual(pvc.metadata?.ownerReferences, [
    { apiVersion: 'cdi.kubevirt.io/v1beta1', kind: 'DataVolume', name: 'dv1', uid: 'dv-uid-1', controller: true, blockOwnerDeletion: true },
  ]);
  assert.deepEqual(pvc.spec, { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } });
});

test('renderClaim: Block claims keep the filling-up alert; the DataVolume\'s preallocation wins', () => {
  const dv = dataVolume({ source: { blank: {} }, storage: {}, preallocation: false });
  const pvc = renderClaim({ dv, spec: { volumeMode: 'Block' }, preallocationDefault: true });
  assert.deepEqual(pvc.metadata?.labels, { app: 'containerized-data-importer' });
  assert.equal(pvc.metadata?.annotations?.['cdi.kubevirt.io/storage.preallocation.requested'], 'false');
  assert.equal(pvc.metadata?.annotations?.['cdi.kubevirt.io/storage.contentType'], 'kubevirt');
});
