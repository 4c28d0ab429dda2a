import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { builtinResources, builtinSchemas } from '../../../src/cluster/apiserver/resources/index.ts';
import type { Schema } from '../../../src/cluster/apiserver/types.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const committed = join(root, 'src/cluster/apiserver/resources/generated/schemas.json');

test('the generator reproduces the committed schemas.json byte for byte', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-openapi-'));
  try {
    const output = join(dir, 'schemas.json');
    execFileSync(process.execPath, [join(root, 'scripts/gen-openapi.ts'), output], { cwd: root });
    assert.ok(readFileSync(output).equals(readFileSync(committed)), 'regenerate with: node scripts/gen-openapi.ts');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('every registered kind has its definition, tagged with its group/version/kind', () => {
  for (const r of builtinResources) {
    const schema = builtinSchemas[r.schemaName];
    assert.ok(schema, `${r.kind}: no definition ${r.schemaName}`);
    const gvks = schema['x-kubernetes-group-version-kind'] ?? [];
    assert.ok(
      gvks.some((g) => g.group === r.group && g.version === r.version && g.kind === r.kind),
      `${r.schemaName} lacks the GVK ${r.group}/${r.version} ${r.kind}`,
    );
    if (r.verbs.includes('list')) assert.ok(builtinSchemas[`${r.schemaName}List`], `${r.kind}: no list definition`);
  }
});

function collectRefs(schema: unknown, refs: Set<string>): void {
  if (Array.isArray(schema)) for (const item of schema) collectRefs(item, refs);
  else if (schema && typeof schema === 'object') {
    for (const [key, value] of Object.entries(schema)) {
      if (key === '$ref' && typeof value === 'string') refs.add(value);
      else collectRefs(value, refs);
    }
  }
}

test('every $ref points at a definition of the file', () => {
  const refs = new Set<string>();
  collectRefs(builtinSchemas, refs);
  assert.ok(refs.size > 100);
  for (const ref of refs) {
    assert.ok(ref.startsWith('#/components/schemas/'), ref);
    assert.ok(builtinSchemas[ref.slice('#/components/schemas/'.length)], `dangling ${ref}`);
  }
});

function property(definition: string, name: string): Schema {
  const schema = builtinSchemas[definition]?.properties?.[name];
  assert.ok(schema, `${definition}.${name} missing`);
  return schema;
}

test('definitions carry the real names, descriptions and required fields', () => {
  const names = Object.keys(builtinSchemas);
  for (const expected of [
    'io.k8s.api.core.v1.Pod',
    'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta',
    'io.k8s.api.core.v1.TopologySelectorTerm',
    'io.k8s.api.storage.v1.StorageClass',
    'io.k8s.api.events.v1.Event',
    'io.k8s.api.core.v1.Event',
    'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps',
    'io.k8s.kube-aggregator.pkg.apis.apiregistration.v1.APIService',
    'io.k8s.api.rbac.v1.Subject',
    'io.k8s.apimachinery.pkg.api.resource.Quantity',
  ]) {
    assert.ok(names.includes(expected), expected);
  }
  assert.ok(!names.some((n) => n.includes('.V1') || n.includes('CoreV1')), 'client-node class names leaked');
  assert.match(builtinSchemas['io.k8s.api.core.v1.Pod']?.description ?? '', /^Pod is a collection of containers/);
  assert.deepEqual(builtinSchemas['io.k8s.api.core.v1.Container']?.required, ['name']);
  assert.deepEqual(builtinSchemas['io.k8s.api.core.v1.PodSpec']?.required, ['containers']);
});

test('object-typed properties are references to the named definition', () => {
  // client-node keeps no description for these, so there is nothing to wrap in allOf.
  assert.deepEqual(property('io.k8s.api.core.v1.PodSpec', 'affinity'), { $ref: '#/components/schemas/io.k8s.api.core.v1.Affinity' });
  assert.deepEqual(property('io.k8s.api.core.v1.PodSpec', 'containers').items, { $ref: '#/components/schemas/io.k8s.api.core.v1.Container' });
});

test('scalars: times, IntOrString, quantities, integers, preserved unknown fields', () => {
  assert.deepEqual(
    { type: property('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', 'creationTimestamp').type, format: property('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', 'creationTimestamp').format },
    { type: 'string', format: 'date-time' },
  );
  assert.equal(property('io.k8s.api.coordination.v1.LeaseSpec', 'renewTime').format, 'date-time');
  const targetPort = property('io.k8s.api.core.v1.ServicePort', 'targetPort');
  assert.equal(targetPort['x-kubernetes-int-or-string'], true);
  assert.deepEqual(targetPort.anyOf, [{ type: 'integer' }, { type: 'string' }]);
  assert.deepEqual(property('io.k8s.api.core.v1.VolumeResourceRequirements', 'requests').additionalProperties, {
    $ref: '#/components/schemas/io.k8s.apimachinery.pkg.api.resource.Quantity',
  });
  assert.deepEqual(builtinSchemas['io.k8s.apimachinery.pkg.api.resource.Quantity']?.oneOf, [{ type: 'string' }, { type: 'number' }]);
  const port = property('io.k8s.api.core.v1.ContainerPort', 'containerPort');
  assert.deepEqual([port.type, port.format], ['integer', 'int32']);
  assert.equal(property('io.k8s.api.core.v1.Secret', 'data').additionalProperties instanceof Object, true);
  assert.equal(
    property('io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps', 'default')['x-kubernetes-preserve-unknown-fields'],
    true,
  );
});

test('strategic merge and apply extensions are where the real spec has them', () => {
  const containers = property('io.k8s.api.core.v1.PodSpec', 'containers');
  assert.equal(containers['x-kubernetes-patch-merge-key'], 'name');
  assert.equal(containers['x-kubernetes-patch-strategy'], 'merge');
  assert.equal(property('io.k8s.api.core.v1.PodSpec', 'volumes')['x-kubernetes-patch-strategy'], 'merge,retainKeys');
  assert.equal(property('io.k8s.api.core.v1.Container', 'volumeMounts')['x-kubernetes-patch-merge-key'], 'mountPath');
  const ports = property('io.k8s.api.core.v1.Container', 'ports');
  assert.equal(ports['x-kubernetes-list-type'], 'map');
  assert.deepEqual(ports['x-kubernetes-list-map-keys'], ['containerPort', 'protocol']);
  assert.deepEqual(property('io.k8s.api.core.v1.ServiceSpec', 'ports')['x-kubernetes-list-map-keys'], ['port', 'protocol']);
  assert.equal(property('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', 'finalizers')['x-kubernetes-patch-strategy'], 'merge');
  assert.equal(property('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', 'ownerReferences')['x-kubernetes-patch-merge-key'], 'uid');
  assert.equal(property('io.k8s.api.core.v1.PersistentVolumeClaimStatus', 'conditions')['x-kubernetes-patch-merge-key'], 'type');
  assert.equal(property('io.k8s.api.core.v1.PersistentVolumeClaimSpec', 'accessModes')['x-kubernetes-list-type'], 'atomic');
  assert.equal(builtinSchemas['io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector']?.['x-kubernetes-map-type'], 'atomic');
});
