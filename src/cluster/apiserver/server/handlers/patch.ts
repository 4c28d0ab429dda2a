// patch (PATCH) in the four content types kube-apiserver speaks: JSON merge patch, JSON patch,
// strategic merge patch (built-in kinds only: 415 for custom resources), and server-side apply
// (application/apply-patch+yaml: fieldManager required, conflicts 409 unless force=true; an
// apply to a missing object creates it).
import {
  applyJsonPatch,
  applyMergePatch,
  applyStrategicMergePatch,
  serverSideApply,
} from '../../patch/index.ts';
import { parse as parseYaml } from 'yaml';
import type { KubeObject } from '../../types.ts';
import { storeKey, type ResourceRequest } from '../context.ts';
import { mediaType, readBody, writeJson } from '../http.ts';
import { presentObject } from '../present.ts';
import { apiVersionOf } from '../registry.ts';
import { ApiError, badRequest, conflict, MODIFIED_MESSAGE, notFound, unsupportedMediaType, type StatusCause } from '../status.ts';
import { createObject } from './create.ts';
import { updateObject } from './update.ts';
import { dryRunOf, ensureMeta, fieldManagerOf, validationDirectiveOf } from './write-common.ts';

const MERGE = 'application/merge-patch+json';
const JSON_PATCH = 'application/json-patch+json';
const STRATEGIC = 'application/strategic-merge-patch+json';
const APPLY = 'application/apply-patch+yaml';

export async function handlePatch(rr: ResourceRequest): Promise<void> {
  const { served } = rr;
  if (rr.info.subresource !== '' && !served.subresources.includes(rr.info.subresource)) throw notFound(served, rr.info.name);
  const type = mediaType(rr.req.headers['content-type']);
  const accepted = served.custom === undefined ? [JSON_PATCH, MERGE, STRATEGIC, APPLY] : [JSON_PATCH, MERGE, APPLY];
  if (!accepted.includes(type)) throw unsupportedMediaType(accepted);
  const dryRun = dryRunOf(rr.query);
  const directive = validationDirectiveOf(rr.query);
  const body = (await readBody(rr.req)).toString('utf8');
  const patch = decodePatch(type, body);
  const force = rr.query.get('force') === 'true';
  if (type !== APPLY && rr.query.get('force') !== null) {
    throw badRequest('force: Forbidden: may not be specified for non-apply patch');
  }
  let manager: string;
  if (type === APPLY) {
    manager = rr.query.get('fieldManager') ?? '';
    if (manager === '') throw badRequest('PATCH, application/apply-patch+yaml requires fieldManager to be set');
  } else {
    manager = fieldManagerOf(rr);
  }
  const schema = rr.ctx.schemaOf(served);
  const apiVersion = apiVersionOf(served.group, served.version);

  if (type === APPLY && rr.ctx.store.get(storeKey(served, rr.info.namespace, rr.info.name)) === undefined && rr.info.subresource === '') {
    const applied = ensureMeta(structuredClone(patch) as Record<string, unknown>);
    if (applied.metadata.name !== undefined && applied.metadata.name !== rr.info.name) {
      throw badRequest(`the name of the object (${applied.metadata.name}) does not match the name on the URL (${rr.info.name})`);
    }
    applied.metadata.name = rr.info.name;
    const result = serverSideApply({
      live: undefined,
      applied,
      manager,
      force,
      schema,
      resolve: rr.ctx.resolve,
      apiVersion,
      now: rr.ctx.now(),
    } as unknown as Parameters<typeof serverSideApply>[0]);
    const object = applyResultOrThrow(result);
    const { created, warnings } = await createObject(rr, object, { dryRun, directive, manager, managedFieldsSet: true });
    writeJson(rr.res, 201, presentObject(rr, created), { warnings });
    return;
  }

  const result = await updateObject(rr, {
    dryRun,
    directive,
    manager,
    retryOnConflict: true,
    compute: (live) => {
      const rvBefore = live.metadata.resourceVersion;
      let object: KubeObject;
      let trackFields = true;
      switch (type) {
        case MERGE:
          object = applyMergePatch(live, patch) as KubeObject;
          break;
        case JSON_PATCH:
          object = applyJsonPatch(live, patch as never) as KubeObject;
          break;
        case STRATEGIC:
          object = applyStrategicMergePatch(live, patch as never, schema as never, rr.ctx.resolve) as KubeObject;
          break;
        default: {
          const outcome = serverSideApply({
            live,
            applied: patch,
            manager,
            force,
            schema,
            resolve: rr.ctx.resolve,
            apiVersion,
            now: rr.ctx.now(),
            ...(rr.info.subresource === '' ? {} : { subresource: rr.info.subresource }),
          } as unknown as Parameters<typeof serverSideApply>[0]);
          object = applyResultOrThrow(outcome);
          trackFields = false;
        }
      }
      // A patch that sets metadata.resourceVersion makes it a precondition, as on a real server.
      const rvAfter = object.metadata?.resourceVersion;
      if (rvAfter !== undefined && rvAfter !== rvBefore) {
        throw conflict(served, rr.info.name, MODIFIED_MESSAGE);
      }
      return { object, trackFields };
    },
  });
  writeJson(rr.res, 200, presentObject(rr, result.object), { warnings: result.warnings });
}

function decodePatch(type: string, body: string): unknown {
  let value: unknown;
  try {
    value = type === APPLY ? parseYaml(body) : JSON.parse(body);
  } catch (err) {
    throw badRequest(`error decoding patch: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (type === JSON_PATCH) {
    if (!Array.isArray(value)) throw badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  } else if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw badRequest('error decoding patch: the patch is not a JSON object');
  }
  return value;
}

interface ApplyConflict {
  manager?: string;
  field?: string;
  path?: string;
  message?: string;
}

function applyResultOrThrow(result: unknown): KubeObject {
  const r = result as { object?: KubeObject; conflicts?: ApplyConflict[]; message?: string };
  if (r.object !== undefined) return r.object;
  const causes: StatusCause[] = (r.conflicts ?? []).map((c) => ({
    reason: 'FieldManagerConflict',
    message: c.message ?? `conflict with "${c.manager ?? ''}"`,
    field: c.field ?? c.path ?? '',
  }));
  throw new ApiError(409, 'Conflict', r.message ?? 'Apply failed with conflicts', { causes });
}
