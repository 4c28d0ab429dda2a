// Authorization for the embedded API server: RBAC with the default cluster policy, and the
// access review APIs.
export { RbacAuthorizer, decideAccess, attributesOf, storePolicy, PRIVILEGED_GROUP, type AccessDecision } from './authorizer.ts';
export { evaluateRbac, rulesOf, type RbacPolicy, type RbacDecision } from './rbac-evaluate.ts';
export { ruleAllows, subjectAppliesTo, serviceAccountUsername, describeSubject, type AccessAttributes, type PolicyRule, type Subject, type RoleRef, type UserIdentity } from './rbac-rules.ts';
export { bootstrapPolicy } from './bootstrap-policy.ts';
export { answerAccessReview, type AccessReviewKind } from './access-review.ts';
export { handleReviewCreate, isReviewCreate, type ReviewDeps } from './review-endpoints.ts';
export { ensureBootstrapPolicy } from './ensure-policy.ts';
