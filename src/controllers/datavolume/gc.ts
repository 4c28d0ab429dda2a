// Garbage collection of a Succeeded DataVolume (decideGarbageCollection says when), in two
// reconciles so that nothing ever sees the claim owned by a DataVolume that is gone:
// 1. the claim is handed over (the DataVolume's owner reference replaced by the DataVolume's own
//    owners, storage.populatedFor kept so that a re-applied identical DataVolume adopts it); the
//    claim's update event brings the DataVolume back;
// 2. once the cache shows the claim handed over, the DataVolume is deleted with
//    propagationPolicy Orphan, so that the claim and its data stay whatever else happens.
import type { V1PersistentVolumeClaim } from '@kubernetes/client-node';
import { withClaimAnnotations, type ClaimAnnotationPatch, type DataVolume, type OwnerReference } from '../../api/index.ts';
import { kube, toKubeError } from '../../kube/errors.ts';
import { mergePatch } from '../../kube/patch.ts';
import { cdiResource, type ControllerContext } from '../context.ts';
import { decideGarbageCollection } from '../decisions/index.ts';
import { annotationsMergePatch } from '../patches.ts';

/** `collecting`: the claim was handed over and the deletion follows; nothing else is to be done to the DataVolume. */
export type GarbageCollectionOutcome = { deleted: true } | { deleted: false; collecting?: boolean; requeueAfterMs?: number };

export async function collectIfFinished(
  ctx: ControllerContext,
  dv: DataVolume,
  pvc: V1PersistentVolumeClaim | undefined,
  ttlSeconds: number,
  reconcileID: string,
): Promise<GarbageCollectionOutcome> {
  const decision = decideGarbageCollection({ dv, ...(pvc ? { pvc } : {}), ttlSeconds, now: new Date(ctx.clock.now()) });
  if (decision.action === 'keep') return { deleted: false };
  if (decision.action === 'requeue') return { deleted: false, requeueAfterMs: decision.afterMs };
  const namespace = dv.metadata.namespace ?? '';
  const name = dv.metadata.name ?? '';
  if (pvc && decision.claimPatch && claimNeedsHandOver(pvc, decision.claimPatch)) {
    const after = withClaimAnnotations(pvc, decision.claimPatch.annotations);
    const annotations = annotationsMergePatch(pvc.metadata?.annotations, after.metadata?.annotations);
    await kube(
      ctx.core.patchNamespacedPersistentVolumeClaim(
        {
          name: pvc.metadata?.name ?? '',
          namespace,
          body: {
            metadata: {
              resourceVersion: pvc.metadata?.resourceVersion,
              ownerReferences: decision.claimPatch.ownerReferences,
              ...(annotations ? { annotations } : {}),
            },
          },
        },
        mergePatch,
      ),
    );
    ctx.logger.info({ dataVolume: `${namespace}/${name}`, reconcileID }, 'claim handed over before garbage collection');
    return { deleted: false, collecting: true };
  }
  try {
    await ctx.custom.deleteNamespacedCustomObject({
      ...cdiResource.dataVolumes,
      namespace,
      name,
      propagationPolicy: 'Orphan',
      body: { propagationPolicy: 'Orphan', preconditions: { uid: dv.metadata.uid ?? '' } },
    });
  } catch (err) {
    if (toKubeError(err).code !== 'ENOTFOUND') throw toKubeError(err);
  }
  ctx.logger.info({ dataVolume: `${namespace}/${name}`, ttlSeconds, reconcileID }, 'garbage collected succeeded DataVolume');
  return { deleted: true };
}

function claimNeedsHandOver(pvc: V1PersistentVolumeClaim, patch: { ownerReferences: OwnerReference[]; annotations: ClaimAnnotationPatch }): boolean {
  const uids = (refs: readonly { uid?: string }[] | undefined) => (refs ?? []).map((r) => r.uid).join(',');
  if (uids(pvc.metadata?.ownerReferences) !== uids(patch.ownerReferences)) return true;
  const after = withClaimAnnotations(pvc, patch.annotations);
  return annotationsMergePatch(pvc.metadata?.annotations, after.metadata?.annotations) !== undefined;
}
