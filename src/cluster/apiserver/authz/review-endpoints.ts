// The create handlers of the review kinds, answered and never stored: SubjectAccessReview,
// SelfSubjectAccessReview, LocalSubjectAccessReview (authorization.k8s.io/v1) and TokenReview
// (authentication.k8s.io/v1). Called by the pipeline for `create` on these resources.
import type { ResourceRequest } from '../server/context.ts';
import { decodeObjectBody, readBody, writeJson } from '../server/http.ts';
import { checkTypeMeta, ensureMeta } from '../server/handlers/write-common.ts';
import { badRequest, invalid } from '../server/status.ts';
import { answerTokenReview, type TokenReviewer } from '../tokens/index.ts';
import { answerAccessReview, type AccessReviewKind } from './access-review.ts';
import type { RbacPolicy } from './rbac-evaluate.ts';

const REVIEWS: Record<string, AccessReviewKind | 'TokenReview'> = {
  'authorization.k8s.io/subjectaccessreviews': 'SubjectAccessReview',
  'authorization.k8s.io/selfsubjectaccessreviews': 'SelfSubjectAccessReview',
  'authorization.k8s.io/localsubjectaccessreviews': 'LocalSubjectAccessReview',
  'authentication.k8s.io/tokenreviews': 'TokenReview',
};

export interface ReviewDeps {
  policy: RbacPolicy;
  reviewToken: TokenReviewer;
}

/** True for a create of a review kind: the pipeline hands it to handleReviewCreate. */
export function isReviewCreate(rr: Pick<ResourceRequest, 'info' | 'served'>): boolean {
  return rr.info.verb === 'create' && rr.info.subresource === '' && REVIEWS[`${rr.served.group}/${rr.served.resource}`] !== undefined;
}

export async function handleReviewCreate(rr: ResourceRequest, deps: ReviewDeps): Promise<void> {
  const kind = REVIEWS[`${rr.served.group}/${rr.served.resource}`]!;
  const bytes = await readBody(rr.req);
  const contentType = rr.req.headers['content-type'];
  // JSON, YAML, or the protobuf kubectl auth can-i sends.
  const decoded = decodeObjectBody(bytes, contentType);
  const obj = ensureMeta(decoded);
  checkTypeMeta(rr.served, obj);
  if (rr.served.namespaced) {
    const given = obj.metadata.namespace;
    if (given !== undefined && given !== '' && given !== rr.info.namespace) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    obj.metadata.namespace = rr.info.namespace;
  }
  const errors = rr.served.validate(obj, undefined);
  if (errors.length > 0) throw invalid(rr.served, obj.metadata.name ?? '', errors);
  const answer =
    kind === 'TokenReview'
      ? await answerTokenReview(obj, deps.reviewToken)
      : answerAccessReview(kind, obj, { username: rr.user.username, groups: rr.user.groups }, deps.policy);
  writeJson(rr.res, 201, answer);
}
