// The garbage collector's decisions (kube-controller-manager's garbagecollector), pure:
// 1. an object being deleted with the `orphan` finalizer: its dependents lose their
//    ownerReference to it, then the finalizer goes;
// 2. an object being deleted with the `foregroundDeletion` finalizer: its dependents are deleted
//    (foreground too); the finalizer goes once no dependent with blockOwnerDeletion is left;
// 3. an object with ownerReferences none of whose owners exist is deleted (background, or
//    foreground when an owner is being deleted in the foreground and waits for it); references to
//    absent owners are removed when other owners still exist.
export const orphanFinalizer = 'orphan';
export const foregroundFinalizer = 'foregroundDeletion';

export interface OwnerRef {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  blockOwnerDeletion?: boolean;
  controller?: boolean;
}

export interface GcObject {
  uid: string;
  deleting: boolean;
  finalizers: readonly string[];
  ownerReferences: readonly OwnerRef[];
}

/** What is known of an owner, looked up by the reference's uid. */
export type OwnerState = 'absent' | 'present' | 'deleting-foreground';

export type GcAction =
  | { action: 'none' }
  | { action: 'orphan-dependents'; dependents: string[] }
  | { action: 'remove-finalizer'; finalizer: string }
  | { action: 'delete-dependents'; dependents: string[] }
  | { action: 'delete'; propagation: 'Background' | 'Foreground' }
  | { action: 'remove-owner-references'; uids: string[] };

export interface DependentInfo {
  key: string;
  blockOwnerDeletion: boolean;
  deleting: boolean;
}

export function decideGarbageCollection(obj: GcObject, owners: ReadonlyMap<string, OwnerState>, dependents: readonly DependentInfo[]): GcAction {
  if (obj.deleting && obj.finalizers.includes(orphanFinalizer)) {
    if (dependents.length > 0) return { action: 'orphan-dependents', dependents: dependents.map((d) => d.key) };
    return { action: 'remove-finalizer', finalizer: orphanFinalizer };
  }
  if (obj.deleting && obj.finalizers.includes(foregroundFinalizer)) {
    const toDelete = dependents.filter((d) => !d.deleting).map((d) => d.key);
    if (toDelete.length > 0) return { action: 'delete-dependents', dependents: toDelete };
    if (dependents.some((d) => d.blockOwnerDeletion)) return { action: 'none' };
    return { action: 'remove-finalizer', finalizer: foregroundFinalizer };
  }
  if (obj.deleting || obj.ownerReferences.length === 0) return { action: 'none' };
  const states = obj.ownerReferences.map((r) => ({ ref: r, state: owners.get(r.uid) ?? 'absent' }));
  const present = states.filter((s) => s.state === 'present');
  if (present.length > 0) {
    const absent = states.filter((s) => s.state === 'absent').map((s) => s.ref.uid);
    return absent.length > 0 ? { action: 'remove-owner-references', uids: absent } : { action: 'none' };
  }
  const waitedOn = states.some((s) => s.state === 'deleting-foreground' && s.ref.blockOwnerDeletion);
  return { action: 'delete', propagation: waitedOn ? 'Foreground' : 'Background' };
}
