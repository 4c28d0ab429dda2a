// metadata.managedFields as kube-apiserver keeps it (k8s.io/apimachinery managedfields/internal):
// one entry per manager identity, the identity being manager + operation + subresource, plus the
// apiVersion for Update entries (an applier keeps one entry across versions). Entries are
// sorted Apply before Update, then by time, manager, apiVersion, subresource.

import type { ManagedFieldsEntry } from '../types.ts';
import {
  differenceFieldSets,
  fieldSetToFieldsV1,
  fieldsV1ToFieldSet,
  isEmptyFieldSet,
  newFieldSet,
  type FieldSet,
} from './fieldset.ts';

export interface ManagerFields {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string | undefined;
  subresource: string | undefined;
  set: FieldSet;
}

/** The manager identity the real server uses as a map key (BuildManagerIdentifier): JSON, fields in Go struct order. */
export function managerIdentity(m: Pick<ManagerFields, 'manager' | 'operation' | 'apiVersion' | 'subresource'>): string {
  const id: Record<string, string> = { manager: m.manager, operation: m.operation };
  if (m.operation === 'Update') id.apiVersion = m.apiVersion;
  if (m.subresource) id.subresource = m.subresource;
  return JSON.stringify(id);
}

/** How a conflict message names a manager: `"kubectl-edit" using v1`, `"ctl" with subresource "status" using v1`, `"ssa"`. */
export function printManager(m: Pick<ManagerFields, 'manager' | 'operation' | 'apiVersion' | 'subresource'>): string {
  let out = JSON.stringify(m.manager);
  if (m.subresource) out += ` with subresource ${JSON.stringify(m.subresource)}`;
  if (m.operation === 'Update') out += ` using ${m.apiVersion}`;
  return out;
}

/** True for the `managedFields: [{}]` a client writes to wipe field ownership. */
export function isManagedFieldsReset(entries: ManagedFieldsEntry[] | undefined): boolean {
  return entries !== undefined && entries.length > 0 && entries.every((e) => Object.keys(e).length === 0);
}

export function decodeManagedFields(entries: ManagedFieldsEntry[] | undefined): ManagerFields[] {
  const out: ManagerFields[] = [];
  for (const e of entries ?? []) {
    if (e.operation !== 'Apply' && e.operation !== 'Update') continue;
    out.push({
      manager: e.manager ?? '',
      operation: e.operation,
      apiVersion: e.apiVersion ?? '',
      time: e.time,
      subresource: e.subresource || undefined,
      set: fieldsV1ToFieldSet(e.fieldsV1 ?? {}),
    });
  }
  return out;
}

export function encodeManagedFields(managers: ManagerFields[]): ManagedFieldsEntry[] {
  const sorted = [...managers].sort((p, q) => {
    if (p.operation !== q.operation) return p.operation < q.operation ? -1 : 1;
    const pt = p.time === undefined ? 0 : Date.parse(p.time);
    const qt = q.time === undefined ? 0 : Date.parse(q.time);
    if (pt !== qt) return pt - qt;
    if (p.manager !== q.manager) return p.manager < q.manager ? -1 : 1;
    if (p.apiVersion !== q.apiVersion) return p.apiVersion < q.apiVersion ? -1 : 1;
    return (p.subresource ?? '') < (q.subresource ?? '') ? -1 : (p.subresource ?? '') > (q.subresource ?? '') ? 1 : 0;
  });
  return sorted.map((m) => {
    const entry: ManagedFieldsEntry = { manager: m.manager, operation: m.operation, apiVersion: m.apiVersion };
    if (m.time !== undefined) entry.time = m.time;
    entry.fieldsType = 'FieldsV1';
    entry.fieldsV1 = fieldSetToFieldsV1(m.set);
    if (m.subresource) entry.subresource = m.subresource;
    return entry;
  });
}

/** RFC 3339 with seconds, UTC: `2026-11-22T04:40:00Z`, as metav1.Time serializes. */
export function managedFieldsTime(now: Date): string {
  return `${now.toISOString().slice(0, 19)}Z`;
}

// Fields no manager ever owns (the apiserver's stripMetaManager): type meta and the metadata the
// server itself sets.
const strippedMetadata = ['name', 'namespace', 'creationTimestamp', 'selfLink', 'uid', 'clusterName', 'generation', 'managedFields', 'resourceVersion'];

export function stripServerOwnedFields(set: FieldSet): FieldSet {
  const strip = newFieldSet();
  const mark = (...path: string[]): void => {
    let node = strip;
    for (const pe of path) {
      let child = node.children.get(pe);
      if (child === undefined) { child = newFieldSet(); node.children.set(pe, child); }
      node = child;
    }
    node.member = true;
  };
  mark('f:apiVersion');
  mark('f:kind');
  mark('f:metadata');
  for (const name of strippedMetadata) mark('f:metadata', `f:${name}`);
  let out = differenceFieldSets(set, strip);
  // Whatever lies below a stripped leaf (a deduced managedFields list, say) goes too.
  const metadata = out.children.get('f:metadata');
  if (metadata !== undefined) {
    for (const name of strippedMetadata) metadata.children.delete(`f:${name}`);
    if (isEmptyFieldSet(metadata)) out.children.delete('f:metadata');
  }
  for (const pe of ['f:apiVersion', 'f:kind']) out.children.delete(pe);
  if (isEmptyFieldSet(out)) out = newFieldSet();
  return out;
}
