// storage.k8s.io/v1 StorageClass, CSIDriver and CSINode.

import type { FieldError, KubeObject } from '../types.ts';
import { forbidden, immutable, notSupported, required } from './field-errors.ts';
import { arrayAt, child, deepEqual, objectAt, objectsAt, setDefault, stringAt } from './object-access.ts';
import { age, ageColumn, column, nameColumn } from './printing.ts';
import { describe } from './schemas.ts';
import { standardVerbs } from './types.ts';
import type { ResourceType } from './types.ts';

const storageClass = 'io.k8s.api.storage.v1.StorageClass';
const csiDriverSpec = 'io.k8s.api.storage.v1.CSIDriverSpec';

export const defaultStorageClassAnnotation = 'storageclass.kubernetes.io/is-default-class';
export const betaDefaultStorageClassAnnotation = 'storageclass.beta.kubernetes.io/is-default-class';

/** storageutil.IsDefaultAnnotation. */
export function isDefaultStorageClass(obj: KubeObject): boolean {
  const annotations = obj.metadata.annotations ?? {};
  return annotations[defaultStorageClassAnnotation] === 'true' || annotations[betaDefaultStorageClassAnnotation] === 'true';
}

const reclaimPolicies = ['Delete', 'Retain'];
const bindingModes = ['Immediate', 'WaitForFirstConsumer'];

function validateStorageClass(obj: KubeObject, old: KubeObject | undefined): FieldError[] {
  const errors: FieldError[] = [];
  if (!stringAt(obj, 'provisioner')) errors.push(required('provisioner'));
  const reclaimPolicy = stringAt(obj, 'reclaimPolicy');
  if (reclaimPolicy && !reclaimPolicies.includes(reclaimPolicy)) errors.push(notSupported('reclaimPolicy', reclaimPolicy, reclaimPolicies));
  const bindingMode = stringAt(obj, 'volumeBindingMode');
  if (bindingMode && !bindingModes.includes(bindingMode)) errors.push(notSupported('volumeBindingMode', bindingMode, bindingModes));
  if (old) {
    if (!deepEqual(obj['parameters'] ?? {}, old['parameters'] ?? {})) errors.push(forbidden('parameters', 'updates to parameters are forbidden.'));
    if (obj['provisioner'] !== old['provisioner']) errors.push(forbidden('provisioner', 'updates to provisioner are forbidden.'));
    if (obj['reclaimPolicy'] !== old['reclaimPolicy']) errors.push(forbidden('reclaimPolicy', 'updates to reclaimPolicy are forbidden.'));
    errors.push(...immutable('volumeBindingMode', obj['volumeBindingMode'], old['volumeBindingMode']));
  }
  return errors;
}

export const storageClassResource: ResourceType = {
  group: 'storage.k8s.io',
  version: 'v1',
  resource: 'storageclasses',
  kind: 'StorageClass',
  listKind: 'StorageClassList',
  singular: 'storageclass',
  namespaced: false,
  shortNames: ['sc'],
  categories: [],
  verbs: [...standardVerbs],
  subresources: [],
  schemaName: storageClass,
  hasStatus: false,
  hasGeneration: false,
  nameValidation: 'dns1123Subdomain',
  defaults(obj) {
    setDefault(obj, 'reclaimPolicy', 'Delete');
    setDefault(obj, 'volumeBindingMode', 'Immediate');
  },
  validate: validateStorageClass,
  fieldSelectors: {},
  printerColumns: [
    nameColumn(),
    column('Provisioner', describe(storageClass, 'provisioner')),
    column('ReclaimPolicy', describe(storageClass, 'reclaimPolicy')),
    column('VolumeBindingMode', describe(storageClass, 'volumeBindingMode')),
    column('AllowVolumeExpansion', describe(storageClass, 'allowVolumeExpansion')),
    ageColumn(),
  ],
  cells: (obj, now) => [
    isDefaultStorageClass(obj) ? `${obj.metadata.name ?? ''} (default)` : (obj.metadata.name ?? ''),
    stringAt(obj, 'provisioner'),
    stringAt(obj, 'reclaimPolicy') || 'Delete',
    stringAt(obj, 'volumeBindingMode') || 'Immediate',
    obj['allowVolumeExpansion'] === true,
    age(obj, now),
  ],
};

export const csiDriverResource: ResourceType = {
  group: 'storage.k8s.io',
  version: 'v1',
  resource: 'csidrivers',
  kind: 'CSIDriver',
  listKind: 'CSIDriverList',
  singular: 'csidriver',
  namespaced: false,
  shortNames: [],
  categories: [],
  verbs: [...standardVerbs],
  subresources: [],
  schemaName: 'io.k8s.api.storage.v1.CSIDriver',
  hasStatus: false,
  hasGeneration: false,
  nameValidation: 'dns1123Subdomain',
  defaults(obj) {
    // SetDefaults_CSIDriver (storage/v1).
    const spec = child(obj, 'spec');
    setDefault(spec, 'attachRequired', true);
    setDefault(spec, 'podInfoOnMount', false);
    setDefault(spec, 'storageCapacity', false);
    setDefault(spec, 'fsGroupPolicy', 'ReadWriteOnceWithFSType');
    setDefault(spec, 'volumeLifecycleModes', ['Persistent']);
    setDefault(spec, 'requiresRepublish', false);
    setDefault(spec, 'seLinuxMount', false);
  },
  validate(obj, old) {
    if (!old) return [];
    const spec = objectAt(obj, 'spec');
    const oldSpec = objectAt(old, 'spec');
    return [
      ...immutable('spec.attachRequired', spec['attachRequired'], oldSpec['attachRequired']),
      ...immutable('spec.volumeLifecycleModes', spec['volumeLifecycleModes'], oldSpec['volumeLifecycleModes']),
    ];
  },
  fieldSelectors: {},
  printerColumns: [
    nameColumn(),
    column('AttachRequired', describe(csiDriverSpec, 'attachRequired')),
    column('PodInfoOnMount', describe(csiDriverSpec, 'podInfoOnMount')),
    column('StorageCapacity', describe(csiDriverSpec, 'storageCapacity')),
    column('TokenRequests', describe(csiDriverSpec, 'tokenRequests')),
    column('RequiresRepublish', describe(csiDriverSpec, 'requiresRepublish')),
    column('Modes', describe(csiDriverSpec, 'volumeLifecycleModes')),
    ageColumn(),
  ],
  cells(obj, now) {
    const spec = objectAt(obj, 'spec');
    const audiences = objectsAt(spec, 'tokenRequests').map((t) => stringAt(t, 'audience'));
    const modes = arrayAt(spec, 'volumeLifecycleModes').map(String);
    return [
      obj.metadata.name ?? '',
      spec['attachRequired'] !== false,
      spec['podInfoOnMount'] === true,
      spec['storageCapacity'] === true,
      audiences.length > 0 ? audiences.join(',') : '<unset>',
      spec['requiresRepublish'] === true,
      modes.length > 0 ? modes.join(',') : '<none>',
      age(obj, now),
    ];
  },
};

export const csiNodeResource: ResourceType = {
  group: 'storage.k8s.io',
  version: 'v1',
  resource: 'csinodes',
  kind: 'CSINode',
  listKind: 'CSINodeList',
  singular: 'csinode',
  namespaced: false,
  shortNames: [],
  categories: [],
  verbs: [...standardVerbs],
  subresources: [],
  schemaName: 'io.k8s.api.storage.v1.CSINode',
  hasStatus: false,
  hasGeneration: false,
  nameValidation: 'dns1123Subdomain',
  defaults: () => undefined,
  validate(obj) {
    const errors: FieldError[] = [];
    const names = new Set<string>();
    for (const [i, driver] of objectsAt(objectAt(obj, 'spec'), 'drivers').entries()) {
      const name = stringAt(driver, 'name');
      if (!name) errors.push(required(`spec.drivers[${i}].name`));
      else if (names.has(name)) errors.push({ type: 'FieldValueDuplicate', field: `spec.drivers[${i}].name`, message: `Duplicate value: ${JSON.stringify(name)}` });
      names.add(name);
      if (!stringAt(driver, 'nodeID')) errors.push(required(`spec.drivers[${i}].nodeID`));
    }
    return errors;
  },
  fieldSelectors: {},
  printerColumns: [nameColumn(), column('Drivers', describe('io.k8s.api.storage.v1.CSINodeSpec', 'drivers')), ageColumn()],
  cells: (obj, now) => [obj.metadata.name ?? '', objectsAt(objectAt(obj, 'spec'), 'drivers').length, age(obj, now)],
};

/**
 * The DefaultStorageClass admission plugin, for the server to call on PVC create with the
 * StorageClasses it stores: a claim with no spec.storageClassName (absent, not "") and no beta
 * class annotation gets the default class; with several defaults, the newest wins, then the
 * first name. Returns whether it set one.
 */
export function applyDefaultStorageClass(claim: KubeObject, storageClasses: readonly KubeObject[]): boolean {
  const spec = child(claim, 'spec');
  if (spec['storageClassName'] !== undefined && spec['storageClassName'] !== null) return false;
  if (claim.metadata.annotations?.['volume.beta.kubernetes.io/storage-class'] !== undefined) return false;
  const defaults = storageClasses.filter(isDefaultStorageClass).sort((a, b) => {
    const at = Date.parse(a.metadata.creationTimestamp ?? '') || 0;
    const bt = Date.parse(b.metadata.creationTimestamp ?? '') || 0;
    if (at !== bt) return bt - at;
    return (a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1;
  });
  const chosen = defaults[0]?.metadata.name;
  if (chosen === undefined) return false;
  spec['storageClassName'] = chosen;
  return true;
}
