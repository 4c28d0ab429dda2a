// The embedded node's storage: what a real cluster's PV controller, hostpath CSI driver with its
// external provisioner, resizer and snapshotter, and snapshot controller do. Reaches the API
// server only through the client library.
import { CoreV1Api, CustomObjectsApi, type KubeConfig, type KubernetesListObject, type KubernetesObject, StorageV1Api, type V1PersistentVolume, type V1PersistentVolumeClaim, type V1StorageClass } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { Informer } from '../../../kube/informer.ts';
import { EventRecorder } from '../../../runtime/events.ts';
import { Manager, objectKey } from '../../../runtime/manager.ts';
import type { WorkQueue } from '../../../runtime/workqueue.ts';
import { HostpathVolumes } from '../hostpath/volumes.ts';
import { reconcileClaim } from './claims.ts';
import type { StorageContext, VolumeSnapshot, VolumeSnapshotClass, VolumeSnapshotContent } from './context.ts';
import { hostpathProvisioner } from './names.ts';
import { ensureStorageSetup } from './setup.ts';
import { reconcileSnapshot } from './snapshots.ts';
import { reconcileVolume } from './volumes-controller.ts';

export * from './names.ts';
export { HostpathVolumes } from '../hostpath/volumes.ts';

export interface StorageControllerOptions {
  kubeConfig: KubeConfig;
  stateDir: string;
  nodeName: string;
  capacityBytes: number;
  logger?: Logger;
}

export async function startStorageControllers(opts: StorageControllerOptions): Promise<{ stop(): Promise<void>; volumes: HostpathVolumes }> {
  const kc = opts.kubeConfig;
  await ensureStorageSetup(kc);
  const core = kc.makeApiClient(CoreV1Api);
  const custom = kc.makeApiClient(CustomObjectsApi);
  const storage = kc.makeApiClient(StorageV1Api);
  const manager = new Manager(opts.logger ? { logger: opts.logger.child({ component: 'storage' }) } : {});
  const volumes = new HostpathVolumes(opts.stateDir, opts.capacityBytes);
  const snapshotGroup = { group: 'snapshot.storage.k8s.io', version: 'v1' };

  // Queues exist before the informers start, so nothing seen in the first list is missed; the
  // reconcilers read the context, filled in below, only once the manager runs them.
  const late: { ctx?: StorageContext } = {};
  const context = () => late.ctx!;
  const claimQueue: WorkQueue<string> = manager.addController({ name: 'claims', reconcile: (key) => reconcileClaim(context(), key) }, 2);
  const volumeQueue: WorkQueue<string> = manager.addController({ name: 'volumes', reconcile: (key) => reconcileVolume(context(), key) }, 2);
  const snapshotQueue: WorkQueue<string> = manager.addController({ name: 'snapshots', reconcile: (key) => reconcileSnapshot(context(), key) }, 1);
  const enqueueClaim = (o: KubernetesObject) => claimQueue.add(objectKey(o));
  const enqueueVolume = (pv: V1PersistentVolume) => {
    volumeQueue.add(objectKey(pv));
    const ref = pv.spec?.claimRef;
    if (ref?.name) claimQueue.add(`${ref.namespace}/${ref.name}`);
  };
  const enqueueClaimAndItsVolume = (pvc: V1PersistentVolumeClaim) => {
    enqueueClaim(pvc);
    if (pvc.spec?.volumeName) volumeQueue.add(pvc.spec.volumeName);
    // A deleted claim releases the volume that points at it.
    for (const pv of pvs.list()) if (pv.spec?.claimRef?.name === pvc.metadata?.name && pv.spec?.claimRef?.namespace === pvc.metadata?.namespace) volumeQueue.add(objectKey(pv));
  };
  const enqueueSnapshot = (o: KubernetesObject) => snapshotQueue.add(objectKey(o));
  const enqueueContent = (c: VolumeSnapshotContent) => {
    const ref = c.spec?.volumeSnapshotRef;
    if (ref?.name) snapshotQueue.add(`${ref.namespace}/${ref.name}`);
  };
  const list = <T extends KubernetesObject>(p: Promise<unknown>) => p as Promise<KubernetesListObject<T>>;
  const logger = opts.logger;
  const claims = manager.addInformer(
    new Informer<V1PersistentVolumeClaim>({ kubeConfig: kc, path: '/api/v1/persistentvolumeclaims', list: () => core.listPersistentVolumeClaimForAllNamespaces(), onAdd: enqueueClaimAndItsVolume, onUpdate: enqueueClaimAndItsVolume, onDelete: enqueueClaimAndItsVolume, ...(logger ? { logger } : {}) }),
  );
  const pvs = manager.addInformer(
    new Informer<V1PersistentVolume>({ kubeConfig: kc, path: '/api/v1/persistentvolumes', list: () => core.listPersistentVolume(), onAdd: enqueueVolume, onUpdate: enqueueVolume, onDelete: enqueueVolume, ...(logger ? { logger } : {}) }),
  );
  const classes = manager.addInformer(
    new Informer<V1StorageClass>({
      kubeConfig: kc,
      path: '/apis/storage.k8s.io/v1/storageclasses',
      list: () => storage.listStorageClass(),
      onAdd: () => claims.list().forEach(enqueueClaim),
      ...(logger ? { logger } : {}),
    }),
  );
  const snapshots = manager.addInformer(
    new Informer<VolumeSnapshot>({
      kubeConfig: kc,
      path: '/apis/snapshot.storage.k8s.io/v1/volumesnapshots',
      list: () => list<VolumeSnapshot>(custom.listCustomObjectForAllNamespaces({ ...snapshotGroup, plural: 'volumesnapshots' })),
      onAdd: enqueueSnapshot,
      onUpdate: (s) => {
        enqueueSnapshot(s);
        // A snapshot becoming ready unblocks claims restoring from it.
        if (s.status?.readyToUse) claims.list().filter((c) => c.metadata?.namespace === s.metadata?.namespace && c.status?.phase !== 'Bound').forEach(enqueueClaim);
      },
      onDelete: enqueueSnapshot,
      ...(logger ? { logger } : {}),
    }),
  );
  const contents = manager.addInformer(
    new Informer<VolumeSnapshotContent>({
      kubeConfig: kc,
      path: '/apis/snapshot.storage.k8s.io/v1/volumesnapshotcontents',
      list: () => list<VolumeSnapshotContent>(custom.listClusterCustomObject({ ...snapshotGroup, plural: 'volumesnapshotcontents' })),
      onAdd: enqueueContent,
      onUpdate: enqueueContent,
      ...(logger ? { logger } : {}),
    }),
  );
  const snapshotClasses = manager.addInformer(
    new Informer<VolumeSnapshotClass>({
      kubeConfig: kc,
      path: '/apis/snapshot.storage.k8s.io/v1/volumesnapshotclasses',
      list: () => list<VolumeSnapshotClass>(custom.listClusterCustomObject({ ...snapshotGroup, plural: 'volumesnapshotclasses' })),
      ...(logger ? { logger } : {}),
    }),
  );

  late.ctx = {
    core,
    custom,
    volumes,
    nodeName: opts.nodeName,
    claims,
    pvs,
    classes,
    snapshots,
    contents,
    snapshotClasses,
    pvController: new EventRecorder({ kubeConfig: kc, component: 'persistentvolume-controller', ...(logger ? { logger } : {}) }),
    driver: new EventRecorder({ kubeConfig: kc, component: `${hostpathProvisioner}_${opts.nodeName}`, ...(logger ? { logger } : {}) }),
    claimQueue: () => claimQueue,
    ...(logger ? { logger } : {}),
  };
  await manager.start();
  return { stop: () => manager.stop(), volumes };
}
