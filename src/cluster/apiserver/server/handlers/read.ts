// get and list. Lists page with limit/continue: the continue token is opaque to clients and
// carries the resourceVersion of the first page and the key to continue after (items are in
// namespace/name order), so later pages report the first page's resourceVersion, as etcd does.
import type { KubeObject } from '../../types.ts';
import { storeKey, type ResourceRequest } from '../context.ts';
import { filterFromQuery } from '../filter.ts';
import { writeJson } from '../http.ts';
import { presentList, presentObject, type ListMeta } from '../present.ts';
import { ApiError, badRequest, expired, notFound } from '../status.ts';

export function handleGet(rr: ResourceRequest): void {
  const obj = rr.ctx.store.get(storeKey(rr.served, rr.info.namespace, rr.info.name));
  if (obj === undefined) throw notFound(rr.served, rr.info.name);
  writeJson(rr.res, 200, presentObject(rr, obj));
}

interface ContinueToken {
  rv: number;
  /** `<namespace>/<name>` of the last item returned. */
  start: string;
}

export function encodeContinue(token: ContinueToken): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: token.rv, start: token.start })).toString('base64url');
}

function decodeContinue(text: string): ContinueToken {
  try {
    const parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Partial<ContinueToken> & { v?: string };
    if (parsed.v === 'meta.k8s.io/v1' && typeof parsed.rv === 'number' && typeof parsed.start === 'string') {
      return { rv: parsed.rv, start: parsed.start };
    }
  } catch {
    // fall through to the error below
  }
  throw badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
}

export function parseLimit(query: URLSearchParams): number {
  const text = query.get('limit');
  if (text === null || text === '') return 0;
  const limit = Number(text);
  if (!Number.isInteger(limit) || limit < 0) throw badRequest(`limit: Invalid value: "${text}": must be a non-negative integer`);
  return limit;
}

/** Objects of the request's scope that pass its selectors, as committed at the returned rv. */
export function selectObjects(rr: ResourceRequest): { items: KubeObject[]; rv: number } {
  const namespace = rr.served.namespaced && rr.info.namespace !== '' ? rr.info.namespace : undefined;
  const { items, rv } = rr.ctx.store.list(rr.served.storageResource, namespace);
  const filter = filterFromQuery(rr.served, rr.query);
  return { items: filter === undefined ? items : items.filter(filter), rv };
}

export function handleList(rr: ResourceRequest): void {
  const limit = parseLimit(rr.query);
  const continueText = rr.query.get('continue') ?? '';
  const rvParam = rr.query.get('resourceVersion') ?? '';
  const rvMatch = rr.query.get('resourceVersionMatch') ?? '';
  if (rvMatch !== '' && rvMatch !== 'NotOlderThan' && rvMatch !== 'Exact') {
    throw badRequest(`resourceVersionMatch: Unsupported value: "${rvMatch}": supported values: "Exact", "NotOlderThan"`);
  }
  if (rvMatch !== '' && rvParam === '') {
    throw badRequest('resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided');
  }
  if (continueText !== '' && rvParam !== '') {
    throw badRequest('specifying resource version is not allowed when using continue');
  }
  let { items, rv } = selectObjects(rr);
  if (rvParam !== '' && rvParam !== '0') {
    const wanted = Number(rvParam);
    if (!Number.isInteger(wanted) || wanted < 0) throw badRequest(`resourceVersion: Invalid value: "${rvParam}": must be an integer`);
    // Only the latest state is kept: an exact older snapshot is gone, as after an etcd compaction.
    if (rvMatch === 'Exact' && wanted !== rv) {
      throw expired(`too old resource version: ${wanted} (${rv})`);
    }
    if (wanted > rv) {
      throw new ApiError(504, 'Timeout', `Too large resource version: ${wanted}, current: ${rv}`, {
        causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }],
        retryAfterSeconds: 1,
      });
    }
  }
  if (continueText !== '') {
    const token = decodeContinue(continueText);
    items = items.filter((o) => `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}` > token.start);
    rv = token.rv;
  }
  const meta: ListMeta = { resourceVersion: String(rv) };
  if (limit > 0 && items.length > limit) {
    const page = items.slice(0, limit);
    const last = page[page.length - 1]!;
    meta.continue = encodeContinue({ rv, start: `${last.metadata.namespace ?? ''}/${last.metadata.name ?? ''}` });
    meta.remainingItemCount = items.length - limit;
    items = page;
  }
  writeJson(rr.res, 200, presentList(rr, items, meta));
}
