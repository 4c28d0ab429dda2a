// The DataVolume schema: what CDI's CRD validates, with CDI's field descriptions abridged.

import { DataVolumeContentType, RegistryPullMethod } from '../types/datavolume.ts';
import {
  arr, bool, enumOf, int32, obj, persistentVolumeClaimSpec, str, storageSpec,
  type JSONSchemaProps, type PrinterColumn,
} from './schema.ts';

const secretRef = str('SecretRef provides the secret reference needed to access the source');
const certConfigMap = str('CertConfigMap is a configmap reference, containing a Certificate Authority(CA) public key, and a base64 encoded pem certificate');
const namespacedName = (what: string): JSONSchemaProps =>
  obj({ namespace: str(`The namespace of the source ${what}`), name: str(`The name of the source ${what}`) }, undefined, [
    'name',
    'namespace',
  ]);

export const dataVolumeSourceProperties: Record<string, JSONSchemaProps> = {
  http: obj(
    {
      url: str('URL is the URL of the http(s) endpoint'),
      secretRef: str('SecretRef A Secret reference, the secret should contain accessKeyId (user name) base64 encoded, and secretKey (password) also base64 encoded'),
      certConfigMap,
      extraHeaders: arr(str(), 'ExtraHeaders is a list of strings containing extra headers to include with HTTP transfer requests'),
      secretExtraHeaders: arr(str(), 'SecretExtraHeaders is a list of Secret references, each containing an extra HTTP header that may include sensitive information'),
      checksum: str('Checksum is the expected digest of the image, "<algorithm>:<hex>" (sha256, sha512, md5, ...)'),
    },
    'DataVolumeSourceHTTP can be either an http or https endpoint, with an optional basic auth user name and password, and an optional configmap containing additional CAs',
    ['url'],
  ),
  s3: obj({ url: str('URL is the url of the S3 source'), secretRef, certConfigMap }, 'DataVolumeSourceS3 provides the parameters to create a Data Volume from an S3 source', ['url']),
  gcs: obj({ url: str('URL is the url of the GCS source'), secretRef }, 'DataVolumeSourceGCS provides the parameters to create a Data Volume from an GCS source', ['url']),
  registry: obj(
    {
      url: str('URL is the url of the registry source (starting with the scheme: docker, oci-archive)'),
      imageStream: str('ImageStream is the name of image stream for import'),
      pullMethod: enumOf(Object.values(RegistryPullMethod), 'PullMethod can be either "pod" (default import), or "node" (node docker cache based import)'),
      secretRef,
      certConfigMap,
      platform: obj({ architecture: str('Architecture sets the image target architecture') }, 'Platform describes the minimum runtime requirements of the image'),
    },
    'DataVolumeSourceRegistry provides the parameters to create a Data Volume from an registry source',
  ),
  pvc: namespacedName('PVC'),
  upload: obj({}, 'DataVolumeSourceUpload provides the parameters to create a Data Volume by uploading the source'),
  blank: obj({}, 'DataVolumeBlankImage provides the parameters to create a new raw blank image for the PVC'),
  imageio: obj(
    {
      url: str('URL is the URL of the ovirt-engine'),
      diskId: str('DiskID provides id of a disk to be imported'),
      secretRef,
      certConfigMap,
      insecureSkipVerify: bool('InsecureSkipVerify is a flag to skip certificate verification'),
    },
    'DataVolumeSourceImageIO provides the parameters to create a Data Volume from an imageio source',
    ['diskId', 'url'],
  ),
  vddk: obj(
    {
      url: str('URL is the URL of the vCenter or ESXi host with the VM to migrate'),
      uuid: str('UUID is the UUID of the virtual machine that the backing file is attached to in vCenter/ESXi'),
      backingFile: str('BackingFile is the path to the virtual hard disk to migrate from vCenter/ESXi'),
      thumbprint: str('Thumbprint is the certificate thumbprint of the vCenter or ESXi host'),
      secretRef,
      initImageURL: str('InitImageURL is an optional URL to an image containing an extracted VDDK library, overrides v2v-vmware config map'),
      extraArgs: str('ExtraArgs is a reference to a ConfigMap containing extra arguments to pass directly to the VDDK library'),
    },
    'DataVolumeSourceVDDK provides the parameters to create a Data Volume from a Vmware source',
  ),
  snapshot: namespacedName('VolumeSnapshot'),
};

export const dataVolumeSpecSchema: JSONSchemaProps = obj(
  {
    source: obj(dataVolumeSourceProperties, 'Source is the src of the data for the requested DataVolume'),
    sourceRef: obj(
      {
        kind: str('The kind of the source reference, currently only "DataSource" is supported'),
        namespace: str('The namespace of the source reference, defaults to the DataVolume namespace'),
        name: str('The name of the source reference'),
      },
      'SourceRef is an indirect reference to the source of data for the requested DataVolume',
      ['kind', 'name'],
    ),
    pvc: persistentVolumeClaimSpec('PVC is the PVC specification'),
    storage: storageSpec('Storage is the requested storage specification'),
    priorityClassName: str('PriorityClassName for Importer, Cloner and Uploader pod'),
    contentType: enumOf(Object.values(DataVolumeContentType), 'DataVolumeContentType options: "kubevirt", "archive"'),
    checkpoints: arr(
      obj(
        {
          previous: str('Previous is the identifier of the snapshot from the previous checkpoint.'),
          current: str('Current is the identifier of the snapshot created for this checkpoint.'),
        },
        'DataVolumeCheckpoint defines a stage in a warm migration.',
        ['current', 'previous'],
      ),
      'Checkpoints is a list of DataVolumeCheckpoints, representing stages in a multistage import.',
    ),
    finalCheckpoint: bool('FinalCheckpoint indicates whether the current DataVolumeCheckpoint is the final checkpoint.'),
    preallocation: bool('Preallocation controls whether storage for DataVolumes should be allocated in advance.'),
  },
  'DataVolumeSpec defines the DataVolume type specification',
);

const timestamp = (description: string): JSONSchemaProps => str(description, { format: 'date-time' });

export const dataVolumeStatusSchema: JSONSchemaProps = obj(
  {
    claimName: str('ClaimName is the name of the underlying PVC used by the DataVolume.'),
    phase: str('Phase is the current phase of the data volume'),
    progress: str('DataVolumeProgress is the current progress of the DataVolume transfer operation. Value between 0 and 100 inclusive, N/A if not available'),
    restartCount: int32('RestartCount is the number of times the pod populating the DataVolume has restarted'),
    conditions: arr(
      obj(
        {
          type: str('type of condition ie. Ready|Bound|Running.'),
          status: str('status of the condition, one of True, False, Unknown'),
          lastTransitionTime: timestamp('the timestamp when the last transition happened'),
          lastHeartbeatTime: timestamp('the timestamp the last time anything on the condition was updated'),
          reason: str("reason for the condition's last transition"),
          message: str('human-readable message indicating details about last transition'),
        },
        'DataVolumeCondition represents the state of a data volume condition.',
        ['status', 'type'],
      ),
    ),
  },
  'DataVolumeStatus contains the current status of the DataVolume',
);

export const dataVolumePrinterColumns: PrinterColumn[] = [
  { name: 'Phase', type: 'string', jsonPath: '.status.phase', description: 'The phase the data volume is in' },
  { name: 'Progress', type: 'string', jsonPath: '.status.progress', description: 'Transfer progress in percentage if known, N/A otherwise' },
  { name: 'Restarts', type: 'integer', jsonPath: '.status.restartCount', description: 'The number of times the transfer has been restarted.' },
  { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
];
