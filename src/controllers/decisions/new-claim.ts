// What a DataVolume asks for, and the claim it creates: pure parts of CDI's getDataVolumeOp
// and newPersistentVolumeClaim.

import type { V1PersistentVolumeClaim, V1PersistentVolumeClaimSpec } from '@kubernetes/client-node';
import {
  DataVolumeContentType, Label, LabelValue, PersistentVolumeMode, withClaimAnnotations,
  type ClaimAnnotationPatch, type DataSource, type DataVolume,
} from '../../api/index.ts';
import { dataVolumeOwnerReference } from './claim-adoption.ts';
import type { DataVolumeOperation } from './datavolume-status.ts';

/**
 * The operation a DataVolume asks for (CDI's getDataVolumeOp): clone for a PVC or snapshot
 * source, or a sourceRef whose DataSource points at one; upload; import for http, s3, gcs,
 * registry, imageio, vddk and blank. A sourceRef whose DataSource is unknown asks for nothing yet.
 */
export function dataVolumeOperation(dv: DataVolume, dataSource?: DataSource): DataVolumeOperation {
  if (dv.spec.sourceRef) {
    const src = dataSource?.spec.source;
    return src?.pvc || src?.snapshot ? 'Clone' : 'None';
  }
  const s = dv.spec.source;
  if (!s) return 'None';
  if (s.pvc || s.snapshot) return 'Clone';
  if (s.upload) return 'Upload';
  if (s.http || s.s3 || s.gcs || s.registry || s.blank || s.imageio || s.vddk) return 'Import';
  return 'None';
}

/** Annotations not passed on: kubectl's record of what was applied describes the DataVolume. */
const notPassedThrough = new Set(['kubectl.kubernetes.io/last-applied-configuration']);

export interface RenderClaimInput {
  dv: DataVolume;
  /** From renderPvcSpec. */
  spec: V1PersistentVolumeClaimSpec;
  /** CDIConfig status `preallocation`: the default when the DataVolume does not say. */
  preallocationDefault?: boolean;
  /** Operation-specific annotations (source, endpoint, upload target ...). */
  annotations?: ClaimAnnotationPatch;
}

/**
 * The claim a DataVolume creates, named after it, in its namespace, controlled by it: the
 * DataVolume's labels and annotations (CDI passes them on to the claim and its worker pods), CDI's
 * `app` label, the filling-up alert suppressed on Filesystem claims, restarts "0", the content
 * type, the priority class, whether to preallocate, and the DataVolume's UID so the claim is
 * never mistaken for one to adopt.
 */
export function renderClaim(input: RenderClaimInput): V1PersistentVolumeClaim {
  const { dv } = input;
  const labels: Record<string, string> = { [Label.App]: LabelValue.App };
  if ((input.spec.volumeMode ?? PersistentVolumeMode.Filesystem) === PersistentVolumeMode.Filesystem) {
    labels[Label.FillingUpSuppress] = LabelValue.FillingUpSuppress;
  }
  Object.assign(labels, dv.metadata.labels ?? {});
  const base: V1PersistentVolumeClaim = {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: {
      name: dv.metadata.name ?? '',
      namespace: dv.metadata.namespace ?? '',
      labels,
      annotations: Object.fromEntries(Object.entries(dv.metadata.annotations ?? {}).filter(([key]) => !notPassedThrough.has(key))),
      ownerReferences: [dataVolumeOwnerReference(dv)],
    },
    spec: structuredClone(input.spec),
  };
  const patch: ClaimAnnotationPatch = {
    podRestarts: 0,
    contentType: dv.spec.contentType === DataVolumeContentType.Archive ? DataVolumeContentType.Archive : DataVolumeContentType.KubeVirt,
    preallocationRequested: dv.spec.preallocation ?? input.preallocationDefault ?? false,
    ...(dv.spec.priorityClassName ? { priorityClassName: dv.spec.priorityClassName } : {}),
    ...(dv.metadata.uid ? { createdForDataVolume: dv.metadata.uid } : {}),
    ...(input.annotations ?? {}),
  };
  return withClaimAnnotations(base, patch);
}
