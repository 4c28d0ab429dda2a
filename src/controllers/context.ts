// What every reconciler shares: API clients, the informers' caches (read-only views of the
// world), the event recorder, the settings in force, and time. Built once by the controller
// process; reconcilers never create clients or read configuration themselves.
import type {
  CoreV1Api, CustomObjectsApi, V1PersistentVolumeClaim, V1Pod, V1StorageClass,
} from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { CDI, CDIConfig, DataVolume, StorageProfile } from '../api/index.ts';
import type { ObjectStore } from '../kube/informer.ts';
import type { Clock } from '../runtime/clock.ts';
import type { EventRecorder } from '../runtime/events.ts';
import { CDIObjectName } from '../api/names.ts';
import { CDIConfigName } from '../api/index.ts';
import type { CDIConfigComputation } from './decisions/index.ts';
import { effectiveSettings } from './settings.ts';

export interface ControllerCaches {
  dataVolumes: ObjectStore<DataVolume>;
  claims: ObjectStore<V1PersistentVolumeClaim>;
  /** Only Ferry's worker pods (label-selected). */
  pods: ObjectStore<V1Pod>;
  storageClasses: ObjectStore<V1StorageClass>;
  storageProfiles: ObjectStore<StorageProfile>;
  cdiConfigs: ObjectStore<CDIConfig>;
  cdis: ObjectStore<CDI>;
}

export interface ControllerContext {
  core: CoreV1Api;
  custom: CustomObjectsApi;
  caches: ControllerCaches;
  events: EventRecorder;
  logger: Logger;
  clock: Clock;
  /** The image of Ferry's worker pods (the controller's own image in a cluster). */
  workerImage: string;
  /** imagePullPolicy of worker pods. */
  workerImagePullPolicy: 'Always' | 'IfNotPresent' | 'Never';
}

/** The settings in force now, from the cached CDI and CDIConfig objects. */
export function settingsInForce(ctx: ControllerContext): CDIConfigComputation {
  return effectiveSettings(
    ctx.caches.cdis.get(CDIObjectName),
    ctx.caches.cdiConfigs.get(CDIConfigName),
    ctx.caches.storageClasses.list(),
  );
}

/** CustomObjectsApi coordinates of Ferry's kinds. */
export const cdiResource = {
  dataVolumes: { group: 'cdi.kubevirt.io', version: 'v1beta1', plural: 'datavolumes' },
  storageProfiles: { group: 'cdi.kubevirt.io', version: 'v1beta1', plural: 'storageprofiles' },
  cdiConfigs: { group: 'cdi.kubevirt.io', version: 'v1beta1', plural: 'cdiconfigs' },
  cdis: { group: 'cdi.kubevirt.io', version: 'v1beta1', plural: 'cdis' },
} as const;
