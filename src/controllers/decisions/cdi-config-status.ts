// computeCDIConfigStatus: the values in force, from CDIConfig.spec and what the cluster offers,
// as CDI's config controller fills CDIConfig.status; plus the settings CDI keeps only in the
// spec (feature gates, TTL, insecure registries), typed, so no one reads the spec raw.

import type { V1ResourceRequirements } from '@kubernetes/client-node';
import {
  DefaultGlobalFilesystemOverhead, FeatureGate, isFeatureGateEnabled, readStorageClassAnnotations,
  type CDIConfigSpec, type CDIConfigStatus, type HasMetadata, type ImportProxy,
} from '../../api/index.ts';
import type { StorageClassLike } from './storage-class.ts';

export interface CDIConfigDefaults {
  /** StorageClasses in the cluster: scratch space and per-class overhead are computed over them. */
  storageClasses?: readonly StorageClassLike[];
  /** The upload proxy URL discovered in the cluster (route/ingress), unless the spec overrides it. */
  uploadProxyURL?: string;
  /** The cluster-wide proxy, unless the spec sets one. */
  importProxy?: ImportProxy;
}

/** Settings in force that CDIConfig.status does not carry. */
export interface CDIConfigSettings {
  featureGates: string[];
  honorWaitForFirstConsumer: boolean;
  dataVolumeClaimAdoption: boolean;
  /** 0: collect at once; negative: never. */
  dataVolumeTTLSeconds: number;
  insecureRegistries: string[];
}

export interface CDIConfigComputation {
  status: CDIConfigStatus;
  settings: CDIConfigSettings;
  /** Spec values that were ignored, each a sentence a person can act on. */
  problems: string[];
}

/** CDI's defaults for worker pods when CDIConfig names none. */
export const DefaultPodResourceRequirements: V1ResourceRequirements = {
  limits: { cpu: '750m', memory: '600M' },
  requests: { cpu: '100m', memory: '60M' },
};

/** The GC default the seeds describe: collect as soon as the DataVolume succeeded. */
export const DefaultDataVolumeTTLSeconds = 0;

/** A valid overhead is a decimal in [0, 1) with at most three decimals, or CDI rejects it. */
export function isValidOverhead(value: string | undefined): value is string {
  if (value === undefined || !/^(0(?:\.\d{1,3})?|1)$/.test(value)) return false;
  const n = Number.parseFloat(value);
  return n >= 0 && n < 1;
}

function mergeResources(spec: V1ResourceRequirements | undefined): V1ResourceRequirements {
  if (!spec) return structuredClone(DefaultPodResourceRequirements);
  return {
    limits: { ...DefaultPodResourceRequirements.limits, ...(spec.limits ?? {}) },
    requests: { ...DefaultPodResourceRequirements.requests, ...(spec.requests ?? {}) },
  };
}

export function computeCDIConfigStatus(spec: CDIConfigSpec, defaults: CDIConfigDefaults): CDIConfigComputation {
  const problems: string[] = [];
  const classes = defaults.storageClasses ?? [];
  const classNames = classes.map((sc) => sc.metadata?.name ?? '').filter((n) => n !== '');

  let global = DefaultGlobalFilesystemOverhead as string;
  const specGlobal = spec.filesystemOverhead?.global;
  if (specGlobal !== undefined && specGlobal !== '') {
    if (isValidOverhead(specGlobal)) global = specGlobal;
    else problems.push(`filesystemOverhead.global ${JSON.stringify(specGlobal)} is not a decimal in [0, 1); using ${global}`);
  }
  const perClass: Record<string, string> = {};
  const specPerClass = spec.filesystemOverhead?.storageClass ?? {};
  for (const name of [...classNames].sort()) {
    const value = specPerClass[name];
    if (value === undefined) perClass[name] = global;
    else if (isValidOverhead(value)) perClass[name] = value;
    else {
      perClass[name] = global;
      problems.push(`filesystemOverhead.storageClass[${name}] ${JSON.stringify(value)} is not a decimal in [0, 1); using ${global}`);
    }
  }

  // Scratch space: the requested class if it exists, else the Kubernetes default class, else none.
  let scratch = '';
  const wanted = spec.scratchSpaceStorageClass;
  if (wanted !== undefined && classNames.includes(wanted)) scratch = wanted;
  else {
    if (wanted !== undefined && wanted !== '') problems.push(`scratchSpaceStorageClass ${JSON.stringify(wanted)} does not exist`);
    const def = classes.find((sc) => readStorageClassAnnotations(sc as HasMetadata).isDefaultClass);
    scratch = def?.metadata?.name ?? '';
  }

  const status: CDIConfigStatus = {
    scratchSpaceStorageClass: scratch,
    defaultPodResourceRequirements: mergeResources(spec.podResourceRequirements),
    filesystemOverhead: { global, storageClass: perClass },
    preallocation: spec.preallocation ?? false,
  };
  const uploadProxyURL = spec.uploadProxyURLOverride ?? defaults.uploadProxyURL;
  if (uploadProxyURL !== undefined) status.uploadProxyURL = uploadProxyURL;
  const importProxy = spec.importProxy ?? defaults.importProxy;
  if (importProxy !== undefined) status.importProxy = { ...importProxy };
  if (spec.imagePullSecrets?.length) status.imagePullSecrets = spec.imagePullSecrets.map((s) => ({ ...s }));

  const featureGates = [...(spec.featureGates ?? [])];
  const settings: CDIConfigSettings = {
    featureGates,
    honorWaitForFirstConsumer: isFeatureGateEnabled(featureGates, FeatureGate.HonorWaitForFirstConsumer),
    dataVolumeClaimAdoption: isFeatureGateEnabled(featureGates, FeatureGate.DataVolumeClaimAdoption),
    dataVolumeTTLSeconds: spec.dataVolumeTTLSeconds ?? DefaultDataVolumeTTLSeconds,
    insecureRegistries: [...(spec.insecureRegistries ?? [])],
  };
  return { status, settings, problems };
}
