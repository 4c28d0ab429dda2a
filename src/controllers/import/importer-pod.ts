// renderImporterPod: the importer pod for an import DataVolume's claim, laid out as CDI's
// makeImporterPodSpec lays it out, so that a pod listing, a monitoring rule or a person reading
// it sees what they would see with CDI: the name importer-<claim>, CDI's labels, the claim as
// controlling owner, restartPolicy OnFailure, CDI's importer environment (makeImportEnv, in its
// order), the credentials from the Secret by secretKeyRef, the CA ConfigMap at /certs, header
// Secrets under /extraheaders/<n>, the claim at /data or as /dev/cdi-block-volume, the metrics
// port 8443, the termination message with FallbackToLogsOnError, CDI's restricted security
// context. What differs: the image is Ferry's and runs `ferry worker import`. Pure.
import type { V1Container, V1EnvVar, V1PersistentVolumeClaim, V1Pod, V1ResourceRequirements, V1Volume, V1VolumeMount } from '@kubernetes/client-node';
import {
  CacheModeTryNone, DataVolumeContentType, ImporterEnv, ImporterSource, Label, LabelValue, PersistentVolumeMode, WorkerPath,
  readClaimAnnotations, type ImportProxy,
} from '../../api/index.ts';
import { importerPodName } from '../datavolume/importer-pod.ts';
import { DataVolumeName, ImporterCommand, ImporterComponentValue, ImporterContainerName, ScratchVolumeName } from '../../api/names.ts';
import { isInsecureRegistry, type ImportSourceSpec } from './source.ts';

/** CDI's names for what the importer pod carries besides the claim. */
export const ImporterPodNames = {
  /** The container port the worker serves its progress metric on. */
  metricsPortName: 'metrics',
  metricsPort: 8443,
  certVolume: 'cdi-cert-vol',
  gcsSecretVolume: 'cdi-secret-vol',
  /** fmt: cdi-secret-extra-headers-vol-<n> */
  secretExtraHeadersVolumePrefix: 'cdi-secret-extra-headers-vol-',
  /** Where a GCS credentials Secret is mounted, and the file the worker reads. */
  gcsCredentialsDir: '/google',
  gcsCredentialsFile: '/google/credentials.json',
  /** Secret keys of secretRef (CDI's KeyAccess / KeySecret). */
  secretKeyAccess: 'accessKeyId',
  secretKeySecret: 'secretKey',
  /** CDI's qemu group: the fsGroup of worker pods. */
  qemuId: 107,
} as const;

/** Ferry's addition to CDI's importer environment: the checksum to verify (CDI has none). */
export const ImporterChecksumEnv = 'IMPORTER_CHECKSUM' as const;

export interface ImporterPodInput {
  pvc: V1PersistentVolumeClaim;
  source: ImportSourceSpec;
  workerImage: string;
  imagePullPolicy: 'Always' | 'IfNotPresent' | 'Never';
  /** The filesystem overhead in force for the claim's class, e.g. "0.055". */
  filesystemOverhead: string;
  /** CDIConfig's importProxy in force. */
  importProxy?: ImportProxy;
  /** CDIConfig's insecureRegistries. */
  insecureRegistries?: readonly string[];
  /** CDIConfig's defaultPodResourceRequirements. */
  resources?: V1ResourceRequirements;
  imagePullSecrets?: readonly { name?: string }[];
  /** The scratch claim to mount at /scratch, when the claim requires scratch space. */
  scratchClaimName?: string;
}

/** CDI's getOwnerUID: the claim's one owner (its DataVolume), else the claim. Labels the progress metric. */
export function progressOwnerUID(pvc: V1PersistentVolumeClaim): string {
  const owners = pvc.metadata?.ownerReferences ?? [];
  return owners.length === 1 ? (owners[0]?.uid ?? '') : (pvc.metadata?.uid ?? '');
}

const env = (name: string, value: string): V1EnvVar => ({ name, value });

const fromSecret = (name: string, secret: string, key: string): V1EnvVar => ({
  name,
  valueFrom: { secretKeyRef: { name: secret, key } },
});

/** CDI's makeImportEnv, in its order; Ferry's checksum last. */
export function renderImporterEnv(input: ImporterPodInput): V1EnvVar[] {
  const { pvc, source } = input;
  const claim = readClaimAnnotations(pvc);
  const block = pvc.spec?.volumeMode === PersistentVolumeMode.Block;
  const proxy = input.importProxy ?? {};
  const vars: V1EnvVar[] = [
    env(ImporterEnv.Source, source.kind),
    env(ImporterEnv.Endpoint, source.endpoint),
    env(ImporterEnv.ContentType, claim.contentType ?? DataVolumeContentType.KubeVirt),
    env(ImporterEnv.ImageSize, String(pvc.spec?.resources?.requests?.['storage'] ?? '')),
    env(ImporterEnv.OwnerUid, progressOwnerUID(pvc)),
    env(ImporterEnv.FilesystemOverhead, block ? '0' : input.filesystemOverhead),
    env(ImporterEnv.InsecureTls, String(isInsecureRegistry(source, input.insecureRegistries ?? []))),
    env(ImporterEnv.DiskId, ''),
    env(ImporterEnv.Uuid, ''),
    env(ImporterEnv.PullMethod, source.pullMethod ?? ''),
    env(ImporterEnv.BackingFile, ''),
    env(ImporterEnv.Thumbprint, ''),
    env(ImporterEnv.HttpProxy, proxy.HTTPProxy ?? ''),
    env(ImporterEnv.HttpsProxy, proxy.HTTPSProxy ?? ''),
    env(ImporterEnv.NoProxy, proxy.noProxy ?? ''),
    env(ImporterEnv.CurrentCheckpoint, claim.currentCheckpoint ?? ''),
    env(ImporterEnv.PreviousCheckpoint, claim.previousCheckpoint ?? ''),
    env(ImporterEnv.FinalCheckpoint, claim.finalCheckpoint === undefined ? '' : String(claim.finalCheckpoint)),
    env(ImporterEnv.Preallocation, String(claim.preallocationRequested ?? false)),
    env(ImporterEnv.CacheMode, claim.requiresDirectIo === true ? CacheModeTryNone : ''),
  ];
  if (source.secretRef !== undefined && source.kind !== ImporterSource.Gcs) {
    vars.push(
      fromSecret(ImporterEnv.AccessKeyId, source.secretRef, ImporterPodNames.secretKeyAccess),
      fromSecret(ImporterEnv.SecretKey, source.secretRef, ImporterPodNames.secretKeySecret),
    );
  }
  if (source.secretRef !== undefined && source.kind === ImporterSource.Gcs) {
    vars.push(env(ImporterEnv.GoogleCredentials, ImporterPodNames.gcsCredentialsFile));
  }
  if (source.certConfigMap !== undefined) vars.push(env(ImporterEnv.CertDir, WorkerPath.CertDir));
  source.extraHeaders.forEach((header, index) => vars.push(env(`${ImporterEnv.ExtraHeaderPrefix}${index}`, header)));
  if (source.checksum !== undefined) vars.push(env(ImporterChecksumEnv, source.checksum));
  return vars;
}

function mountsAndVolumes(input: ImporterPodInput): { mounts: V1VolumeMount[]; volumes: V1Volume[] } {
  const { source, pvc } = input;
  const mounts: V1VolumeMount[] = [];
  const volumes: V1Volume[] = [
    { name: DataVolumeName, persistentVolumeClaim: { claimName: pvc.metadata?.name ?? '', readOnly: false } },
  ];
  if (pvc.spec?.volumeMode !== PersistentVolumeMode.Block) mounts.push({ name: DataVolumeName, mountPath: WorkerPath.DataDir });
  if (input.scratchClaimName !== undefined) {
    mounts.push({ name: ScratchVolumeName, mountPath: WorkerPath.Scratch });
    volumes.push({ name: ScratchVolumeName, persistentVolumeClaim: { claimName: input.scratchClaimName, readOnly: false } });
  }
  if (source.certConfigMap !== undefined) {
    mounts.push({ name: ImporterPodNames.certVolume, mountPath: WorkerPath.CertDir });
    volumes.push({ name: ImporterPodNames.certVolume, configMap: { name: source.certConfigMap } });
  }
  if (source.kind === ImporterSource.Gcs && source.secretRef !== undefined) {
    mounts.push({ name: ImporterPodNames.gcsSecretVolume, mountPath: ImporterPodNames.gcsCredentialsDir });
    volumes.push({ name: ImporterPodNames.gcsSecretVolume, secret: { secretName: source.secretRef } });
  }
  source.secretExtraHeaders.forEach((secretName, index) => {
    const name = `${ImporterPodNames.secretExtraHeadersVolumePrefix}${index}`;
    mounts.push({ name, mountPath: `${WorkerPath.ExtraHeadersDir}/${index}` });
    volumes.push({ name, secret: { secretName } });
  });
  return { mounts, volumes };
}

export function renderImporterPod(input: ImporterPodInput): V1Pod {
  const { pvc } = input;
  const claimName = pvc.metadata?.name ?? '';
  const claim = readClaimAnnotations(pvc);
  const block = pvc.spec?.volumeMode === PersistentVolumeMode.Block;
  const { mounts, volumes } = mountsAndVolumes(input);
  const container: V1Container = {
    name: ImporterContainerName,
    image: input.workerImage,
    imagePullPolicy: input.imagePullPolicy,
    command: [...ImporterCommand],
    env: renderImporterEnv(input),
    ports: [{ name: ImporterPodNames.metricsPortName, containerPort: ImporterPodNames.metricsPort, protocol: 'TCP' }],
    terminationMessagePath: WorkerPath.TerminationLog,
    terminationMessagePolicy: 'FallbackToLogsOnError',
    securityContext: {
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      runAsNonRoot: true,
      runAsUser: ImporterPodNames.qemuId,
      seccompProfile: { type: 'RuntimeDefault' },
    },
    ...(input.resources ? { resources: structuredClone(input.resources) } : {}),
    ...(mounts.length ? { volumeMounts: mounts } : {}),
    ...(block ? { volumeDevices: [{ name: DataVolumeName, devicePath: WorkerPath.BlockDevice }] } : {}),
  };
  // CDI adds the claim's labels to the pod, its own winning.
  const labels: Record<string, string> = {
    ...(pvc.metadata?.labels ?? {}),
    [Label.App]: LabelValue.App,
    [Label.Component]: ImporterComponentValue,
    [Label.Prometheus]: LabelValue.Prometheus,
  };
  const pullSecrets = (input.imagePullSecrets ?? []).filter((s) => s.name).map((s) => ({ name: s.name ?? '' }));
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: importerPodName(claimName),
      namespace: pvc.metadata?.namespace ?? '',
      labels,
      ownerReferences: [{
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        name: claimName,
        uid: pvc.metadata?.uid ?? '',
        blockOwnerDeletion: true,
        controller: true,
      }],
    },
    spec: {
      restartPolicy: 'OnFailure',
      containers: [container],
      volumes,
      securityContext: { fsGroup: ImporterPodNames.qemuId },
      ...(claim.priorityClassName ? { priorityClassName: claim.priorityClassName } : {}),
      ...(pullSecrets.length ? { imagePullSecrets: pullSecrets } : {}),
    },
  };
}
