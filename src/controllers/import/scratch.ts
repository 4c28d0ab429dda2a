// Scratch space, as CDI provides it: when a worker says it needs scratch space (an image it
// cannot read at random, in a format that needs random reads), the claim is marked
// requiresScratch and the next importer pod mounts a scratch claim "<claim>-scratch" at /scratch.
// The scratch claim is owned by the importer pod, so it is garbage-collected with the pod.
// Its size is the claim's, its class CDIConfig's scratchSpaceStorageClass in force (else the
// claim's own), always Filesystem and ReadWriteOnce. renderScratchClaim is pure.
import type { V1PersistentVolumeClaim, V1Pod } from '@kubernetes/client-node';
import { Label, LabelValue, PersistentVolumeMode, scratchClaimName } from '../../api/index.ts';
import { kube, toKubeError } from '../../kube/errors.ts';
import type { ControllerContext } from '../context.ts';

export function renderScratchClaim(pvc: V1PersistentVolumeClaim, pod: V1Pod, scratchStorageClass: string | undefined): V1PersistentVolumeClaim {
  const storageClassName = scratchStorageClass || pvc.spec?.storageClassName;
  const storage = pvc.spec?.resources?.requests?.['storage'];
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: {
      name: scratchClaimName(pvc.metadata?.name ?? ''),
      namespace: pvc.metadata?.namespace ?? '',
      labels: { [Label.App]: LabelValue.App },
      ownerReferences: [{
        apiVersion: 'v1',
        kind: 'Pod',
        name: pod.metadata?.name ?? '',
        uid: pod.metadata?.uid ?? '',
        blockOwnerDeletion: true,
        controller: true,
      }],
    },
    spec: {
      accessModes: ['ReadWriteOnce'],
      volumeMode: PersistentVolumeMode.Filesystem,
      resources: { requests: storage === undefined ? {} : { storage } },
      ...(storageClassName ? { storageClassName } : {}),
    },
  };
}

/**
 * Before an importer pod with scratch space is created: a scratch claim left from an earlier
 * pod is deleted (not left to the garbage collector), and true says to wait until it is gone,
 * so that the new pod never starts on a claim about to be collected.
 */
export async function clearStaleScratchClaim(ctx: ControllerContext, pvc: V1PersistentVolumeClaim): Promise<boolean> {
  const namespace = pvc.metadata?.namespace ?? '';
  const stale = ctx.caches.claims.get(scratchClaimName(pvc.metadata?.name ?? ''), namespace);
  if (!stale) return false;
  if (!stale.metadata?.deletionTimestamp) {
    try {
      await ctx.core.deleteNamespacedPersistentVolumeClaim({
        name: stale.metadata?.name ?? '', namespace, body: { preconditions: { uid: stale.metadata?.uid ?? '' } },
      });
    } catch (err) {
      const code = toKubeError(err).code;
      if (code !== 'ENOTFOUND' && code !== 'ECONFLICT') throw err;
    }
  }
  return true;
}

/**
 * Makes sure the scratch claim of `pod` exists: after a crash between the pod's creation and the
 * claim's, the next reconcile makes it. 'wait' when a claim of that name belongs to another pod.
 */
export async function ensureScratchClaim(ctx: ControllerContext, pvc: V1PersistentVolumeClaim, pod: V1Pod, scratchStorageClass: string | undefined): Promise<'ready' | 'wait'> {
  const body = renderScratchClaim(pvc, pod, scratchStorageClass);
  const namespace = body.metadata?.namespace ?? '';
  const existing = ctx.caches.claims.get(body.metadata?.name ?? '', namespace);
  if (existing) {
    const ours = existing.metadata?.ownerReferences?.some((r) => r.uid === pod.metadata?.uid) ?? false;
    return ours && !existing.metadata?.deletionTimestamp ? 'ready' : 'wait';
  }
  try {
    await kube(ctx.core.createNamespacedPersistentVolumeClaim({ namespace, body }));
    ctx.logger.info({ claim: `${namespace}/${pvc.metadata?.name ?? ''}`, scratch: body.metadata?.name, pod: pod.metadata?.name }, 'scratch claim created');
    return 'ready';
  } catch (err) {
    if (toKubeError(err).code === 'EEXISTS') return 'wait';
    throw err;
  }
}
