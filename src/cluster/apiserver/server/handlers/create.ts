// create (POST): decode, check type and namespace, drop unknown fields per fieldValidation,
// set server-owned metadata, default, admit, validate, track managed fields, store durably.
import { StoreError } from '../../storage/index.ts';
import type { KubeObject } from '../../types.ts';
import { storeKey, type ResourceRequest } from '../context.ts';
import { hooksFor } from '../hooks.ts';
import { decodeObjectBody, readBody, writeJson } from '../http.ts';
import { presentObject } from '../present.ts';
import { apiVersionOf } from '../registry.ts';
import { badRequest, methodNotAllowed, pathNotFound } from '../status.ts';
import {
  checkTypeMeta,
  dryRunOf,
  ensureMeta,
  fieldManagerOf,
  generateName,
  handleUnknownFields,
  setCreateMeta,
  toApiError,
  validateOrThrow,
  validationDirectiveOf,
  withTrackedFields,
} from './write-common.ts';

/** kube-apiserver retries a generateName collision this many times (RetryGenerateName). */
const GENERATE_NAME_ATTEMPTS = 8;

export async function handleCreate(rr: ResourceRequest): Promise<void> {
  if (rr.info.subresource !== '') throw pathNotFound();
  if (rr.info.name !== '') throw methodNotAllowed();
  if (rr.served.namespaced && rr.info.namespace === '') throw methodNotAllowed();
  const dryRun = dryRunOf(rr.query);
  const directive = validationDirectiveOf(rr.query);
  const manager = fieldManagerOf(rr);
  const obj = ensureMeta(decodeObjectBody(await readBody(rr.req), rr.req.headers['content-type']));
  const { created, warnings } = await createObject(rr, obj, { dryRun, directive, manager });
  writeJson(rr.res, 201, presentObject(rr, created), { warnings });
}

export interface CreateOptions {
  dryRun: boolean;
  directive: 'Strict' | 'Warn' | 'Ignore';
  manager: string;
  /** managedFields already computed (server-side apply creating the object). */
  managedFieldsSet?: boolean;
}

/** The create path shared with server-side apply of an object that does not exist yet. */
export async function createObject(
  rr: ResourceRequest,
  obj: KubeObject,
  opts: CreateOptions,
): Promise<{ created: KubeObject; warnings: string[] }> {
  const { served, ctx } = rr;
  checkTypeMeta(served, obj);
  if (served.namespaced) {
    const given = obj.metadata.namespace;
    if (given !== undefined && given !== '' && given !== rr.info.namespace) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    obj.metadata.namespace = rr.info.namespace;
  } else {
    delete obj.metadata.namespace;
  }
  const warnings = handleUnknownFields(rr, obj, opts.directive);
  const wantsGeneratedName = (obj.metadata.name === undefined || obj.metadata.name === '') && (obj.metadata.generateName ?? '') !== '';
  const now = ctx.now();
  setCreateMeta(served, obj, now);
  served.prepareForCreate?.(obj);
  if (served.hasStatus && served.custom !== undefined) delete obj['status'];
  hooksFor(served.storageResource).beforeCreate?.(rr, obj);
  served.defaults(obj);
  if (wantsGeneratedName) obj.metadata.name = generateName(obj.metadata.generateName!);
  const attrs = { operation: 'CREATE' as const, info: rr.info, served, user: rr.user, object: obj, oldObject: undefined, dryRun: opts.dryRun, warnings };
  await ctx.admission.admit(attrs);
  validateOrThrow(served, obj, undefined);
  await ctx.admission.validate(attrs);
  const tracked = opts.managedFieldsSet === true ? obj : withTrackedFields(rr, obj, undefined, opts.manager);
  if (opts.dryRun) return { created: tracked, warnings };
  tracked.apiVersion = apiVersionOf(served.group, served.storageVersion);
  for (let attempt = 1; ; attempt++) {
    const name = tracked.metadata.name ?? '';
    try {
      const created = await ctx.store.create(storeKey(served, rr.info.namespace, name), tracked);
      return { created, warnings };
    } catch (err) {
      if (wantsGeneratedName && err instanceof StoreError && err.code === 'EEXISTS' && attempt < GENERATE_NAME_ATTEMPTS) {
        tracked.metadata.name = generateName(tracked.metadata.generateName!);
        continue;
      }
      throw toApiError(served, name, err);
    }
  }
}
