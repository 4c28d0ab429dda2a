import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decideGarbageCollection, type GcObject, type OwnerState, type DependentInfo } from '../../../src/cluster/kcm/gc-decide.ts';

const ref = (uid: string, block = false) => ({ apiVersion: 'v1', kind: 'ConfigMap', name: uid, uid, blockOwnerDeletion: block });
const obj = (o: Partial<GcObject>): GcObject => ({ uid: 'self', deleting: false, finalizers: [], ownerReferences: [], ...o });
const dep = (key: string, blockOwnerDeletion = false, deleting = false): DependentInfo => ({ key, blockOwnerDeletion, deleting });

test('decideGarbageCollection: a table of owners, dependents and finalizers', () => {
  const cases: { name: string; obj: GcObject; owners?: [string, OwnerState][]; deps?: DependentInfo[]; want: ReturnType<typeof decideGarbageCollection> }[] = [
    { name: 'no owners: nothing to do', obj: obj({}), want: { action: 'none' } },
    { name: 'owner present', obj: obj({ ownerReferences: [ref('a')] }), owners: [['a', 'present']], want: { action: 'none' } },
    { name: 'owner gone: background delete', obj: obj({ ownerReferences: [ref('a')] }), owners: [['a', 'absent']], want: { action: 'delete', propagation: 'Background' } },
    { name: 'one of two owners gone: drop the dangling reference', obj: obj({ ownerReferences: [ref('a'), ref('b')] }), owners: [['a', 'absent'], ['b', 'present']], want: { action: 'remove-owner-references', uids: ['a'] } },
    { name: 'owner deleting in the foreground and waiting on us: foreground delete', obj: obj({ ownerReferences: [ref('a', true)] }), owners: [['a', 'deleting-foreground']], want: { action: 'delete', propagation: 'Foreground' } },
    { name: 'orphan finalizer with dependents: orphan them', obj: obj({ deleting: true, finalizers: ['orphan'] }), deps: [dep('d1'), dep('d2')], want: { action: 'orphan-dependents', dependents: ['d1', 'd2'] } },
    { name: 'orphan finalizer, dependents released: remove it', obj: obj({ deleting: true, finalizers: ['orphan'] }), want: { action: 'remove-finalizer', finalizer: 'orphan' } },
    { name: 'foreground: delete dependents not yet deleting', obj: obj({ deleting: true, finalizers: ['foregroundDeletion'] }), deps: [dep('d1', true), dep('d2', false, true)], want: { action: 'delete-dependents', dependents: ['d1'] } },
    { name: 'foreground: wait for a blocking dependent being deleted', obj: obj({ deleting: true, finalizers: ['foregroundDeletion'] }), deps: [dep('d1', true, true)], want: { action: 'none' } },
    { name: 'foreground: non-blocking dependents being deleted do not hold the owner', obj: obj({ deleting: true, finalizers: ['foregroundDeletion'] }), deps: [dep('d1', false, true)], want: { action: 'remove-finalizer', finalizer: 'foregroundDeletion' } },
    { name: 'foreground: no dependents left', obj: obj({ deleting: true, finalizers: ['foregroundDeletion'] }), want: { action: 'remove-finalizer', finalizer: 'foregroundDeletion' } },
    { name: 'being deleted with other finalizers only: not ours', obj: obj({ deleting: true, finalizers: ['example.com/x'], ownerReferences: [ref('a')] }), owners: [['a', 'absent']], want: { action: 'none' } },
  ];
  for (const c of cases) assert.deepEqual(decideGarbageCollection(c.obj, new Map(c.owners ?? []), c.deps ?? []), c.want, c.name);
});
