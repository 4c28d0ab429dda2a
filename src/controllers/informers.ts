// The controller's informers and how their events become keys. Event handlers only turn events
// into keys: a DataVolume's own; a claim's DataVolume (same name, or its controlling owner); a
// worker pod's claim's DataVolume; a StorageClass's profile; and, when the settings or storage
// change, the DataVolumes that may be waiting on them.
import {
  CoreV1Api, CustomObjectsApi, StorageV1Api, type KubeConfig, type KubernetesListObject, type KubernetesObject,
  type V1PersistentVolumeClaim, type V1Pod, type V1StorageClass,
} from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { CDIConfigName, Label, LabelValue, isTerminalPhase, type CDI, type CDIConfig, type DataVolume, type StorageProfile } from '../api/index.ts';
import { Informer, type ObjectStore } from '../kube/informer.ts';
import type { Manager } from '../runtime/manager.ts';
import { objectKey } from '../runtime/manager.ts';
import type { WorkQueue } from '../runtime/workqueue.ts';
import { cdiResource, type ControllerCaches } from './context.ts';
import { controllerOf } from './decisions/index.ts';

export interface ControllerQueues {
  dataVolumes: WorkQueue<string>;
  storageProfiles: WorkQueue<string>;
  cdiConfig: WorkQueue<string>;
}

type Obj = KubernetesObject;

/** Ferry's worker pods carry CDI's app label; the informer sees only those. */
export const workerPodSelector = `${Label.App}=${LabelValue.App}`;

export function addInformers(manager: Manager, kubeConfig: KubeConfig, queues: ControllerQueues, logger: Logger): ControllerCaches {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const storage = kubeConfig.makeApiClient(StorageV1Api);
  const custom = kubeConfig.makeApiClient(CustomObjectsApi);
  const log = logger.child({ component: 'informer' });

  const enqueueDataVolume = (o: Obj) => queues.dataVolumes.add(objectKey(o));
  /** DataVolumes that may be waiting on settings or storage (no claim yet, or not finished). */
  const enqueueWaitingDataVolumes = () => {
    for (const dv of dataVolumes.list()) {
      if (!dv.status?.claimName || !isTerminalPhase(dv.status.phase)) queues.dataVolumes.add(objectKey(dv as unknown as Obj));
    }
  };
  const enqueueAllDataVolumes = () => {
    for (const dv of dataVolumes.list()) queues.dataVolumes.add(objectKey(dv as unknown as Obj));
  };
  const claimToDataVolume = (pvc: V1PersistentVolumeClaim) => {
    const ns = pvc.metadata?.namespace ?? '';
    queues.dataVolumes.add(`${ns}/${pvc.metadata?.name ?? ''}`);
    const owner = controllerOf(pvc as never);
    if (owner?.kind === 'DataVolume' && owner.name !== pvc.metadata?.name) queues.dataVolumes.add(`${ns}/${owner.name}`);
  };
  const podToDataVolume = (pod: V1Pod) => {
    const owner = pod.metadata?.ownerReferences?.find((r) => r.controller && r.kind === 'PersistentVolumeClaim');
    if (owner) queues.dataVolumes.add(`${pod.metadata?.namespace ?? ''}/${owner.name}`);
  };
  const onStorage = (o: Obj) => {
    queues.storageProfiles.add(objectKey(o));
    queues.cdiConfig.add(CDIConfigName);
    enqueueWaitingDataVolumes();
  };
  const onSettings = () => {
    queues.cdiConfig.add(CDIConfigName);
    enqueueAllDataVolumes();
  };
  const handlers = <T extends Obj>(fn: (o: T) => void) => ({ onAdd: fn, onUpdate: fn, onDelete: fn });
  const listCustom = (plural: { group: string; version: string; plural: string }) => () =>
    custom.listClusterCustomObject({ ...plural }) as Promise<KubernetesListObject<Obj>>;

  const dvInformer = manager.addInformer(new Informer<Obj>({
    kubeConfig, logger: log, path: '/apis/cdi.kubevirt.io/v1beta1/datavolumes', list: listCustom(cdiResource.dataVolumes), ...handlers(enqueueDataVolume),
  }));
  const dataVolumes = dvInformer as unknown as ObjectStore<DataVolume>;
  const claims = manager.addInformer(new Informer<V1PersistentVolumeClaim>({
    kubeConfig, logger: log, path: '/api/v1/persistentvolumeclaims',
    list: () => core.listPersistentVolumeClaimForAllNamespaces() as Promise<KubernetesListObject<V1PersistentVolumeClaim>>,
    ...handlers(claimToDataVolume),
  }));
  const pods = manager.addInformer(new Informer<V1Pod>({
    kubeConfig, logger: log, path: '/api/v1/pods', labelSelector: workerPodSelector,
    list: () => core.listPodForAllNamespaces({ labelSelector: workerPodSelector }) as Promise<KubernetesListObject<V1Pod>>,
    ...handlers(podToDataVolume),
  }));
  const storageClasses = manager.addInformer(new Informer<V1StorageClass>({
    kubeConfig, logger: log, path: '/apis/storage.k8s.io/v1/storageclasses',
    list: () => storage.listStorageClass() as Promise<KubernetesListObject<V1StorageClass>>,
    ...handlers(onStorage),
  }));
  const storageProfiles = manager.addInformer(new Informer<Obj>({
    kubeConfig, logger: log, path: '/apis/cdi.kubevirt.io/v1beta1/storageprofiles', list: listCustom(cdiResource.storageProfiles), ...handlers(onStorage),
  }));
  const cdiConfigs = manager.addInformer(new Informer<Obj>({
    kubeConfig, logger: log, path: '/apis/cdi.kubevirt.io/v1beta1/cdiconfigs', list: listCustom(cdiResource.cdiConfigs), ...handlers(onSettings),
  }));
  const cdis = manager.addInformer(new Informer<Obj>({
    kubeConfig, logger: log, path: '/apis/cdi.kubevirt.io/v1beta1/cdis', list: listCustom(cdiResource.cdis), ...handlers(onSettings),
  }));
  return {
    dataVolumes,
    claims,
    pods,
    storageClasses,
    storageProfiles: storageProfiles as unknown as ObjectStore<StorageProfile>,
    cdiConfigs: cdiConfigs as unknown as ObjectStore<CDIConfig>,
    cdis: cdis as unknown as ObjectStore<CDI>,
  };
}
