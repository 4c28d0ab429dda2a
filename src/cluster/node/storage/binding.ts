// The PV controller's decisions, as pure functions of observed claims and volumes
// (kube-controller-manager's persistentvolume controller):
// - a claim bound to a volume that points back at it is Bound; a volume whose claim is gone is
//   Released, and then deleted or kept by its reclaim policy;
// - an unbound claim binds to the volume pre-bound to it (claimRef) or named by spec.volumeName,
//   else to the smallest Available volume that matches class, volume mode, access modes, size and
//   selector;
// - a claim of a WaitForFirstConsumer class binds only after a node is selected for it.
import type { V1PersistentVolume, V1PersistentVolumeClaim, V1StorageClass } from '@kubernetes/client-node';
import { parseQuantity } from './quantity.ts';
import { annotations } from './names.ts';

export function requestedBytes(pvc: V1PersistentVolumeClaim): number {
  return parseQuantity(pvc.spec?.resources?.requests?.['storage'] as string | undefined);
}

export function capacityBytes(pv: V1PersistentVolume): number {
  return parseQuantity(pv.spec?.capacity?.['storage'] as string | undefined);
}

export function claimClass(pvc: V1PersistentVolumeClaim): string {
  return pvc.spec?.storageClassName ?? '';
}

/** Whether a volume's claimRef names this claim (uid empty means "any claim of that name"). */
export function claimRefMatches(pv: V1PersistentVolume, pvc: V1PersistentVolumeClaim): boolean {
  const ref = pv.spec?.claimRef;
  if (!ref) return false;
  return ref.name === pvc.metadata?.name && ref.namespace === pvc.metadata?.namespace && (!ref.uid || ref.uid === pvc.metadata?.uid);
}

function matchesSelector(pv: V1PersistentVolume, pvc: V1PersistentVolumeClaim): boolean {
  const sel = pvc.spec?.selector;
  if (!sel) return true;
  const labels = pv.metadata?.labels ?? {};
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of sel.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, e.key);
    const val = labels[e.key];
    const values = e.values ?? [];
    if (e.operator === 'In' && !(has && values.includes(val!))) return false;
    if (e.operator === 'NotIn' && has && values.includes(val!)) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

/** Whether an Available volume satisfies the claim (class, mode, access modes, size, selector). */
export function volumeSatisfies(pv: V1PersistentVolume, pvc: V1PersistentVolumeClaim): boolean {
  if ((pv.spec?.storageClassName ?? '') !== claimClass(pvc)) return false;
  if ((pv.spec?.volumeMode ?? 'Filesystem') !== (pvc.spec?.volumeMode ?? 'Filesystem')) return false;
  const modes = new Set(pv.spec?.accessModes ?? []);
  if (!(pvc.spec?.accessModes ?? []).every((m) => modes.has(m))) return false;
  if (capacityBytes(pv) < requestedBytes(pvc)) return false;
  return matchesSelector(pv, pvc);
}

export type BindingDecision =
  | { action: 'bind'; volume: V1PersistentVolume }
  | { action: 'wait-for-first-consumer' }
  | { action: 'wait-for-provisioning'; provisioner: string }
  | { action: 'pending'; message: string };

export function decideBinding(input: {
  pvc: V1PersistentVolumeClaim;
  volumes: readonly V1PersistentVolume[];
  storageClass: V1StorageClass | undefined;
}): BindingDecision {
  const { pvc, volumes, storageClass } = input;
  const wanted = pvc.spec?.volumeName;
  if (wanted) {
    const pv = volumes.find((v) => v.metadata?.name === wanted);
    if (!pv) return { action: 'pending', message: `volume "${wanted}" not found` };
    if (pv.spec?.claimRef && !claimRefMatches(pv, pvc)) return { action: 'pending', message: `volume "${wanted}" already bound to a different claim.` };
    if (!volumeSatisfies(pv, pvc)) return { action: 'pending', message: `Cannot bind to requested volume "${wanted}": requested PV is too small` };
    return { action: 'bind', volume: pv };
  }
  const preBound = volumes.find((v) => claimRefMatches(v, pvc) && v.status?.phase !== 'Released' && v.status?.phase !== 'Failed');
  if (preBound) return { action: 'bind', volume: preBound };
  const candidates = volumes
    .filter((v) => !v.spec?.claimRef && (v.status?.phase ?? 'Available') === 'Available' && !v.metadata?.deletionTimestamp && volumeSatisfies(v, pvc))
    .sort((a, b) => capacityBytes(a) - capacityBytes(b));
  const wffc = storageClass?.volumeBindingMode === 'WaitForFirstConsumer';
  const selected = pvc.metadata?.annotations?.[annotations.selectedNode];
  if (wffc && !selected) return { action: 'wait-for-first-consumer' };
  if (candidates[0]) return { action: 'bind', volume: candidates[0] };
  if (storageClass?.provisioner && storageClass.provisioner !== 'kubernetes.io/no-provisioner') {
    return { action: 'wait-for-provisioning', provisioner: storageClass.provisioner };
  }
  return { action: 'pending', message: claimClass(pvc) ? `storageclass.storage.k8s.io "${claimClass(pvc)}" not found` : 'no persistent volumes available for this claim and no storage class is set' };
}

export type VolumePhaseDecision =
  | { phase: 'Bound' }
  | { phase: 'Released' }
  | { phase: 'Available' }
  | { phase: 'Pending' }
  | { phase: 'reclaim-delete' };

/** What a volume's phase should be, given the claim its claimRef names (undefined: no such claim). */
export function decideVolumePhase(pv: V1PersistentVolume, claim: V1PersistentVolumeClaim | undefined): VolumePhaseDecision {
  const ref = pv.spec?.claimRef;
  if (!ref) return { phase: 'Available' };
  if (claim && claimRefMatches(pv, claim)) {
    // Pre-bound to a claim of that name not yet seen by uid: it waits for that claim.
    if (!ref.uid) return { phase: 'Available' };
    return { phase: 'Bound' };
  }
  if (!ref.uid) return { phase: 'Available' };
  // The claim it was bound to is gone (or replaced by another of the same name).
  if ((pv.spec?.persistentVolumeReclaimPolicy ?? 'Retain') === 'Delete') return { phase: 'reclaim-delete' };
  return { phase: 'Released' };
}
