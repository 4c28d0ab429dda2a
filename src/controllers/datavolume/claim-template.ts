// buildClaim: the PersistentVolumeClaim a DataVolume creates, as CDI's newPersistentVolumeClaim
// makes it: the DataVolume's name and namespace, its labels and annotations passed through (the
// claim is what users and KubeVirt look at afterwards), CDI's `app` label, the filling-up alert
// suppressed on Filesystem claims CDI fills to the brim, the DataVolume as controlling owner, and
// the annotations that tell the populate step what to do. Pure.
import type { V1PersistentVolumeClaim, V1PersistentVolumeClaimSpec } from '@kubernetes/client-node';
import {
  DataVolumeContentType, Label, LabelValue, PersistentVolumeMode, withClaimAnnotations,
  type ClaimAnnotationPatch, type DataVolume,
} from '../../api/index.ts';
import { dataVolumeOwnerReference } from '../decisions/index.ts';

/** Annotations not worth copying: kubectl's record of what was applied describes the DataVolume. */
const notPassedThrough = new Set(['kubectl.kubernetes.io/last-applied-configuration']);

export interface ClaimTemplateInput {
  dv: DataVolume;
  spec: V1PersistentVolumeClaimSpec;
  /** The preallocation in force: the DataVolume's, else CDIConfig's. */
  preallocation: boolean;
  /** What the populate step puts on the claim (source, worker pod name ...). */
  populate: ClaimAnnotationPatch;
}

export function buildClaim(input: ClaimTemplateInput): V1PersistentVolumeClaim {
  const { dv, spec } = input;
  const labels: Record<string, string> = { [Label.App]: LabelValue.App };
  if ((spec.volumeMode ?? PersistentVolumeMode.Filesystem) === PersistentVolumeMode.Filesystem) {
    labels[Label.FillingUpSuppress] = LabelValue.FillingUpSuppress;
  }
  Object.assign(labels, dv.metadata.labels ?? {});
  const annotations: Record<string, string> = {};
  for (const [key, value] of Object.entries(dv.metadata.annotations ?? {})) {
    if (!notPassedThrough.has(key)) annotations[key] = value;
  }
  const claim: V1PersistentVolumeClaim = {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: {
      name: dv.metadata.name ?? '',
      namespace: dv.metadata.namespace ?? '',
      labels,
      annotations,
      ownerReferences: [dataVolumeOwnerReference(dv)],
    },
    spec: structuredClone(spec),
  };
  return withClaimAnnotations(claim, {
    podRestarts: 0,
    contentType: dv.spec.contentType ?? DataVolumeContentType.KubeVirt,
    preallocationRequested: input.preallocation,
    createdForDataVolume: dv.metadata.uid ?? '',
    ...(dv.spec.priorityClassName ? { priorityClassName: dv.spec.priorityClassName } : {}),
    ...input.populate,
  });
}
