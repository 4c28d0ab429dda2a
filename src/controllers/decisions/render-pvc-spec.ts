// renderPvcSpec: the claim spec a DataVolume asks for. The `pvc` API is used as given; the
// `storage` API is completed from the StorageProfile (access and volume modes), the default
// StorageClass, and the filesystem overhead in force, as CDI's renderPvcSpec does.

import type { V1PersistentVolumeClaimSpec } from '@kubernetes/client-node';
import {
  DataVolumeContentType, EventMessage, EventReason, MiB, PersistentVolumeMode, VolumeModeFromStorageProfile,
  formatDecimalQuantity, parseQuantity, roundUp,
  type CDIConfig, type ClaimPropertySet, type DataVolume, type StorageProfile,
} from '../../api/index.ts';
import { computeCDIConfigStatus } from './cdi-config-status.ts';
import { filesystemOverheadFor, resolveStorageClass, type StorageClassLike } from './storage-class.ts';

export interface RenderPvcSpecInput {
  dv: DataVolume;
  /** The profile named after the resolved StorageClass, if it exists. */
  storageProfile?: StorageProfile;
  storageClasses: readonly StorageClassLike[];
  cdiConfig?: CDIConfig;
  /** Virtual size of the source image in bytes, when the controller probed it (imports). */
  imageVirtualSize?: number | bigint;
}

export type RenderPvcSpecErrorCode =
  | 'StorageClassNotFound'
  | 'NoAccessModes'
  | 'ArchiveOnBlock'
  | 'SizeUnknown'
  | 'InvalidSize'
  | 'NoStorageSpec';

export type RenderPvcSpecResult =
  | { spec: V1PersistentVolumeClaimSpec }
  | {
      error: {
        /** The event reason CDI records: ErrClaimNotValid. */
        reason: string;
        message: string;
        /**
         * StorageClassNotFound: wait for a StorageClass to appear (no retry with backoff);
         * SizeUnknown: probe the image's virtual size, then render again.
         */
        code: RenderPvcSpecErrorCode;
      };
    };

const invalid = (code: RenderPvcSpecErrorCode, message: string): RenderPvcSpecResult => ({
  error: { reason: EventReason.ErrClaimNotValid, message, code },
});

/** Space for an image of `size` bytes on a filesystem losing `overhead` of its capacity to metadata. */
export function requiredSpaceWithOverhead(size: bigint, overhead: number): bigint {
  // CDI's GetRequiredSpace: align to 1 MiB, then divide by (1 - overhead) in float64 and round up.
  const aligned = roundUp(size, MiB);
  return BigInt(Math.ceil(Number(aligned) / (1 - overhead)));
}

const isClone = (dv: DataVolume): boolean =>
  dv.spec.source?.pvc !== undefined || dv.spec.source?.snapshot !== undefined || dv.spec.sourceRef !== undefined;

const isImport = (dv: DataVolume): boolean => {
  const s = dv.spec.source;
  return !!(s && (s.http || s.s3 || s.gcs || s.registry || s.imageio || s.vddk));
};

function unsetMode(mode: string | undefined): boolean {
  return mode === undefined || mode === '' || mode === VolumeModeFromStorageProfile;
}

/** First claim property set with access modes: CDI's default for both modes. */
function defaultsFromProfile(sets: readonly ClaimPropertySet[]): ClaimPropertySet | undefined {
  const first = sets[0];
  return first && (first.accessModes?.length ?? 0) > 0 ? first : undefined;
}

function accessModesForVolumeMode(sets: readonly ClaimPropertySet[], volumeMode: string): string[] | undefined {
  let fallback: string[] | undefined;
  for (const set of sets) {
    if (!set.accessModes?.length) continue;
    if (set.volumeMode === volumeMode) return [...set.accessModes];
    fallback ??= [...set.accessModes];
  }
  return fallback;
}

function volumeModeForAccessModes(sets: readonly ClaimPropertySet[], accessModes: readonly string[]): string | undefined {
  if (sets.length === 0) return undefined;
  for (const set of sets) if (set.accessModes?.some((m) => accessModes.includes(m))) return set.volumeMode;
  return sets[0]?.volumeMode;
}

/** The overhead in force for a claim of this class, as a number. */
function overheadFor(input: RenderPvcSpecInput, storageClassName: string | undefined): number {
  const config = input.cdiConfig;
  // The status holds the values in force; before the config controller filled it, derive them.
  const status = config?.status?.filesystemOverhead
    ? config.status
    : config
      ? computeCDIConfigStatus(config.spec, { storageClasses: input.storageClasses }).status
      : undefined;
  const overhead = Number.parseFloat(filesystemOverheadFor(status, storageClassName));
  return Number.isFinite(overhead) ? overhead : 0;
}

/**
 * The `pvc` API is used as given. Ferry's one addition: an import may omit the size, which is
 * then the image's virtual size (plus the filesystem overhead on Filesystem volumes, so the
 * image fits).
 */
function renderFromPvcApi(input: RenderPvcSpecInput, pvc: V1PersistentVolumeClaimSpec): RenderPvcSpecResult {
  const spec = structuredClone(pvc);
  if (spec.resources?.requests?.['storage'] !== undefined || !isImport(input.dv)) return { spec };
  if (input.imageVirtualSize === undefined) {
    return invalid('SizeUnknown', 'Datavolume Spec is not valid - missing storage size; the image size is not known yet');
  }
  const size = BigInt(input.imageVirtualSize);
  const filesystem = (spec.volumeMode ?? PersistentVolumeMode.Filesystem) === PersistentVolumeMode.Filesystem;
  const bytes = filesystem ? requiredSpaceWithOverhead(size, overheadFor(input, spec.storageClassName)) : size;
  spec.resources = { ...(spec.resources ?? {}), requests: { ...(spec.resources?.requests ?? {}), storage: formatDecimalQuantity(bytes) } };
  return { spec };
}

export function renderPvcSpec(input: RenderPvcSpecInput): RenderPvcSpecResult {
  const { dv } = input;
  if (dv.spec.pvc) return renderFromPvcApi(input, dv.spec.pvc);
  const storage = dv.spec.storage;
  if (!storage) return invalid('NoStorageSpec', 'datavolume one of {pvc, storage} field is required');

  const spec: V1PersistentVolumeClaimSpec = {};
  if (storage.accessModes?.length) spec.accessModes = [...storage.accessModes];
  if (storage.selector) spec.selector = structuredClone(storage.selector);
  if (storage.volumeName) spec.volumeName = storage.volumeName;
  if (storage.dataSource) spec.dataSource = { ...storage.dataSource };
  if (storage.dataSourceRef) spec.dataSourceRef = { ...storage.dataSourceRef };
  let volumeMode = unsetMode(storage.volumeMode) ? undefined : storage.volumeMode;

  if (dv.spec.contentType === DataVolumeContentType.Archive) {
    if (volumeMode === PersistentVolumeMode.Block) return invalid('ArchiveOnBlock', EventMessage.archiveBlock);
    volumeMode = PersistentVolumeMode.Filesystem;
  }

  const storageClass = resolveStorageClass(input.storageClasses, storage.storageClassName, dv.spec.contentType);
  if (!storageClass) {
    // Without a class there is no profile to complete the spec from; it must stand on its own.
    if (!spec.accessModes?.length) return invalid('StorageClassNotFound', EventMessage.storageClassNotFound);
  } else {
    const className = storageClass.metadata?.name ?? '';
    spec.storageClassName = className;
    const sets = input.storageProfile?.status?.claimPropertySets ?? [];
    if (volumeMode === undefined && !spec.accessModes?.length) {
      const defaults = defaultsFromProfile(sets);
      if (!defaults) {
        return invalid('NoAccessModes', `no accessMode defined DV nor on StorageProfile for ${className} StorageClass`);
      }
      spec.accessModes = [...(defaults.accessModes ?? [])];
      volumeMode = defaults.volumeMode;
    } else if (!spec.accessModes?.length) {
      const modes = accessModesForVolumeMode(sets, volumeMode ?? '');
      if (!modes) return invalid('NoAccessModes', `no accessMode defined on StorageProfile for ${className} StorageClass`);
      spec.accessModes = modes;
    } else if (volumeMode === undefined) {
      volumeMode = volumeModeForAccessModes(sets, spec.accessModes);
    }
  }
  if (volumeMode !== undefined) spec.volumeMode = volumeMode;

  const requests = { ...(storage.resources?.requests ?? {}) };
  const limits = storage.resources?.limits;
  const requested = requests['storage'];
  let size: bigint | undefined;
  if (requested !== undefined) {
    size = parseQuantity(String(requested));
    if (size === undefined || size <= 0n) return invalid('InvalidSize', `Datavolume Spec is not valid - invalid storage size ${String(requested)}`);
  } else if (isImport(dv) && input.imageVirtualSize !== undefined) {
    size = BigInt(input.imageVirtualSize);
  } else if (isClone(dv)) {
    // The clone controller sizes the claim from its source.
    spec.resources = limits ? { requests, limits: { ...limits } } : { requests };
    return { spec };
  } else if (isImport(dv)) {
    return invalid('SizeUnknown', 'Datavolume Spec is not valid - missing storage size; the image size is not known yet');
  } else {
    return invalid('SizeUnknown', 'Datavolume Spec is not valid - missing storage size');
  }

  if ((volumeMode ?? PersistentVolumeMode.Filesystem) === PersistentVolumeMode.Filesystem) {
    requests['storage'] = formatDecimalQuantity(requiredSpaceWithOverhead(size, overheadFor(input, spec.storageClassName)));
  } else if (requested === undefined) {
    requests['storage'] = formatDecimalQuantity(size);
  } // Block with a requested size: no inflation; the request is kept as written.
  spec.resources = limits ? { requests, limits: { ...limits } } : { requests };
  return { spec };
}
