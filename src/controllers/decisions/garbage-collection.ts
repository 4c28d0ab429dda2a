// decideGarbageCollection: whether a finished DataVolume is deleted now, later, or never
// (seeds: DataVolume garbage collection). The claim keeps its data: it is orphaned (the
// DataVolume's owner reference replaced by the DataVolume's own owners, as CDI does) and keeps
// `storage.populatedFor`, so re-applying the same DataVolume (GitOps) finds the claim populated
// for it and is Succeeded at once instead of importing again.

import {
  DataVolumePhase, readClaimAnnotations, readDataVolumeAnnotations,
  type ClaimAnnotationPatch, type DataVolume, type OwnerReference,
} from '../../api/index.ts';
import type { ClaimLike } from './claim.ts';
import { findCondition } from './conditions.ts';

export interface GarbageCollectionInput {
  dv: DataVolume;
  /** The DataVolume's claim, to compute its new owner references. */
  pvc?: ClaimLike;
  /** CDIConfig.spec.dataVolumeTTLSeconds: 0 (the default) at once, negative never. */
  ttlSeconds: number;
  now: Date;
}

export type GarbageCollectionDecision =
  | { action: 'keep'; reason: string }
  | { action: 'requeue'; afterMs: number }
  | {
      action: 'delete';
      /** What to change on the claim before deleting the DataVolume (none without a claim). */
      claimPatch?: { ownerReferences: OwnerReference[]; annotations: ClaimAnnotationPatch };
    };

export function decideGarbageCollection(input: GarbageCollectionInput): GarbageCollectionDecision {
  const { dv, pvc, ttlSeconds, now } = input;
  if (dv.status?.phase !== DataVolumePhase.Succeeded) return { action: 'keep', reason: 'not Succeeded' };
  if (dv.metadata.deletionTimestamp) return { action: 'keep', reason: 'already being deleted' };
  if (ttlSeconds < 0) return { action: 'keep', reason: 'garbage collection is disabled (dataVolumeTTLSeconds < 0)' };
  if (readDataVolumeAnnotations(dv).deleteAfterCompletion === false) {
    return { action: 'keep', reason: 'annotated cdi.kubevirt.io/storage.deleteAfterCompletion: "false"' };
  }
  // The TTL runs from when the DataVolume became Ready (CDI's getDeltaTTL).
  const readySince = findCondition(dv.status.conditions, 'Ready')?.lastTransitionTime;
  const elapsedMs = readySince ? now.getTime() - new Date(readySince).getTime() : 0;
  const remainingMs = ttlSeconds * 1000 - elapsedMs;
  if (remainingMs > 0) return { action: 'requeue', afterMs: remainingMs };
  if (!pvc) return { action: 'delete' };

  const dvUid = dv.metadata.uid;
  const kept = (pvc.metadata?.ownerReferences ?? []).filter((ref) => ref.uid !== dvUid);
  const inherited = (dv.metadata.ownerReferences ?? []).filter((ref) => !kept.some((k) => k.uid === ref.uid));
  const annotations: ClaimAnnotationPatch = {};
  if (readClaimAnnotations(pvc).populatedFor !== dv.metadata.name) annotations.populatedFor = dv.metadata.name ?? '';
  return {
    action: 'delete',
    claimPatch: { ownerReferences: [...kept, ...inherited.map((ref) => ({ ...ref }))], annotations },
  };
}
