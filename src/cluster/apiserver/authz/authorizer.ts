// The server's authorizer: members of system:masters may do anything (kube-apiserver's
// privileged-group authorizer, which answers before RBAC with no reason); everyone else is
// decided by RBAC over the policy objects in the Store.
import type { AuthorizationDecision, Authorizer, UserInfo } from '../server/auth.ts';
import type { RequestInfo } from '../server/request-info.ts';
import type { Store } from '../storage/index.ts';
import { evaluateRbac, type RbacPolicy } from './rbac-evaluate.ts';
import type { AccessAttributes } from './rbac-rules.ts';

export const PRIVILEGED_GROUP = 'system:masters';

export interface AccessDecision {
  allowed: boolean;
  reason: string;
}

export function decideAccess(attrs: AccessAttributes, policy: RbacPolicy): AccessDecision {
  if (attrs.user.groups.includes(PRIVILEGED_GROUP)) return { allowed: true, reason: '' };
  return evaluateRbac(attrs, policy);
}

export class RbacAuthorizer implements Authorizer {
  readonly #policy: RbacPolicy;

  constructor(store: Store) {
    this.#policy = storePolicy(store);
  }

  get policy(): RbacPolicy {
    return this.#policy;
  }

  authorize(user: UserInfo, info: RequestInfo): AuthorizationDecision {
    const decision = decideAccess(attributesOf(user, info), this.#policy);
    return decision.allowed ? { allowed: true } : { allowed: false, reason: decision.reason };
  }
}

export function attributesOf(user: UserInfo, info: RequestInfo): AccessAttributes {
  const identity = { username: user.username, groups: user.groups };
  if (!info.isResourceRequest) {
    return { user: identity, verb: info.verb, resourceRequest: false, group: '', version: '', resource: '', subresource: '', namespace: '', name: '', path: info.path };
  }
  return {
    user: identity,
    verb: info.verb,
    resourceRequest: true,
    group: info.group,
    version: info.version,
    resource: info.resource,
    subresource: info.subresource,
    namespace: info.namespace,
    name: info.name,
    path: info.path,
  };
}

const RBAC = 'rbac.authorization.k8s.io';

export function storePolicy(store: Store): RbacPolicy {
  return {
    clusterRoles: () => store.list(`${RBAC}/clusterroles`).items,
    clusterRole: (name) => store.get({ resource: `${RBAC}/clusterroles`, namespace: '', name }),
    role: (namespace, name) => store.get({ resource: `${RBAC}/roles`, namespace, name }),
    clusterRoleBindings: () => store.list(`${RBAC}/clusterrolebindings`).items,
    roleBindings: (namespace) => store.list(`${RBAC}/rolebindings`, namespace).items,
  };
}
