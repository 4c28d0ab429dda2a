// Server-side apply and the ownership bookkeeping of ordinary writes, following
// sigs.k8s.io/structured-merge-diff (merge.Updater) and the apiserver's field manager:
//  1. An apply merges the configuration into the live object; the configuration's field set
//     becomes the manager's `Apply` entry.
//  2. Fields the manager applied last time and no longer applies are removed from the object,
//     unless some manager (the applier included) still owns them.
//  3. A field whose value the apply changes and that another manager owns is a conflict; with
//     `force` the other manager loses it instead.
//  4. Fields that disappeared from the object are dropped from every manager.
//  5. A non-apply write (trackUpdate) takes the fields it changed away from every other manager
//     and adds them to the writer's `Update` entry; it never conflicts.
// An object that has no managedFields at all is first attributed wholesale to
// "before-first-apply", so that the first apply conflicts with values it would silently change.

import type { KubeObject, Schema } from '../types.ts';
import { PatchError } from './errors.ts';
import {
  differenceFieldSets,
  fieldElement,
  fieldPathToString,
  intersectFieldSets,
  isEmptyFieldSet,
  memberPaths,
  newFieldSet,
  unionFieldSets,
  withoutSubtrees,
  type FieldPath,
  type FieldSet,
} from './fieldset.ts';
import { cloneJson, jsonEqual } from './json-value.ts';
import {
  decodeManagedFields,
  encodeManagedFields,
  isManagedFieldsReset,
  managedFieldsTime,
  managerIdentity,
  printManager,
  stripServerOwnedFields,
  type ManagerFields,
} from './managed-fields.ts';
import type { SchemaResolver } from './schema-lookup.ts';
import { addFields, compareTyped, computeFieldSet } from './typed-fieldset.ts';
import { mergeTyped, removePath } from './typed-merge.ts';

export interface ApplyConflict {
  /** The other manager's name, e.g. `kubectl-client-side-apply`. */
  manager: string;
  /** The field as the real server prints it, e.g. `.spec.replicas`. */
  field: string;
  /** The Status cause message, e.g. `conflict with "kubectl-client-side-apply" using v1`. */
  message: string;
}

export interface ServerSideApplyInput {
  live: KubeObject | undefined;
  applied: KubeObject;
  manager: string;
  force: boolean;
  schema: Schema | undefined;
  resolve: SchemaResolver;
  apiVersion: string;
  now: Date;
  subresource?: string;
  /**
   * Fields the resource's strategy resets on this endpoint, as field-name paths (e.g.
   * `[['status']]` on a main resource, `[['spec']]` on /status). Like the apiserver's
   * reset-fields filter, nobody ever owns or conflicts on them. (Resetting their values in
   * the object stays the caller's strategy's job, as in kube-apiserver.)
   */
  ignoredFields?: string[][];
}

export type ServerSideApplyResult = { object: KubeObject } | { conflicts: ApplyConflict[]; message: string };

export interface TrackUpdateInput {
  old: KubeObject | undefined;
  updated: KubeObject;
  manager: string;
  schema: Schema | undefined;
  resolve: SchemaResolver;
  apiVersion: string;
  now: Date;
  subresource?: string;
  /** As for serverSideApply. */
  ignoredFields?: string[][];
}

const beforeFirstApply = 'before-first-apply';

function ignoredPaths(fields: string[][] | undefined): FieldPath[] {
  return (fields ?? []).map((names) => names.map(fieldElement));
}

function withoutManagedFields(obj: KubeObject): KubeObject {
  const copy = cloneJson(obj);
  delete copy.metadata.managedFields;
  return copy;
}

function withManagedFields(obj: KubeObject, managers: ManagerFields[]): KubeObject {
  const kept = managers.filter((m) => !isEmptyFieldSet(m.set));
  if (kept.length === 0) delete obj.metadata.managedFields;
  else obj.metadata.managedFields = encodeManagedFields(kept);
  return obj;
}

export function serverSideApply(input: ServerSideApplyInput): ServerSideApplyResult {
  const { schema, resolve, now } = input;
  const ignored = ignoredPaths(input.ignoredFields);
  if (input.applied.metadata.managedFields !== undefined) {
    throw new PatchError('EAPPLYINVALID', 'metadata.managedFields must be nil');
  }
  const live = input.live === undefined ? undefined : withoutManagedFields(input.live);
  let managers = decodeManagedFields(input.live?.metadata.managedFields);
  if (live !== undefined && managers.length === 0) {
    managers = [{
      manager: beforeFirstApply, operation: 'Update', apiVersion: input.apiVersion, time: managedFieldsTime(now),
      subresource: undefined, set: withoutSubtrees(stripServerOwnedFields(computeFieldSet(live, schema, resolve)), ignored),
    }];
  }

  const config = cloneJson(input.applied);
  const configFields = newFieldSet();
  addFields(configFields, config, schema, resolve, [], true);
  const applierSet = withoutSubtrees(stripServerOwnedFields(configFields), ignored);
  const applier: ManagerFields = {
    manager: input.manager, operation: 'Apply', apiVersion: input.apiVersion,
    time: managedFieldsTime(now), subresource: input.subresource, set: applierSet,
  };
  const applierId = managerIdentity(applier);
  const lastSet = managers.find((m) => managerIdentity(m) === applierId)?.set ?? newFieldSet();
  let others = managers.filter((m) => managerIdentity(m) !== applierId);

  const merged = mergeTyped(live ?? {}, config, schema, resolve) as KubeObject;
  const owned = others.reduce((acc, m) => unionFieldSets(acc, m.set), applierSet);
  for (const path of memberPaths(differenceFieldSets(lastSet, owned))) removePath(merged, path, schema, resolve);

  const compared = compareTyped(live ?? {}, merged, schema, resolve);
  const comparison = { changed: withoutSubtrees(compared.changed, ignored), removed: withoutSubtrees(compared.removed, ignored) };
  const conflicts: { owner: ManagerFields; set: FieldSet }[] = [];
  for (const owner of others) {
    const set = intersectFieldSets(owner.set, comparison.changed);
    if (!isEmptyFieldSet(set)) conflicts.push({ owner, set });
  }
  if (conflicts.length > 0 && !input.force) return conflictResult(conflicts);

  others = others.map((m) => {
    const lost = conflicts.find((c) => c.owner === m)?.set ?? newFieldSet();
    return { ...m, set: differenceFieldSets(differenceFieldSets(m.set, lost), comparison.removed) };
  });
  applier.set = differenceFieldSets(applier.set, comparison.removed);
  return { object: withManagedFields(merged, [...others, applier]) };
}

function conflictResult(found: { owner: ManagerFields; set: FieldSet }[]): { conflicts: ApplyConflict[]; message: string } {
  const byIdentity = [...found].sort((a, b) => {
    const ia = managerIdentity(a.owner);
    const ib = managerIdentity(b.owner);
    return ia < ib ? -1 : ia > ib ? 1 : 0;
  });
  const conflicts: ApplyConflict[] = [];
  const lines: string[] = [];
  for (const { owner, set } of byIdentity) {
    const printed = printManager(owner);
    lines.push(`conflicts with ${printed}:`);
    for (const path of memberPaths(set)) {
      const field = fieldPathToString(path);
      conflicts.push({ manager: owner.manager, field, message: `conflict with ${printed}` });
      lines.push(`- ${field}`);
    }
  }
  const only = conflicts[0];
  const message = conflicts.length === 1 && only !== undefined
    ? `Apply failed with 1 conflict: ${only.message}: ${only.field}`
    : `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
  return { conflicts, message };
}

/**
 * Records a create/update/patch by `manager` in `updated.metadata.managedFields` and returns
 * the object to store. A writer that sends managedFields different from the stored ones sets
 * them on purpose (and `[{}]` wipes them); an empty or absent list keeps the stored ones.
 */
export function trackUpdate(input: TrackUpdateInput): KubeObject {
  const { schema, resolve } = input;
  const given = input.updated.metadata.managedFields;
  const stored = input.old?.metadata.managedFields;
  const updated = withoutManagedFields(input.updated);
  if (input.subresource === undefined && isManagedFieldsReset(given)) return updated;
  const writerSetThem = input.subresource === undefined && given !== undefined && given.length > 0 && !jsonEqual(given, stored);
  let managers = decodeManagedFields(writerSetThem ? given : stored);

  const old = input.old === undefined ? {} : withoutManagedFields(input.old);
  const comparison = compareTyped(old, updated, schema, resolve);
  const changed = withoutSubtrees(stripServerOwnedFields(comparison.changed), ignoredPaths(input.ignoredFields));
  managers = managers.map((m) => ({ ...m, set: differenceFieldSets(differenceFieldSets(m.set, changed), comparison.removed) }));
  if (!isEmptyFieldSet(changed)) {
    const writer: ManagerFields = {
      manager: input.manager, operation: 'Update', apiVersion: input.apiVersion,
      time: managedFieldsTime(input.now), subresource: input.subresource, set: changed,
    };
    const id = managerIdentity(writer);
    const previous = managers.find((m) => managerIdentity(m) === id);
    if (previous !== undefined) writer.set = unionFieldSets(previous.set, changed);
    managers = [...managers.filter((m) => managerIdentity(m) !== id), writer];
  }
  return withManagedFields(updated, managers);
}
