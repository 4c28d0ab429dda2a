// The DataVolume controller's pure decisions: functions of observed state and `now`, each
// specified by a table test in test/controllers/decisions/.

export * from './claim.ts';
export * from './storage-class.ts';
export * from './render-pvc-spec.ts';
export * from './storage-capabilities.ts';
export * from './cdi-config-status.ts';
export * from './conditions.ts';
export * from './datavolume-status.ts';
export * from './claim-adoption.ts';
export * from './garbage-collection.ts';
export * from './admission.ts';
export * from './new-claim.ts';
