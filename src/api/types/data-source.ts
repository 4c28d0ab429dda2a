// cdi.kubevirt.io/v1beta1 DataSource (namespaced): a named pointer at a PVC or a snapshot.

import type { ConditionStatus, ObjectMeta } from '../meta.ts';
import type { DataVolumeSourcePVC, DataVolumeSourceSnapshot } from './datavolume.ts';

export interface DataSourceSource {
  pvc?: DataVolumeSourcePVC;
  snapshot?: DataVolumeSourceSnapshot;
  dataSource?: { namespace?: string; name: string };
}

export interface DataSourceCondition {
  type: 'Ready';
  status: ConditionStatus;
  lastTransitionTime?: string;
  lastHeartbeatTime?: string;
  reason?: string;
  message?: string;
}

export interface DataSource {
  apiVersion?: 'cdi.kubevirt.io/v1beta1';
  kind?: 'DataSource';
  metadata: ObjectMeta;
  spec: { source: DataSourceSource };
  status?: { source?: DataSourceSource; conditions?: DataSourceCondition[] };
}
