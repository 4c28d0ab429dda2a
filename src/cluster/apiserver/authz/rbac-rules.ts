// The RBAC rule and subject checks of plugin/pkg/auth/authorizer/rbac, pure: does a rule allow
// a request, does a binding's subject name the user. Table-tested in test/cluster/authz.

export interface PolicyRule {
  verbs?: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

export interface Subject {
  kind: string;
  name: string;
  namespace?: string;
  apiGroup?: string;
}

export interface RoleRef {
  kind: string;
  name: string;
  apiGroup?: string;
}

export interface UserIdentity {
  username: string;
  groups: string[];
}

/** What is being authorized: k8s.io/apiserver authorizer.Attributes. */
export interface AccessAttributes {
  user: UserIdentity;
  verb: string;
  resourceRequest: boolean;
  group: string;
  version: string;
  resource: string;
  subresource: string;
  namespace: string;
  name: string;
  /** For non-resource requests. */
  path: string;
}

export function ruleAllows(attrs: AccessAttributes, rule: PolicyRule): boolean {
  if (attrs.resourceRequest) {
    const combined = attrs.subresource === '' ? attrs.resource : `${attrs.resource}/${attrs.subresource}`;
    return (
      verbMatches(rule, attrs.verb) &&
      includesOrAll(rule.apiGroups, attrs.group) &&
      resourceMatches(rule, combined, attrs.subresource) &&
      resourceNameMatches(rule, attrs.name)
    );
  }
  return verbMatches(rule, attrs.verb) && nonResourceUrlMatches(rule, attrs.path);
}

function verbMatches(rule: PolicyRule, verb: string): boolean {
  return includesOrAll(rule.verbs, verb);
}

function includesOrAll(values: string[] | undefined, wanted: string): boolean {
  return (values ?? []).some((v) => v === '*' || v === wanted);
}

/** `*`, the exact `resource[/subresource]`, or `*\/<subresource>`. */
function resourceMatches(rule: PolicyRule, combined: string, subresource: string): boolean {
  for (const r of rule.resources ?? []) {
    if (r === '*' || r === combined) return true;
    if (subresource !== '' && r === `*/${subresource}`) return true;
  }
  return false;
}

function resourceNameMatches(rule: PolicyRule, name: string): boolean {
  const names = rule.resourceNames ?? [];
  return names.length === 0 || names.includes(name);
}

/** Exact path, `*`, or a prefix ending in `*`. */
function nonResourceUrlMatches(rule: PolicyRule, path: string): boolean {
  for (const url of rule.nonResourceURLs ?? []) {
    if (url === '*' || url === path) return true;
    if (url.endsWith('*') && path.startsWith(url.slice(0, -1))) return true;
  }
  return false;
}

export function serviceAccountUsername(namespace: string, name: string): string {
  return `system:serviceaccount:${namespace}:${name}`;
}

/**
 * appliesToUser: a ServiceAccount subject without a namespace means the binding's namespace
 * (empty for ClusterRoleBindings, where it then names nobody).
 */
export function subjectAppliesTo(subject: Subject, user: UserIdentity, bindingNamespace: string): boolean {
  switch (subject.kind) {
    case 'User':
      return user.username === subject.name;
    case 'Group':
      return user.groups.includes(subject.name);
    case 'ServiceAccount': {
      const namespace = subject.namespace !== undefined && subject.namespace !== '' ? subject.namespace : bindingNamespace;
      if (namespace === '') return false;
      return serviceAccountUsername(namespace, subject.name) === user.username;
    }
    default:
      return false;
  }
}

/** describeSubject, as RBAC's "allowed by" reasons print a subject. */
export function describeSubject(subject: Subject, bindingNamespace: string): string {
  if (subject.kind === 'ServiceAccount') {
    const namespace = subject.namespace !== undefined && subject.namespace !== '' ? subject.namespace : bindingNamespace;
    return `${subject.kind} "${subject.name}/${namespace}"`;
  }
  return `${subject.kind} "${subject.name}"`;
}
