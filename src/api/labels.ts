// Labels CDI puts on what it creates; monitoring and other tools select on them.

export const Label = {
  /** `app: containerized-data-importer` on every claim and pod CDI creates. */
  App: 'app',
  /** Present on all CDI resources. */
  Component: 'cdi.kubevirt.io',
  /** Pods exposing progress metrics. */
  Prometheus: 'prometheus.cdi.kubevirt.io',
  /** Suppresses KubePersistentVolumeFillingUp alerts on Filesystem claims CDI fills to the brim. */
  FillingUpSuppress: 'alerts.k8s.io/KubePersistentVolumeFillingUp',
  UploadTarget: 'cdi.kubevirt.io/uploadTarget',
  ApplyStorageProfile: 'cdi.kubevirt.io/applyStorageProfile',
  PartOf: 'app.kubernetes.io/part-of',
  Version: 'app.kubernetes.io/version',
  ManagedBy: 'app.kubernetes.io/managed-by',
  ComponentName: 'app.kubernetes.io/component',
  ExcludeFromVeleroBackup: 'velero.io/exclude-from-backup',
} as const;

export const LabelValue = {
  App: 'containerized-data-importer',
  Prometheus: 'true',
  FillingUpSuppress: 'disabled',
} as const;

/** The name of the one CDIConfig object CDI reads. */
export const CDIConfigName = 'config' as const;
