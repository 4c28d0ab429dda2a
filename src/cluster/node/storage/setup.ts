// What a hostpath CSI driver's installation puts in a cluster: the CSIDriver object, a default
// Immediate StorageClass, a WaitForFirstConsumer one, and a default VolumeSnapshotClass.
// Created when missing; an administrator's later edits are left alone.
import { CustomObjectsApi, type KubeConfig, StorageV1Api } from '@kubernetes/client-node';
import { toKubeError } from '../../../kube/errors.ts';
import { annotations, defaultStorageClassName, hostpathProvisioner, snapshotClassName, wffcStorageClassName } from './names.ts';

async function createIfMissing(create: () => Promise<unknown>): Promise<void> {
  try {
    await create();
  } catch (err) {
    const e = toKubeError(err);
    if (e.code !== 'EEXISTS') throw e;
  }
}

export async function ensureStorageSetup(kubeConfig: KubeConfig): Promise<void> {
  const storage = kubeConfig.makeApiClient(StorageV1Api);
  const custom = kubeConfig.makeApiClient(CustomObjectsApi);
  await createIfMissing(() =>
    storage.createCSIDriver({
      body: {
        apiVersion: 'storage.k8s.io/v1',
        kind: 'CSIDriver',
        metadata: { name: hostpathProvisioner },
        spec: { attachRequired: false, podInfoOnMount: true, volumeLifecycleModes: ['Persistent'], fsGroupPolicy: 'File', storageCapacity: false },
      },
    }),
  );
  const storageClass = (name: string, mode: 'Immediate' | 'WaitForFirstConsumer', isDefault: boolean) => ({
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name, ...(isDefault ? { annotations: { [annotations.isDefaultClass]: 'true' } } : {}) },
    provisioner: hostpathProvisioner,
    reclaimPolicy: 'Delete',
    volumeBindingMode: mode,
    allowVolumeExpansion: true,
  });
  await createIfMissing(() => storage.createStorageClass({ body: storageClass(defaultStorageClassName, 'Immediate', true) }));
  await createIfMissing(() => storage.createStorageClass({ body: storageClass(wffcStorageClassName, 'WaitForFirstConsumer', false) }));
  await createIfMissing(() =>
    custom.createClusterCustomObject({
      group: 'snapshot.storage.k8s.io',
      version: 'v1',
      plural: 'volumesnapshotclasses',
      body: {
        apiVersion: 'snapshot.storage.k8s.io/v1',
        kind: 'VolumeSnapshotClass',
        metadata: { name: snapshotClassName, annotations: { [annotations.isDefaultSnapshotClass]: 'true' } },
        driver: hostpathProvisioner,
        deletionPolicy: 'Delete',
      },
    }),
  );
}
