// Builders for OpenAPI v3 structural schemas, the single source of truth for Ferry's CRDs.
// Structural means: every node has a type (or x-kubernetes-int-or-string /
// x-kubernetes-preserve-unknown-fields), so the API server can prune and validate.

export interface JSONSchemaProps {
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  format?: string;
  description?: string;
  properties?: Record<string, JSONSchemaProps>;
  required?: string[];
  items?: JSONSchemaProps;
  additionalProperties?: JSONSchemaProps;
  enum?: (string | number | boolean)[];
  pattern?: string;
  minimum?: number;
  maximum?: number;
  anyOf?: JSONSchemaProps[];
  'x-kubernetes-int-or-string'?: true;
  'x-kubernetes-preserve-unknown-fields'?: true;
  'x-kubernetes-map-type'?: 'atomic' | 'granular';
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
}

type Props = Record<string, JSONSchemaProps>;
const described = (s: JSONSchemaProps, description?: string): JSONSchemaProps =>
  description === undefined ? s : { description, ...s };

export const str = (description?: string, extra: Partial<JSONSchemaProps> = {}): JSONSchemaProps =>
  described({ type: 'string', ...extra }, description);
export const bool = (description?: string): JSONSchemaProps => described({ type: 'boolean' }, description);
export const int32 = (description?: string, extra: Partial<JSONSchemaProps> = {}): JSONSchemaProps =>
  described({ type: 'integer', format: 'int32', ...extra }, description);
export const int64 = (description?: string): JSONSchemaProps => described({ type: 'integer', format: 'int64' }, description);
export const enumOf = (values: readonly string[], description?: string): JSONSchemaProps =>
  described({ type: 'string', enum: [...values] }, description);
export const arr = (items: JSONSchemaProps, description?: string): JSONSchemaProps =>
  described({ type: 'array', items }, description);
export const map = (values: JSONSchemaProps, description?: string): JSONSchemaProps =>
  described({ type: 'object', additionalProperties: values }, description);
export const obj = (properties: Props, description?: string, required?: string[]): JSONSchemaProps => {
  const s: JSONSchemaProps = described({ type: 'object', properties }, description);
  if (required && required.length > 0) s.required = [...required];
  return s;
};
/** An object whose contents the API server keeps as given (e.g. node placement). */
export const freeform = (description?: string): JSONSchemaProps =>
  described({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true }, description);

/** Kubernetes resource.Quantity, as controller-gen renders it. */
export const quantity = (description?: string): JSONSchemaProps =>
  described(
    {
      anyOf: [{ type: 'integer' }, { type: 'string' }],
      pattern:
        '^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$',
      'x-kubernetes-int-or-string': true,
    },
    description,
  );

export const resourceList = (description?: string): JSONSchemaProps => map(quantity(), description);

export const resourceRequirements = (description?: string): JSONSchemaProps =>
  obj(
    {
      claims: arr(obj({ name: str('Name must match the name of one entry in pod.spec.resourceClaims.') }, undefined, ['name'])),
      limits: resourceList('Limits describes the maximum amount of compute resources allowed.'),
      requests: resourceList('Requests describes the minimum amount of compute resources required.'),
    },
    description,
  );

export const labelSelector = (description?: string): JSONSchemaProps => ({
  ...obj(
    {
      matchExpressions: arr(
        obj({ key: str(), operator: str(), values: arr(str()) }, undefined, ['key', 'operator']),
      ),
      matchLabels: map(str()),
    },
    description,
  ),
  'x-kubernetes-map-type': 'atomic',
});

const typedLocalObjectReference = (description: string, withNamespace: boolean): JSONSchemaProps => ({
  ...obj(
    {
      apiGroup: str('APIGroup is the group for the resource being referenced.'),
      kind: str('Kind is the type of resource being referenced'),
      name: str('Name is the name of resource being referenced'),
      ...(withNamespace ? { namespace: str('Namespace is the namespace of resource being referenced') } : {}),
    },
    description,
    ['kind', 'name'],
  ),
  'x-kubernetes-map-type': 'atomic',
});

const accessModes = (): JSONSchemaProps =>
  arr(str(), 'accessModes contains the desired access modes the volume should have.');

/** corev1.PersistentVolumeClaimSpec (the DataVolume `pvc` API). */
export const persistentVolumeClaimSpec = (description: string): JSONSchemaProps =>
  obj(
    {
      accessModes: accessModes(),
      dataSource: typedLocalObjectReference('dataSource field can be used to specify an existing VolumeSnapshot or PVC.', false),
      dataSourceRef: typedLocalObjectReference('dataSourceRef specifies the object from which to populate the volume.', true),
      resources: obj(
        { limits: resourceList(), requests: resourceList() },
        'resources represents the minimum resources the volume should have.',
      ),
      selector: labelSelector('selector is a label query over volumes to consider for binding.'),
      storageClassName: str('storageClassName is the name of the StorageClass required by the claim.'),
      volumeAttributesClassName: str('volumeAttributesClassName may be used to set the VolumeAttributesClass used by this claim.'),
      volumeMode: str('volumeMode defines what type of volume is required by the claim.'),
      volumeName: str('volumeName is the binding reference to the PersistentVolume backing this claim.'),
    },
    description,
  );

/** CDI's StorageSpec (the DataVolume `storage` API). */
export const storageSpec = (description: string): JSONSchemaProps => {
  const pvc = persistentVolumeClaimSpec(description);
  const properties = { ...(pvc.properties ?? {}) };
  properties['volumeMode'] = str(
    'volumeMode defines what type of volume is required by the claim: Filesystem, Block, or FromStorageProfile (the StorageProfile decides). Omitted: the StorageProfile decides.',
  );
  return { ...pvc, properties };
};

export interface PrinterColumn {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  jsonPath: string;
  description?: string;
  format?: string;
  priority?: number;
}
