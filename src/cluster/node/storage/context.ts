// What the storage controllers share: API clients, the informers' caches, the volumes on disk,
// and the event recorders of the two roles a real cluster splits them into (the PV controller of
// kube-controller-manager, and the driver's external-provisioner/snapshotter/resizer).
import type { CoreV1Api, CustomObjectsApi, KubernetesObject, V1PersistentVolume, V1PersistentVolumeClaim, V1StorageClass } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { ObjectStore } from '../../../kube/informer.ts';
import type { EventRecorder } from '../../../runtime/events.ts';
import type { WorkQueue } from '../../../runtime/workqueue.ts';
import type { HostpathVolumes } from '../hostpath/volumes.ts';

export interface VolumeSnapshot extends KubernetesObject {
  spec?: { source?: { persistentVolumeClaimName?: string; volumeSnapshotContentName?: string }; volumeSnapshotClassName?: string };
  status?: { boundVolumeSnapshotContentName?: string; readyToUse?: boolean; restoreSize?: string; creationTime?: string; error?: { message?: string; time?: string } };
}

export interface VolumeSnapshotContent extends KubernetesObject {
  spec?: {
    deletionPolicy?: string;
    driver?: string;
    source?: { volumeHandle?: string; snapshotHandle?: string };
    volumeSnapshotClassName?: string;
    volumeSnapshotRef?: { apiVersion?: string; kind?: string; name?: string; namespace?: string; uid?: string };
  };
  status?: { snapshotHandle?: string; readyToUse?: boolean; restoreSize?: number; creationTime?: number };
}

export interface VolumeSnapshotClass extends KubernetesObject {
  driver?: string;
  deletionPolicy?: string;
}

export interface StorageContext {
  core: CoreV1Api;
  custom: CustomObjectsApi;
  volumes: HostpathVolumes;
  nodeName: string;
  claims: ObjectStore<V1PersistentVolumeClaim>;
  pvs: ObjectStore<V1PersistentVolume>;
  classes: ObjectStore<V1StorageClass>;
  snapshots: ObjectStore<VolumeSnapshot>;
  contents: ObjectStore<VolumeSnapshotContent>;
  snapshotClasses: ObjectStore<VolumeSnapshotClass>;
  pvController: EventRecorder;
  driver: EventRecorder;
  claimQueue: () => WorkQueue<string>;
  logger?: Logger;
}
