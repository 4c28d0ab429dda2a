// core/v1 PersistentVolume and PersistentVolumeClaim: defaults, initial status, the validation
// a client of CDI hits (claim spec immutability, shrinking, required fields) and the printers.

import type { FieldError, KubeObject } from '../types.ts';
import { forbidden, invalid, required } from './field-errors.ts';
import { arrayAt, child, deepEqual, isObject, objectAt, path, setDefault, stringAt, stringPath } from './object-access.ts';
import type { JsonObject } from './object-access.ts';
import { accessModesAsString, age, ageColumn, column, nameColumn } from './printing.ts';
import { compareQuantities, formatQuantity } from './quantity.ts';
import { describe } from './schemas.ts';
import { standardVerbs } from './types.ts';
import type { ResourceType } from './types.ts';

const pvcSpec = 'io.k8s.api.core.v1.PersistentVolumeClaimSpec';
const pvcStatus = 'io.k8s.api.core.v1.PersistentVolumeClaimStatus';
const pvSpec = 'io.k8s.api.core.v1.PersistentVolumeSpec';
const pvStatus = 'io.k8s.api.core.v1.PersistentVolumeStatus';

/** helper.GetPersistentVolumeClaimClass: the beta annotation wins over spec.storageClassName. */
export function claimStorageClass(claim: KubeObject): string {
  const annotation = claim.metadata.annotations?.['volume.beta.kubernetes.io/storage-class'];
  return annotation ?? stringPath(claim, 'spec', 'storageClassName');
}

/** helper.GetPersistentVolumeClass. */
export function volumeStorageClass(volume: KubeObject): string {
  const annotation = volume.metadata.annotations?.['volume.beta.kubernetes.io/storage-class'];
  return annotation ?? stringPath(volume, 'spec', 'storageClassName');
}

function phaseOrTerminating(obj: KubeObject): string {
  return obj.metadata.deletionTimestamp ? 'Terminating' : stringPath(obj, 'status', 'phase');
}

function storageOf(resources: unknown): unknown {
  return isObject(resources) ? resources['storage'] : undefined;
}

/** NormalizeDataSources (AnyVolumeDataSource, GA): dataSource and dataSourceRef mirror each other on create. */
export function normalizeDataSources(spec: JsonObject): void {
  const copyReference = (ref: JsonObject): JsonObject => {
    const copy: JsonObject = { kind: ref['kind'], name: ref['name'] };
    if (ref['apiGroup'] !== undefined) copy['apiGroup'] = ref['apiGroup'];
    return copy;
  };
  const dataSource = spec['dataSource'];
  const dataSourceRef = spec['dataSourceRef'];
  if (isObject(dataSource) && !isObject(dataSourceRef)) spec['dataSourceRef'] = copyReference(dataSource);
  if (isObject(dataSourceRef) && !isObject(dataSource) && !stringAt(dataSourceRef, 'namespace')) {
    spec['dataSource'] = copyReference(dataSourceRef);
  }
}

const claimSpecMessage = 'spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims';

function validateClaimSpec(spec: JsonObject): FieldError[] {
  const errors: FieldError[] = [];
  if (arrayAt(spec, 'accessModes').length === 0) {
    errors.push(required('spec.accessModes', 'at least 1 access mode is required'));
  }
  // A claim with a dataSourceRef/dataSource may omit nothing else: storage is always required.
  if (storageOf(path(spec, 'resources', 'requests')) === undefined) errors.push(required('spec.resources[storage]'));
  const dataSource = spec['dataSource'];
  const dataSourceRef = spec['dataSourceRef'];
  if (isObject(dataSource) && isObject(dataSourceRef) && !stringAt(dataSourceRef, 'namespace')) {
    const same = ['apiGroup', 'kind', 'name'].every((k) => (dataSource[k] ?? '') === (dataSourceRef[k] ?? ''));
    if (!same) errors.push(invalid('spec.dataSource', dataSource, 'must match dataSourceRef'));
  }
  return errors;
}

/** ValidatePersistentVolumeClaimUpdate. */
function validateClaimUpdate(claim: KubeObject, old: KubeObject): FieldError[] {
  const errors: FieldError[] = [];
  const newSpec: JsonObject = structuredClone(objectAt(claim, 'spec'));
  const oldSpec: JsonObject = structuredClone(objectAt(old, 'spec'));
  // volumeName may be set once (the binder does it).
  if (!stringAt(oldSpec, 'volumeName')) {
    if (newSpec['volumeName'] === undefined) delete oldSpec['volumeName'];
    else oldSpec['volumeName'] = newSpec['volumeName'];
  }
  const bound = stringPath(claim, 'status', 'phase') === 'Bound' || stringPath(old, 'status', 'phase') === 'Bound';
  if (bound) {
    const newRequests = path(newSpec, 'resources', 'requests');
    if (isObject(newRequests)) newRequests['storage'] = storageOf(path(oldSpec, 'resources', 'requests'));
    if (oldSpec['volumeAttributesClassName'] === undefined) delete newSpec['volumeAttributesClassName'];
    else newSpec['volumeAttributesClassName'] = oldSpec['volumeAttributesClassName'];
  }
  if (!deepEqual(newSpec, oldSpec)) errors.push(forbidden('spec', claimSpecMessage));
  const newSize = storageOf(path(claim, 'spec', 'resources', 'requests'));
  const oldSize = storageOf(path(old, 'spec', 'resources', 'requests'));
  if (newSize !== undefined && oldSize !== undefined && compareQuantities(newSize, oldSize) < 0) {
    // RecoverVolumeExpansionFailure (GA): shrinking is allowed down to, not below, status.capacity.
    const capacity = storageOf(path(old, 'status', 'capacity'));
    if (capacity === undefined || compareQuantities(newSize, capacity) <= 0) {
      errors.push(forbidden('spec.resources.requests.storage', 'field can not be less than status.capacity'));
    }
  }
  return errors;
}

export const persistentVolumeClaimResource: ResourceType = {
  group: '',
  version: 'v1',
  resource: 'persistentvolumeclaims',
  kind: 'PersistentVolumeClaim',
  listKind: 'PersistentVolumeClaimList',
  singular: 'persistentvolumeclaim',
  namespaced: true,
  shortNames: ['pvc'],
  categories: [],
  verbs: [...standardVerbs],
  subresources: ['status'],
  schemaName: 'io.k8s.api.core.v1.PersistentVolumeClaim',
  hasStatus: true,
  hasGeneration: false,
  nameValidation: 'dns1123Subdomain',
  defaults(obj) {
    setDefault(child(obj, 'spec'), 'volumeMode', 'Filesystem');
    // SetDefaults_PersistentVolumeClaim: a status without a phase is Pending.
    setDefault(child(obj, 'status'), 'phase', 'Pending');
  },
  prepareForCreate(obj) {
    obj['status'] = { phase: 'Pending' };
    normalizeDataSources(child(obj, 'spec'));
  },
  validate(obj, old) {
    const errors = validateClaimSpec(objectAt(obj, 'spec'));
    if (old) errors.push(...validateClaimUpdate(obj, old));
    return errors;
  },
  fieldSelectors: {},
  printerColumns: [
    nameColumn(),
    column('Status', describe(pvcStatus, 'phase')),
    column('Volume', describe(pvcSpec, 'volumeName')),
    column('Capacity', describe(pvcStatus, 'capacity')),
    column('Access Modes', describe(pvcStatus, 'accessModes')),
    column('StorageClass', 'StorageClass of the pvc'),
    column('VolumeAttributesClass', describe(pvcSpec, 'volumeAttributesClassName')),
    ageColumn(),
    column('VolumeMode', describe(pvcSpec, 'volumeMode'), { priority: 1 }),
  ],
  cells(obj, now) {
    const volumeName = stringPath(obj, 'spec', 'volumeName');
    let capacity = '';
    let accessModes = '';
    if (volumeName) {
      accessModes = accessModesAsString(arrayAt(objectAt(obj, 'status'), 'accessModes'));
      const storage = storageOf(path(obj, 'status', 'capacity'));
      capacity = storage === undefined ? '0' : formatQuantity(storage);
    }
    return [
      obj.metadata.name ?? '',
      phaseOrTerminating(obj),
      volumeName,
      capacity,
      accessModes,
      claimStorageClass(obj),
      stringPath(obj, 'spec', 'volumeAttributesClassName') || '<unset>',
      age(obj, now),
      stringPath(obj, 'spec', 'volumeMode') || '<unset>',
    ];
  },
};

/** The volume source fields of a PersistentVolumeSpec (exactly one must be set). */
const persistentVolumeSources = [
  'awsElasticBlockStore', 'azureDisk', 'azureFile', 'cephfs', 'cinder', 'csi', 'fc', 'flexVolume', 'flocker',
  'gcePersistentDisk', 'glusterfs', 'hostPath', 'iscsi', 'local', 'nfs', 'photonPersistentDisk', 'portworxVolume',
  'quobyte', 'rbd', 'scaleIO', 'storageos', 'vsphereVolume',
];

function validateVolume(volume: KubeObject, old: KubeObject | undefined): FieldError[] {
  const errors: FieldError[] = [];
  const spec = objectAt(volume, 'spec');
  if (arrayAt(spec, 'accessModes').length === 0) errors.push(required('spec.accessModes'));
  if (storageOf(spec['capacity']) === undefined) errors.push(required('spec.capacity'));
  const sources = persistentVolumeSources.filter((key) => spec[key] !== undefined && spec[key] !== null);
  if (sources.length === 0) errors.push(required('spec', 'must specify a volume type'));
  if (sources.length > 1) errors.push(forbidden(`spec.${sources[1]}`, `may not specify more than 1 volume type`));
  if (old) {
    const oldSpec = objectAt(old, 'spec');
    const changed = persistentVolumeSources.some((key) => !deepEqual(spec[key], oldSpec[key]));
    if (changed) errors.push(forbidden('spec.persistentvolumesource', 'spec.persistentvolumesource is immutable after creation'));
  }
  return errors;
}

export const persistentVolumeResource: ResourceType = {
  group: '',
  version: 'v1',
  resource: 'persistentvolumes',
  kind: 'PersistentVolume',
  listKind: 'PersistentVolumeList',
  singular: 'persistentvolume',
  namespaced: false,
  shortNames: ['pv'],
  categories: [],
  verbs: [...standardVerbs],
  subresources: ['status'],
  schemaName: 'io.k8s.api.core.v1.PersistentVolume',
  hasStatus: true,
  hasGeneration: false,
  nameValidation: 'dns1123Subdomain',
  defaults(obj) {
    const spec = child(obj, 'spec');
    setDefault(spec, 'persistentVolumeReclaimPolicy', 'Retain');
    setDefault(spec, 'volumeMode', 'Filesystem');
    const hostPath = spec['hostPath'];
    if (isObject(hostPath)) setDefault(hostPath, 'type', '');
    // SetDefaults_PersistentVolume: a status without a phase is Pending.
    setDefault(child(obj, 'status'), 'phase', 'Pending');
  },
  prepareForCreate(obj) {
    obj['status'] = { phase: 'Pending', lastPhaseTransitionTime: `${new Date().toISOString().slice(0, 19)}Z` };
  },
  validate: validateVolume,
  fieldSelectors: {},
  printerColumns: [
    nameColumn(),
    column('Capacity', describe(pvSpec, 'capacity')),
    column('Access Modes', describe(pvSpec, 'accessModes')),
    column('Reclaim Policy', describe(pvSpec, 'persistentVolumeReclaimPolicy')),
    column('Status', describe(pvStatus, 'phase')),
    column(
      'Claim',
      // client-node keeps no description of object-typed fields; this is PersistentVolumeSpec's SwaggerDoc.
      'claimRef is part of a bi-directional binding between PersistentVolume and PersistentVolumeClaim. Expected to be non-nil when bound. claim.VolumeName is the authoritative bind between PV and PVC. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#binding',
    ),
    column('StorageClass', 'StorageClass of the pv'),
    column('VolumeAttributesClass', describe(pvSpec, 'volumeAttributesClassName')),
    column('Reason', describe(pvStatus, 'reason')),
    ageColumn(),
    column('VolumeMode', describe(pvSpec, 'volumeMode'), { priority: 1 }),
  ],
  cells(obj, now) {
    const spec = objectAt(obj, 'spec');
    const claimRef = objectAt(spec, 'claimRef');
    const claim = spec['claimRef'] ? `${stringAt(claimRef, 'namespace')}/${stringAt(claimRef, 'name')}` : '';
    const storage = storageOf(spec['capacity']);
    return [
      obj.metadata.name ?? '',
      storage === undefined ? '0' : formatQuantity(storage),
      accessModesAsString(arrayAt(spec, 'accessModes')),
      stringAt(spec, 'persistentVolumeReclaimPolicy'),
      phaseOrTerminating(obj),
      claim,
      volumeStorageClass(obj),
      stringAt(spec, 'volumeAttributesClassName') || '<unset>',
      stringPath(obj, 'status', 'reason'),
      age(obj, now),
      stringAt(spec, 'volumeMode') || '<unset>',
    ];
  },
};
