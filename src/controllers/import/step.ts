// The import populate steps (http, s3, gcs, registry): CDI's importer pod, run as Ferry's worker,
// fills the claim. The DataVolume reconciler owns the claim and the status; a step only drives
// the worker pod and says what it observed. Per reconcile (level-based, idempotent):
// 1. No importer pod, and the claim's mirror says the import failed for good: report that, start
//    nothing (the user fixes the source and recreates the DataVolume).
// 2. No importer pod, and decideWorkerStart says go: create it (deterministic name, so a retry
//    after a crash or a deleted pod finds or recreates the same pod; the new one resumes).
// 3. A pod: decideImporterPod says what it means. While it runs, its progress is read from its
//    metrics endpoint and the step asks to look again in a second. The claim's mirror of the
//    pod is written when it changed, and the pod is deleted when decided (done, failed for good,
//    or lost), unless the user asked to keep it.
// Before the claim exists, probeVirtualSize sizes a claim whose `storage` omits the size (the
// reconciler calls it when renderPvcSpec answers SizeUnknown).
import type { V1PersistentVolumeClaim, V1Pod } from '@kubernetes/client-node';
import {
  ImporterSource, PodPhase, ScratchVolumeName, readClaimAnnotations, readDataVolumeAnnotations, scratchClaimName, withClaimAnnotations,
  type ClaimAnnotationPatch, type DataVolume,
} from '../../api/index.ts';
import { kube, toKubeError } from '../../kube/errors.ts';
import { mergePatch } from '../../kube/patch.ts';
import type { ControllerContext } from '../context.ts';
import { importerPodName } from '../datavolume/importer-pod.ts';
import type { PopulateInput, PopulateObservation, PopulateStep } from '../datavolume/populate.ts';
import { decideWorkerStart } from '../datavolume/worker-gate.ts';
import { filesystemOverheadFor, isWaitForFirstConsumer } from '../decisions/index.ts';
import { annotationsMergePatch } from '../patches.ts';
import { renderImporterPod, progressOwnerUID } from './importer-pod.ts';
import { decideImporterPod, failedForGoodFromClaim } from './outcome.ts';
import { readImportProgress } from './progress.ts';
import { probeImportVirtualSize } from './probe-source.ts';
import { clearStaleScratchClaim, ensureScratchClaim } from './scratch.ts';
import { importSourceOf, type ImportSourceKind } from './source.ts';

/** How often a running import's progress is read (CDI requeues running imports the same way). */
export const progressPollMs = 1000;

async function patchClaimAnnotations(ctx: ControllerContext, pvc: V1PersistentVolumeClaim, patch: ClaimAnnotationPatch): Promise<V1PersistentVolumeClaim> {
  const after = withClaimAnnotations(pvc, patch);
  const diff = annotationsMergePatch(pvc.metadata?.annotations, after.metadata?.annotations);
  if (!diff) return pvc;
  return kube(
    ctx.core.patchNamespacedPersistentVolumeClaim(
      { name: pvc.metadata?.name ?? '', namespace: pvc.metadata?.namespace ?? '', body: { metadata: { annotations: diff } } },
      mergePatch,
    ),
  );
}

async function deletePod(ctx: ControllerContext, pod: V1Pod): Promise<void> {
  try {
    await ctx.core.deleteNamespacedPod({
      name: pod.metadata?.name ?? '',
      namespace: pod.metadata?.namespace ?? '',
      body: { preconditions: { uid: pod.metadata?.uid ?? '' } },
    });
  } catch (err) {
    const e = toKubeError(err);
    if (e.code !== 'ENOTFOUND' && e.code !== 'ECONFLICT') throw e;
  }
}

async function startImporter(input: PopulateInput, pvc: V1PersistentVolumeClaim): Promise<PopulateObservation> {
  const { ctx, dv, settings } = input;
  const source = importSourceOf(dv);
  if (!source) return {};
  const namespace = pvc.metadata?.namespace ?? '';
  const claim = readClaimAnnotations(pvc);
  const decision = decideWorkerStart({
    claimPhase: pvc.status?.phase,
    mirroredPodPhase: claim.podPhase,
    populatedForThisDataVolume: claim.populatedFor === dv.metadata.name,
    waitForFirstConsumerStorage: isWaitForFirstConsumer(ctx.caches.storageClasses.get(pvc.spec?.storageClassName ?? '')),
    honorWaitForFirstConsumer: settings.settings.honorWaitForFirstConsumer,
    immediateBindingRequested: claim.immediateBinding || readDataVolumeAnnotations(dv).immediateBinding,
  });
  if (!decision.start) return {};
  const scratch = claim.requiresScratch === true;
  if (scratch && (await clearStaleScratchClaim(ctx, pvc))) return { requeueAfterMs: 500 };
  const body = renderImporterPod({
    pvc,
    source,
    ...(scratch ? { scratchClaimName: scratchClaimName(pvc.metadata?.name ?? '') } : {}),
    workerImage: ctx.workerImage,
    imagePullPolicy: ctx.workerImagePullPolicy,
    filesystemOverhead: filesystemOverheadFor(settings.status, pvc.spec?.storageClassName),
    insecureRegistries: settings.settings.insecureRegistries,
    ...(settings.status.importProxy ? { importProxy: settings.status.importProxy } : {}),
    ...(settings.status.defaultPodResourceRequirements ? { resources: settings.status.defaultPodResourceRequirements } : {}),
  });
  try {
    const created = await kube(ctx.core.createNamespacedPod({ namespace, body }));
    ctx.logger.info({ dataVolume: `${namespace}/${dv.metadata.name}`, pod: created.metadata?.name, source: source.kind, scratch, reconcileID: input.reconcileID }, 'importer pod created');
    if (scratch) await ensureScratchClaim(ctx, pvc, created, settings.status.scratchSpaceStorageClass);
    return { pod: { phase: PodPhase.Pending, restarts: claim.podRestarts ?? 0 } };
  } catch (err) {
    // Made by an earlier try whose answer was lost, or the old pod is still terminating: look again.
    if (toKubeError(err).code === 'EEXISTS') return { requeueAfterMs: 500 };
    throw err;
  }
}

async function syncImport(input: PopulateInput): Promise<PopulateObservation> {
  const { ctx, dv } = input;
  let pvc = input.pvc;
  const namespace = pvc.metadata?.namespace ?? '';
  const cached = ctx.caches.pods.get(importerPodName(pvc.metadata?.name ?? ''), namespace);
  const pod = cached?.metadata?.ownerReferences?.some((r) => r.uid === pvc.metadata?.uid) ? cached : undefined;
  const claim = readClaimAnnotations(pvc);

  if (!pod) {
    const failed = failedForGoodFromClaim(claim);
    if (failed) return { pod: failed };
    return startImporter(input, pvc);
  }
  // A pod on its way out (deleted by a user, or by us): the next one starts once it is gone.
  if (pod.metadata?.deletionTimestamp) return { requeueAfterMs: 500 };

  const retain = claim.retainPodAfterCompletion || readDataVolumeAnnotations(dv).retainPodAfterCompletion;
  const decision = decideImporterPod(pod, retain);
  const mountsScratch = pod.spec?.volumes?.some((v) => v.name === ScratchVolumeName) ?? false;
  if (decision.outcome === 'Pending' && mountsScratch) {
    // The pod waits for its scratch claim: make it if an earlier reconcile could not.
    if ((await ensureScratchClaim(ctx, pvc, pod, input.settings.status.scratchSpaceStorageClass)) === 'wait') {
      return { pod: decision.observation, requeueAfterMs: 1000 };
    }
  }
  if (decision.outcome === 'Running') {
    const progress = await readImportProgress(pod.status?.podIP, progressOwnerUID(pvc), input.signal);
    if (progress !== undefined) decision.observation.progress = progress;
  }
  pvc = await patchClaimAnnotations(ctx, pvc, decision.claimMirror);
  if (decision.deletePod) {
    await deletePod(ctx, pod);
    ctx.logger.info(
      { dataVolume: `${namespace}/${dv.metadata.name}`, pod: pod.metadata?.name, outcome: decision.outcome, code: decision.termination?.code, reconcileID: input.reconcileID },
      'importer pod deleted',
    );
  }
  const running = decision.outcome === 'Running' || decision.outcome === 'Retrying';
  return { pod: decision.observation, pvc, ...(running ? { requeueAfterMs: progressPollMs } : {}) };
}

/** A populate step for one import source kind, plus the size probe of claims whose size is omitted. */
export interface ImportPopulateStep extends PopulateStep {
  /**
   * The image's virtual size in bytes, read from the source before the claim exists (http
   * only); `unknown` says why it could not be.
   */
  probeVirtualSize(ctx: ControllerContext, dv: DataVolume, signal: AbortSignal): Promise<{ size: number } | { unknown: string }>;
}

function importStep(kind: ImportSourceKind): ImportPopulateStep {
  return {
    kind,
    operation: 'Import',
    claimAnnotations: (dv: DataVolume) => {
      const endpoint = importSourceOf(dv)?.endpoint;
      return { source: kind, ...(endpoint ? { endpoint } : {}), importPodName: importerPodName(dv.metadata.name ?? '') };
    },
    sync: syncImport,
    probeVirtualSize: probeImportVirtualSize,
  };
}

export const httpImportStep = importStep(ImporterSource.Http);
export const s3ImportStep = importStep(ImporterSource.S3);
export const gcsImportStep = importStep(ImporterSource.Gcs);
export const registryImportStep = importStep(ImporterSource.Registry);

/** Every import step, for the DataVolume reconciler's table of populate steps. */
export const importSteps: readonly ImportPopulateStep[] = [httpImportStep, s3ImportStep, gcsImportStep, registryImportStep];
