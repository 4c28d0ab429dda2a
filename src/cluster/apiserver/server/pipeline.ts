// The request pipeline: authenticate -> impersonate (Impersonate-* headers) -> resolve request
// info -> authorize -> the aggregation layer (paths an APIService owns are proxied) -> dispatch
// to a non-resource handler (discovery, OpenAPI, health, version), a component's endpoint
// (reviews, TokenRequest) or a resource handler, whose writes run admission (mutate, validate)
// before storage. Every failure is thrown as an ApiError and answered here as the Status a real
// kube-apiserver sends.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PatchError, patchErrorStatus } from '../patch/index.ts';
import { JSONPathError } from '../table/index.ts';
import type { UserInfo } from './auth.ts';
import { forbiddenMessage } from './auth.ts';
import type { ResourceRequest, ServerContext } from './context.ts';
import { handleCreate } from './handlers/create.ts';
import { handleDelete, handleDeleteCollection } from './handlers/delete.ts';
import { handlePatch } from './handlers/patch.ts';
import { handlePodLog } from './handlers/pod-log.ts';
import { handleBinding, handleEviction } from './handlers/pod-subresources.ts';
import { handleGet, handleList } from './handlers/read.ts';
import { handleUpdate } from './handlers/update.ts';
import { handleWatch } from './handlers/watch.ts';
import { apiGroupList } from './discovery.ts';
import { actingUser } from './impersonation.ts';
import { negotiate, writeStatus } from './http.ts';
import type { NonResourceHandler } from './non-resource.ts';
import { resolveRequestInfo, type ResourceRequestInfo } from './request-info.ts';
import { ApiError, internalError, methodNotAllowed, pathNotFound, unauthorized } from './status.ts';

/** The verbs served on each subresource this server implements (log is dispatched first). */
const SUBRESOURCE_VERBS: Record<string, readonly string[] | undefined> = {
  status: ['get', 'update', 'patch'],
  finalize: ['update'],
  binding: ['create'],
  eviction: ['create'],
};

/** Paths anyone may read without credentials (system:public-info-viewer). */
const PUBLIC_PATHS = new Set(['/healthz', '/livez', '/readyz', '/version']);

export interface PipelineOptions {
  ctx: ServerContext;
  nonResource: NonResourceHandler;
  /** Aborted when the server closes: ends watches and log streams. */
  closing: AbortSignal;
  aggregator?: AggregationLayer;
}

/** The aggregation layer (aggregator/), consulted after authorization and before the server's own handlers. */
export interface AggregationLayer {
  /**
   * Answers what an APIService owns (its /apis/<group>/<version> paths, and discovery of the
   * aggregated groups, built on `localGroupList`); false: the request is the server's own.
   */
  serve(req: IncomingMessage, res: ServerResponse, path: string, user: UserInfo, signal: AbortSignal, localGroupList: () => unknown): Promise<boolean>;
}

/** A preallocated abort reason: aborting without one builds a DOMException per request. */
const REQUEST_ENDED = new Error('request ended');

export function createRequestHandler(opts: PipelineOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const active = new Set<AbortController>();
  opts.closing.addEventListener('abort', () => {
    for (const abort of active) abort.abort(REQUEST_ENDED);
  }, { once: true });
  return (req, res) => {
    const abort = new AbortController();
    active.add(abort);
    res.on('close', () => {
      active.delete(abort);
      abort.abort(REQUEST_ENDED);
    });
    if (opts.closing.aborted) abort.abort(REQUEST_ENDED);
    handle(opts, req, res, abort.signal).catch((err: unknown) => answerError(opts.ctx, req, res, err));
  };
}

async function handle(opts: PipelineOptions, req: IncomingMessage, res: ServerResponse, signal: AbortSignal): Promise<void> {
  const url = new URL(req.url ?? '/', 'https://localhost');
  const path = url.pathname.length > 1 && url.pathname.endsWith('/') ? url.pathname.slice(0, -1) : url.pathname;
  const user = await opts.ctx.authenticator.authenticate(req.headers);
  const isPublic = PUBLIC_PATHS.has(path) || path.startsWith('/healthz/') || path.startsWith('/livez/') || path.startsWith('/readyz/');
  if (user === undefined && !isPublic) throw unauthorized();
  const authenticated: UserInfo = user ?? { username: 'system:anonymous', groups: ['system:unauthenticated'] };
  const caller = user === undefined ? authenticated : await actingUser(authenticated, req, opts.ctx.authorizer);
  const info = resolveRequestInfo(req.method ?? 'GET', path, url.searchParams);
  if (user !== undefined) {
    const decision = await opts.ctx.authorizer.authorize(caller, info);
    if (!decision.allowed) {
      throw new ApiError(403, 'Forbidden', forbiddenMessage(caller, info, decision.reason), forbiddenDetails(info));
    }
  }
  if (opts.aggregator !== undefined && (await opts.aggregator.serve(req, res, path, caller, signal, () => apiGroupList(opts.ctx.registry)))) return;
  if (!info.isResourceRequest) {
    await opts.nonResource.handle(req, res, path, url.searchParams);
    return;
  }
  const served = opts.ctx.registry.lookup(info.group, info.version, info.resource);
  if (served === undefined) throw pathNotFound();
  if (served.namespaced && info.name !== '' && info.namespace === '') throw pathNotFound();
  if (!served.namespaced && info.namespace !== '' && !(info.group === '' && info.resource === 'namespaces')) throw pathNotFound();
  if (info.subresource !== '' && !served.subresources.includes(info.subresource)) throw pathNotFound();
  const rr: ResourceRequest = {
    ctx: opts.ctx,
    info,
    served,
    user: caller,
    query: url.searchParams,
    req,
    res,
    negotiated: negotiate(req.headers.accept),
    signal,
  };
  await dispatch(rr);
}

async function dispatch(rr: ResourceRequest): Promise<void> {
  const { info, served } = rr;
  const endpoint = rr.ctx.endpoints.find((e) => e.matches(rr));
  if (endpoint !== undefined) {
    await endpoint.handle(rr);
    return;
  }
  if (info.subresource === 'log') {
    if (info.verb !== 'get') throw methodNotAllowed();
    await handlePodLog(rr);
    return;
  }
  if (info.subresource === '' && !served.verbs.includes(info.verb)) throw methodNotAllowed();
  if (info.subresource !== '' && !SUBRESOURCE_VERBS[info.subresource]?.includes(info.verb)) throw methodNotAllowed();
  if (info.verb === 'create' && served.storageResource === 'core/pods' && info.subresource === 'binding') {
    await handleBinding(rr);
    return;
  }
  if (info.verb === 'create' && served.storageResource === 'core/pods' && info.subresource === 'eviction') {
    await handleEviction(rr);
    return;
  }
  switch (info.verb) {
    case 'get':
      handleGet(rr);
      return;
    case 'list':
      handleList(rr);
      return;
    case 'watch':
      handleWatch(rr);
      return;
    case 'create':
      await handleCreate(rr);
      return;
    case 'update':
      await handleUpdate(rr);
      return;
    case 'patch':
      await handlePatch(rr);
      return;
    case 'delete':
      await handleDelete(rr);
      return;
    case 'deletecollection':
      await handleDeleteCollection(rr);
      return;
  }
}

function forbiddenDetails(info: ReturnType<typeof resolveRequestInfo>): { name?: string; group?: string; kind?: string } {
  if (!info.isResourceRequest) return {};
  const r = info as ResourceRequestInfo;
  return { ...(r.name === '' ? {} : { name: r.name }), ...(r.group === '' ? {} : { group: r.group }), kind: r.resource };
}

function answerError(ctx: ServerContext, req: IncomingMessage, res: ServerResponse, err: unknown): void {
  let apiError: ApiError;
  if (err instanceof ApiError) apiError = err;
  else if (err instanceof PatchError) {
    const code = patchErrorStatus[err.code];
    apiError = new ApiError(code, code === 400 ? 'BadRequest' : 'Invalid', err.message);
  } else if (err instanceof JSONPathError) {
    apiError = new ApiError(400, 'BadRequest', err.message);
  } else if (err instanceof Error && 'status' in err && (err as { status?: unknown }).status === 400) {
    apiError = new ApiError(400, 'BadRequest', err.message);
  } else {
    apiError = internalError(err);
  }
  if (apiError.httpCode >= 500) {
    ctx.logger.error({ err, method: req.method, url: req.url }, 'request failed');
  }
  if (res.headersSent) {
    res.destroy();
    return;
  }
  writeStatus(res, apiError.status);
}
