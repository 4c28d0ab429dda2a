// A populate step per source kind: how a DataVolume's claim gets its contents. The DataVolume
// reconciler owns everything the kinds share (rendering, claim creation, adoption, status,
// events, garbage collection) and calls the step for the kind the DataVolume asks for. Import,
// upload and clone plug in here by adding a step to the table in steps.ts.
import type { V1PersistentVolumeClaim } from '@kubernetes/client-node';
import type { ClaimAnnotationPatch, DataVolume } from '../../api/index.ts';
import type { CDIConfigComputation, DataVolumeOperation, TransferPodObservation } from '../decisions/index.ts';
import type { ControllerContext } from '../context.ts';

export interface PopulateInput {
  ctx: ControllerContext;
  dv: DataVolume;
  /** The claim, created by (or adopted for) this DataVolume. */
  pvc: V1PersistentVolumeClaim;
  settings: CDIConfigComputation;
  signal: AbortSignal;
  /** For log lines: the reconcile's id. */
  reconcileID: string;
}

export interface PopulateObservation {
  /** The worker pod as observed now; undefined when none runs (the claim's mirror is used). */
  pod?: TransferPodObservation;
  /** The claim after the step's writes, when it changed it. */
  pvc?: V1PersistentVolumeClaim;
  /** Look again after this long even if nothing changes (e.g. polling a progress endpoint). */
  requeueAfterMs?: number;
}

export interface PopulateStep {
  /** The source kind this step handles (a key of DataVolume.spec.source). */
  readonly kind: string;
  readonly operation: DataVolumeOperation;
  /** Annotations the claim is created with, telling the step's worker what to do. */
  claimAnnotations(dv: DataVolume): ClaimAnnotationPatch;
  /** Drives the transfer one level-based step further. Idempotent. */
  sync(input: PopulateInput): Promise<PopulateObservation>;
  /**
   * Imports only: the image's virtual size in bytes, read from the source before the claim
   * exists, for a claim whose size the DataVolume omits; `unknown` says why it could not be.
   */
  probeVirtualSize?(ctx: ControllerContext, dv: DataVolume, signal: AbortSignal): Promise<{ size: number } | { unknown: string }>;
}
