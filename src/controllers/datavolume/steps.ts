// The populate steps Ferry has, by source kind. A DataVolume whose source has no step here is
// left alone (another controller, or a later Ferry, handles it).
import { dataVolumeSourceKinds, type DataVolume } from '../../api/index.ts';
import { importSteps } from '../import/index.ts';
import { blankStep } from './blank.ts';
import type { PopulateStep } from './populate.ts';

const steps: ReadonlyMap<string, PopulateStep> = new Map<string, PopulateStep>(
  [blankStep, ...importSteps].map((step) => [step.kind, step]),
);

/** The source kind a DataVolume asks for ('blank', 'http', ...; 'sourceRef' for a DataSource). */
export function sourceKindOf(dv: DataVolume): string | undefined {
  if (dv.spec.sourceRef) return 'sourceRef';
  const source = dv.spec.source ?? {};
  return dataVolumeSourceKinds.find((k) => source[k] !== undefined && source[k] !== null);
}

export function populateStepFor(dv: DataVolume): PopulateStep | undefined {
  const kind = sourceKindOf(dv);
  return kind === undefined ? undefined : steps.get(kind);
}
