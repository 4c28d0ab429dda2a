// The blank source: CDI's importer with IMPORTER_SOURCE=none, run as Ferry's worker
// (`ferry worker import`), which writes a sparse raw /data/disk.img of the usable size on a
// Filesystem claim or prepares the Block device (zeroed when preallocation is asked).
// Steps (each reconcile does the first that applies; all idempotent):
// 1. No claim contents yet and decideWorkerStart says go: create the pod (deterministic name, so
//    a retry after a crash finds it).
// 2. A pod exists: mirror its phase/restarts/Running condition onto the claim.
// 3. The pod succeeded (and the claim says so): delete it, unless the claim asks to retain it
//    (cdi.kubevirt.io/storage.pod.retainAfterCompletion).
// 4. The pod failed for good (the worker said retrying will not help): delete it, so that
//    restartPolicy OnFailure stops running it; the claim's mirror keeps the failure.
import type { V1PersistentVolumeClaim, V1Pod } from '@kubernetes/client-node';
import {
  ImporterSource, PodPhase, readClaimAnnotations, readDataVolumeAnnotations, withClaimAnnotations,
  type ClaimAnnotationPatch, type DataVolume,
} from '../../api/index.ts';
import { kube, toKubeError } from '../../kube/errors.ts';
import { mergePatch } from '../../kube/patch.ts';
import { filesystemOverheadFor, isWaitForFirstConsumer } from '../decisions/index.ts';
import { annotationsMergePatch } from '../patches.ts';
import { buildImporterPod, importerPodName } from './importer-pod.ts';
import { claimMirrorOf, observeWorkerPod } from './observe-pod.ts';
import type { PopulateInput, PopulateObservation, PopulateStep } from './populate.ts';
import { decideWorkerStart } from './worker-gate.ts';

async function patchClaimAnnotations(input: PopulateInput, pvc: V1PersistentVolumeClaim, patch: ClaimAnnotationPatch): Promise<V1PersistentVolumeClaim> {
  const after = withClaimAnnotations(pvc, patch);
  const diff = annotationsMergePatch(pvc.metadata?.annotations, after.metadata?.annotations);
  if (!diff) return pvc;
  return kube(
    input.ctx.core.patchNamespacedPersistentVolumeClaim(
      { name: pvc.metadata?.name ?? '', namespace: pvc.metadata?.namespace ?? '', body: { metadata: { annotations: diff } } },
      mergePatch,
    ),
  );
}

async function deletePod(input: PopulateInput, pod: V1Pod): Promise<void> {
  try {
    await input.ctx.core.deleteNamespacedPod({
      name: pod.metadata?.name ?? '',
      namespace: pod.metadata?.namespace ?? '',
      body: { preconditions: { uid: pod.metadata?.uid ?? '' } },
    });
  } catch (err) {
    const e = toKubeError(err);
    if (e.code !== 'ENOTFOUND' && e.code !== 'ECONFLICT') throw e;
  }
}

async function syncBlank(input: PopulateInput): Promise<PopulateObservation> {
  const { ctx, dv } = input;
  let pvc = input.pvc;
  const namespace = pvc.metadata?.namespace ?? '';
  const podName = importerPodName(pvc.metadata?.name ?? '');
  const pod = ctx.caches.pods.get(podName, namespace);
  const ownedPod = pod && pod.metadata?.ownerReferences?.some((r) => r.uid === pvc.metadata?.uid) ? pod : undefined;
  const claim = readClaimAnnotations(pvc);

  if (!ownedPod) {
    const storageClass = ctx.caches.storageClasses.get(pvc.spec?.storageClassName ?? '');
    const decision = decideWorkerStart({
      claimPhase: pvc.status?.phase,
      mirroredPodPhase: claim.podPhase,
      populatedForThisDataVolume: claim.populatedFor === dv.metadata.name,
      waitForFirstConsumerStorage: isWaitForFirstConsumer(storageClass),
      honorWaitForFirstConsumer: input.settings.settings.honorWaitForFirstConsumer,
      immediateBindingRequested: claim.immediateBinding || readDataVolumeAnnotations(dv).immediateBinding,
    });
    if (!decision.start) return {};
    // A failed-for-good transfer is not started again by the controller (the user deletes the DataVolume).
    if (claim.podPhase === PodPhase.Failed) return {};
    const body = buildImporterPod({
      pvc,
      source: ImporterSource.None,
      workerImage: ctx.workerImage,
      imagePullPolicy: ctx.workerImagePullPolicy,
      filesystemOverhead: filesystemOverheadFor(input.settings.status, pvc.spec?.storageClassName),
      ...(input.settings.status.defaultPodResourceRequirements ? { resources: input.settings.status.defaultPodResourceRequirements } : {}),
    });
    try {
      const created = await kube(ctx.core.createNamespacedPod({ namespace, body }));
      ctx.logger.info({ dataVolume: `${namespace}/${dv.metadata.name}`, pod: podName, reconcileID: input.reconcileID }, 'worker pod created');
      return { pod: observeWorkerPod(created) };
    } catch (err) {
      // Created by an earlier try whose answer was lost, or not yet in the cache: look again.
      if (toKubeError(err).code === 'EEXISTS') return { requeueAfterMs: 500 };
      throw err;
    }
  }

  const observation = observeWorkerPod(ownedPod);
  pvc = await patchClaimAnnotations(input, pvc, claimMirrorOf(observation));
  const finished = observation.phase === PodPhase.Succeeded || (observation.phase === PodPhase.Failed && observation.permanentFailure);
  if (finished && !(claim.retainPodAfterCompletion || readDataVolumeAnnotations(dv).retainPodAfterCompletion)) {
    await deletePod(input, ownedPod);
    ctx.logger.info({ dataVolume: `${namespace}/${dv.metadata.name}`, pod: podName, phase: observation.phase, reconcileID: input.reconcileID }, 'worker pod deleted');
  }
  return { pod: observation, pvc };
}

export const blankStep: PopulateStep = {
  kind: 'blank',
  operation: 'Import',
  claimAnnotations: (dv: DataVolume) => ({
    source: ImporterSource.None,
    importPodName: importerPodName(dv.metadata.name ?? ''),
  }),
  sync: syncBlank,
};
