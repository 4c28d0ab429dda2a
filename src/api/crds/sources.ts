// Schemas of DataSource, the volume populator kinds, and ObjectTransfer.

import { DataVolumeContentType } from '../types/datavolume.ts';
import { dataVolumeSourceProperties } from './datavolume.ts';
import { arr, bool, enumOf, freeform, map, obj, str, type JSONSchemaProps, type PrinterColumn } from './schema.ts';

const namespacedRef = (what: string, required: string[]): JSONSchemaProps =>
  obj({ namespace: str(`The namespace of the source ${what}`), name: str(`The name of the source ${what}`) }, undefined, required);

const dataSourceSource = (description: string): JSONSchemaProps =>
  obj(
    {
      pvc: namespacedRef('PVC', ['name', 'namespace']),
      snapshot: namespacedRef('VolumeSnapshot', ['name', 'namespace']),
      dataSource: namespacedRef('DataSource', ['name']),
    },
    description,
  );

const condition = (type: string): JSONSchemaProps =>
  obj(
    {
      type: str(`type of condition ie. ${type}`),
      status: str('status of the condition, one of True, False, Unknown'),
      lastTransitionTime: str(undefined, { format: 'date-time' }),
      lastHeartbeatTime: str(undefined, { format: 'date-time' }),
      reason: str("reason for the condition's last transition"),
      message: str('human-readable message indicating details about last transition'),
    },
    undefined,
    ['status', 'type'],
  );

export const dataSourceSpecSchema: JSONSchemaProps = obj(
  { source: dataSourceSource('Source is the source of the data referenced by the DataSource') },
  'DataSourceSpec defines specification for DataSource',
  ['source'],
);

export const dataSourceStatusSchema: JSONSchemaProps = obj(
  {
    source: dataSourceSource('Source is the current source of the data referenced by the DataSource'),
    conditions: arr(condition('Ready')),
  },
  'DataSourceStatus provides the most recently observed status of the DataSource',
);

const contentType = enumOf(Object.values(DataVolumeContentType), 'ContentType represents the type of the imported data (Kubevirt or archive)');
const preallocation = bool('Preallocation controls whether storage for the target PVC should be allocated in advance.');
const { pvc: _pvc, upload: _upload, snapshot: _snapshot, ...importSources } = dataVolumeSourceProperties;

export const volumeImportSourceSpecSchema: JSONSchemaProps = obj(
  {
    source: obj(importSources, 'Source is the src of the data to be imported in the target PVC'),
    contentType,
    targetClaim: str('TargetClaim the name of the specific claim to be populated with a multistage import.'),
    checkpoints: arr(
      obj({ previous: str(), current: str() }, undefined, ['current', 'previous']),
      'Checkpoints is a list of DataVolumeCheckpoints, representing stages in a multistage import.',
    ),
    finalCheckpoint: bool('FinalCheckpoint indicates whether the current DataVolumeCheckpoint is the final checkpoint.'),
    preallocation,
  },
  'VolumeImportSourceSpec defines the Spec field for VolumeImportSource',
);

export const volumeUploadSourceSpecSchema: JSONSchemaProps = obj(
  { contentType, preallocation },
  'VolumeUploadSourceSpec defines specification for VolumeUploadSource',
);

export const volumeCloneSourceSpecSchema: JSONSchemaProps = obj(
  {
    source: obj(
      { apiGroup: str(), kind: enumOf(['PersistentVolumeClaim', 'VolumeSnapshot']), name: str() },
      'Source is the src of the data to be cloned to the target PVC',
      ['kind', 'name'],
    ),
    preallocation,
    priorityClassName: str('PriorityClassName is the priorityclass for the claim'),
  },
  'VolumeCloneSourceSpec defines the Spec field for VolumeCloneSource',
  ['source'],
);

export const populatorStatusSchema: JSONSchemaProps = freeform('The status of the populator source');

export const objectTransferSpecSchema: JSONSchemaProps = obj(
  {
    source: obj(
      {
        apiVersion: str(),
        kind: str(),
        namespace: str(),
        name: str(),
        requiredAnnotations: map(str()),
      },
      'TransferSource is the source of a ObjectTransfer',
      ['kind', 'name', 'namespace'],
    ),
    target: obj({ namespace: str(), name: str() }, 'TransferTarget is the target of an ObjectTransfer'),
    parentName: str(),
  },
  'ObjectTransferSpec specifies the source/target of the transfer',
  ['source', 'target'],
);

export const objectTransferStatusSchema: JSONSchemaProps = obj(
  {
    data: map(str(), 'Data is a place for intermediary state.  Or anything really.'),
    phase: enumOf(['', 'Pending', 'Running', 'Complete', 'Error'], 'Phase is the current phase of the transfer'),
    conditions: arr(condition('Complete')),
  },
  'ObjectTransferStatus is the status of the ObjectTransfer',
);

export const objectTransferPrinterColumns: PrinterColumn[] = [
  { name: 'Phase', type: 'string', jsonPath: '.status.phase', description: 'The phase of the ObjectTransfer' },
];
