// cdi.kubevirt.io/v1beta1 ObjectTransfer (cluster-scoped): moves a PVC (and its PV) across namespaces.

import type { ConditionStatus, ObjectMeta } from '../meta.ts';

export const ObjectTransferPhase = {
  Empty: '',
  Pending: 'Pending',
  Running: 'Running',
  Complete: 'Complete',
  Error: 'Error',
} as const;
export type ObjectTransferPhase = (typeof ObjectTransferPhase)[keyof typeof ObjectTransferPhase];

export interface ObjectTransfer {
  apiVersion?: 'cdi.kubevirt.io/v1beta1';
  kind?: 'ObjectTransfer';
  metadata: ObjectMeta;
  spec: {
    source: { apiVersion?: string; kind: string; namespace: string; name: string; requiredAnnotations?: Record<string, string> };
    target: { namespace?: string; name?: string };
    parentName?: string;
  };
  status?: {
    data?: Record<string, string>;
    phase?: ObjectTransferPhase;
    conditions?: {
      type: 'Complete';
      status: ConditionStatus;
      lastTransitionTime?: string;
      lastHeartbeatTime?: string;
      reason?: string;
      message?: string;
    }[];
  };
}
