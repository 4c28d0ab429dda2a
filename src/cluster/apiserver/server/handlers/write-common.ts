// What create, update, patch and delete share: request options (dryRun, fieldManager,
// fieldValidation), type-meta checks, unknown-field handling, the server-owned metadata,
// validation, managed fields, and the mapping of storage errors to Status errors.
import { randomUUID, randomInt } from 'node:crypto';
import { pruneUnknownFields, strictDecodingError, unknownFieldWarnings, validateObjectMeta } from '../../schema/index.ts';
import { trackUpdate } from '../../patch/index.ts';
import { StoreError } from '../../storage/index.ts';
import type { KubeObject } from '../../types.ts';
import type { ResourceRequest } from '../context.ts';
import { apiVersionOf, type ServedResource } from '../registry.ts';
import {
  ApiError,
  alreadyExists,
  badRequest,
  conflict,
  expired,
  internalError,
  invalid,
  MODIFIED_MESSAGE,
  notFound,
  serviceUnavailable,
} from '../status.ts';

export type ValidationDirective = 'Strict' | 'Warn' | 'Ignore';

export function dryRunOf(query: URLSearchParams): boolean {
  const values = query.getAll('dryRun');
  for (const v of values) {
    if (v !== 'All') throw badRequest(`dryRun: Unsupported value: "${v}": supported values: "All"`);
  }
  return values.length > 0;
}

export function validationDirectiveOf(query: URLSearchParams): ValidationDirective {
  const value = query.get('fieldValidation') ?? '';
  if (value === '') return 'Warn';
  if (value === 'Strict' || value === 'Warn' || value === 'Ignore') return value;
  throw badRequest(`fieldValidation: Unsupported value: "${value}": supported values: "Ignore", "Strict", "Warn"`);
}

/** The fieldManager parameter, or the user agent's first word as kube-apiserver derives it. */
export function fieldManagerOf(rr: ResourceRequest): string {
  const given = rr.query.get('fieldManager');
  if (given !== null && given !== '') {
    if (given.length > 128) throw badRequest(`fieldManager: Too long: may not be more than 128 bytes`);
    return given;
  }
  const agent = rr.req.headers['user-agent'] ?? 'unknown';
  return agent.split('/')[0]!.slice(0, 128);
}

/** 400 when the body names another group/version/kind than the URL. */
export function checkTypeMeta(served: ServedResource, obj: KubeObject): void {
  const expected = apiVersionOf(served.group, served.version);
  if (obj.apiVersion !== undefined && obj.apiVersion !== '' && obj.apiVersion !== expected) {
    throw badRequest(`the API version in the data (${String(obj.apiVersion)}) does not match the expected API version (${expected})`);
  }
  if (obj.kind !== undefined && obj.kind !== '' && obj.kind !== served.kind) {
    throw badRequest(`${String(obj.kind)} in version "${served.version}" cannot be handled as a ${served.kind}: the kind in the data does not match`);
  }
  obj.apiVersion = expected;
  obj.kind = served.kind;
}

/** Ensures `metadata` is an object (a body without one is decoded as empty metadata). */
export function ensureMeta(obj: Record<string, unknown>): KubeObject {
  if (obj['metadata'] === undefined || obj['metadata'] === null) obj['metadata'] = {};
  if (typeof obj['metadata'] !== 'object' || Array.isArray(obj['metadata'])) {
    throw badRequest('metadata: must be an object');
  }
  return obj as KubeObject;
}

/**
 * Drops fields the kind's schema does not know; Strict turns them into a 400, Warn into
 * Warning headers (returned), Ignore drops them silently.
 */
export function handleUnknownFields(rr: ResourceRequest, obj: KubeObject, directive: ValidationDirective): string[] {
  const schema = rr.ctx.schemaOf(rr.served);
  if (schema === undefined) return [];
  const unknown = pruneUnknownFields(obj, schema, rr.ctx.resolve);
  if (unknown.length === 0 || directive === 'Ignore') return [];
  if (directive === 'Strict') {
    throw badRequest(
      `${rr.served.kind} in version "${rr.served.version}" cannot be handled as a ${rr.served.kind}: ${strictDecodingError(unknown)}`,
    );
  }
  return unknownFieldWarnings(unknown);
}

const GENERATE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** names.SimpleNameGenerator: generateName plus five random characters, the prefix cut to fit 63. */
export function generateName(prefix: string): string {
  let suffix = '';
  for (let i = 0; i < 5; i++) suffix += GENERATE_ALPHABET[randomInt(GENERATE_ALPHABET.length)];
  return `${prefix.length > 58 ? prefix.slice(0, 58) : prefix}${suffix}`;
}

/** Everything but metadata and status: what a generation bump looks at. */
export function specPart(obj: KubeObject): string {
  const rest: Record<string, unknown> = { ...obj };
  delete rest['metadata'];
  delete rest['status'];
  delete rest['apiVersion'];
  delete rest['kind'];
  return stableJson(rest);
}

/** JSON with object keys sorted, for comparing objects by content. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(v as Record<string, unknown>).sort()) sorted[k] = (v as Record<string, unknown>)[k];
    return sorted;
  });
}

/** Sets what the server owns on create: uid, creationTimestamp, generation; clears what clients may not set. */
export function setCreateMeta(served: ServedResource, obj: KubeObject, now: Date): void {
  const meta = obj.metadata;
  meta.uid = randomUUID();
  meta.creationTimestamp = rfc3339(now);
  delete meta.resourceVersion;
  delete meta.deletionTimestamp;
  delete meta.deletionGracePeriodSeconds;
  delete meta['selfLink'];
  if (served.hasGeneration) meta.generation = 1;
  else delete meta.generation;
  dropEmptyMetaFields(meta);
}

/**
 * ObjectMeta's lists and maps are `omitempty` in kube-apiserver: an empty one (the garbage
 * collector's `ownerReferences: []`, a patch emptying the finalizers) is stored as absent.
 */
function dropEmptyMetaFields(meta: KubeObject['metadata']): void {
  for (const field of ['labels', 'annotations', 'finalizers', 'ownerReferences'] as const) {
    const value: unknown = meta[field];
    const empty = value === null || (typeof value === 'object' && Object.keys(value).length === 0);
    if (empty) delete meta[field];
  }
}

/** Keeps what a client cannot change on update, and bumps generation when the spec changed. */
export function carryUpdateMeta(served: ServedResource, obj: KubeObject, old: KubeObject): void {
  const meta = obj.metadata;
  const oldMeta = old.metadata;
  meta.name = oldMeta.name;
  if (served.namespaced) meta.namespace = oldMeta.namespace;
  else delete meta.namespace;
  meta.uid = oldMeta.uid;
  meta.creationTimestamp = oldMeta.creationTimestamp;
  delete meta['selfLink'];
  if (oldMeta.deletionTimestamp !== undefined) {
    meta.deletionTimestamp = oldMeta.deletionTimestamp;
    if (oldMeta.deletionGracePeriodSeconds !== undefined) meta.deletionGracePeriodSeconds = oldMeta.deletionGracePeriodSeconds;
  } else {
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
  }
  if (served.hasGeneration) {
    const oldGeneration = oldMeta.generation ?? 1;
    meta.generation = specPart(obj) === specPart(old) ? oldGeneration : oldGeneration + 1;
  } else {
    delete meta.generation;
  }
  if (meta.generateName === undefined && oldMeta.generateName !== undefined) meta.generateName = oldMeta.generateName;
  dropEmptyMetaFields(meta);
}

/** Main-resource writes keep the old status, /status writes keep everything but status (and labels/annotations). */
export function applySubresourceRules(served: ServedResource, subresource: string, obj: KubeObject, old: KubeObject): KubeObject {
  if (subresource === 'finalize') {
    // namespaces/finalize changes spec.finalizers and nothing else.
    const merged = structuredClone(old);
    const finalizers = ((obj['spec'] ?? {}) as { finalizers?: string[] }).finalizers;
    merged['spec'] = { ...((old['spec'] ?? {}) as object), finalizers: finalizers ?? [] };
    merged.metadata.resourceVersion = obj.metadata.resourceVersion;
    return merged;
  }
  if (!served.hasStatus) return obj;
  if (subresource === 'status') {
    const merged: KubeObject = { ...structuredClone(old), metadata: { ...structuredClone(old.metadata) } };
    if (obj['status'] === undefined) delete merged['status'];
    else merged['status'] = obj['status'];
    if (obj.metadata.managedFields !== undefined) merged.metadata.managedFields = obj.metadata.managedFields;
    merged.metadata.resourceVersion = obj.metadata.resourceVersion;
    return merged;
  }
  if (old['status'] === undefined) delete obj['status'];
  else obj['status'] = structuredClone(old['status']);
  return obj;
}

export function rfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Runs the kind's validation; 422 Invalid with every cause. */
export function validateOrThrow(served: ServedResource, obj: KubeObject, old: KubeObject | undefined): void {
  // Custom resources validate their metadata with their schema (crd.ts); built-ins here.
  const errors = served.custom === undefined
    ? [...validateObjectMeta(obj.metadata, { namespaced: served.namespaced, nameValidator: served.nameValidation }), ...served.validate(obj, old)]
    : served.validate(obj, old);
  if (errors.length > 0) throw invalid(served, obj.metadata.name ?? obj.metadata.generateName ?? '', errors);
}

/** managedFields for a non-apply write (Update operation), computed by the patch library. */
export function withTrackedFields(
  rr: ResourceRequest,
  updated: KubeObject,
  old: KubeObject | undefined,
  manager: string,
): KubeObject {
  const schema = rr.ctx.schemaOf(rr.served);
  try {
    return trackUpdate({
      old,
      updated,
      manager,
      schema,
      resolve: rr.ctx.resolve,
      apiVersion: apiVersionOf(rr.served.group, rr.served.version),
      now: rr.ctx.now(),
      ...(rr.info.subresource === '' ? {} : { subresource: rr.info.subresource }),
    } as Parameters<typeof trackUpdate>[0]);
  } catch (err) {
    // managedFields are bookkeeping: a failure to compute them must not fail the write.
    rr.ctx.logger.warn({ err, resource: rr.served.resource, name: updated.metadata.name }, 'managed fields not tracked');
    return updated;
  }
}

/** Turns a StoreError into the Status a real server answers with; rethrows anything else. */
export function toApiError(served: ServedResource, name: string, err: unknown): unknown {
  if (err instanceof ApiError) return err;
  if (!(err instanceof StoreError)) return internalError(err);
  switch (err.code) {
    case 'EEXISTS':
      return alreadyExists(served, name);
    case 'ENOTFOUND':
      return notFound(served, name);
    case 'ECONFLICT':
      return conflict(served, name, MODIFIED_MESSAGE);
    case 'EGONE':
      return expired(err.message);
    case 'ECLOSED':
      return serviceUnavailable('the server is shutting down');
    default:
      return internalError(err);
  }
}
