// The DataVolume's claim: found (its own, populated for it, adoptable, or someone else's) or
// created from the rendered spec. Returns the claim to go on with, or the sync error the status
// shows (CDI's ErrResourceExists, ErrClaimNotValid ...).
// 1. A claim of the DataVolume's name exists: shouldAdoptClaim says what it is to us.
//    Own: go on. PopulatedFor/Adopt: take ownership (owner reference, storage.populatedFor on the
//    claim, storage.prePopulated on the DataVolume) and go on: the status becomes Succeeded.
//    NotAllowed/ControlledByOther: ErrResourceExists. Terminating: wait for it to go.
// 2. No claim, and the DataVolume says it is pre-populated: wait for the claim (Pending).
// 3. No claim: render the spec (renderPvcSpec) and create the claim; a render error is the
//    sync error (StorageClassNotFound waits for a StorageClass event, others wait for the user).
import type { V1PersistentVolumeClaim } from '@kubernetes/client-node';
import {
  CDIConfigName, EventMessage, EventReason, readDataVolumeAnnotations, withClaimAnnotations,
  withDataVolumeAnnotations, type DataVolume,
} from '../../api/index.ts';
import { kube, toKubeError } from '../../kube/errors.ts';
import { mergePatch } from '../../kube/patch.ts';
import { cdiResource, type ControllerContext } from '../context.ts';
import { renderClaim, renderPvcSpec, resolveStorageClass, shouldAdoptClaim, type CDIConfigComputation } from '../decisions/index.ts';
import { annotationsMergePatch } from '../patches.ts';
import type { PopulateStep } from './populate.ts';

export type ClaimSyncResult =
  | { pvc: V1PersistentVolumeClaim; dv: DataVolume; adopted: boolean }
  | { pvc?: undefined; dv: DataVolume; syncError?: { reason: string; message: string }; requeueAfterMs?: number }
  | { pvc: V1PersistentVolumeClaim; dv: DataVolume; syncError: { reason: string; message: string }; requeueAfterMs?: number };

interface ClaimSyncInput {
  ctx: ControllerContext;
  dv: DataVolume;
  step: PopulateStep;
  settings: CDIConfigComputation;
  signal: AbortSignal;
  reconcileID: string;
}

async function takeOwnership(input: ClaimSyncInput, pvc: V1PersistentVolumeClaim, decision: ReturnType<typeof shouldAdoptClaim>): Promise<{ pvc: V1PersistentVolumeClaim; dv: DataVolume }> {
  const { ctx } = input;
  let dv = input.dv;
  const namespace = pvc.metadata?.namespace ?? '';
  const name = pvc.metadata?.name ?? '';
  const owners = [...(pvc.metadata?.ownerReferences ?? [])];
  const ref = decision.ownerReference;
  if (ref && !owners.some((o) => o.uid === ref.uid)) owners.push(ref);
  const annotated = decision.claimPatch ? withClaimAnnotations(pvc, decision.claimPatch) : pvc;
  const annotations = annotationsMergePatch(pvc.metadata?.annotations, annotated.metadata?.annotations);
  const claimPatch = {
    metadata: {
      resourceVersion: pvc.metadata?.resourceVersion,
      ownerReferences: owners,
      ...(annotations ? { annotations } : {}),
    },
  };
  const updated = await kube(ctx.core.patchNamespacedPersistentVolumeClaim({ name, namespace, body: claimPatch }, mergePatch));
  if (decision.dataVolumePatch) {
    const after = withDataVolumeAnnotations(dv, decision.dataVolumePatch);
    const diff = annotationsMergePatch(dv.metadata.annotations, after.metadata.annotations);
    if (diff) {
      dv = (await kube(
        ctx.custom.patchNamespacedCustomObject(
          { ...cdiResource.dataVolumes, namespace, name: dv.metadata.name ?? '', body: { metadata: { annotations: diff } } },
          mergePatch,
        ),
      )) as DataVolume;
    }
  }
  ctx.logger.info({ dataVolume: `${namespace}/${dv.metadata.name}`, relation: decision.relation, why: decision.reason, reconcileID: input.reconcileID }, 'claim taken over');
  return { pvc: updated, dv };
}

export async function syncClaim(input: ClaimSyncInput): Promise<ClaimSyncResult> {
  const { ctx, dv, step, settings } = input;
  const namespace = dv.metadata.namespace ?? '';
  const name = dv.metadata.name ?? '';
  const existing = ctx.caches.claims.get(name, namespace);
  if (existing) {
    const decision = shouldAdoptClaim({ dv, pvc: existing, featureGateClaimAdoption: settings.settings.dataVolumeClaimAdoption });
    switch (decision.relation) {
      case 'Own':
        return { pvc: existing, dv, adopted: false };
      case 'PopulatedFor':
      case 'Adopt':
        return { ...(await takeOwnership(input, existing, decision)), adopted: true };
      case 'Terminating':
        return { dv, syncError: { reason: EventReason.ErrResourceMarkedForDeletion, message: EventMessage.resourceMarkedForDeletion(name) }, requeueAfterMs: 1000 };
      default:
        return { pvc: existing, dv, syncError: { reason: EventReason.ErrResourceExists, message: EventMessage.resourceExists(name) } };
    }
  }
  if (readDataVolumeAnnotations(dv).prePopulated !== undefined) return { dv };

  const storageClasses = ctx.caches.storageClasses.list();
  const className = dv.spec.storage ? resolveStorageClass(storageClasses, dv.spec.storage.storageClassName, dv.spec.contentType)?.metadata?.name : undefined;
  const cdiConfig = ctx.caches.cdiConfigs.get(CDIConfigName);
  const render = (imageVirtualSize?: number) => renderPvcSpec({
    dv,
    storageClasses,
    ...(className ? { storageProfile: ctx.caches.storageProfiles.get(className) } : {}),
    // The values in force (CDI's spec.config included), not CDIConfig's own status.
    cdiConfig: { metadata: cdiConfig?.metadata ?? { name: CDIConfigName }, spec: cdiConfig?.spec ?? {}, status: settings.status },
    ...(imageVirtualSize === undefined ? {} : { imageVirtualSize }),
  });
  let rendered = render();
  if ('error' in rendered && rendered.error.code === 'SizeUnknown' && step.probeVirtualSize) {
    // An import that omits the size: the claim is sized from the image's virtual size.
    const probed = await step.probeVirtualSize(ctx, dv, input.signal);
    if ('unknown' in probed) {
      return { dv, syncError: { reason: rendered.error.reason, message: `${rendered.error.message}: ${probed.unknown}` }, requeueAfterMs: 10_000 };
    }
    rendered = render(probed.size);
  }
  if ('error' in rendered) return { dv, syncError: { reason: rendered.error.reason, message: rendered.error.message } };

  const body = renderClaim({ dv, spec: rendered.spec, preallocationDefault: settings.status.preallocation ?? false, annotations: step.claimAnnotations(dv) });
  try {
    const pvc = await kube(ctx.core.createNamespacedPersistentVolumeClaim({ namespace, body }));
    ctx.logger.info({ dataVolume: `${namespace}/${name}`, reconcileID: input.reconcileID }, 'claim created');
    return { pvc, dv, adopted: false };
  } catch (err) {
    // Created by an earlier try, or by someone else: the cache shows it soon; decide then.
    if (toKubeError(err).code === 'EEXISTS') return { dv, requeueAfterMs: 500 };
    throw err;
  }
}
