import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Ajv } from 'ajv';
import { ferryCustomResourceDefinitions, type JSONSchemaProps } from '../../src/api/index.ts';
import { renderCrdFiles } from '../../scripts/gen-crds.ts';

const crds = ferryCustomResourceDefinitions();
const byKind = (kind: string) => {
  const crd = crds.find((c) => c.spec.names.kind === kind);
  assert.ok(crd, kind);
  return crd;
};

test('deploy/crds is exactly what scripts/gen-crds.ts generates (run it after changing src/api/crds)', () => {
  const dir = join(import.meta.dirname, '..', '..', 'deploy', 'crds');
  const files = renderCrdFiles();
  assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort(), [...files.keys()].sort());
  for (const [name, text] of files) assert.equal(readFileSync(join(dir, name), 'utf8'), text, name);
  // Deterministic: a second rendering is byte-identical.
  assert.deepEqual(renderCrdFiles(), files);
});

test('kinds, scopes, names and printer columns are CDI\'s', () => {
  const table: [string, string, 'Namespaced' | 'Cluster', string[] | undefined][] = [
    ['DataVolume', 'datavolumes', 'Namespaced', ['dv', 'dvs']],
    ['StorageProfile', 'storageprofiles', 'Cluster', undefined],
    ['CDIConfig', 'cdiconfigs', 'Cluster', undefined],
    ['CDI', 'cdis', 'Cluster', ['cdi', 'cdis']],
    ['DataSource', 'datasources', 'Namespaced', ['das']],
    ['VolumeImportSource', 'volumeimportsources', 'Namespaced', undefined],
    ['VolumeUploadSource', 'volumeuploadsources', 'Namespaced', undefined],
    ['VolumeCloneSource', 'volumeclonesources', 'Namespaced', undefined],
    ['ObjectTransfer', 'objecttransfers', 'Cluster', ['ot', 'ots']],
  ];
  assert.equal(crds.length, table.length);
  for (const [kind, plural, scope, shortNames] of table) {
    const crd = byKind(kind);
    assert.equal(crd.metadata.name, `${plural}.cdi.kubevirt.io`);
    assert.equal(crd.spec.group, 'cdi.kubevirt.io');
    assert.equal(crd.spec.scope, scope);
    assert.equal(crd.spec.names.plural, plural);
    assert.deepEqual(crd.spec.names.shortNames, shortNames);
    assert.equal(crd.spec.versions.length, 1);
    const [version] = crd.spec.versions;
    assert.equal(version?.name, 'v1beta1');
    assert.equal(version?.served, true);
    assert.equal(version?.storage, true);
    assert.deepEqual(version?.subresources, { status: {} });
  }
  const dv = byKind('DataVolume');
  assert.deepEqual(dv.spec.names.categories, ['all']);
  assert.deepEqual(
    dv.spec.versions[0]?.additionalPrinterColumns?.map((c) => [c.name, c.type, c.jsonPath]),
    [
      ['Phase', 'string', '.status.phase'],
      ['Progress', 'string', '.status.progress'],
      ['Restarts', 'integer', '.status.restartCount'],
      ['Age', 'date', '.metadata.creationTimestamp'],
    ],
  );
});

/** Every node says what it is (structural schema rule), walking properties, items and maps. */
function assertStructural(schema: JSONSchemaProps, path: string): void {
  const typed = schema.type !== undefined || schema['x-kubernetes-int-or-string'] || schema['x-kubernetes-preserve-unknown-fields'];
  assert.ok(typed, `${path} has no type`);
  if (schema.anyOf) for (const alt of schema.anyOf) assert.equal(alt.properties, undefined, `${path}: anyOf may not declare properties`);
  for (const [name, child] of Object.entries(schema.properties ?? {})) assertStructural(child, `${path}.${name}`);
  if (schema.items) assertStructural(schema.items, `${path}[]`);
  if (schema.additionalProperties) assertStructural(schema.additionalProperties, `${path}{}`);
  if (schema.required) for (const r of schema.required) assert.ok(schema.properties?.[r], `${path}: required ${r} is not a property`);
}

test('every schema is structural', () => {
  for (const crd of crds) assertStructural(crd.spec.versions[0]!.schema.openAPIV3Schema, crd.spec.names.kind);
});

test('the DataVolume schema validates what CDI validates', () => {
  const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true });
  const validate = ajv.compile(byKind('DataVolume').spec.versions[0]!.schema.openAPIV3Schema);
  const dv = (spec: unknown) => ({ apiVersion: 'cdi.kubevirt.io/v1beta1', kind: 'DataVolume', metadata: { name: 'x' }, spec });
  const good = { source: { http: { url: 'http://example.com/a.img' } }, storage: { resources: { requests: { storage: '1Gi' } } } };
  const table: [string, unknown, boolean][] = [
    ['http import with storage', good, true],
    ['blank with pvc and integer size', { source: { blank: {} }, pvc: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: 1073741824 } } } }, true],
    ['archive content', { ...good, contentType: 'archive' }, true],
    ['checkpoints', { ...good, checkpoints: [{ previous: '', current: 'snap-1' }], finalCheckpoint: true }, true],
    ['unknown content type', { ...good, contentType: 'tarball' }, false],
    ['preallocation not a boolean', { ...good, preallocation: 'yes' }, false],
    ['size not a quantity', { source: { blank: {} }, storage: { resources: { requests: { storage: 'lots' } } } }, false],
    ['http without url', { source: { http: {} }, storage: {} }, false],
    ['registry pull method', { source: { registry: { url: 'docker://x', pullMethod: 'teleport' } }, storage: {} }, false],
    ['checkpoint without current', { ...good, checkpoints: [{ previous: '' }] }, false],
    ['no spec', undefined, false],
  ];
  for (const [name, spec, want] of table) {
    const obj = dv(spec);
    if (spec === undefined) delete (obj as { spec?: unknown }).spec;
    assert.equal(validate(obj), want, `${name}: ${ajv.errorsText(validate.errors)}`);
  }
});

test('the CDIConfig schema checks overhead percentages and the StorageProfile schema clone strategies', () => {
  const ajv = new Ajv({ strict: false, validateFormats: false });
  const config = ajv.compile(byKind('CDIConfig').spec.versions[0]!.schema.openAPIV3Schema);
  const withOverhead = (global: string) => ({ metadata: {}, spec: { filesystemOverhead: { global } } });
  assert.equal(config(withOverhead('0.055')), true);
  assert.equal(config(withOverhead('0')), true);
  assert.equal(config(withOverhead('1.5')), false);
  assert.equal(config(withOverhead('0.0555')), false);
  assert.equal(config({ metadata: {}, spec: { dataVolumeTTLSeconds: -1, featureGates: ['HonorWaitForFirstConsumer'] } }), true);
  const profile = ajv.compile(byKind('StorageProfile').spec.versions[0]!.schema.openAPIV3Schema);
  assert.equal(profile({ metadata: {}, spec: { cloneStrategy: 'csi-clone' } }), true);
  assert.equal(profile({ metadata: {}, spec: { cloneStrategy: 'teleport' } }), false);
});

test('ferryCustomResourceDefinitions returns independent copies', () => {
  const a = ferryCustomResourceDefinitions();
  a[0]!.spec.names.kind = 'Changed';
  assert.equal(ferryCustomResourceDefinitions()[0]!.spec.names.kind, 'DataVolume');
});
