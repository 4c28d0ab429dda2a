// Where a pending pod goes (the part of kube-scheduler that matters on a one-node cluster: the
// VolumeBinding plugin). In order:
// 1. every PersistentVolumeClaim the pod uses must exist and not be being deleted; otherwise the
//    pod is unschedulable with the scheduler's PreFilter message;
// 2. an unbound claim of an Immediate class makes the pod unschedulable (the PV controller binds
//    it, then the pod is retried);
// 3. an unbound claim of a WaitForFirstConsumer class gets `volume.kubernetes.io/selected-node`
//    (the provisioner then creates and binds its volume) and the pod waits until it is bound;
// 4. then the pod is bound to the node.
import type { V1PersistentVolumeClaim, V1Pod, V1StorageClass } from '@kubernetes/client-node';

export const selectedNodeAnnotation = 'volume.kubernetes.io/selected-node';
export const defaultSchedulerName = 'default-scheduler';

export type ScheduleDecision =
  | { kind: 'unschedulable'; message: string }
  | { kind: 'select-node'; claims: string[] }
  | { kind: 'wait-for-binding'; claims: string[] }
  | { kind: 'bind' };

export interface ScheduleInput {
  pod: V1Pod;
  nodeName: string;
  /** Nodes in the cluster (this agent's: 1). */
  nodeCount: number;
  claim(name: string): V1PersistentVolumeClaim | undefined;
  storageClass(name: string): V1StorageClass | undefined;
}

const preemptionSuffix = (nodes: number) => ` preemption: 0/${nodes} nodes are available: ${nodes} Preemption is not helpful for scheduling.`;

/** The FitError message of a rejection by a PreFilter plugin (one reason for all nodes). */
export function preFilterMessage(nodes: number, reason: string): string {
  return `0/${nodes} nodes are available: ${reason}.${preemptionSuffix(nodes)}`;
}

/** The FitError message of a rejection of every node by a Filter plugin. */
export function filterMessage(nodes: number, reason: string): string {
  return `0/${nodes} nodes are available: ${nodes} ${reason}.${preemptionSuffix(nodes)}`;
}

/** Whether the scheduler is responsible for the pod at all. */
export function needsScheduling(pod: V1Pod): boolean {
  return !pod.spec?.nodeName && !pod.metadata?.deletionTimestamp && (pod.spec?.schedulerName ?? defaultSchedulerName) === defaultSchedulerName && pod.status?.phase !== 'Succeeded' && pod.status?.phase !== 'Failed';
}

/** The claims a pod uses: its PVC volumes, and the claims its generic ephemeral volumes create. */
export function podClaimNames(pod: V1Pod): string[] {
  const names: string[] = [];
  for (const v of pod.spec?.volumes ?? []) {
    if (v.persistentVolumeClaim?.claimName) names.push(v.persistentVolumeClaim.claimName);
    else if (v.ephemeral) names.push(`${pod.metadata?.name}-${v.name}`);
  }
  return names;
}

const isBound = (c: V1PersistentVolumeClaim) => Boolean(c.spec?.volumeName) && c.status?.phase === 'Bound';

export function decideScheduling(input: ScheduleInput): ScheduleDecision {
  const nodes = input.nodeCount;
  const unbound: V1PersistentVolumeClaim[] = [];
  for (const name of podClaimNames(input.pod)) {
    const claim = input.claim(name);
    if (!claim) return { kind: 'unschedulable', message: preFilterMessage(nodes, `persistentvolumeclaim "${name}" not found`) };
    if (claim.metadata?.deletionTimestamp) return { kind: 'unschedulable', message: preFilterMessage(nodes, `persistentvolumeclaim "${name}" is being deleted`) };
    if (!isBound(claim)) unbound.push(claim);
  }
  const toSelect: string[] = [];
  const waiting: string[] = [];
  for (const claim of unbound) {
    const name = claim.metadata?.name ?? '';
    const className = claim.spec?.storageClassName ?? '';
    const cls = className ? input.storageClass(className) : undefined;
    if (className && !cls) return { kind: 'unschedulable', message: preFilterMessage(nodes, `storageclass.storage.k8s.io "${className}" not found`) };
    if (cls?.volumeBindingMode !== 'WaitForFirstConsumer') return { kind: 'unschedulable', message: filterMessage(nodes, 'pod has unbound immediate PersistentVolumeClaims') };
    if (claim.metadata?.annotations?.[selectedNodeAnnotation] === input.nodeName) waiting.push(name);
    else toSelect.push(name);
  }
  if (toSelect.length > 0) return { kind: 'select-node', claims: toSelect };
  if (waiting.length > 0) return { kind: 'wait-for-binding', claims: waiting };
  return { kind: 'bind' };
}
