// The snapshot controller and the driver's snapshotter, for the hostpath driver:
// 1. a VolumeSnapshot of a bound claim of ours gets a copy of the volume on disk and a
//    VolumeSnapshotContent (snapcontent-<snapshot uid>) with readyToUse and restoreSize; then the
//    snapshot's status points to it;
// 2. a VolumeSnapshot that is gone takes its content (and the data) with it when the content's
//    deletionPolicy is Delete; Retain keeps both.
import { kube, orUndefined, toKubeError } from '../../../kube/errors.ts';
import { mergePatch } from '../../../kube/patch.ts';
import { type Result, done, requeueAfter } from '../../../runtime/reconciler.ts';
import { splitKey } from '../../../runtime/manager.ts';
import type { StorageContext, VolumeSnapshot, VolumeSnapshotContent } from './context.ts';
import { annotations, hostpathProvisioner } from './names.ts';
import { formatBytes } from './quantity.ts';

const group = 'snapshot.storage.k8s.io';
const version = 'v1';

export async function reconcileSnapshot(ctx: StorageContext, key: string): Promise<Result> {
  const { namespace, name } = splitKey(key);
  const snap = ctx.snapshots.get(name, namespace);
  if (!snap || snap.metadata?.deletionTimestamp) return deleteContentsOf(ctx, namespace, name);
  if (snap.status?.readyToUse) return done;
  const claimName = snap.spec?.source?.persistentVolumeClaimName;
  if (!claimName) return done; // Pre-provisioned contents are bound by whoever made them.
  const pvc = ctx.claims.get(claimName, namespace);
  const pv = pvc?.spec?.volumeName ? ctx.pvs.get(pvc.spec.volumeName) : undefined;
  if (!pvc || pvc.status?.phase !== 'Bound' || !pv) {
    await setSnapshotError(ctx, snap, `Failed to create snapshot: the source claim "${claimName}" is not bound`);
    return requeueAfter(2000);
  }
  if (pv.spec?.csi?.driver !== hostpathProvisioner) return done;
  const className = snap.spec?.volumeSnapshotClassName ?? ctx.snapshotClasses.list().find((c) => c.metadata?.annotations?.[annotations.isDefaultSnapshotClass] === 'true' && c.driver === hostpathProvisioner)?.metadata?.name;
  const cls = className ? ctx.snapshotClasses.get(className) : undefined;
  if (!cls) {
    await setSnapshotError(ctx, snap, 'Failed to create snapshot: no default VolumeSnapshotClass for the driver, and none named');
    return requeueAfter(5000);
  }
  const contentName = `snapcontent-${snap.metadata!.uid}`;
  const record = await ctx.volumes.snapshot(contentName, pv.spec.csi.volumeHandle);
  const now = new Date();
  let content = ctx.contents.get(contentName) ?? (await orUndefined(ctx.custom.getClusterCustomObject({ group, version, plural: 'volumesnapshotcontents', name: contentName })) as VolumeSnapshotContent | undefined);
  if (!content) {
    content = (await kube(
      ctx.custom.createClusterCustomObject({
        group,
        version,
        plural: 'volumesnapshotcontents',
        body: {
          apiVersion: `${group}/${version}`,
          kind: 'VolumeSnapshotContent',
          metadata: { name: contentName },
          spec: {
            deletionPolicy: cls.deletionPolicy ?? 'Delete',
            driver: hostpathProvisioner,
            source: { volumeHandle: pv.spec.csi.volumeHandle },
            volumeSnapshotClassName: cls.metadata?.name,
            volumeSnapshotRef: { apiVersion: `${group}/${version}`, kind: 'VolumeSnapshot', name, namespace, uid: snap.metadata?.uid },
          },
        },
      }),
    )) as VolumeSnapshotContent;
  }
  if (!content.status?.readyToUse) {
    await kube(
      ctx.custom.patchClusterCustomObjectStatus(
        { group, version, plural: 'volumesnapshotcontents', name: contentName, body: { status: { snapshotHandle: contentName, readyToUse: true, restoreSize: record.sizeBytes, creationTime: now.getTime() * 1_000_000 } } },
        mergePatch,
      ),
    );
  }
  await kube(
    ctx.custom.patchNamespacedCustomObjectStatus(
      {
        group,
        version,
        namespace,
        plural: 'volumesnapshots',
        name,
        body: { status: { boundVolumeSnapshotContentName: contentName, readyToUse: true, restoreSize: formatBytes(record.sizeBytes), creationTime: now.toISOString().replace(/\.\d+Z$/, 'Z'), error: null } },
      },
      mergePatch,
    ),
  );
  return done;
}

async function setSnapshotError(ctx: StorageContext, snap: VolumeSnapshot, message: string): Promise<void> {
  if (snap.status?.error?.message === message) return;
  await kube(
    ctx.custom.patchNamespacedCustomObjectStatus(
      { group, version, namespace: snap.metadata!.namespace!, plural: 'volumesnapshots', name: snap.metadata!.name!, body: { status: { readyToUse: false, error: { message, time: new Date().toISOString().replace(/\.\d+Z$/, 'Z') } } } },
      mergePatch,
    ),
  );
}

async function deleteContentsOf(ctx: StorageContext, namespace: string, name: string): Promise<Result> {
  for (const content of ctx.contents.list()) {
    const ref = content.spec?.volumeSnapshotRef;
    if (ref?.namespace !== namespace || ref.name !== name || content.spec?.driver !== hostpathProvisioner) continue;
    if (content.spec.deletionPolicy !== 'Delete') continue;
    const contentName = content.metadata!.name!;
    await ctx.volumes.removeSnapshot(content.status?.snapshotHandle ?? contentName);
    try {
      await ctx.custom.deleteClusterCustomObject({ group, version, plural: 'volumesnapshotcontents', name: contentName });
    } catch (err) {
      const e = toKubeError(err);
      if (e.code !== 'ENOTFOUND') throw e;
    }
  }
  return done;
}
