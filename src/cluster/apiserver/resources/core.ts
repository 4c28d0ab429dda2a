// core/v1 Namespace, ConfigMap, Secret, ServiceAccount and Node (Pods, volumes, Services and
// Events have files of their own).

import type { FieldError, KubeObject } from '../types.ts';
import { forbidden, immutable, invalid, validateConfigKey } from './field-errors.ts';
import { child, deepEqual, isObject, objectAt, objectsAt, setDefault, stringAt, stringPath } from './object-access.ts';
import { age, ageColumn, column, nameColumn } from './printing.ts';
import { describe } from './schemas.ts';
import { standardVerbs } from './types.ts';
import type { ResourceType } from './types.ts';

function coreKind(
  kind: string,
  resource: string,
  rest: Omit<ResourceType, 'group' | 'version' | 'kind' | 'listKind' | 'resource' | 'singular' | 'schemaName'>,
): ResourceType {
  return {
    group: '',
    version: 'v1',
    resource,
    kind,
    listKind: `${kind}List`,
    singular: kind.toLowerCase(),
    schemaName: `io.k8s.api.core.v1.${kind}`,
    ...rest,
  };
}

export const namespaceResource = coreKind('Namespace', 'namespaces', {
  namespaced: false,
  shortNames: ['ns'],
  categories: [],
  verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
  subresources: ['finalize', 'status'],
  hasStatus: true,
  hasGeneration: false,
  nameValidation: 'dns1123Label',
  defaults(obj) {
    // SetDefaults_Namespace: the immutable name label.
    const name = obj.metadata.name;
    if (name) obj.metadata.labels = { ...obj.metadata.labels, 'kubernetes.io/metadata.name': name };
    // SetDefaults_NamespaceStatus.
    setDefault(child(obj, 'status'), 'phase', 'Active');
  },
  prepareForCreate(obj) {
    obj['status'] = { phase: 'Active' };
    // namespaceStrategy.PrepareForCreate: the finalizer the namespace controller removes.
    const spec = child(obj, 'spec');
    const finalizers = Array.isArray(spec['finalizers']) ? (spec['finalizers'] as unknown[]) : [];
    if (!finalizers.includes('kubernetes')) finalizers.push('kubernetes');
    spec['finalizers'] = finalizers;
  },
  validate(obj, old) {
    if (!old) return [];
    const label = obj.metadata.labels?.['kubernetes.io/metadata.name'];
    return label === obj.metadata.name ? [] : [invalid('metadata.labels', label ?? '', 'field is immutable')];
  },
  fieldSelectors: { 'status.phase': (o) => stringPath(o, 'status', 'phase') },
  printerColumns: [nameColumn(), column('Status', describe('io.k8s.api.core.v1.NamespaceStatus', 'phase')), ageColumn()],
  cells: (obj, now) => [obj.metadata.name ?? '', stringPath(obj, 'status', 'phase'), age(obj, now)],
});

/** ConfigMap and Secret: valid keys, no key in both maps, and nothing changes once `immutable`. */
function validateDataKeys(obj: KubeObject, maps: [string, string]): FieldError[] {
  const errors: FieldError[] = [];
  const [first, second] = maps;
  const firstKeys = Object.keys(objectAt(obj, first));
  for (const key of firstKeys) errors.push(...validateConfigKey(`${first}[${key}]`, key));
  for (const key of Object.keys(objectAt(obj, second))) {
    errors.push(...validateConfigKey(`${second}[${key}]`, key));
    if (firstKeys.includes(key)) errors.push(invalid(`${second}[${key}]`, key, `duplicate of key present in ${first}`));
  }
  return errors;
}

function validateImmutableData(obj: KubeObject, old: KubeObject, keys: string[]): FieldError[] {
  const errors: FieldError[] = [];
  if (old['immutable'] === true) {
    if (obj['immutable'] !== true) errors.push(forbidden('immutable', 'field is immutable when `immutable` is set'));
    for (const key of keys) {
      if (!deepEqual(obj[key] ?? {}, old[key] ?? {})) errors.push(forbidden(key, 'field is immutable when `immutable` is set'));
    }
  }
  return errors;
}

export const configMapResource = coreKind('ConfigMap', 'configmaps', {
  namespaced: true,
  shortNames: ['cm'],
  categories: [],
  verbs: [...standardVerbs],
  subresources: [],
  hasStatus: false,
  hasGeneration: false,
  nameValidation: 'dns1123Subdomain',
  defaults: () => undefined,
  validate(obj, old) {
    const errors = validateDataKeys(obj, ['data', 'binaryData']);
    if (old) errors.push(...validateImmutableData(obj, old, ['data', 'binaryData']));
    return errors;
  },
  fieldSelectors: {},
  printerColumns: [nameColumn(), column('Data', describe('io.k8s.api.core.v1.ConfigMap', 'data')), ageColumn()],
  cells: (obj, now) => [
    obj.metadata.name ?? '',
    Object.keys(objectAt(obj, 'data')).length + Object.keys(objectAt(obj, 'binaryData')).length,
    age(obj, now),
  ],
});

export const secretResource = coreKind('Secret', 'secrets', {
  namespaced: true,
  shortNames: [],
  categories: [],
  verbs: [...standardVerbs],
  subresources: [],
  hasStatus: false,
  hasGeneration: false,
  nameValidation: 'dns1123Subdomain',
  defaults(obj) {
    setDefault(obj, 'type', 'Opaque');
    // Conversion from v1 merges the write-only stringData into data (stringData wins).
    const stringData = obj['stringData'];
    if (isObject(stringData)) {
      const data = child(obj, 'data');
      for (const [key, value] of Object.entries(stringData)) {
        data[key] = Buffer.from(String(value), 'utf8').toString('base64');
      }
      delete obj['stringData'];
    }
  },
  validate(obj, old) {
    const errors = validateDataKeys(obj, ['data', 'stringData']);
    if (obj['type'] === 'kubernetes.io/dockerconfigjson' && objectAt(obj, 'data')['.dockerconfigjson'] === undefined) {
      errors.push({ type: 'FieldValueRequired', field: 'data[.dockerconfigjson]', message: 'Required value' });
    }
    if (old) {
      errors.push(...immutable('type', obj['type'], old['type']));
      errors.push(...validateImmutableData(obj, old, ['data']));
    }
    return errors;
  },
  fieldSelectors: { type: (o) => stringAt(o, 'type') },
  printerColumns: [
    nameColumn(),
    column('Type', describe('io.k8s.api.core.v1.Secret', 'type')),
    column('Data', describe('io.k8s.api.core.v1.Secret', 'data')),
    ageColumn(),
  ],
  cells: (obj, now) => [obj.metadata.name ?? '', stringAt(obj, 'type'), Object.keys(objectAt(obj, 'data')).length, age(obj, now)],
});

export const serviceAccountResource = coreKind('ServiceAccount', 'serviceaccounts', {
  namespaced: true,
  shortNames: ['sa'],
  categories: [],
  verbs: [...standardVerbs],
  subresources: ['token'],
  hasStatus: false,
  hasGeneration: false,
  nameValidation: 'dns1123Subdomain',
  defaults: () => undefined,
  validate: () => [],
  fieldSelectors: {},
  printerColumns: [
    nameColumn(),
    column('Secrets', describe('io.k8s.api.core.v1.ServiceAccount', 'secrets')),
    ageColumn(),
  ],
  cells: (obj, now) => [obj.metadata.name ?? '', objectsAt(obj, 'secrets').length, age(obj, now)],
});

const nodeInfo = 'io.k8s.api.core.v1.NodeSystemInfo';

/** The STATUS of a node: Ready/NotReady/Unknown, then SchedulingDisabled. */
function nodeStatus(node: KubeObject): string {
  const ready = objectsAt(objectAt(node, 'status'), 'conditions').find((c) => c['type'] === 'Ready');
  const status = [ready ? (ready['status'] === 'True' ? 'Ready' : 'NotReady') : 'Unknown'];
  if (objectAt(node, 'spec')['unschedulable'] === true) status.push('SchedulingDisabled');
  return status.join(',');
}

/** findNodeRoles: node-role.kubernetes.io/<role> and kubernetes.io/role labels. */
function nodeRoles(node: KubeObject): string {
  const roles = new Set<string>();
  for (const [key, value] of Object.entries(node.metadata.labels ?? {})) {
    if (key.startsWith('node-role.kubernetes.io/')) {
      const role = key.slice('node-role.kubernetes.io/'.length);
      if (role) roles.add(role);
    } else if (key === 'kubernetes.io/role' && value) roles.add(value);
  }
  return roles.size === 0 ? '<none>' : [...roles].sort().join(',');
}

function nodeAddress(node: KubeObject, type: string): string {
  const address = objectsAt(objectAt(node, 'status'), 'addresses').find((a) => a['type'] === type);
  return stringAt(address, 'address') || '<none>';
}

export const nodeResource = coreKind('Node', 'nodes', {
  namespaced: false,
  shortNames: ['no'],
  categories: [],
  verbs: [...standardVerbs],
  subresources: ['proxy', 'status'],
  hasStatus: true,
  hasGeneration: false,
  nameValidation: 'dns1123Subdomain',
  defaults(obj) {
    // SetDefaults_NodeStatus: allocatable defaults to capacity.
    const status = obj['status'];
    if (isObject(status) && isObject(status['capacity'])) setDefault(status, 'allocatable', { ...status['capacity'] });
  },
  validate: () => [],
  fieldSelectors: { 'spec.unschedulable': (o) => String(objectAt(o, 'spec')['unschedulable'] === true) },
  printerColumns: [
    nameColumn(),
    column('Status', 'The status of the node'),
    column('Roles', 'The roles of the node'),
    ageColumn(),
    column('Version', describe(nodeInfo, 'kubeletVersion')),
    column('Internal-IP', describe('io.k8s.api.core.v1.NodeStatus', 'addresses'), { priority: 1 }),
    column('External-IP', describe('io.k8s.api.core.v1.NodeStatus', 'addresses'), { priority: 1 }),
    column('OS-Image', describe(nodeInfo, 'osImage'), { priority: 1 }),
    column('Kernel-Version', describe(nodeInfo, 'kernelVersion'), { priority: 1 }),
    column('Container-Runtime', describe(nodeInfo, 'containerRuntimeVersion'), { priority: 1 }),
  ],
  cells(obj, now) {
    const info = objectAt(objectAt(obj, 'status'), 'nodeInfo');
    return [
      obj.metadata.name ?? '',
      nodeStatus(obj),
      nodeRoles(obj),
      age(obj, now),
      stringAt(info, 'kubeletVersion'),
      nodeAddress(obj, 'InternalIP'),
      nodeAddress(obj, 'ExternalIP'),
      stringAt(info, 'osImage') || '<unknown>',
      stringAt(info, 'kernelVersion') || '<unknown>',
      stringAt(info, 'containerRuntimeVersion') || '<unknown>',
    ];
  },
});
