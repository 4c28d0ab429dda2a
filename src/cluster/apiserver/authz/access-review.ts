// SubjectAccessReview, SelfSubjectAccessReview and LocalSubjectAccessReview (authorization.k8s.io/v1):
// answered on create, never stored. The status is the authorizer's decision for the attributes
// in the spec: for the user named there, or for the caller (Self), in the object's namespace (Local).
import type { KubeObject } from '../types.ts';
import { decideAccess } from './authorizer.ts';
import type { RbacPolicy } from './rbac-evaluate.ts';
import type { AccessAttributes, UserIdentity } from './rbac-rules.ts';

export type AccessReviewKind = 'SubjectAccessReview' | 'SelfSubjectAccessReview' | 'LocalSubjectAccessReview';

interface ResourceAttributes {
  namespace?: string;
  verb?: string;
  group?: string;
  version?: string;
  resource?: string;
  subresource?: string;
  name?: string;
}

interface ReviewSpec {
  resourceAttributes?: ResourceAttributes;
  nonResourceAttributes?: { path?: string; verb?: string };
  user?: string;
  groups?: string[];
}

/** The review with its status filled in; `caller` is whoever sent it (for Self reviews). */
export function answerAccessReview(kind: AccessReviewKind, review: KubeObject, caller: UserIdentity, policy: RbacPolicy): KubeObject {
  const spec = (review['spec'] ?? {}) as ReviewSpec;
  const user: UserIdentity = kind === 'SelfSubjectAccessReview' ? caller : { username: spec.user ?? '', groups: spec.groups ?? [] };
  const decision = decideAccess(reviewAttributes(spec, user), policy);
  const metadata = { ...review.metadata };
  delete metadata.managedFields;
  return {
    ...review,
    metadata,
    status: { allowed: decision.allowed, ...(decision.reason === '' ? {} : { reason: decision.reason }) },
  };
}

function reviewAttributes(spec: ReviewSpec, user: UserIdentity): AccessAttributes {
  if (spec.resourceAttributes !== undefined) {
    const r = spec.resourceAttributes;
    return {
      user,
      verb: r.verb ?? '',
      resourceRequest: true,
      group: r.group ?? '',
      version: r.version ?? '',
      resource: r.resource ?? '',
      subresource: r.subresource ?? '',
      namespace: r.namespace ?? '',
      name: r.name ?? '',
      path: '',
    };
  }
  const n = spec.nonResourceAttributes ?? {};
  return { user, verb: n.verb ?? '', resourceRequest: false, group: '', version: '', resource: '', subresource: '', namespace: '', name: '', path: n.path ?? '' };
}
