// Generates src/cluster/apiserver/resources/generated/schemas.json: the OpenAPI v3
// `components.schemas` of the built-in kinds the embedded API server serves, with the real
// definition names, from @kubernetes/client-node's generated models (k8s 1.34).
//
// Inputs: each model's `attributeTypeMap` (types and formats) and the `.d.ts` beside it
// (descriptions as JSDoc; a property without `?` is required), plus the hand-written table of
// Kubernetes extensions in resources/openapi-extensions.ts. Only definitions reachable from the
// kinds in `rootKinds` are written, so the file stays small.
//
// Usage: node scripts/gen-openapi.ts [output-file]. The output is deterministic: running it
// again reproduces the committed file byte for byte.

import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as k8s from '@kubernetes/client-node';
import type { Schema } from '../src/cluster/apiserver/types.ts';
import {
  atomicStructs,
  propertyExtensions,
  quantityProperties,
} from '../src/cluster/apiserver/resources/openapi-extensions.ts';

interface Attribute {
  name: string;
  baseName: string;
  type: string;
  format: string;
}

interface RootKind {
  model: string;
  group: string;
  version: string;
  kind: string;
}

const metaPackage = 'io.k8s.apimachinery.pkg.apis.meta.v1';
const quantityName = 'io.k8s.apimachinery.pkg.api.resource.Quantity';

function root(model: string, group: string, kind: string): RootKind[] {
  return [
    { model, group, version: 'v1', kind },
    { model: `${model}List`, group, version: 'v1', kind: `${kind}List` },
  ];
}

/** The kinds served, in the order that decides which package an unprefixed model belongs to. */
const rootKinds: RootKind[] = [
  ...root('V1Namespace', '', 'Namespace'),
  ...root('V1ConfigMap', '', 'ConfigMap'),
  ...root('V1Secret', '', 'Secret'),
  ...root('V1ServiceAccount', '', 'ServiceAccount'),
  ...root('V1Service', '', 'Service'),
  ...root('V1Endpoints', '', 'Endpoints'),
  ...root('V1Pod', '', 'Pod'),
  ...root('V1PersistentVolume', '', 'PersistentVolume'),
  ...root('V1PersistentVolumeClaim', '', 'PersistentVolumeClaim'),
  ...root('CoreV1Event', '', 'Event'),
  ...root('V1Node', '', 'Node'),
  { model: 'V1Status', group: '', version: 'v1', kind: 'Status' },
  ...root('V1EndpointSlice', 'discovery.k8s.io', 'EndpointSlice'),
  ...root('EventsV1Event', 'events.k8s.io', 'Event'),
  ...root('V1StorageClass', 'storage.k8s.io', 'StorageClass'),
  ...root('V1CSIDriver', 'storage.k8s.io', 'CSIDriver'),
  ...root('V1CSINode', 'storage.k8s.io', 'CSINode'),
  ...root('V1Lease', 'coordination.k8s.io', 'Lease'),
  ...root('V1CustomResourceDefinition', 'apiextensions.k8s.io', 'CustomResourceDefinition'),
  ...root('V1Role', 'rbac.authorization.k8s.io', 'Role'),
  ...root('V1ClusterRole', 'rbac.authorization.k8s.io', 'ClusterRole'),
  ...root('V1RoleBinding', 'rbac.authorization.k8s.io', 'RoleBinding'),
  ...root('V1ClusterRoleBinding', 'rbac.authorization.k8s.io', 'ClusterRoleBinding'),
  ...root('V1MutatingWebhookConfiguration', 'admissionregistration.k8s.io', 'MutatingWebhookConfiguration'),
  ...root('V1ValidatingWebhookConfiguration', 'admissionregistration.k8s.io', 'ValidatingWebhookConfiguration'),
  ...root('V1APIService', 'apiregistration.k8s.io', 'APIService'),
  ...root('V1PriorityClass', 'scheduling.k8s.io', 'PriorityClass'),
  { model: 'V1SubjectAccessReview', group: 'authorization.k8s.io', version: 'v1', kind: 'SubjectAccessReview' },
  { model: 'V1SelfSubjectAccessReview', group: 'authorization.k8s.io', version: 'v1', kind: 'SelfSubjectAccessReview' },
  { model: 'V1LocalSubjectAccessReview', group: 'authorization.k8s.io', version: 'v1', kind: 'LocalSubjectAccessReview' },
  { model: 'V1TokenReview', group: 'authentication.k8s.io', version: 'v1', kind: 'TokenReview' },
];

/** Models without a GVK that clients still need (DeleteOptions is the body of DELETE). */
const extraModels = ['V1DeleteOptions'];

/** Models of k8s.io/apimachinery's meta/v1, wherever they are first reached. */
const metaModels = new Set([
  'V1ObjectMeta', 'V1ListMeta', 'V1OwnerReference', 'V1ManagedFieldsEntry', 'V1LabelSelector',
  'V1LabelSelectorRequirement', 'V1Condition', 'V1Status', 'V1StatusDetails', 'V1StatusCause',
  'V1DeleteOptions', 'V1Preconditions', 'V1FieldSelectorRequirement',
]);

/** Unprefixed models that belong to another package than the first kind reaching them. */
const packageOverrides: Record<string, string> = {
  V1TopologySelectorTerm: 'io.k8s.api.core.v1',
  V1TopologySelectorLabelRequirement: 'io.k8s.api.core.v1',
};

/** Package of a group's kinds; prefixed models (`CoreV1Event`) name their group the same way. */
const groupPackages: Record<string, string> = {
  '': 'io.k8s.api.core.v1',
  'discovery.k8s.io': 'io.k8s.api.discovery.v1',
  'events.k8s.io': 'io.k8s.api.events.v1',
  'storage.k8s.io': 'io.k8s.api.storage.v1',
  'coordination.k8s.io': 'io.k8s.api.coordination.v1',
  'apiextensions.k8s.io': 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1',
  'rbac.authorization.k8s.io': 'io.k8s.api.rbac.v1',
  'admissionregistration.k8s.io': 'io.k8s.api.admissionregistration.v1',
  'apiregistration.k8s.io': 'io.k8s.kube-aggregator.pkg.apis.apiregistration.v1',
  'scheduling.k8s.io': 'io.k8s.api.scheduling.v1',
  'authorization.k8s.io': 'io.k8s.api.authorization.v1',
  'authentication.k8s.io': 'io.k8s.api.authentication.v1',
};

const prefixPackages: Record<string, string> = {
  Core: 'io.k8s.api.core.v1',
  Discovery: 'io.k8s.api.discovery.v1',
  Events: 'io.k8s.api.events.v1',
  Storage: 'io.k8s.api.storage.v1',
  Authentication: 'io.k8s.api.authentication.v1',
  Admissionregistration: 'io.k8s.api.admissionregistration.v1',
  Apiextensions: 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1',
  Apiregistration: 'io.k8s.kube-aggregator.pkg.apis.apiregistration.v1',
  Rbac: 'io.k8s.api.rbac.v1',
};

const modelPattern = /^(?<prefix>[A-Z][a-z]+)?V\d+(?:(?:alpha|beta)\d+)?(?<name>[A-Z]\w*)$/;

const modelsDir = join(
  dirname(createRequire(import.meta.url).resolve('@kubernetes/client-node')),
  'gen',
  'models',
);

function attributesOf(model: string): Attribute[] {
  const cls = (k8s as unknown as Record<string, { attributeTypeMap?: Attribute[] } | undefined>)[model];
  if (!cls?.attributeTypeMap) throw new Error(`@kubernetes/client-node has no model ${model}`);
  return cls.attributeTypeMap;
}

interface ModelDocs {
  description: string;
  properties: Map<string, { description: string; required: boolean }>;
}

function unescapeDoc(text: string): string {
  return text.replace(/\\(.)/g, '$1');
}

function docsOf(model: string): ModelDocs {
  const source = readFileSync(join(modelsDir, `${model}.d.ts`), 'utf8');
  const classMatch = /\/\*\*\n\* ([\s\S]*?)\n\*\/\nexport declare class /.exec(source);
  const properties = new Map<string, { description: string; required: boolean }>();
  const body = source.slice(source.indexOf('export declare class '));
  const propertyPattern = /(?:\/\*\*\n\s*\* ([\s\S]*?)\n\s*\*\/\n)?\s*'([^']+)'(\?)?: /g;
  for (const m of body.matchAll(propertyPattern)) {
    properties.set(m[2] ?? '', { description: unescapeDoc(m[1] ?? ''), required: m[3] === undefined });
  }
  return { description: unescapeDoc(classMatch?.[1] ?? ''), properties };
}

function modelReferences(type: string): string[] {
  return [...type.matchAll(/\b((?:[A-Z][a-z]+)?V\d+(?:(?:alpha|beta)\d+)?[A-Z]\w*)\b/g)]
    .map((m) => m[1] ?? '')
    .filter((name) => name !== 'V1MicroTime');
}

/** Walks from the roots, naming each model after the package of the first kind that reaches it. */
function assignNames(): Map<string, string> {
  const names = new Map<string, string>();
  const visit = (model: string, pkg: string): void => {
    if (names.has(model)) return;
    const m = modelPattern.exec(model);
    if (!m?.groups) throw new Error(`unexpected model name ${model}`);
    const { prefix, name } = m.groups;
    let modelPackage = pkg;
    if (metaModels.has(model)) modelPackage = metaPackage;
    else if (packageOverrides[model]) modelPackage = packageOverrides[model];
    else if (prefix) {
      const fromPrefix = prefixPackages[prefix];
      if (!fromPrefix) throw new Error(`no package for model prefix ${prefix}`);
      modelPackage = fromPrefix;
    }
    names.set(model, `${modelPackage}.${name ?? ''}`);
    for (const attribute of attributesOf(model)) {
      for (const ref of modelReferences(attribute.type)) visit(ref, modelPackage);
    }
  };
  for (const kind of rootKinds) visit(kind.model, groupPackages[kind.group] ?? '');
  for (const model of extraModels) visit(model, metaPackage);
  return names;
}

function withDescription(schema: Schema, description: string): Schema {
  if (!description) return schema;
  if (schema.$ref) return { allOf: [schema], description };
  return { description, ...schema };
}

function quantityRef(): Schema {
  return { $ref: `#/components/schemas/${quantityName}` };
}

function schemaOfType(type: string, format: string, names: Map<string, string>): Schema {
  const array = /^Array<(.+)>$/.exec(type);
  if (array) return { type: 'array', items: schemaOfType(array[1] ?? '', format, names) };
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map) return { type: 'object', additionalProperties: schemaOfType(map[1] ?? '', format, names) };
  switch (type) {
    case 'string':
      return format ? { type: 'string', format } : { type: 'string' };
    case 'boolean':
      return { type: 'boolean' };
    case 'number':
      return format === 'double' ? { type: 'number', format } : { type: 'integer', format: format || 'int64' };
    case 'Date':
    case 'V1MicroTime':
      return { type: 'string', format: 'date-time' };
    case 'IntOrString':
      return { anyOf: [{ type: 'integer' }, { type: 'string' }], 'x-kubernetes-int-or-string': true };
    case 'any':
      return { 'x-kubernetes-preserve-unknown-fields': true };
    default: {
      const name = names.get(type);
      if (!name) throw new Error(`type ${type} was not reached`);
      return { $ref: `#/components/schemas/${name}` };
    }
  }
}

function definitionOf(model: string, names: Map<string, string>): Schema {
  const defName = names.get(model) ?? '';
  const docs = docsOf(model);
  const properties: Record<string, Schema> = {};
  const required: string[] = [];
  const attributes = [...attributesOf(model)].sort((a, b) => (a.baseName < b.baseName ? -1 : 1));
  for (const attribute of attributes) {
    const doc = docs.properties.get(attribute.name);
    const key = `${defName}.${attribute.baseName}`;
    let schema = schemaOfType(attribute.type, attribute.format, names);
    const quantity = quantityProperties[key];
    if (quantity === 'map') schema = { type: 'object', additionalProperties: quantityRef() };
    if (quantity === 'scalar') schema = quantityRef();
    schema = { ...withDescription(schema, doc?.description ?? ''), ...propertyExtensions[key] };
    properties[attribute.baseName] = schema;
    if (doc?.required) required.push(attribute.baseName);
  }
  const definition: Schema = { type: 'object' };
  if (docs.description) definition.description = docs.description;
  definition.properties = properties;
  if (required.length > 0) definition.required = required;
  const gvks = rootKinds
    .filter((k) => k.model === model)
    .map((k) => ({ group: k.group, kind: k.kind, version: k.version }));
  if (gvks.length > 0) definition['x-kubernetes-group-version-kind'] = gvks;
  if (atomicStructs.includes(defName)) definition['x-kubernetes-map-type'] = 'atomic';
  return definition;
}

/** The `components.schemas` map, keys sorted. */
export function buildSchemas(): Record<string, Schema> {
  const names = assignNames();
  const byName = new Map<string, Schema>();
  for (const [model, name] of names) {
    if (byName.has(name)) throw new Error(`two models map to ${name}`);
    byName.set(name, definitionOf(model, names));
  }
  byName.set(quantityName, {
    description:
      'Quantity is a fixed-point representation of a number. It provides convenient marshaling/unmarshaling in JSON and YAML, in addition to String() and AsInt64() accessors.',
    oneOf: [{ type: 'string' }, { type: 'number' }],
  });
  const sorted: Record<string, Schema> = {};
  for (const name of [...byName.keys()].sort()) sorted[name] = byName.get(name) as Schema;
  return sorted;
}

const defaultOutput = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  'src/cluster/apiserver/resources/generated/schemas.json',
);

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const output = process.argv[2] ?? defaultOutput;
  writeFileSync(output, `${JSON.stringify(buildSchemas(), null, 2)}\n`);
}
