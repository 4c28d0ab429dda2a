// effectiveConfigSpec: the CDIConfig spec in force. CDI's operator copies `CDI.spec.config` into
// CDIConfig's spec, so a field set on the CDI object wins over the same field on CDIConfig;
// feature gates are the union of both lists (a gate enabled in either place is on, as a user
// who set it in either place expects). Pure; the reconcilers read settings only through here.
import type { CDI, CDIConfig, CDIConfigSpec } from '../api/index.ts';
import { computeCDIConfigStatus, type CDIConfigComputation, type StorageClassLike } from './decisions/index.ts';

export function effectiveConfigSpec(cdi: CDI | undefined, config: CDIConfig | undefined): CDIConfigSpec {
  const fromConfig = config?.spec ?? {};
  const fromCdi = cdi?.spec?.config ?? {};
  const gates = [...new Set([...(fromConfig.featureGates ?? []), ...(fromCdi.featureGates ?? [])])];
  const merged: CDIConfigSpec = { ...fromConfig };
  for (const [key, value] of Object.entries(fromCdi) as [keyof CDIConfigSpec, unknown][]) {
    if (value !== undefined) (merged as Record<string, unknown>)[key] = value;
  }
  if (gates.length > 0) merged.featureGates = gates;
  else delete merged.featureGates;
  return merged;
}

/** The values in force (CDIConfig status and the settings CDI keeps only in the spec). */
export function effectiveSettings(
  cdi: CDI | undefined,
  config: CDIConfig | undefined,
  storageClasses: readonly StorageClassLike[],
): CDIConfigComputation {
  return computeCDIConfigStatus(effectiveConfigSpec(cdi, config), { storageClasses });
}
