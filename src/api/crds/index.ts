// Ferry's CustomResourceDefinitions, built from the schemas in this folder: the one source of
// truth for deploy/crds/*.yaml (scripts/gen-crds.ts) and for the embedded cluster's install.

import { CDI_GROUP, CDI_VERSION } from '../types/datavolume.ts';
import { dataVolumePrinterColumns, dataVolumeSpecSchema, dataVolumeStatusSchema } from './datavolume.ts';
import type { JSONSchemaProps, PrinterColumn } from './schema.ts';
import {
  dataSourceSpecSchema, dataSourceStatusSchema, objectTransferPrinterColumns, objectTransferSpecSchema,
  objectTransferStatusSchema, populatorStatusSchema, volumeCloneSourceSpecSchema, volumeImportSourceSpecSchema,
  volumeUploadSourceSpecSchema,
} from './sources.ts';
import {
  cdiConfigSpecSchema, cdiConfigStatusSchema, cdiSpecSchema, cdiStatusSchema, storageProfileSpecSchema,
  storageProfileStatusSchema,
} from './storage-and-config.ts';

export type { JSONSchemaProps, PrinterColumn } from './schema.ts';

export interface CustomResourceDefinition {
  apiVersion: 'apiextensions.k8s.io/v1';
  kind: 'CustomResourceDefinition';
  metadata: { name: string; labels: Record<string, string> };
  spec: {
    group: string;
    names: { kind: string; listKind: string; plural: string; singular: string; shortNames?: string[]; categories?: string[] };
    scope: 'Namespaced' | 'Cluster';
    versions: {
      name: string;
      served: boolean;
      storage: boolean;
      schema: { openAPIV3Schema: JSONSchemaProps };
      subresources?: { status: Record<string, never> };
      additionalPrinterColumns?: PrinterColumn[];
    }[];
  };
}

interface KindDefinition {
  kind: string;
  plural: string;
  scope: 'Namespaced' | 'Cluster';
  description: string;
  spec: JSONSchemaProps;
  /** Whether `spec` is required, as in CDI's types (`json:"spec"` without omitempty). */
  specRequired: boolean;
  status: JSONSchemaProps;
  shortNames?: string[];
  categories?: string[];
  printerColumns?: PrinterColumn[];
}

const kinds: KindDefinition[] = [
  {
    kind: 'DataVolume', plural: 'datavolumes', scope: 'Namespaced', shortNames: ['dv', 'dvs'], categories: ['all'],
    description: 'DataVolume is an abstraction on top of PersistentVolumeClaims to allow easy population of those PersistentVolumeClaims with relation to VirtualMachines',
    spec: dataVolumeSpecSchema, specRequired: true, status: dataVolumeStatusSchema, printerColumns: dataVolumePrinterColumns,
  },
  {
    kind: 'StorageProfile', plural: 'storageprofiles', scope: 'Cluster',
    description: 'StorageProfile provides a CDI specific recommendation for storage parameters',
    spec: storageProfileSpecSchema, specRequired: true, status: storageProfileStatusSchema,
  },
  {
    kind: 'CDIConfig', plural: 'cdiconfigs', scope: 'Cluster',
    description: 'CDIConfig provides a user configuration for CDI',
    spec: cdiConfigSpecSchema, specRequired: true, status: cdiConfigStatusSchema,
  },
  {
    kind: 'CDI', plural: 'cdis', scope: 'Cluster', shortNames: ['cdi', 'cdis'],
    description: 'CDI is the CDI Operator CRD',
    spec: cdiSpecSchema, specRequired: true, status: cdiStatusSchema,
    printerColumns: [
      { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
      { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
    ],
  },
  {
    kind: 'DataSource', plural: 'datasources', scope: 'Namespaced', shortNames: ['das'], categories: ['all'],
    description: 'DataSource references an import/clone source for a DataVolume',
    spec: dataSourceSpecSchema, specRequired: true, status: dataSourceStatusSchema,
  },
  {
    kind: 'VolumeImportSource', plural: 'volumeimportsources', scope: 'Namespaced',
    description: 'VolumeImportSource works as a specification to populate PersistentVolumeClaims with data imported from an HTTP/S3/Registry/Blank/ImageIO/VDDK source',
    spec: volumeImportSourceSpecSchema, specRequired: true, status: populatorStatusSchema,
  },
  {
    kind: 'VolumeUploadSource', plural: 'volumeuploadsources', scope: 'Namespaced',
    description: 'VolumeUploadSource is a specification to populate PersistentVolumeClaims with upload data',
    spec: volumeUploadSourceSpecSchema, specRequired: true, status: populatorStatusSchema,
  },
  {
    kind: 'VolumeCloneSource', plural: 'volumeclonesources', scope: 'Namespaced',
    description: 'VolumeCloneSource refers to a PVC/VolumeSnapshot of any storageclass/volumemode to be used as the source of a new PVC',
    spec: volumeCloneSourceSpecSchema, specRequired: true, status: populatorStatusSchema,
  },
  {
    kind: 'ObjectTransfer', plural: 'objecttransfers', scope: 'Cluster', shortNames: ['ot', 'ots'],
    description: 'ObjectTransfer is the cluster scoped object transfer resource',
    spec: objectTransferSpecSchema, specRequired: true, status: objectTransferStatusSchema,
    printerColumns: objectTransferPrinterColumns,
  },
];

function crdFor(def: KindDefinition): CustomResourceDefinition {
  const openAPIV3Schema: JSONSchemaProps = {
    description: def.description,
    type: 'object',
    properties: {
      apiVersion: { type: 'string', description: 'APIVersion defines the versioned schema of this representation of an object.' },
      kind: { type: 'string', description: 'Kind is a string value representing the REST resource this object represents.' },
      metadata: { type: 'object' },
      spec: def.spec,
      status: def.status,
    },
  };
  if (def.specRequired) openAPIV3Schema.required = ['spec'];
  const names: CustomResourceDefinition['spec']['names'] = {
    kind: def.kind,
    listKind: `${def.kind}List`,
    plural: def.plural,
    singular: def.kind.toLowerCase(),
  };
  if (def.shortNames) names.shortNames = [...def.shortNames];
  if (def.categories) names.categories = [...def.categories];
  const version: CustomResourceDefinition['spec']['versions'][number] = {
    name: CDI_VERSION,
    served: true,
    storage: true,
    schema: { openAPIV3Schema },
    subresources: { status: {} },
  };
  if (def.printerColumns) version.additionalPrinterColumns = def.printerColumns.map((c) => ({ ...c }));
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${def.plural}.${CDI_GROUP}`, labels: { 'cdi.kubevirt.io': '' } },
    spec: { group: CDI_GROUP, names, scope: def.scope, versions: [version] },
  };
}

/**
 * Every CRD Ferry serves, in a fixed order; a fresh deep copy on each call, so callers may
 * mutate what they get. (UploadTokenRequest is served by the aggregated API, not a CRD.)
 */
export function ferryCustomResourceDefinitions(): CustomResourceDefinition[] {
  return kinds.map((def) => structuredClone(crdFor(def)));
}
