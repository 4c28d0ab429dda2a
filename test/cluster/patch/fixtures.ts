// A test-only slice of the Kubernetes OpenAPI v3 document: definitions refer to each other via
// `allOf: [{$ref}]` (as the real /openapi/v3 does) and carry the x-kubernetes-* extensions the
// real ones carry (patch strategy / merge key for strategic merge, list-type / map keys /
// map-type for server-side apply).

import type { Schema } from '../../../src/cluster/apiserver/types.ts';
import type { SchemaResolver } from '../../../src/cluster/apiserver/patch/index.ts';

// A value-typed Go struct field carries `default: {}` in the real OpenAPI; a pointer one does not.
const ref = (name: string): Schema => ({ allOf: [{ $ref: `#/components/schemas/${name}` }], default: {} });
const pointerRef = (name: string): Schema => ({ allOf: [{ $ref: `#/components/schemas/${name}` }] });
const str: Schema = { type: 'string', default: '' };
const int: Schema = { type: 'integer', format: 'int32', default: 0 };
const stringMap: Schema = { type: 'object', additionalProperties: { type: 'string', default: '' } };

function mapList(item: string, keys: string[], mergeKey: string, strategy = 'merge'): Schema {
  return {
    type: 'array',
    items: { ...ref(item) },
    'x-kubernetes-list-map-keys': keys,
    'x-kubernetes-list-type': 'map',
    'x-kubernetes-patch-merge-key': mergeKey,
    'x-kubernetes-patch-strategy': strategy,
  };
}

export const schemas: Record<string, Schema> = {
  'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta': {
    type: 'object',
    properties: {
      name: { type: 'string' },
      namespace: { type: 'string' },
      uid: { type: 'string' },
      resourceVersion: { type: 'string' },
      generation: { type: 'integer', format: 'int64' },
      creationTimestamp: { type: 'string', format: 'date-time' },
      labels: stringMap,
      annotations: stringMap,
      finalizers: {
        type: 'array', items: str, 'x-kubernetes-list-type': 'set', 'x-kubernetes-patch-strategy': 'merge',
      },
      ownerReferences: mapList('io.k8s.apimachinery.pkg.apis.meta.v1.OwnerReference', ['uid'], 'uid'),
      managedFields: { type: 'array', items: ref('io.k8s.apimachinery.pkg.apis.meta.v1.ManagedFieldsEntry') },
    },
  },
  'io.k8s.apimachinery.pkg.apis.meta.v1.OwnerReference': {
    type: 'object',
    required: ['apiVersion', 'kind', 'name', 'uid'],
    properties: { apiVersion: str, kind: str, name: str, uid: str, controller: { type: 'boolean' } },
    'x-kubernetes-map-type': 'atomic',
  },
  'io.k8s.apimachinery.pkg.apis.meta.v1.ManagedFieldsEntry': {
    type: 'object',
    properties: { manager: { type: 'string' }, operation: { type: 'string' }, fieldsV1: { type: 'object' } },
  },
  'io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector': {
    type: 'object',
    properties: {
      matchLabels: stringMap,
      matchExpressions: { type: 'array', items: { type: 'object' }, 'x-kubernetes-list-type': 'atomic' },
    },
    'x-kubernetes-map-type': 'atomic',
  },
  'io.k8s.api.core.v1.Pod': {
    type: 'object',
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: ref('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'),
      spec: ref('io.k8s.api.core.v1.PodSpec'),
      status: ref('io.k8s.api.core.v1.PodStatus'),
    },
    'x-kubernetes-group-version-kind': [{ group: '', kind: 'Pod', version: 'v1' }],
  },
  'io.k8s.api.core.v1.PodSpec': {
    type: 'object',
    required: ['containers'],
    properties: {
      containers: mapList('io.k8s.api.core.v1.Container', ['name'], 'name'),
      initContainers: mapList('io.k8s.api.core.v1.Container', ['name'], 'name'),
      volumes: mapList('io.k8s.api.core.v1.Volume', ['name'], 'name', 'merge,retainKeys'),
      nodeSelector: { ...stringMap, 'x-kubernetes-map-type': 'atomic' },
      tolerations: { type: 'array', items: ref('io.k8s.api.core.v1.Toleration'), 'x-kubernetes-list-type': 'atomic' },
      restartPolicy: { type: 'string', enum: ['Always', 'Never', 'OnFailure'] },
      serviceAccountName: { type: 'string' },
    },
  },
  'io.k8s.api.core.v1.Toleration': {
    type: 'object',
    properties: { key: { type: 'string' }, operator: { type: 'string' }, effect: { type: 'string' } },
  },
  'io.k8s.api.core.v1.Container': {
    type: 'object',
    required: ['name'],
    properties: {
      name: str,
      image: { type: 'string' },
      command: { type: 'array', items: str, 'x-kubernetes-list-type': 'atomic' },
      args: { type: 'array', items: str, 'x-kubernetes-list-type': 'atomic' },
      env: mapList('io.k8s.api.core.v1.EnvVar', ['name'], 'name'),
      ports: mapList('io.k8s.api.core.v1.ContainerPort', ['containerPort', 'protocol'], 'containerPort'),
      volumeMounts: mapList('io.k8s.api.core.v1.VolumeMount', ['mountPath'], 'mountPath'),
      resources: ref('io.k8s.api.core.v1.ResourceRequirements'),
      imagePullPolicy: { type: 'string' },
    },
  },
  'io.k8s.api.core.v1.EnvVar': {
    type: 'object',
    required: ['name'],
    properties: { name: str, value: { type: 'string' }, valueFrom: { type: 'object' } },
  },
  'io.k8s.api.core.v1.ContainerPort': {
    type: 'object',
    required: ['containerPort'],
    properties: { containerPort: int, name: { type: 'string' }, protocol: { type: 'string', default: 'TCP' } },
  },
  'io.k8s.api.core.v1.VolumeMount': {
    type: 'object',
    required: ['name', 'mountPath'],
    properties: { name: str, mountPath: str, readOnly: { type: 'boolean' } },
  },
  'io.k8s.api.core.v1.ResourceRequirements': {
    type: 'object',
    properties: { limits: { type: 'object', additionalProperties: { type: 'string' } }, requests: { type: 'object', additionalProperties: { type: 'string' } } },
  },
  'io.k8s.api.core.v1.Volume': {
    type: 'object',
    required: ['name'],
    properties: {
      name: str,
      emptyDir: pointerRef('io.k8s.api.core.v1.EmptyDirVolumeSource'),
      hostPath: pointerRef('io.k8s.api.core.v1.HostPathVolumeSource'),
      configMap: pointerRef('io.k8s.api.core.v1.ConfigMapVolumeSource'),
    },
  },
  'io.k8s.api.core.v1.EmptyDirVolumeSource': { type: 'object', properties: { medium: { type: 'string' }, sizeLimit: { type: 'string' } } },
  'io.k8s.api.core.v1.HostPathVolumeSource': { type: 'object', properties: { path: str, type: { type: 'string' } } },
  'io.k8s.api.core.v1.ConfigMapVolumeSource': { type: 'object', properties: { name: { type: 'string' }, defaultMode: { type: 'integer' } } },
  'io.k8s.api.core.v1.PodStatus': {
    type: 'object',
    properties: {
      phase: { type: 'string' },
      conditions: mapList('io.k8s.api.core.v1.PodCondition', ['type'], 'type'),
    },
  },
  'io.k8s.api.core.v1.PodCondition': {
    type: 'object',
    required: ['type', 'status'],
    properties: { type: str, status: str, reason: { type: 'string' }, message: { type: 'string' }, lastTransitionTime: { type: 'string', format: 'date-time' } },
  },
  'io.k8s.api.core.v1.PodTemplateSpec': {
    type: 'object',
    properties: { metadata: ref('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'), spec: ref('io.k8s.api.core.v1.PodSpec') },
  },
  'io.k8s.api.apps.v1.Deployment': {
    type: 'object',
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: ref('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'),
      spec: ref('io.k8s.api.apps.v1.DeploymentSpec'),
    },
  },
  'io.k8s.api.apps.v1.DeploymentSpec': {
    type: 'object',
    properties: {
      replicas: { type: 'integer', format: 'int32' },
      selector: pointerRef('io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector'),
      template: ref('io.k8s.api.core.v1.PodTemplateSpec'),
      strategy: { ...ref('io.k8s.api.apps.v1.DeploymentStrategy'), 'x-kubernetes-patch-strategy': 'retainKeys' },
      minReadySeconds: { type: 'integer' },
    },
  },
  'io.k8s.api.apps.v1.DeploymentStrategy': {
    type: 'object',
    properties: { type: { type: 'string' }, rollingUpdate: pointerRef('io.k8s.api.apps.v1.RollingUpdateDeployment') },
  },
  'io.k8s.api.apps.v1.RollingUpdateDeployment': {
    type: 'object',
    properties: {
      maxSurge: { 'x-kubernetes-int-or-string': true },
      maxUnavailable: { 'x-kubernetes-int-or-string': true },
    },
  },
};

export const resolve: SchemaResolver = (r) => schemas[r.replace('#/components/schemas/', '')];

export const podSchema: Schema = { $ref: '#/components/schemas/io.k8s.api.core.v1.Pod' };
export const deploymentSchema: Schema = { $ref: '#/components/schemas/io.k8s.api.apps.v1.Deployment' };
