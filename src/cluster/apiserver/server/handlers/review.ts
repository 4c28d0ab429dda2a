// The review kinds (SubjectAccessReview, SelfSubjectAccessReview, LocalSubjectAccessReview,
// TokenReview) are questions, not objects: a create evaluates the server's own authorizer or
// authenticator and answers 201 with the status filled in; nothing is stored.
import type { KubeObject } from '../../types.ts';
import type { UserInfo } from '../auth.ts';
import type { ResourceRequest } from '../context.ts';
import { decodeObjectBody, readBody, writeJson } from '../http.ts';
import type { RequestInfo } from '../request-info.ts';
import { checkTypeMeta, ensureMeta, validateOrThrow } from './write-common.ts';

const ACCESS_REVIEWS = new Set(['subjectaccessreviews', 'selfsubjectaccessreviews', 'localsubjectaccessreviews']);

export function isReview(rr: ResourceRequest): boolean {
  const { group, resource } = rr.served;
  return (group === 'authorization.k8s.io' && ACCESS_REVIEWS.has(resource)) || (group === 'authentication.k8s.io' && resource === 'tokenreviews');
}

interface ResourceAttributes {
  namespace?: string;
  verb?: string;
  group?: string;
  version?: string;
  resource?: string;
  subresource?: string;
  name?: string;
}

export async function handleReview(rr: ResourceRequest): Promise<void> {
  const obj = ensureMeta(decodeObjectBody(await readBody(rr.req), rr.req.headers['content-type']));
  checkTypeMeta(rr.served, obj);
  if (rr.served.namespaced) obj.metadata.namespace = rr.info.namespace;
  validateOrThrow(rr.served, { ...obj, metadata: { ...obj.metadata, name: obj.metadata.name ?? 'review' } }, undefined);
  obj['status'] = rr.served.resource === 'tokenreviews' ? await tokenReviewStatus(rr, obj) : await accessReviewStatus(rr, obj);
  delete obj.metadata.managedFields;
  writeJson(rr.res, 201, obj);
}

async function tokenReviewStatus(rr: ResourceRequest, obj: KubeObject): Promise<unknown> {
  const spec = (obj['spec'] ?? {}) as { token?: string; audiences?: string[] };
  const user = await rr.ctx.authenticator.authenticate({ authorization: `Bearer ${spec.token ?? ''}` });
  if (user === undefined) return { authenticated: false, user: {}, error: '[invalid bearer token, token lookup failed]' };
  return { authenticated: true, user: { username: user.username, ...(user.uid === undefined ? {} : { uid: user.uid }), groups: user.groups }, audiences: spec.audiences ?? [] };
}

async function accessReviewStatus(rr: ResourceRequest, obj: KubeObject): Promise<unknown> {
  const spec = (obj['spec'] ?? {}) as {
    user?: string;
    groups?: string[];
    uid?: string;
    resourceAttributes?: ResourceAttributes;
    nonResourceAttributes?: { path?: string; verb?: string };
  };
  const subject: UserInfo = rr.served.resource === 'selfsubjectaccessreviews' ? rr.user : { username: spec.user ?? '', groups: spec.groups ?? [] };
  let info: RequestInfo;
  if (spec.resourceAttributes !== undefined) {
    const a = spec.resourceAttributes;
    info = {
      isResourceRequest: true,
      verb: (a.verb ?? '') as never,
      group: a.group ?? '',
      version: a.version ?? '',
      resource: a.resource ?? '',
      subresource: a.subresource ?? '',
      namespace: a.namespace ?? '',
      name: a.name ?? '',
      path: '',
      legacyWatchPath: false,
    };
  } else {
    info = { isResourceRequest: false, verb: spec.nonResourceAttributes?.verb ?? '', path: spec.nonResourceAttributes?.path ?? '' };
  }
  const decision = await rr.ctx.authorizer.authorize(subject, info);
  return decision.allowed ? { allowed: true } : { allowed: false, reason: decision.reason };
}
