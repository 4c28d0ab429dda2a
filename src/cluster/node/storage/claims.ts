// The claim side of the PV controller and of the hostpath driver's provisioner and resizer:
// 1. a bound claim: its volume gone -> Lost; a larger request -> the volume grows (resizer);
// 2. an unbound claim: decideBinding says bind (volume, then claim, each spec then status),
//    wait for a first consumer, provision (ours: create the volume on disk and a PV pre-bound to
//    the claim; another driver's: say so in an event), or stay pending with the reason.
import type { V1PersistentVolume, V1PersistentVolumeClaim, V1StorageClass } from '@kubernetes/client-node';
import { kube } from '../../../kube/errors.ts';
import { mergePatch } from '../../../kube/patch.ts';
import { type Result, done, requeueAfter } from '../../../runtime/reconciler.ts';
import { splitKey } from '../../../runtime/manager.ts';
import { VolumeError } from '../hostpath/volumes.ts';
import { capacityBytes, decideBinding, requestedBytes } from './binding.ts';
import type { StorageContext } from './context.ts';
import { annotations, hostpathProvisioner } from './names.ts';
import { formatBytes, parseQuantity } from './quantity.ts';

export async function reconcileClaim(ctx: StorageContext, key: string): Promise<Result> {
  const { namespace, name } = splitKey(key);
  const pvc = ctx.claims.get(name, namespace);
  if (!pvc || pvc.metadata?.deletionTimestamp) return done;
  const sc = ctx.classes.get(pvc.spec?.storageClassName ?? '');

  if (pvc.status?.phase === 'Bound' && pvc.spec?.volumeName) {
    const pv = ctx.pvs.get(pvc.spec.volumeName);
    if (!pv) {
      await setClaimStatus(ctx, pvc, { phase: 'Lost' });
      await ctx.pvController.record(claimRef(pvc), 'Warning', 'ClaimLost', 'Bound claim has lost its PersistentVolume. Data on the volume is lost!');
      return done;
    }
    return expandIfRequested(ctx, pvc, pv, sc);
  }

  // Finish a binding the volume side has completed (or a claim naming a volume pre-bound to it).
  if (sc?.provisioner && pvc.metadata?.annotations?.[annotations.storageProvisioner] !== sc.provisioner) {
    await kube(
      ctx.core.patchNamespacedPersistentVolumeClaim(
        { name, namespace, body: { metadata: { annotations: { [annotations.storageProvisioner]: sc.provisioner, [annotations.betaStorageProvisioner]: sc.provisioner } } } },
        mergePatch,
      ),
    );
    return done; // The update brings us back with a fresh cache.
  }

  const decision = decideBinding({ pvc, volumes: ctx.pvs.list(), storageClass: sc });
  switch (decision.action) {
    case 'bind':
      await bind(ctx, pvc, decision.volume);
      return done;
    case 'wait-for-first-consumer':
      await ctx.pvController.record(claimRef(pvc), 'Normal', 'WaitForFirstConsumer', 'waiting for first consumer to be created before binding');
      return done;
    case 'wait-for-provisioning':
      if (decision.provisioner === hostpathProvisioner) return provision(ctx, pvc, sc!);
      await ctx.pvController.record(
        claimRef(pvc),
        'Normal',
        'ExternalProvisioning',
        `Waiting for a volume to be created either by the external provisioner '${decision.provisioner}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.`,
      );
      return done;
    case 'pending':
      await ctx.pvController.record(claimRef(pvc), 'Normal', 'FailedBinding', decision.message);
      return done;
  }
}

function claimRef(pvc: V1PersistentVolumeClaim) {
  return { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: pvc.metadata ?? {} };
}

async function setClaimStatus(ctx: StorageContext, pvc: V1PersistentVolumeClaim, status: V1PersistentVolumeClaim['status']): Promise<void> {
  const name = pvc.metadata!.name!;
  const namespace = pvc.metadata!.namespace!;
  await kube(ctx.core.replaceNamespacedPersistentVolumeClaimStatus({ name, namespace, body: { ...pvc, status: { ...pvc.status, ...status } } }));
}

/** Binds both ways, volume first (as the PV controller does), each spec write then its status. */
async function bind(ctx: StorageContext, pvc: V1PersistentVolumeClaim, pv: V1PersistentVolume): Promise<void> {
  const pvName = pv.metadata!.name!;
  const ref = pv.spec?.claimRef;
  let volume = pv;
  if (!ref || ref.uid !== pvc.metadata?.uid || ref.name !== pvc.metadata?.name) {
    volume = await kube(
      ctx.core.replacePersistentVolume({
        name: pvName,
        body: {
          ...pv,
          metadata: { ...pv.metadata, annotations: { ...pv.metadata?.annotations, [annotations.boundByController]: 'yes' } },
          spec: {
            ...pv.spec,
            claimRef: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: pvc.metadata?.namespace, name: pvc.metadata?.name, uid: pvc.metadata?.uid, resourceVersion: pvc.metadata?.resourceVersion },
          },
        },
      }),
    );
  }
  if (volume.status?.phase !== 'Bound') {
    volume = await kube(ctx.core.replacePersistentVolumeStatus({ name: pvName, body: { ...volume, status: { ...volume.status, phase: 'Bound' } } }));
  }
  let claim = pvc;
  if (pvc.spec?.volumeName !== pvName || pvc.metadata?.annotations?.[annotations.bindCompleted] !== 'yes') {
    claim = await kube(
      ctx.core.replaceNamespacedPersistentVolumeClaim({
        name: pvc.metadata!.name!,
        namespace: pvc.metadata!.namespace!,
        body: {
          ...pvc,
          metadata: {
            ...pvc.metadata,
            annotations: {
              ...pvc.metadata?.annotations,
              [annotations.bindCompleted]: 'yes',
              ...(pvc.spec?.volumeName ? {} : { [annotations.boundByController]: 'yes' }),
            },
          },
          spec: { ...pvc.spec, volumeName: pvName },
        },
      }),
    );
  }
  await setClaimStatus(ctx, claim, { phase: 'Bound', accessModes: volume.spec?.accessModes, capacity: volume.spec?.capacity });
}

async function provision(ctx: StorageContext, pvc: V1PersistentVolumeClaim, sc: V1StorageClass): Promise<Result> {
  const pvName = `pvc-${pvc.metadata!.uid}`;
  if (ctx.pvs.get(pvName)) return done; // Made already; its event brings the claim back to bind.
  const who = `${pvc.metadata?.namespace}/${pvc.metadata?.name}`;
  await ctx.driver.record(claimRef(pvc), 'Normal', 'Provisioning', `External provisioner is provisioning volume for claim "${who}"`);
  const mode = pvc.spec?.volumeMode === 'Block' ? 'Block' : 'Filesystem';
  let size = requestedBytes(pvc);
  try {
    const source = pvc.spec?.dataSourceRef ?? pvc.spec?.dataSource;
    if (source?.kind === 'PersistentVolumeClaim' && !source.apiGroup) {
      const src = ctx.claims.get(source.name, pvc.metadata?.namespace);
      if (!src?.spec?.volumeName || src.status?.phase !== 'Bound') return provisioningFailed(ctx, pvc, sc, `source claim "${source.name}" is not bound yet`);
      if ((src.spec.storageClassName ?? '') !== (pvc.spec?.storageClassName ?? '')) {
        return provisioningFailed(ctx, pvc, sc, `the source claim "${source.name}" must be of the same storage class as the new claim`);
      }
      const srcSize = parseQuantity(src.status?.capacity?.['storage'] as string | undefined);
      if (size < srcSize) return provisioningFailed(ctx, pvc, sc, `requested volume size ${size} is less than the size ${srcSize} for the source volume`);
      await ctx.volumes.createFrom(pvName, { volume: src.spec.volumeName }, mode, size);
    } else if (source?.kind === 'VolumeSnapshot') {
      const snap = ctx.snapshots.get(source.name, pvc.metadata?.namespace);
      const content = snap?.status?.boundVolumeSnapshotContentName ? ctx.contents.get(snap.status.boundVolumeSnapshotContentName) : undefined;
      const handle = content?.status?.snapshotHandle;
      if (!snap?.status?.readyToUse || !handle) return provisioningFailed(ctx, pvc, sc, `snapshot "${source.name}" is not ready to use`);
      const restoreSize = content.status?.restoreSize ?? 0;
      if (size < restoreSize) return provisioningFailed(ctx, pvc, sc, `requested volume size ${size} is less than the size ${restoreSize} for the source snapshot ${source.name}`);
      await ctx.volumes.createFrom(pvName, { snapshot: handle }, mode, size);
    } else {
      await ctx.volumes.create(pvName, mode, size);
    }
    size = (await ctx.volumes.get(pvName))?.sizeBytes ?? size;
  } catch (err) {
    if (err instanceof VolumeError) {
      const grpc = err.code === 'ENOSPACE' ? 'ResourceExhausted' : err.code === 'ENOTFOUND' ? 'NotFound' : 'Internal';
      return provisioningFailed(ctx, pvc, sc, `rpc error: code = ${grpc} desc = ${err.message}`);
    }
    throw err;
  }
  const pv: V1PersistentVolume = {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name: pvName, annotations: { [annotations.provisionedBy]: hostpathProvisioner, 'volume.kubernetes.io/provisioner-deletion-secret-name': '', 'volume.kubernetes.io/provisioner-deletion-secret-namespace': '' } },
    spec: {
      capacity: { storage: formatBytes(size) },
      accessModes: pvc.spec?.accessModes ?? ['ReadWriteOnce'],
      persistentVolumeReclaimPolicy: sc.reclaimPolicy ?? 'Delete',
      storageClassName: sc.metadata?.name ?? '',
      volumeMode: mode,
      claimRef: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: pvc.metadata?.namespace, name: pvc.metadata?.name, uid: pvc.metadata?.uid, resourceVersion: pvc.metadata?.resourceVersion },
      csi: { driver: hostpathProvisioner, volumeHandle: pvName, volumeAttributes: { 'storage.kubernetes.io/csiProvisionerIdentity': `${ctx.nodeName}-${hostpathProvisioner}` } },
      nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [ctx.nodeName] }] }] } },
    },
  };
  try {
    await kube(ctx.core.createPersistentVolume({ body: pv }));
  } catch (err) {
    if ((err as { code?: string }).code !== 'EEXISTS') throw err;
  }
  await ctx.driver.record(claimRef(pvc), 'Normal', 'ProvisioningSucceeded', `Successfully provisioned volume ${pvName}`);
  return done;
}

async function provisioningFailed(ctx: StorageContext, pvc: V1PersistentVolumeClaim, sc: V1StorageClass, detail: string): Promise<Result> {
  await ctx.driver.record(claimRef(pvc), 'Warning', 'ProvisioningFailed', `failed to provision volume with StorageClass "${sc.metadata?.name}": ${detail}`);
  return requeueAfter(2000);
}

/** The resizer: a bound claim asking for more than its capacity gets a grown volume. */
async function expandIfRequested(ctx: StorageContext, pvc: V1PersistentVolumeClaim, pv: V1PersistentVolume, sc: V1StorageClass | undefined): Promise<Result> {
  const want = requestedBytes(pvc);
  const have = parseQuantity(pvc.status?.capacity?.['storage'] as string | undefined);
  if (want <= have || pv.spec?.csi?.driver !== hostpathProvisioner) return done;
  if (!sc?.allowVolumeExpansion) return done;
  const ref = claimRef(pvc);
  await ctx.driver.record(ref, 'Normal', 'Resizing', `External resizer is resizing volume ${pv.metadata?.name}`);
  try {
    await ctx.volumes.expand(pv.metadata!.name!, want);
  } catch (err) {
    if (err instanceof VolumeError) {
      await ctx.driver.record(ref, 'Warning', 'VolumeResizeFailed', `resize volume "${pv.metadata?.name}" by resizer "${hostpathProvisioner}" failed: ${err.message}`);
      return requeueAfter(5000);
    }
    throw err;
  }
  const size = formatBytes(Math.max(want, capacityBytes(pv)));
  await kube(ctx.core.replacePersistentVolume({ name: pv.metadata!.name!, body: { ...pv, spec: { ...pv.spec, capacity: { ...pv.spec?.capacity, storage: size } } } }));
  await setClaimStatus(ctx, pvc, { capacity: { ...pvc.status?.capacity, storage: size }, conditions: [] });
  await ctx.driver.record(ref, 'Normal', 'VolumeResizeSuccessful', 'Resize volume succeeded');
  return done;
}
