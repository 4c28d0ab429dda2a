// Messages from apiextensions-apiserver pkg/apis/apiextensions/validation/validation.go and
// pkg/apiserver/schema/validation.go (structural schema); defaults from apis/apiextensions/v1
// defaults.go and the names/establishing controllers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  acceptCustomResourceDefinitionNames,
  defaultCustomResourceDefinition,
  validateCustomResourceDefinition,
} from '../../../src/cluster/apiserver/schema/index.ts';
import type { KubeObject } from '../../../src/cluster/apiserver/types.ts';

function dataVolumeCrd(): KubeObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'datavolumes.cdi.kubevirt.io' },
    spec: {
      group: 'cdi.kubevirt.io',
      names: { kind: 'DataVolume', plural: 'datavolumes', shortNames: ['dv', 'dvs'], categories: ['all'] },
      scope: 'Namespaced',
      versions: [
        {
          name: 'v1beta1',
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: [
            { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
            { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
            { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
          ],
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                apiVersion: { type: 'string' },
                kind: { type: 'string' },
                metadata: { type: 'object' },
                spec: {
                  type: 'object',
                  properties: {
                    source: { type: 'object', properties: { http: { type: 'object', properties: { url: { type: 'string' } } } } },
                    storage: { type: 'object', properties: { resources: { type: 'object', properties: { requests: { type: 'object', additionalProperties: { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] } } } } } },
                  },
                },
                status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
              },
            },
          },
        },
      ],
    },
  };
}

test('defaultCustomResourceDefinition fills singular, listKind, conversion and storedVersions', () => {
  const crd = dataVolumeCrd();
  defaultCustomResourceDefinition(crd);
  const spec = crd['spec'] as Record<string, Record<string, unknown>>;
  assert.equal(spec['names']?.['singular'], 'datavolume');
  assert.equal(spec['names']?.['listKind'], 'DataVolumeList');
  assert.deepEqual(spec['conversion'], { strategy: 'None' });
  assert.deepEqual((crd['status'] as Record<string, unknown>)['storedVersions'], ['v1beta1']);
  // idempotent and respects what is set
  defaultCustomResourceDefinition(crd);
  assert.equal(spec['names']?.['listKind'], 'DataVolumeList');
});

test('acceptCustomResourceDefinitionNames writes acceptedNames and the two conditions', () => {
  const crd = dataVolumeCrd();
  defaultCustomResourceDefinition(crd);
  acceptCustomResourceDefinitionNames(crd, new Date('2026-01-02T03:04:05.678Z'));
  const status = crd['status'] as Record<string, unknown>;
  assert.deepEqual(status['acceptedNames'], { plural: 'datavolumes', singular: 'datavolume', shortNames: ['dv', 'dvs'], kind: 'DataVolume', listKind: 'DataVolumeList', categories: ['all'] });
  assert.deepEqual(status['conditions'], [
    { type: 'NamesAccepted', status: 'True', lastTransitionTime: '2026-01-02T03:04:05Z', reason: 'NoConflicts', message: 'no conflicts found' },
    { type: 'Established', status: 'True', lastTransitionTime: '2026-01-02T03:04:05Z', reason: 'InitialNamesAccepted', message: 'the initial names have been accepted' },
  ]);
  assert.deepEqual(status['storedVersions'], ['v1beta1']);
});

test('a valid, defaulted CRD has no errors', () => {
  const crd = dataVolumeCrd();
  defaultCustomResourceDefinition(crd);
  assert.deepEqual(validateCustomResourceDefinition(crd), []);
});

test('metadata.name must be <plural>.<group>; group needs a dot', () => {
  const crd = dataVolumeCrd();
  crd.metadata.name = 'dvs.cdi.kubevirt.io';
  defaultCustomResourceDefinition(crd);
  assert.deepEqual(validateCustomResourceDefinition(crd), [
    { type: 'FieldValueInvalid', field: 'metadata.name', message: 'Invalid value: "dvs.cdi.kubevirt.io": must be spec.names.plural+"."+spec.group' },
  ]);
  const single = dataVolumeCrd();
  single.metadata.name = 'datavolumes.cdi';
  (single['spec'] as Record<string, unknown>)['group'] = 'cdi';
  defaultCustomResourceDefinition(single);
  assert.deepEqual(validateCustomResourceDefinition(single), [
    { type: 'FieldValueInvalid', field: 'spec.group', message: 'Invalid value: "cdi": should be a domain with at least one dot' },
  ]);
});

test('scope, names and versions', () => {
  const crd = dataVolumeCrd();
  const spec = crd['spec'] as Record<string, any>;
  spec.scope = 'Global';
  spec.names.kind = 'Data_Volume';
  spec.versions.push({ ...spec.versions[0], storage: true });
  defaultCustomResourceDefinition(crd);
  const errs = validateCustomResourceDefinition(crd);
  assert.deepEqual(errs.map((e) => [e.field, e.type]), [
    ['spec.scope', 'FieldValueNotSupported'],
    ['spec.names.singular', 'FieldValueInvalid'], // defaulted from the kind: "data_volume"
    ['spec.names.kind', 'FieldValueInvalid'],
    ['spec.names.listKind', 'FieldValueInvalid'],
    ['spec.versions', 'FieldValueInvalid'],
    ['spec.versions', 'FieldValueInvalid'],
  ]);
  assert.equal(errs[0]?.message, 'Unsupported value: "Global": supported values: "Cluster", "Namespaced"');
  assert.equal(
    errs[2]?.message,
    "Invalid value: \"Data_Volume\": may have mixed case, but should otherwise match: a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
  );
  assert.match(errs[4]?.message ?? '', /: must contain unique version names$/);
  assert.match(errs[5]?.message ?? '', /: must have exactly one version marked as storage version$/);
});

test('required names and a missing storage version', () => {
  const crd: KubeObject = { metadata: { name: 'x.example.com' }, spec: { group: 'example.com', names: {}, scope: 'Cluster', versions: [{ name: 'v1', served: true, storage: false, schema: { openAPIV3Schema: { type: 'object' } } }] } };
  defaultCustomResourceDefinition(crd);
  assert.deepEqual(validateCustomResourceDefinition(crd).map((e) => `${e.field}: ${e.message}`), [
    'metadata.name: Invalid value: "x.example.com": must be spec.names.plural+"."+spec.group',
    'spec.names.plural: Required value',
    'spec.names.singular: Required value',
    'spec.names.kind: Required value',
    'spec.names.listKind: Required value',
    'spec.versions: Invalid value: "[v1]": must have exactly one version marked as storage version',
  ]);
});

test('structural schema errors', () => {
  const crd = dataVolumeCrd();
  const version = (crd['spec'] as any).versions[0];
  version.schema.openAPIV3Schema = {
    type: 'object',
    properties: {
      spec: {
        properties: { a: { type: 'string' } },
        additionalProperties: { type: 'string' },
      },
      list: { type: 'array', items: { properties: {} } },
      ref: { $ref: '#/definitions/x' },
      bag: { 'x-kubernetes-preserve-unknown-fields': true },
      port: { 'x-kubernetes-int-or-string': true },
    },
  };
  defaultCustomResourceDefinition(crd);
  assert.deepEqual(validateCustomResourceDefinition(crd).map((e) => `${e.field}: ${e.message}`), [
    'spec.versions[0].schema.openAPIV3Schema.properties[spec].additionalProperties: Forbidden: additionalProperties and properties are mutual exclusive',
    'spec.versions[0].schema.openAPIV3Schema.properties[spec].type: Required value: must not be empty for specified object fields',
    'spec.versions[0].schema.openAPIV3Schema.properties[list].items.type: Required value: must not be empty for specified array items',
    'spec.versions[0].schema.openAPIV3Schema.properties[ref].$ref: Forbidden: $ref is not supported',
    'spec.versions[0].schema.openAPIV3Schema.properties[ref].type: Required value: must not be empty for specified object fields',
  ]);
});

test('root schema must be an object; schemas are required', () => {
  const crd = dataVolumeCrd();
  (crd['spec'] as any).versions[0].schema.openAPIV3Schema = { type: 'string' };
  defaultCustomResourceDefinition(crd);
  assert.deepEqual(validateCustomResourceDefinition(crd).map((e) => `${e.field}: ${e.message}`), [
    'spec.versions[0].schema.openAPIV3Schema.type: Invalid value: "string": must be object at the root',
  ]);
  delete (crd['spec'] as any).versions[0].schema;
  assert.deepEqual(validateCustomResourceDefinition(crd).map((e) => `${e.field}: ${e.message}`), [
    'spec.versions[0].schema.openAPIV3Schema: Required value: schemas are required',
  ]);
});

test('printer columns and scale subresource paths', () => {
  const crd = dataVolumeCrd();
  const version = (crd['spec'] as any).versions[0];
  version.additionalPrinterColumns = [
    { name: 'A', type: 'text', jsonPath: '.status.a' },
    { name: 'B', type: 'string', jsonPath: 'status.b' },
    { name: 'C', type: 'string', format: 'int32', jsonPath: '.status.c[' },
  ];
  version.subresources = { status: {}, scale: { specReplicasPath: '.status.replicas', statusReplicasPath: '' } };
  defaultCustomResourceDefinition(crd);
  assert.deepEqual(validateCustomResourceDefinition(crd).map((e) => `${e.field}: ${e.message}`), [
    'spec.versions[0].subresources.scale.specReplicasPath: Invalid value: ".status.replicas": should be a json path under .spec',
    'spec.versions[0].subresources.scale.statusReplicasPath: Required value',
    'spec.versions[0].additionalPrinterColumns[0].type: Unsupported value: "text": supported values: "boolean", "date", "integer", "number", "string"',
    'spec.versions[0].additionalPrinterColumns[1].jsonPath: Invalid value: "status.b": must be a simple json path starting with .',
    'spec.versions[0].additionalPrinterColumns[2].jsonPath: Invalid value: ".status.c[": unclosed array expect ]',
  ]);
});
