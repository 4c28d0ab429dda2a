// core/v1 Service and Endpoints, discovery.k8s.io/v1 EndpointSlice. ClusterIP allocation is
// the server's (it needs the allocator's state); defaults here are what defaults.go and the
// Service registry add without it.

import type { FieldError, KubeObject } from '../types.ts';
import { duplicate, forbidden, invalid, required } from './field-errors.ts';
import { arrayAt, child, isObject, numberAt, objectAt, objectsAt, setDefault, stringAt } from './object-access.ts';
import type { JsonObject } from './object-access.ts';
import { age, ageColumn, column, formatLabels, nameColumn } from './printing.ts';
import { describe } from './schemas.ts';
import { standardVerbs } from './types.ts';
import type { ResourceType } from './types.ts';

const serviceSpec = 'io.k8s.api.core.v1.ServiceSpec';

function defaultService(obj: KubeObject): void {
  const spec = child(obj, 'spec');
  setDefault(spec, 'type', 'ClusterIP');
  setDefault(spec, 'sessionAffinity', 'None');
  const type = stringAt(spec, 'type');
  for (const port of objectsAt(spec, 'ports')) {
    setDefault(port, 'protocol', 'TCP');
    if (port['targetPort'] === undefined || port['targetPort'] === 0 || port['targetPort'] === '') {
      port['targetPort'] = port['port'];
    }
  }
  if (type === 'ExternalName') return;
  if (type === 'NodePort' || type === 'LoadBalancer') setDefault(spec, 'externalTrafficPolicy', 'Cluster');
  if (type === 'LoadBalancer') setDefault(spec, 'allocateLoadBalancerNodePorts', true);
  setDefault(spec, 'internalTrafficPolicy', 'Cluster');
  setDefault(spec, 'ipFamilyPolicy', 'SingleStack');
  setDefault(spec, 'ipFamilies', ['IPv4']);
  const clusterIP = stringAt(spec, 'clusterIP');
  if (clusterIP && arrayAt(spec, 'clusterIPs').length === 0) spec['clusterIPs'] = [clusterIP];
}

function validateService(obj: KubeObject, old: KubeObject | undefined): FieldError[] {
  const errors: FieldError[] = [];
  const spec = objectAt(obj, 'spec');
  const type = stringAt(spec, 'type');
  const headless = stringAt(spec, 'clusterIP') === 'None';
  const ports = objectsAt(spec, 'ports');
  if (type === 'ExternalName' && !stringAt(spec, 'externalName')) errors.push(required('spec.externalName'));
  if (ports.length === 0 && type !== 'ExternalName' && !headless) errors.push(required('spec.ports'));
  const names = new Set<string>();
  for (const [i, port] of ports.entries()) {
    const name = stringAt(port, 'name');
    if (ports.length > 1 && !name) errors.push(required(`spec.ports[${i}].name`));
    if (name && names.has(name)) errors.push(duplicate(`spec.ports[${i}].name`, name));
    names.add(name);
    const number = numberAt(port, 'port');
    if (number < 1 || number > 65535) {
      errors.push(invalid(`spec.ports[${i}].port`, number, 'must be between 1 and 65535, inclusive'));
    }
  }
  if (old) {
    const oldIP = stringAt(objectAt(old, 'spec'), 'clusterIP');
    const newIP = stringAt(spec, 'clusterIP');
    if (oldIP && newIP !== oldIP && stringAt(objectAt(old, 'spec'), 'type') !== 'ExternalName' && type !== 'ExternalName') {
      errors.push(invalid('spec.clusterIPs[0]', [newIP], 'may not change once set'));
    }
  }
  return errors;
}

/** getServiceExternalIP with wide output. */
function serviceExternalIP(spec: JsonObject, status: JsonObject): string {
  const externalIPs = arrayAt(spec, 'externalIPs').map(String);
  switch (stringAt(spec, 'type')) {
    case 'ClusterIP':
    case 'NodePort':
      return externalIPs.length > 0 ? externalIPs.join(',') : '<none>';
    case 'LoadBalancer': {
      const ingress = objectsAt(objectAt(status, 'loadBalancer'), 'ingress').map((i) => stringAt(i, 'ip') || stringAt(i, 'hostname'));
      const all = [...ingress.filter(Boolean), ...externalIPs];
      return all.length > 0 ? all.join(',') : '<pending>';
    }
    case 'ExternalName':
      return stringAt(spec, 'externalName');
    default:
      return '<unknown>';
  }
}

/** makePortString: "80/TCP,443:30443/TCP". */
function servicePorts(spec: JsonObject): string {
  const ports = objectsAt(spec, 'ports').map((p) => {
    const nodePort = numberAt(p, 'nodePort');
    const protocol = stringAt(p, 'protocol');
    return nodePort > 0 ? `${numberAt(p, 'port')}:${nodePort}/${protocol}` : `${numberAt(p, 'port')}/${protocol}`;
  });
  return ports.length > 0 ? ports.join(',') : '<none>';
}

export const serviceResource: ResourceType = {
  group: '',
  version: 'v1',
  resource: 'services',
  kind: 'Service',
  listKind: 'ServiceList',
  singular: 'service',
  namespaced: true,
  shortNames: ['svc'],
  categories: ['all'],
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  subresources: ['proxy', 'status'],
  schemaName: 'io.k8s.api.core.v1.Service',
  hasStatus: true,
  hasGeneration: false,
  nameValidation: 'dns1123Label',
  defaults: defaultService,
  prepareForCreate(obj) {
    obj['status'] = { loadBalancer: {} };
  },
  validate: validateService,
  fieldSelectors: {
    'spec.clusterIP': (o) => stringAt(objectAt(o, 'spec'), 'clusterIP'),
    'spec.type': (o) => stringAt(objectAt(o, 'spec'), 'type'),
  },
  printerColumns: [
    nameColumn(),
    column('Type', describe(serviceSpec, 'type')),
    column('Cluster-IP', describe(serviceSpec, 'clusterIP')),
    column('External-IP', describe(serviceSpec, 'externalIPs')),
    column('Port(s)', describe(serviceSpec, 'ports')),
    ageColumn(),
    column('Selector', describe(serviceSpec, 'selector'), { priority: 1 }),
  ],
  cells(obj, now) {
    const spec = objectAt(obj, 'spec');
    return [
      obj.metadata.name ?? '',
      stringAt(spec, 'type'),
      stringAt(spec, 'clusterIP') || '<none>',
      serviceExternalIP(spec, objectAt(obj, 'status')),
      servicePorts(spec),
      age(obj, now),
      formatLabels(objectAt(spec, 'selector')),
    ];
  },
};

/** formatEndpoints: up to three "ip:port", then " + N more...". */
export function formatEndpoints(endpoints: KubeObject): string {
  const subsets = objectsAt(endpoints, 'subsets');
  if (subsets.length === 0) return '<none>';
  const max = 3;
  const list: string[] = [];
  let count = 0;
  let more = false;
  const add = (entry: string): void => {
    if (list.length === max) more = true;
    else list.push(entry);
  };
  for (const subset of subsets) {
    const addresses = objectsAt(subset, 'addresses').map((a) => stringAt(a, 'ip'));
    const ports = objectsAt(subset, 'ports');
    if (ports.length === 0) {
      count += addresses.length;
      addresses.forEach(add);
      continue;
    }
    for (const port of ports) {
      count += addresses.length;
      for (const ip of addresses) add(ip.includes(':') ? `[${ip}]:${numberAt(port, 'port')}` : `${ip}:${numberAt(port, 'port')}`);
    }
  }
  const joined = list.join(',');
  return more ? `${joined} + ${count - max} more...` : joined;
}

export const endpointsResource: ResourceType = {
  group: '',
  version: 'v1',
  resource: 'endpoints',
  kind: 'Endpoints',
  listKind: 'EndpointsList',
  singular: 'endpoints',
  namespaced: true,
  shortNames: ['ep'],
  categories: [],
  verbs: [...standardVerbs],
  subresources: [],
  schemaName: 'io.k8s.api.core.v1.Endpoints',
  hasStatus: false,
  hasGeneration: false,
  nameValidation: 'dns1123Subdomain',
  defaults(obj) {
    for (const subset of objectsAt(obj, 'subsets')) {
      for (const port of objectsAt(subset, 'ports')) setDefault(port, 'protocol', 'TCP');
    }
  },
  validate: () => [],
  fieldSelectors: {},
  printerColumns: [nameColumn(), column('Endpoints', describe('io.k8s.api.core.v1.Endpoints', 'subsets')), ageColumn()],
  cells: (obj, now) => [obj.metadata.name ?? '', formatEndpoints(obj), age(obj, now)],
};

const endpointSlice = 'io.k8s.api.discovery.v1.EndpointSlice';

function formatSlicePorts(slice: KubeObject): string {
  const ports = objectsAt(slice, 'ports');
  if (ports.length === 0) return '<unset>';
  const shown = ports.slice(0, 3).map((p) => (p['port'] === undefined ? '<unset>' : String(numberAt(p, 'port'))));
  const rest = ports.length - shown.length;
  return rest > 0 ? `${shown.join(',')} + ${rest} more...` : shown.join(',');
}

function formatSliceEndpoints(slice: KubeObject): string {
  const addresses = objectsAt(slice, 'endpoints').flatMap((e) => arrayAt(e, 'addresses').map(String));
  if (addresses.length === 0) return '<unset>';
  const shown = addresses.slice(0, 3);
  const rest = addresses.length - shown.length;
  return rest > 0 ? `${shown.join(',')} + ${rest} more...` : shown.join(',');
}

export const endpointSliceResource: ResourceType = {
  group: 'discovery.k8s.io',
  version: 'v1',
  resource: 'endpointslices',
  kind: 'EndpointSlice',
  listKind: 'EndpointSliceList',
  singular: 'endpointslice',
  namespaced: true,
  shortNames: [],
  categories: [],
  verbs: [...standardVerbs],
  subresources: [],
  schemaName: endpointSlice,
  hasStatus: false,
  hasGeneration: true,
  nameValidation: 'dns1123Subdomain',
  defaults(obj) {
    for (const port of objectsAt(obj, 'ports')) setDefault(port, 'protocol', 'TCP');
    for (const endpoint of objectsAt(obj, 'endpoints')) {
      if (!isObject(endpoint['conditions'])) endpoint['conditions'] = {};
    }
  },
  validate(obj) {
    const type = stringAt(obj, 'addressType');
    if (!type) return [required('addressType')];
    return ['IPv4', 'IPv6', 'FQDN'].includes(type) ? [] : [forbidden('addressType', `unsupported address type ${type}`)];
  },
  fieldSelectors: {},
  printerColumns: [
    nameColumn(),
    column('AddressType', describe(endpointSlice, 'addressType')),
    column('Ports', describe(endpointSlice, 'ports')),
    column('Endpoints', describe(endpointSlice, 'endpoints')),
    ageColumn(),
  ],
  cells: (obj, now) => [obj.metadata.name ?? '', stringAt(obj, 'addressType'), formatSlicePorts(obj), formatSliceEndpoints(obj), age(obj, now)],
};
