// Schemas of StorageProfile, CDIConfig and CDI.

import { CloneStrategy, DataImportCronSourceFormat } from '../types/storage-profile.ts';
import {
  arr, bool, enumOf, freeform, int32, map, obj, resourceRequirements, str,
  type JSONSchemaProps,
} from './schema.ts';

const claimPropertySets = (description: string): JSONSchemaProps =>
  arr(
    obj(
      {
        accessModes: arr(str(), 'AccessModes contains the desired access modes the volume should have.'),
        volumeMode: str('VolumeMode defines what type of volume is required by the claim.'),
      },
      'ClaimPropertySet is a set of properties applicable to PVC',
    ),
    description,
  );

const cloneStrategy = enumOf(Object.values(CloneStrategy), 'CloneStrategy defines the preferred method for performing a CDI clone');
const cronFormat = enumOf(Object.values(DataImportCronSourceFormat), 'DataImportCronSourceFormat defines the format of the DataImportCron-created disk image sources');

export const storageProfileSpecSchema: JSONSchemaProps = obj(
  {
    cloneStrategy,
    claimPropertySets: claimPropertySets('ClaimPropertySets is a provided set of properties applicable to PVC'),
    dataImportCronSourceFormat: cronFormat,
    snapshotClass: str('SnapshotClass is optional specific VolumeSnapshotClass for CloneStrategySnapshot. If not set, a VolumeSnapshotClass is chosen according to the provisioner.'),
    minimumSupportedPvcSize: str('MinimumSupportedPvcSize is the minimum size of a PVC the provisioner supports'),
  },
  'StorageProfileSpec defines specification for StorageProfile',
);

export const storageProfileStatusSchema: JSONSchemaProps = obj(
  {
    storageClass: str('The StorageClass name for which capabilities are defined'),
    provisioner: str('The Storage class provisioner plugin name'),
    cloneStrategy,
    claimPropertySets: claimPropertySets('ClaimPropertySets computed from the spec and detected in the system'),
    dataImportCronSourceFormat: cronFormat,
    snapshotClass: str('SnapshotClass is optional specific VolumeSnapshotClass for CloneStrategySnapshot.'),
    minimumSupportedPvcSize: str('MinimumSupportedPvcSize is the minimum size of a PVC the provisioner supports'),
  },
  'StorageProfileStatus provides the most recently observed status of the StorageProfile',
);

const percent = str('Percent is a string that can only be a value between [0,1)', { pattern: '^(0(?:\\.\\d{1,3})?|1)$' });
const filesystemOverhead = (description: string): JSONSchemaProps =>
  obj(
    {
      global: { ...percent, description: 'Global is how much space of a Filesystem volume should be reserved for overhead. This value is used unless overridden by a more specific value (per storageClass)' },
      storageClass: map(percent, 'StorageClass specifies how much space of a Filesystem volume should be reserved for safety. The keys are the storageClass and the values are the overhead. This value overrides the global value'),
    },
    description,
  );

const importProxy = obj(
  {
    HTTPProxy: str('HTTPProxy is the URL http://<username>:<pswd>@<ip>:<port> of the import proxy for HTTP requests.'),
    HTTPSProxy: str('HTTPSProxy is the URL https://<username>:<pswd>@<ip>:<port> of the import proxy for HTTPS requests.'),
    noProxy: str('NoProxy is a comma-separated list of hostnames and/or CIDRs for which the proxy should not be used.'),
    trustedCAProxy: str('TrustedCAProxy is the name of a ConfigMap in the cdi namespace that contains a user-provided trusted certificate authority (CA) bundle.'),
  },
  'ImportProxy contains importer pod proxy configuration.',
);

const imagePullSecrets = arr(obj({ name: str('Name of the referent.') }), 'The imagePullSecrets used to pull the container images');

export const cdiConfigSpecSchema: JSONSchemaProps = obj(
  {
    uploadProxyURLOverride: str('Override the URL used when uploading to a DataVolume'),
    importProxy,
    scratchSpaceStorageClass: str('Override the storage class to used for scratch space during transfer operations.'),
    podResourceRequirements: resourceRequirements('ResourceRequirements describes the compute resource requirements.'),
    featureGates: arr(str(), 'FeatureGates are a list of specific enabled feature gates'),
    filesystemOverhead: filesystemOverhead('FilesystemOverhead describes the space reserved for overhead when using Filesystem volumes. A value is between 0 and 1, if not defined it is 0.055 (5.5% overhead)'),
    preallocation: bool('Preallocation controls whether storage for DataVolumes should be allocated in advance.'),
    insecureRegistries: arr(str(), 'InsecureRegistries is a list of TLS disabled registries'),
    dataVolumeTTLSeconds: int32('DataVolumeTTLSeconds is the time in seconds after DataVolume completion it can be garbage collected. The default is 0 sec. To disable GC use -1.'),
    tlsSecurityProfile: freeform('TLSSecurityProfile is used by operators to apply cluster-wide TLS security settings to operands.'),
    imagePullSecrets,
    logVerbosity: int32('LogVerbosity overrides the default verbosity level used to initialize loggers', { minimum: 0 }),
  },
  'CDIConfigSpec defines specification for user configuration',
);

export const cdiConfigStatusSchema: JSONSchemaProps = obj(
  {
    uploadProxyURL: str('The calculated upload proxy URL'),
    importProxy,
    scratchSpaceStorageClass: str('The calculated storage class to be used for scratch space'),
    defaultPodResourceRequirements: resourceRequirements('ResourceRequirements describes the compute resource requirements.'),
    filesystemOverhead: filesystemOverhead('FilesystemOverhead describes the space reserved for overhead when using Filesystem volumes. A percentage value is between 0 and 1'),
    preallocation: bool('Preallocation controls whether storage for DataVolumes should be allocated in advance.'),
    imagePullSecrets,
  },
  'CDIConfigStatus provides the most recently observed status of the CDI Config resource',
);

export const cdiSpecSchema: JSONSchemaProps = obj(
  {
    imagePullPolicy: enumOf(['Always', 'IfNotPresent', 'Never'], 'PullPolicy describes a policy for if/when to pull a container image'),
    uninstallStrategy: enumOf(['RemoveWorkloads', 'BlockUninstallIfWorkloadsExist'], 'CDIUninstallStrategy defines the state to leave CDI on uninstall'),
    infra: freeform('Rules on which nodes CDI infrastructure pods will be scheduled'),
    workload: freeform('Restrict on which nodes CDI workload pods will be scheduled'),
    cloneStrategyOverride: enumOf(Object.values(CloneStrategy), 'Clone strategy override: should we use a host-assisted copy even if snapshots are available?'),
    config: cdiConfigSpecSchema,
    certConfig: freeform('certificate configuration'),
    priorityClass: str('PriorityClass of the CDI control plane'),
    customizeComponents: freeform('CustomizeComponents defines patches for components deployed by the CDI operator.'),
  },
  'CDISpec defines our specification for the CDI installation',
);

export const cdiStatusSchema: JSONSchemaProps = obj(
  {
    phase: str('Phase is the current phase of the deployment'),
    conditions: arr(freeform(), 'A list of current conditions of the resource'),
    operatorVersion: str('The version of the resource as defined by the operator'),
    targetVersion: str('The desired version of the resource'),
    observedVersion: str('The observed version of the resource'),
  },
  'CDIStatus defines the status of the installation',
);

