// core/v1 Pod: defaults (pod-defaults.ts), printer (pod-printer.ts), the initial status, the
// validation a client of CDI hits (missing containers and images, spec updates) and the field
// selectors of pkg/registry/core/pod.

import type { FieldError, KubeObject } from '../types.ts';
import { duplicate, forbidden, invalid, notSupported, required } from './field-errors.ts';
import { validateDns1123Label } from './names.ts';
import { deepEqual, objectAt, objectsAt, stringAt, stringPath } from './object-access.ts';
import type { JsonObject } from './object-access.ts';
import { defaultPod } from './pod-defaults.ts';
import { podCells, podColumns } from './pod-printer.ts';
import { compareQuantities, parseQuantity } from './quantity.ts';
import { standardVerbs } from './types.ts';
import type { ResourceType } from './types.ts';

/** qos.GetPodQOS over cpu and memory of all containers (requests already defaulted from limits). */
export function podQosClass(pod: KubeObject): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const spec = objectAt(pod, 'spec');
  const containers = [...objectsAt(spec, 'containers'), ...objectsAt(spec, 'initContainers')];
  const computeResources = ['cpu', 'memory'];
  const nonZero = (list: JsonObject): string[] =>
    computeResources.filter((r) => list[r] !== undefined && (parseQuantity(list[r])?.nano ?? 0n) !== 0n);
  let anySet = false;
  let guaranteed = true;
  for (const container of containers) {
    const requests = objectAt(objectAt(container, 'resources'), 'requests');
    const limits = objectAt(objectAt(container, 'resources'), 'limits');
    const requested = nonZero(requests);
    const limited = nonZero(limits);
    if (requested.length > 0 || limited.length > 0) anySet = true;
    if (limited.length < computeResources.length) guaranteed = false;
    for (const r of computeResources) {
      if (requests[r] !== undefined && compareQuantities(requests[r], limits[r]) !== 0) guaranteed = false;
    }
  }
  if (!anySet) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

const restartPolicies = ['Always', 'OnFailure', 'Never'];

function validateContainers(spec: JsonObject, key: string, volumeNames: Set<string>, names: Set<string>): FieldError[] {
  const errors: FieldError[] = [];
  for (const [i, container] of objectsAt(spec, key).entries()) {
    const field = `spec.${key}[${i}]`;
    const name = stringAt(container, 'name');
    if (!name) errors.push(required(`${field}.name`));
    else {
      errors.push(...validateDns1123Label(`${field}.name`, name));
      if (names.has(name)) errors.push(duplicate(`${field}.name`, name));
      names.add(name);
    }
    if (!stringAt(container, 'image')) errors.push(required(`${field}.image`));
    for (const [j, mount] of objectsAt(container, 'volumeMounts').entries()) {
      const volume = stringAt(mount, 'name');
      if (!volumeNames.has(volume)) {
        errors.push({ type: 'FieldValueNotFound', field: `${field}.volumeMounts[${j}].name`, message: `Not found: ${JSON.stringify(volume)}` });
      }
      if (!stringAt(mount, 'mountPath')) errors.push(required(`${field}.volumeMounts[${j}].mountPath`));
    }
  }
  return errors;
}

function validatePodSpec(spec: JsonObject): FieldError[] {
  const errors: FieldError[] = [];
  const volumeNames = new Set<string>();
  for (const [i, volume] of objectsAt(spec, 'volumes').entries()) {
    const name = stringAt(volume, 'name');
    if (!name) errors.push(required(`spec.volumes[${i}].name`));
    else if (volumeNames.has(name)) errors.push(duplicate(`spec.volumes[${i}].name`, name));
    volumeNames.add(name);
  }
  if (objectsAt(spec, 'containers').length === 0) errors.push(required('spec.containers'));
  const names = new Set<string>();
  errors.push(...validateContainers(spec, 'initContainers', volumeNames, names));
  errors.push(...validateContainers(spec, 'containers', volumeNames, names));
  const restartPolicy = spec['restartPolicy'];
  if (typeof restartPolicy === 'string' && !restartPolicies.includes(restartPolicy)) {
    errors.push(notSupported('spec.restartPolicy', restartPolicy, restartPolicies));
  }
  const grace = spec['terminationGracePeriodSeconds'];
  if (typeof grace === 'number' && grace < 0) {
    errors.push(invalid('spec.terminationGracePeriodSeconds', grace, 'must be greater than or equal to 0'));
  }
  return errors;
}

const podSpecUpdateMessage =
  'pod updates may not change fields other than ' +
  [
    '`spec.containers[*].image`',
    '`spec.initContainers[*].image`',
    '`spec.activeDeadlineSeconds`',
    '`spec.tolerations` (only additions to existing tolerations)',
    '`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
  ].join(',');

/** ValidatePodUpdate: the spec of a pod is immutable but for the fields the message lists. */
function validatePodSpecUpdate(spec: JsonObject, oldSpec: JsonObject): FieldError[] {
  const munged: JsonObject = structuredClone(spec);
  for (const key of ['containers', 'initContainers']) {
    const oldContainers = objectsAt(oldSpec, key);
    for (const [i, container] of objectsAt(munged, key).entries()) {
      const old = oldContainers[i];
      if (old) container['image'] = old['image'];
    }
  }
  for (const key of ['activeDeadlineSeconds', 'tolerations', 'terminationGracePeriodSeconds', 'schedulingGates']) {
    if (oldSpec[key] === undefined) delete munged[key];
    else munged[key] = oldSpec[key];
  }
  return deepEqual(munged, oldSpec) ? [] : [forbidden('spec', podSpecUpdateMessage)];
}

export const podResource: ResourceType = {
  group: '',
  version: 'v1',
  resource: 'pods',
  kind: 'Pod',
  listKind: 'PodList',
  singular: 'pod',
  namespaced: true,
  shortNames: ['po'],
  categories: ['all'],
  verbs: [...standardVerbs],
  subresources: ['binding', 'eviction', 'log', 'status'],
  schemaName: 'io.k8s.api.core.v1.Pod',
  hasStatus: true,
  hasGeneration: true,
  nameValidation: 'dns1123Subdomain',
  defaults: (obj) => defaultPod(obj),
  prepareForCreate(obj) {
    obj['status'] = { phase: 'Pending', qosClass: podQosClass(obj) };
  },
  validate(obj, old) {
    const spec = objectAt(obj, 'spec');
    const errors = validatePodSpec(spec);
    if (old) errors.push(...validatePodSpecUpdate(spec, objectAt(old, 'spec')));
    return errors;
  },
  fieldSelectors: {
    'spec.nodeName': (o) => stringPath(o, 'spec', 'nodeName'),
    'spec.restartPolicy': (o) => stringPath(o, 'spec', 'restartPolicy'),
    'spec.schedulerName': (o) => stringPath(o, 'spec', 'schedulerName'),
    'spec.serviceAccountName': (o) => stringPath(o, 'spec', 'serviceAccountName'),
    'spec.hostNetwork': (o) => String(objectAt(o, 'spec')['hostNetwork'] === true),
    'status.phase': (o) => stringPath(o, 'status', 'phase'),
    'status.podIP': (o) => stringAt(objectsAt(objectAt(o, 'status'), 'podIPs')[0], 'ip'),
    'status.nominatedNodeName': (o) => stringPath(o, 'status', 'nominatedNodeName'),
  },
  printerColumns: podColumns(),
  cells: podCells,
};
