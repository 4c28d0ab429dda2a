// RBAC evaluation over a snapshot of the policy objects, as the RBAC authorizer visits rules:
// ClusterRoleBindings first, then the RoleBindings of the request's namespace; the first rule
// that allows wins, with the reason "RBAC: allowed by ...". A binding to a missing role is an
// error that is reported in the denial's reason ("RBAC: clusterrole... not found"). Pure.
import { labelSelectorFromSpec, matchesLabels, type LabelSelectorSpec } from '../selectors/index.ts';
import type { KubeObject } from '../types.ts';
import { describeSubject, ruleAllows, subjectAppliesTo, type AccessAttributes, type PolicyRule, type RoleRef, type Subject } from './rbac-rules.ts';

/** The policy objects the evaluation reads. */
export interface RbacPolicy {
  clusterRoles(): KubeObject[];
  clusterRole(name: string): KubeObject | undefined;
  role(namespace: string, name: string): KubeObject | undefined;
  clusterRoleBindings(): KubeObject[];
  roleBindings(namespace: string): KubeObject[];
}

export interface RbacDecision {
  allowed: boolean;
  /** "RBAC: allowed by ..." when allowed; "RBAC: <errors>" or "" when not. */
  reason: string;
}

export function evaluateRbac(attrs: AccessAttributes, policy: RbacPolicy): RbacDecision {
  const errors: string[] = [];
  for (const binding of policy.clusterRoleBindings()) {
    const found = visitBinding(attrs, policy, binding, '', errors);
    if (found !== undefined) return { allowed: true, reason: `RBAC: allowed by ${found}` };
  }
  if (attrs.namespace !== '') {
    for (const binding of policy.roleBindings(attrs.namespace)) {
      const found = visitBinding(attrs, policy, binding, attrs.namespace, errors);
      if (found !== undefined) return { allowed: true, reason: `RBAC: allowed by ${found}` };
    }
  }
  if (errors.length === 0) return { allowed: false, reason: '' };
  return { allowed: false, reason: `RBAC: ${errors.length === 1 ? errors[0]! : `[${errors.join(', ')}]`}` };
}

/** The describer of the binding whose role allows the request, or undefined. */
function visitBinding(attrs: AccessAttributes, policy: RbacPolicy, binding: KubeObject, namespace: string, errors: string[]): string | undefined {
  const subjects = (binding['subjects'] ?? []) as Subject[];
  const subject = subjects.find((s) => subjectAppliesTo(s, attrs.user, namespace));
  if (subject === undefined) return undefined;
  const roleRef = (binding['roleRef'] ?? { kind: '', name: '' }) as RoleRef;
  const rules = rulesOf(policy, roleRef, namespace);
  if (typeof rules === 'string') {
    errors.push(rules);
    return undefined;
  }
  if (!rules.some((rule) => ruleAllows(attrs, rule))) return undefined;
  const name = binding.metadata.name ?? '';
  return namespace === ''
    ? `ClusterRoleBinding "${name}" of ${roleRef.kind} "${roleRef.name}" to ${describeSubject(subject, '')}`
    : `RoleBinding "${name}/${namespace}" of ${roleRef.kind} "${roleRef.name}" to ${describeSubject(subject, namespace)}`;
}

/** A role's rules (a ClusterRole's aggregated ones included), or the "not found" error text. */
export function rulesOf(policy: RbacPolicy, roleRef: RoleRef, namespace: string): PolicyRule[] | string {
  if (roleRef.kind === 'Role') {
    const role = policy.role(namespace, roleRef.name);
    if (role === undefined) return `role.rbac.authorization.k8s.io "${roleRef.name}" not found`;
    return (role['rules'] ?? []) as PolicyRule[];
  }
  const role = policy.clusterRole(roleRef.name);
  if (role === undefined) return `clusterrole.rbac.authorization.k8s.io "${roleRef.name}" not found`;
  return [...((role['rules'] ?? []) as PolicyRule[]), ...aggregatedRules(policy, role)];
}

/**
 * The rules of the ClusterRoles an aggregationRule selects, read at evaluation time (the real
 * server copies them into `rules` with a controller; the effect on authorization is the same).
 */
function aggregatedRules(policy: RbacPolicy, role: KubeObject): PolicyRule[] {
  const selectors = ((role['aggregationRule'] as { clusterRoleSelectors?: LabelSelectorSpec[] } | undefined)?.clusterRoleSelectors ?? []).map(
    (spec) => labelSelectorFromSpec(spec),
  );
  if (selectors.length === 0) return [];
  const rules: PolicyRule[] = [];
  for (const other of policy.clusterRoles()) {
    if (other.metadata.name === role.metadata.name) continue;
    if (selectors.some((s) => matchesLabels(s, other.metadata.labels ?? {}))) rules.push(...((other['rules'] ?? []) as PolicyRule[]));
  }
  return rules;
}
