// Ferry's API: the kinds it serves (CDI's cdi.kubevirt.io/v1beta1 and
// upload.cdi.kubevirt.io/v1beta1), the strings other programs read (phases, conditions, events,
// annotations, labels, feature gates, worker env), the one annotation codec, and the CRDs.

export * from './meta.ts';
export * from './phases.ts';
export * from './conditions.ts';
export * from './events.ts';
export * from './labels.ts';
export * from './feature-gates.ts';
export * from './importer-env.ts';
export * from './annotation-keys.ts';
export * from './annotations.ts';
export * from './quantity.ts';
export * from './types/datavolume.ts';
export * from './types/storage-profile.ts';
export * from './types/cdi-config.ts';
export * from './types/data-source.ts';
export * from './types/populators.ts';
export * from './types/object-transfer.ts';
export * from './types/upload-token.ts';
export { ferryCustomResourceDefinitions } from './crds/index.ts';
export type { CustomResourceDefinition, JSONSchemaProps, PrinterColumn } from './crds/index.ts';
export * from './names.ts';
export * from './import-failure-reasons.ts';
