// apiextensions.k8s.io/v1 CustomResourceDefinition: defaults, the storedVersions a real server
// records on create, and the validation that keeps a CRD servable (name, group, names,
// exactly one storage version, schemas).

import type { FieldError, KubeObject } from '../types.ts';
import { immutable, invalid, notSupported, required } from './field-errors.ts';
import { defineKind } from './kind-helpers.ts';
import { child, isObject, objectAt, objectsAt, path, setDefault, stringAt } from './object-access.ts';

function defaultCrd(obj: KubeObject): void {
  const spec = child(obj, 'spec');
  const names = child(spec, 'names');
  const kind = stringAt(names, 'kind');
  if (kind) {
    setDefault(names, 'singular', kind.toLowerCase());
    setDefault(names, 'listKind', `${kind}List`);
  }
  setDefault(spec, 'conversion', { strategy: 'None' });
  const service = path(spec, 'conversion', 'webhook', 'clientConfig', 'service');
  if (isObject(service)) setDefault(service, 'port', 443);
}

const scopes = ['Cluster', 'Namespaced'];

function validateCrd(obj: KubeObject, old: KubeObject | undefined): FieldError[] {
  const errors: FieldError[] = [];
  const spec = objectAt(obj, 'spec');
  const names = objectAt(spec, 'names');
  const group = stringAt(spec, 'group');
  const plural = stringAt(names, 'plural');
  if (!group) errors.push(required('spec.group'));
  else if (!group.includes('.')) errors.push(invalid('spec.group', group, 'should be a domain with at least one dot'));
  if (!plural) errors.push(required('spec.names.plural'));
  if (!stringAt(names, 'kind')) errors.push(required('spec.names.kind'));
  if (!stringAt(names, 'listKind')) errors.push(required('spec.names.listKind'));
  const name = obj.metadata.name ?? '';
  if (name !== `${plural}.${group}`) errors.push(invalid('metadata.name', name, 'must be spec.names.plural+"."+spec.group'));
  const scope = stringAt(spec, 'scope');
  if (!scopes.includes(scope)) errors.push(notSupported('spec.scope', scope, scopes));
  const versions = objectsAt(spec, 'versions');
  if (versions.length === 0) errors.push(required('spec.versions', 'must have at least one version'));
  else if (versions.filter((v) => v['storage'] === true).length !== 1) {
    errors.push(invalid('spec.versions', versions, 'must have exactly one version marked as storage version'));
  }
  for (const [i, version] of versions.entries()) {
    if (!stringAt(version, 'name')) errors.push(required(`spec.versions[${i}].name`));
    if (!isObject(path(version, 'schema', 'openAPIV3Schema'))) {
      errors.push(required(`spec.versions[${i}].schema.openAPIV3Schema`, 'schemas are required'));
    }
  }
  if (old) {
    const oldSpec = objectAt(old, 'spec');
    errors.push(...immutable('spec.group', spec['group'], oldSpec['group']));
    errors.push(...immutable('spec.names.plural', names['plural'], objectAt(oldSpec, 'names')['plural']));
  }
  return errors;
}

export const customResourceDefinitionResource = defineKind(
  'apiextensions.k8s.io',
  'CustomResourceDefinition',
  'customresourcedefinitions',
  'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition',
  {
    namespaced: false,
    shortNames: ['crd', 'crds'],
    categories: ['api-extensions'],
    subresources: ['status'],
    hasStatus: true,
    hasGeneration: true,
    defaults: defaultCrd,
    prepareForCreate(obj) {
      const storage = objectsAt(objectAt(obj, 'spec'), 'versions').find((v) => v['storage'] === true);
      obj['status'] = {
        acceptedNames: { kind: '', plural: '' },
        conditions: [],
        storedVersions: storage ? [stringAt(storage, 'name')] : [],
      };
    },
    validate: validateCrd,
  },
);
