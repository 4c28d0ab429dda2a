// The importer worker pod for a claim, as CDI's makeImporterPodSpec lays it out (name
// "importer-<claim>", CDI's labels, the claim as controlling owner so the pod goes with it,
// restartPolicy OnFailure, the claim at /data or as the block device /dev/cdi-block-volume),
// running Ferry's image with `ferry worker import` and CDI's importer environment. Pure.
import { createHash } from 'node:crypto';
import type { V1EnvVar, V1PersistentVolumeClaim, V1Pod, V1ResourceRequirements } from '@kubernetes/client-node';
import {
  DataVolumeContentType, ImporterEnv, Label, LabelValue, PersistentVolumeMode, WorkerPath,
  readClaimAnnotations, type ImporterSource,
} from '../../api/index.ts';
import { DataVolumeName, ImporterCommand, ImporterComponentValue, ImporterContainerName, ImporterPodPrefix } from '../../api/names.ts';

const maxNameLength = 63;

/**
 * CDI's naming.GetResourceName: "<prefix>-<name>", and when that is longer than a DNS label,
 * cut and suffixed with a hash of the full name so that it stays unique and deterministic.
 */
export function workerPodName(prefix: string, claimName: string): string {
  const full = `${prefix}-${claimName}`;
  if (full.length <= maxNameLength) return full;
  const hash = createHash('sha256').update(full).digest('hex').slice(0, 8);
  return `${full.slice(0, maxNameLength - hash.length - 1).replace(/[-.]+$/, '')}-${hash}`;
}

export function importerPodName(claimName: string): string {
  return workerPodName(ImporterPodPrefix, claimName);
}

export interface ImporterPodInput {
  pvc: V1PersistentVolumeClaim;
  source: ImporterSource;
  /** Extra importer variables of the source kind (endpoint, secrets ...). */
  sourceEnv?: readonly V1EnvVar[];
  workerImage: string;
  imagePullPolicy: 'Always' | 'IfNotPresent' | 'Never';
  /** The filesystem overhead in force for the claim's class, e.g. "0.055". */
  filesystemOverhead: string;
  resources?: V1ResourceRequirements;
}

export function buildImporterPod(input: ImporterPodInput): V1Pod {
  const { pvc } = input;
  const claimName = pvc.metadata?.name ?? '';
  const claim = readClaimAnnotations(pvc);
  const block = pvc.spec?.volumeMode === PersistentVolumeMode.Block;
  const env: V1EnvVar[] = [
    { name: ImporterEnv.Source, value: input.source },
    ...(input.sourceEnv ?? []),
    { name: ImporterEnv.ContentType, value: claim.contentType ?? DataVolumeContentType.KubeVirt },
    { name: ImporterEnv.ImageSize, value: String(pvc.spec?.resources?.requests?.['storage'] ?? '') },
    { name: ImporterEnv.OwnerUid, value: pvc.metadata?.uid ?? '' },
    { name: ImporterEnv.FilesystemOverhead, value: block ? '0' : input.filesystemOverhead },
    { name: ImporterEnv.InsecureTls, value: 'false' },
    { name: ImporterEnv.Preallocation, value: String(claim.preallocationRequested ?? false) },
  ];
  const pod: V1Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: importerPodName(claimName),
      namespace: pvc.metadata?.namespace ?? '',
      labels: {
        [Label.App]: LabelValue.App,
        [Label.Component]: ImporterComponentValue,
        [Label.Prometheus]: LabelValue.Prometheus,
      },
      ownerReferences: [{
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        name: claimName,
        uid: pvc.metadata?.uid ?? '',
        controller: true,
        blockOwnerDeletion: true,
      }],
    },
    spec: {
      restartPolicy: 'OnFailure',
      containers: [{
        name: ImporterContainerName,
        image: input.workerImage,
        imagePullPolicy: input.imagePullPolicy,
        command: [...ImporterCommand],
        env,
        terminationMessagePath: WorkerPath.TerminationLog,
        terminationMessagePolicy: 'File',
        ...(input.resources ? { resources: structuredClone(input.resources) } : {}),
        ...(block
          ? { volumeDevices: [{ name: DataVolumeName, devicePath: WorkerPath.BlockDevice }] }
          : { volumeMounts: [{ name: DataVolumeName, mountPath: WorkerPath.DataDir }] }),
      }],
      volumes: [{ name: DataVolumeName, persistentVolumeClaim: { claimName, readOnly: false } }],
      ...(claim.priorityClassName ? { priorityClassName: claim.priorityClassName } : {}),
    },
  };
  return pod;
}
