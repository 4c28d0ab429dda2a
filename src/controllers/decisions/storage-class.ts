// Which StorageClass a claim gets when it names none, and its filesystem overhead: pure
// functions of the StorageClasses and the CDIConfig status, as CDI computes them.

import type { V1StorageClass } from '@kubernetes/client-node';
import {
  DataVolumeContentType, readStorageClassAnnotations, type CDIConfigStatus, type HasMetadata,
} from '../../api/index.ts';

/** A StorageClass as decisions read it: client-node's type, or the same as plain JSON. */
export type StorageClassLike = Pick<V1StorageClass, 'provisioner' | 'volumeBindingMode' | 'parameters'> & {
  metadata?: { name?: string; annotations?: Record<string, string>; creationTimestamp?: Date | string };
};

function createdAtMs(sc: StorageClassLike): number {
  const at = sc.metadata?.creationTimestamp;
  return at === undefined ? 0 : new Date(at).getTime();
}

/**
 * The default among classes carrying a marker: newest first, then by name (Kubernetes' own
 * rule when several classes claim to be the default).
 */
function newestMarked(classes: readonly StorageClassLike[], marked: (sc: StorageClassLike) => boolean): StorageClassLike | undefined {
  return classes
    .filter(marked)
    .sort((a, b) => createdAtMs(b) - createdAtMs(a) || (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''))[0];
}

/**
 * The StorageClass a DataVolume's claim uses: the one named, or else for disk images
 * (contentType kubevirt) the default virt class (`storageclass.kubevirt.io/is-default-virt-class`)
 * first, then the Kubernetes default. undefined when the named class does not exist or there is
 * no default.
 */
export function resolveStorageClass(
  classes: readonly StorageClassLike[],
  name: string | undefined,
  contentType: DataVolumeContentType | undefined,
): StorageClassLike | undefined {
  if (name !== undefined) return classes.find((sc) => sc.metadata?.name === name);
  if ((contentType ?? DataVolumeContentType.KubeVirt) === DataVolumeContentType.KubeVirt) {
    const virt = newestMarked(classes, (sc) => readStorageClassAnnotations(sc as HasMetadata).isDefaultVirtClass);
    if (virt) return virt;
  }
  return newestMarked(classes, (sc) => readStorageClassAnnotations(sc as HasMetadata).isDefaultClass);
}

/**
 * The filesystem overhead in force for a class, from CDIConfig's status: the per-class value,
 * else the global one; "0" for an explicitly empty class name or when no CDIConfig exists yet
 * (as CDI's GetFilesystemOverheadForStorageClass).
 */
export function filesystemOverheadFor(
  configStatus: CDIConfigStatus | undefined,
  storageClassName: string | undefined,
): string {
  if (storageClassName === '') return '0';
  const overhead = configStatus?.filesystemOverhead;
  if (!overhead) return '0';
  const perClass = storageClassName === undefined ? undefined : overhead.storageClass?.[storageClassName];
  return perClass ?? overhead.global ?? '0';
}

/** Whether claims of this class bind only once a consumer pod is scheduled. */
export function isWaitForFirstConsumer(sc: StorageClassLike | undefined): boolean {
  return sc?.volumeBindingMode === 'WaitForFirstConsumer';
}
