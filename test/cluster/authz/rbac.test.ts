// Table tests of RBAC evaluation: rules (verbs, groups, resources and subresources, names,
// non-resource URLs), subjects, binding scopes, missing roles, aggregation, the default policy.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bootstrapPolicy, decideAccess, ruleAllows, type AccessAttributes, type PolicyRule, type RbacPolicy } from '../../../src/cluster/apiserver/authz/index.ts';
import type { KubeObject } from '../../../src/cluster/apiserver/types.ts';

function attrs(overrides: Partial<AccessAttributes> = {}): AccessAttributes {
  return {
    user: { username: 'jane', groups: ['system:authenticated'] },
    verb: 'get',
    resourceRequest: true,
    group: '',
    version: 'v1',
    resource: 'pods',
    subresource: '',
    namespace: 'team-a',
    name: 'web',
    path: '/api/v1/namespaces/team-a/pods/web',
    ...overrides,
  };
}

const ruleCases: { name: string; rule: PolicyRule; attrs: AccessAttributes; allowed: boolean }[] = [
  { name: 'exact', rule: { verbs: ['get'], apiGroups: [''], resources: ['pods'] }, attrs: attrs(), allowed: true },
  { name: 'verb *', rule: { verbs: ['*'], apiGroups: [''], resources: ['pods'] }, attrs: attrs({ verb: 'delete' }), allowed: true },
  { name: 'other verb', rule: { verbs: ['list'], apiGroups: [''], resources: ['pods'] }, attrs: attrs(), allowed: false },
  { name: 'other group', rule: { verbs: ['get'], apiGroups: ['apps'], resources: ['pods'] }, attrs: attrs(), allowed: false },
  { name: 'group *', rule: { verbs: ['get'], apiGroups: ['*'], resources: ['pods'] }, attrs: attrs(), allowed: true },
  { name: 'pods does not grant pods/log', rule: { verbs: ['get'], apiGroups: [''], resources: ['pods'] }, attrs: attrs({ subresource: 'log' }), allowed: false },
  { name: 'pods/log', rule: { verbs: ['get'], apiGroups: [''], resources: ['pods/log'] }, attrs: attrs({ subresource: 'log' }), allowed: true },
  { name: '*/log', rule: { verbs: ['get'], apiGroups: [''], resources: ['*/log'] }, attrs: attrs({ subresource: 'log' }), allowed: true },
  { name: '* grants subresources', rule: { verbs: ['get'], apiGroups: [''], resources: ['*'] }, attrs: attrs({ subresource: 'log' }), allowed: true },
  { name: 'resourceNames match', rule: { verbs: ['get'], apiGroups: [''], resources: ['pods'], resourceNames: ['web'] }, attrs: attrs(), allowed: true },
  { name: 'resourceNames miss', rule: { verbs: ['get'], apiGroups: [''], resources: ['pods'], resourceNames: ['db'] }, attrs: attrs(), allowed: false },
  {
    name: 'resourceNames never grant list',
    rule: { verbs: ['list'], apiGroups: [''], resources: ['pods'], resourceNames: ['web'] },
    attrs: attrs({ verb: 'list', name: '' }),
    allowed: false,
  },
  { name: 'nonResourceURL exact', rule: { verbs: ['get'], nonResourceURLs: ['/healthz'] }, attrs: attrs({ resourceRequest: false, path: '/healthz' }), allowed: true },
  { name: 'nonResourceURL prefix', rule: { verbs: ['get'], nonResourceURLs: ['/apis/*'] }, attrs: attrs({ resourceRequest: false, path: '/apis/apps/v1' }), allowed: true },
  { name: 'nonResourceURL miss', rule: { verbs: ['get'], nonResourceURLs: ['/apis'] }, attrs: attrs({ resourceRequest: false, path: '/apis/apps' }), allowed: false },
  { name: 'resource rule does not grant a path', rule: { verbs: ['*'], apiGroups: ['*'], resources: ['*'] }, attrs: attrs({ resourceRequest: false, path: '/healthz' }), allowed: false },
];

for (const c of ruleCases) {
  test(`rule: ${c.name}`, () => assert.equal(ruleAllows(c.attrs, c.rule), c.allowed));
}

function policyOf(objects: KubeObject[]): RbacPolicy {
  const of = (kind: string) => objects.filter((o) => o.kind === kind);
  return {
    clusterRoles: () => of('ClusterRole'),
    clusterRole: (name) => of('ClusterRole').find((o) => o.metadata.name === name),
    role: (ns, name) => of('Role').find((o) => o.metadata.name === name && o.metadata.namespace === ns),
    clusterRoleBindings: () => of('ClusterRoleBinding'),
    roleBindings: (ns) => of('RoleBinding').filter((o) => o.metadata.namespace === ns),
  };
}

const podReader: KubeObject = { kind: 'Role', metadata: { name: 'pod-reader', namespace: 'team-a' }, rules: [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] }] };
const sa = (ns: string, name: string) => ({ username: `system:serviceaccount:${ns}:${name}`, groups: ['system:serviceaccounts', `system:serviceaccounts:${ns}`, 'system:authenticated'] });

const policy = policyOf([
  ...bootstrapPolicy(),
  podReader,
  { kind: 'RoleBinding', metadata: { name: 'read-pods', namespace: 'team-a' }, roleRef: { kind: 'Role', name: 'pod-reader' }, subjects: [{ kind: 'ServiceAccount', name: 'robot' }, { kind: 'User', name: 'jane' }] },
  { kind: 'RoleBinding', metadata: { name: 'editors', namespace: 'team-b' }, roleRef: { kind: 'ClusterRole', name: 'edit' }, subjects: [{ kind: 'Group', name: 'devs' }] },
  { kind: 'RoleBinding', metadata: { name: 'dangling', namespace: 'team-c' }, roleRef: { kind: 'Role', name: 'gone' }, subjects: [{ kind: 'User', name: 'jane' }] },
  { kind: 'ClusterRoleBinding', metadata: { name: 'viewers' }, roleRef: { kind: 'ClusterRole', name: 'view' }, subjects: [{ kind: 'User', name: 'vic' }] },
]);

const decisionCases: { name: string; attrs: AccessAttributes; allowed: boolean; reason: string }[] = [
  { name: 'User via RoleBinding', attrs: attrs(), allowed: true, reason: 'RBAC: allowed by RoleBinding "read-pods/team-a" of Role "pod-reader" to User "jane"' },
  { name: 'RoleBinding is namespaced', attrs: attrs({ namespace: 'team-x' }), allowed: false, reason: '' },
  {
    name: 'ServiceAccount subject defaults to the binding namespace',
    attrs: attrs({ user: sa('team-a', 'robot'), verb: 'list', name: '' }),
    allowed: true,
    reason: 'RBAC: allowed by RoleBinding "read-pods/team-a" of Role "pod-reader" to ServiceAccount "robot/team-a"',
  },
  { name: 'same SA name in another namespace', attrs: attrs({ user: sa('team-z', 'robot'), namespace: 'team-a' }), allowed: false, reason: '' },
  { name: 'role does not grant delete', attrs: attrs({ verb: 'delete' }), allowed: false, reason: '' },
  {
    name: 'Group via RoleBinding to aggregated ClusterRole edit',
    attrs: attrs({ user: { username: 'dev1', groups: ['devs'] }, verb: 'create', namespace: 'team-b', name: '' }),
    allowed: true,
    reason: 'RBAC: allowed by RoleBinding "editors/team-b" of ClusterRole "edit" to Group "devs"',
  },
  { name: 'edit cannot create roles', attrs: attrs({ user: { username: 'dev1', groups: ['devs'] }, verb: 'create', group: 'rbac.authorization.k8s.io', resource: 'roles', namespace: 'team-b', name: '' }), allowed: false, reason: '' },
  { name: 'view reads pods cluster-wide', attrs: attrs({ user: { username: 'vic', groups: [] }, verb: 'list', namespace: '', name: '' }), allowed: true, reason: 'RBAC: allowed by ClusterRoleBinding "viewers" of ClusterRole "view" to User "vic"' },
  { name: 'view does not read secrets', attrs: attrs({ user: { username: 'vic', groups: [] }, resource: 'secrets' }), allowed: false, reason: '' },
  {
    name: 'missing role is reported',
    attrs: attrs({ namespace: 'team-c' }),
    allowed: false,
    reason: 'RBAC: role.rbac.authorization.k8s.io "gone" not found',
  },
  { name: 'system:masters may do anything', attrs: attrs({ user: { username: 'root', groups: ['system:masters'] }, verb: 'delete', resource: 'nodes', namespace: '' }), allowed: true, reason: '' },
  {
    name: 'discovery for any authenticated user',
    attrs: attrs({ user: { username: 'nobody', groups: ['system:authenticated'] }, resourceRequest: false, path: '/apis/apps/v1' }),
    allowed: true,
    reason: 'RBAC: allowed by ClusterRoleBinding "system:discovery" of ClusterRole "system:discovery" to Group "system:authenticated"',
  },
  {
    name: 'self access reviews for any authenticated user',
    attrs: attrs({ user: { username: 'nobody', groups: ['system:authenticated'] }, verb: 'create', group: 'authorization.k8s.io', resource: 'selfsubjectaccessreviews', namespace: '', name: '' }),
    allowed: true,
    reason: 'RBAC: allowed by ClusterRoleBinding "system:basic-user" of ClusterRole "system:basic-user" to Group "system:authenticated"',
  },
  { name: 'unauthenticated reads /version only', attrs: attrs({ user: { username: 'system:anonymous', groups: ['system:unauthenticated'] }, resourceRequest: false, path: '/apis' }), allowed: false, reason: '' },
];

for (const c of decisionCases) {
  test(`decide: ${c.name}`, () => assert.deepEqual(decideAccess(c.attrs, policy), { allowed: c.allowed, reason: c.reason }));
}
