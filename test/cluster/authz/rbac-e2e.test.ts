// Authentication and authorization end to end: service-account tokens from TokenRequest
// (kubectl create token) used by kubectl --token, real 403s with kube-apiserver's messages,
// RBAC matrices through SubjectAccessReview, SelfSubjectAccessReview (kubectl auth can-i),
// LocalSubjectAccessReview, and the TokenReview round trip.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { decodeJwt } from 'jose';
import { startTestServer, type TestServer } from '../apiserver/harness.ts';

let t: TestServer;
let core: k8s.CoreV1Api;
let rbac: k8s.RbacAuthorizationV1Api;
let authz: k8s.AuthorizationV1Api;
let authn: k8s.AuthenticationV1Api;
let robotToken = '';

const ROBOT = 'system:serviceaccount:team-a:robot';

before(async () => {
  t = await startTestServer();
  core = t.kubeconfig.makeApiClient(k8s.CoreV1Api);
  rbac = t.kubeconfig.makeApiClient(k8s.RbacAuthorizationV1Api);
  authz = t.kubeconfig.makeApiClient(k8s.AuthorizationV1Api);
  authn = t.kubeconfig.makeApiClient(k8s.AuthenticationV1Api);
  await core.createNamespace({ body: { metadata: { name: 'team-a' } } });
  await core.createNamespacedServiceAccount({ namespace: 'team-a', body: { metadata: { name: 'robot' } } });
  await rbac.createNamespacedRole({
    namespace: 'team-a',
    body: { metadata: { name: 'pod-reader' }, rules: [{ apiGroups: [''], resources: ['pods', 'pods/log'], verbs: ['get', 'list', 'watch'] }] },
  });
  await rbac.createNamespacedRoleBinding({
    namespace: 'team-a',
    body: { metadata: { name: 'robot-reads-pods' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'pod-reader' }, subjects: [{ kind: 'ServiceAccount', name: 'robot' }] },
  });
});
after(() => t.close());

test('TokenRequest: kubectl create token issues a JWT with the real claims', async () => {
  const r = await t.kubectl(['create', 'token', 'robot', '-n', 'team-a', '--duration=20m']);
  assert.equal(r.code, 0, r.stderr);
  robotToken = r.stdout.trim();
  const claims = decodeJwt(robotToken);
  const sa = await core.readNamespacedServiceAccount({ namespace: 'team-a', name: 'robot' });
  assert.equal(claims.iss, 'https://kubernetes.default.svc.cluster.local');
  assert.equal(claims.sub, ROBOT);
  assert.deepEqual(claims.aud, ['https://kubernetes.default.svc.cluster.local']);
  assert.equal((claims.exp ?? 0) - (claims.iat ?? 0), 1200);
  assert.deepEqual(claims['kubernetes.io'], { namespace: 'team-a', serviceaccount: { name: 'robot', uid: sa.metadata?.uid } });

  const short = await t.http('POST', '/api/v1/namespaces/team-a/serviceaccounts/robot/token', {
    body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 30 } },
  });
  assert.equal(short.status, 422);
  assert.equal(short.json.message, 'TokenRequest.authentication.k8s.io "robot" is invalid: spec.expirationSeconds: Invalid value: 30: may not specify a duration less than 10 minutes');
  const missing = await t.http('POST', '/api/v1/namespaces/team-a/serviceaccounts/nobody/token', { body: { spec: {} } });
  assert.deepEqual([missing.status, missing.json.message], [404, 'serviceaccounts "nobody" not found']);
});

test('RBAC: the token gets what its RoleBinding grants and real 403s for the rest', async () => {
  const as = (args: string[]) => t.kubectl([...args, `--token=${robotToken}`]);
  const allowed = await as(['get', 'pods', '-n', 'team-a']);
  assert.equal(allowed.code, 0, allowed.stderr);
  assert.equal(allowed.stderr, 'No resources found in team-a namespace.\n');

  const otherNs = await as(['get', 'pods', '-n', 'default']);
  assert.equal(otherNs.stderr, `Error from server (Forbidden): pods is forbidden: User "${ROBOT}" cannot list resource "pods" in API group "" in the namespace "default"\n`);
  const named = await as(['get', 'secret', 'db-password', '-n', 'team-a']);
  assert.equal(named.stderr, `Error from server (Forbidden): secrets "db-password" is forbidden: User "${ROBOT}" cannot get resource "secrets" in API group "" in the namespace "team-a"\n`);
  const clusterScope = await as(['get', 'nodes']);
  assert.equal(clusterScope.stderr, `Error from server (Forbidden): nodes is forbidden: User "${ROBOT}" cannot list resource "nodes" in API group "" at the cluster scope\n`);
  const grouped = await as(['get', 'roles.rbac.authorization.k8s.io', '-n', 'team-a']);
  assert.equal(grouped.stderr, `Error from server (Forbidden): roles.rbac.authorization.k8s.io is forbidden: User "${ROBOT}" cannot list resource "roles" in API group "rbac.authorization.k8s.io" in the namespace "team-a"\n`);
  const create = await as(['create', 'configmap', 'x', '-n', 'team-a']);
  assert.equal(create.stderr, `error: failed to create configmap: configmaps is forbidden: User "${ROBOT}" cannot create resource "configmaps" in API group "" in the namespace "team-a"\n`);

  const status = await t.http('GET', '/api/v1/namespaces/default/pods', { token: robotToken });
  assert.deepEqual(status.json, {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: `pods is forbidden: User "${ROBOT}" cannot list resource "pods" in API group "" in the namespace "default"`,
    reason: 'Forbidden',
    details: { kind: 'pods' },
    code: 403,
  });

  const canI = await as(['auth', 'can-i', 'list', 'pods', '-n', 'team-a']);
  assert.equal(canI.stdout, 'yes\n');
  const cannot = await as(['auth', 'can-i', 'delete', 'pods', '-n', 'team-a']);
  assert.equal(cannot.stdout, 'no\n');
  const version = await as(['version', '-o', 'json']);
  assert.equal(version.code, 0, 'discovery and /version work for any authenticated user');
});

test('SubjectAccessReview: an RBAC matrix', async () => {
  await rbac.createClusterRoleBinding({
    body: { metadata: { name: 'auditors-view' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' }, subjects: [{ kind: 'Group', name: 'auditors', apiGroup: 'rbac.authorization.k8s.io' }] },
  });
  await rbac.createNamespacedRoleBinding({
    namespace: 'team-a',
    body: { metadata: { name: 'jane-edits' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' }, subjects: [{ kind: 'User', name: 'jane', apiGroup: 'rbac.authorization.k8s.io' }] },
  });
  const matrix: [string, string[], string, string, string, string, boolean, string][] = [
    // user, groups, verb, group, resource, namespace, allowed, reason
    ['jane', [], 'create', '', 'configmaps', 'team-a', true, 'RBAC: allowed by RoleBinding "jane-edits/team-a" of ClusterRole "edit" to User "jane"'],
    ['jane', [], 'create', '', 'configmaps', 'default', false, ''],
    ['jane', [], 'create', 'rbac.authorization.k8s.io', 'rolebindings', 'team-a', false, ''],
    ['sam', ['auditors'], 'list', 'apps', 'deployments', '', true, 'RBAC: allowed by ClusterRoleBinding "auditors-view" of ClusterRole "view" to Group "auditors"'],
    ['sam', ['auditors'], 'get', '', 'secrets', 'team-a', false, ''],
    [ROBOT, [], 'get', '', 'pods', 'team-a', true, 'RBAC: allowed by RoleBinding "robot-reads-pods/team-a" of Role "pod-reader" to ServiceAccount "robot/team-a"'],
    ['root', ['system:masters'], 'delete', '', 'nodes', '', true, ''],
  ];
  for (const [user, groups, verb, group, resource, namespace, allowed, reason] of matrix) {
    const review = await authz.createSubjectAccessReview({ body: { spec: { user, groups, resourceAttributes: { verb, group, resource, namespace } } } });
    assert.deepEqual({ ...review.status }, { allowed, ...(reason === '' ? {} : { reason }) }, `${user} ${verb} ${resource} in "${namespace}"`);
  }
  const nonResource = await authz.createSubjectAccessReview({ body: { spec: { user: 'x', groups: ['system:authenticated'], nonResourceAttributes: { verb: 'get', path: '/apis' } } } });
  assert.equal(nonResource.status?.allowed, true);
  const local = await authz.createNamespacedLocalSubjectAccessReview({
    namespace: 'team-a',
    body: { metadata: { namespace: 'team-a' }, spec: { user: 'jane', resourceAttributes: { namespace: 'team-a', verb: 'delete', resource: 'pods' } } },
  });
  assert.equal(local.status?.allowed, true);
  const invalid = await t.http('POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', { body: { spec: { user: 'x' } } });
  assert.equal(invalid.status, 422);
});

test('TokenRequest: a token bound to a pod (kubectl create token --bound-object-kind) dies with the pod', async () => {
  await core.createNamespacedServiceAccount({ namespace: 'team-a', body: { metadata: { name: 'runner' } } });
  const pod = await core.createNamespacedPod({ namespace: 'team-a', body: { metadata: { name: 'worker' }, spec: { serviceAccountName: 'runner', containers: [{ name: 'c', image: 'busybox' }] } } });
  const r = await t.kubectl(['create', 'token', 'runner', '-n', 'team-a', '--bound-object-kind=Pod', '--bound-object-name=worker']);
  assert.equal(r.code, 0, r.stderr);
  const token = r.stdout.trim();
  assert.deepEqual((decodeJwt(token)['kubernetes.io'] as { pod?: unknown }).pod, { name: 'worker', uid: pod.metadata?.uid });
  const review = await authn.createTokenReview({ body: { spec: { token } } });
  assert.equal(review.status?.authenticated, true);
  assert.deepEqual(review.status?.user?.extra?.['authentication.kubernetes.io/pod-name'], ['worker']);
  const otherSa = await t.kubectl(['create', 'token', 'robot', '-n', 'team-a', '--bound-object-kind=Pod', '--bound-object-name=worker']);
  assert.equal(otherSa.stderr, 'error: failed to create token: cannot bind token for serviceaccount "robot" to pod running with different serviceaccount name.\n');
  await core.deleteNamespacedPod({ namespace: 'team-a', name: 'worker', gracePeriodSeconds: 0 });
  const after = await authn.createTokenReview({ body: { spec: { token } } });
  assert.deepEqual([after.status?.authenticated, after.status?.error], [false, 'pods "worker" not found']);
});

test('TokenReview: the token authenticates until its service account is deleted', async () => {
  const review = await authn.createTokenReview({ body: { spec: { token: robotToken } } });
  assert.equal(review.status?.authenticated, true);
  assert.equal(review.status?.user?.username, ROBOT);
  assert.deepEqual(review.status?.user?.groups, ['system:serviceaccounts', 'system:serviceaccounts:team-a', 'system:authenticated']);
  assert.deepEqual(review.status?.audiences, ['https://kubernetes.default.svc.cluster.local']);
  const wrongAudience = await authn.createTokenReview({ body: { spec: { token: robotToken, audiences: ['vault'] } } });
  assert.equal(wrongAudience.status?.authenticated, false);
  assert.equal(wrongAudience.status?.error, 'token audiences ["https://kubernetes.default.svc.cluster.local"] is invalid for the target audiences ["vault"]');

  await core.deleteNamespacedServiceAccount({ namespace: 'team-a', name: 'robot' });
  const after = await authn.createTokenReview({ body: { spec: { token: robotToken } } });
  assert.equal(after.status?.authenticated, false);
  assert.equal(after.status?.error, 'serviceaccounts "robot" not found');
  const r = await t.kubectl(['get', 'pods', '-n', 'team-a', `--token=${robotToken}`]);
  assert.equal(r.stderr, 'error: You must be logged in to the server (Unauthorized)\n');
});

test('kubectl: the RBAC create commands (protobuf bodies), create token, and auth can-i --as', async () => {
  const steps: [string[], string][] = [
    [['create', 'ns', 'x'], 'namespace/x created\n'],
    [['create', 'sa', 's', '-n', 'x'], 'serviceaccount/s created\n'],
    [['create', 'role', 'r', '--verb=get', '--resource=pods', '-n', 'x'], 'role.rbac.authorization.k8s.io/r created\n'],
    [['create', 'rolebinding', 'rb', '--role=r', '--serviceaccount=x:s', '-n', 'x'], 'rolebinding.rbac.authorization.k8s.io/rb created\n'],
    [['create', 'configmap', 'c', '--from-literal=a=b', '-n', 'x'], 'configmap/c created\n'],
    [['create', 'clusterrole', 'logs-reader', '--verb=get', '--non-resource-url=/logs/*'], 'clusterrole.rbac.authorization.k8s.io/logs-reader created\n'],
    [['create', 'clusterrole', 'aggregated', '--aggregation-rule=team=x'], 'clusterrole.rbac.authorization.k8s.io/aggregated created\n'],
    [['create', 'clusterrolebinding', 'logs', '--clusterrole=logs-reader', '--user=bob', '--group=readers'], 'clusterrolebinding.rbac.authorization.k8s.io/logs created\n'],
  ];
  for (const [args, stdout] of steps) {
    const r = await t.kubectl(args);
    assert.deepEqual([r.code, r.stdout, r.stderr], [0, stdout, ''], args.join(' '));
  }
  const role = (await t.http('GET', '/apis/rbac.authorization.k8s.io/v1/namespaces/x/roles/r')).json;
  assert.deepEqual(role.rules, [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }]);
  const binding = (await t.http('GET', '/apis/rbac.authorization.k8s.io/v1/namespaces/x/rolebindings/rb')).json;
  assert.deepEqual(binding.roleRef, { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'r' });
  assert.deepEqual(binding.subjects, [{ apiGroup: '', kind: 'ServiceAccount', name: 's', namespace: 'x' }]);
  const aggregated = (await t.http('GET', '/apis/rbac.authorization.k8s.io/v1/clusterroles/aggregated')).json;
  assert.deepEqual(aggregated.aggregationRule, { clusterRoleSelectors: [{ matchLabels: { team: 'x' } }] });
  assert.deepEqual((await t.http('GET', '/api/v1/namespaces/x/configmaps/c')).json.data, { a: 'b' });

  const token = await t.kubectl(['create', 'token', 's', '-n', 'x']);
  assert.equal(token.code, 0, token.stderr);
  assert.equal(decodeJwt(token.stdout.trim()).sub, 'system:serviceaccount:x:s');

  const asSa = '--as=system:serviceaccount:x:s';
  assert.deepEqual(await t.kubectl(['auth', 'can-i', 'get', 'pods', '-n', 'x', asSa]), { code: 0, stdout: 'yes\n', stderr: '' });
  assert.deepEqual(await t.kubectl(['auth', 'can-i', 'list', 'pods', '-n', 'x', asSa]), { code: 1, stdout: 'no\n', stderr: '' });
  assert.equal((await t.kubectl(['auth', 'can-i', 'get', '/logs/today', '--as=bob'])).stdout, 'yes\n');
  assert.equal((await t.kubectl(['auth', 'can-i', 'get', '/logs/today', '--as=alice', '--as-group=readers'])).stdout, 'yes\n');
  assert.equal((await t.kubectl(['auth', 'can-i', 'get', '/logs/today', '--as=alice'])).stdout, 'no\n');
  const list = await t.kubectl(['get', 'pods', '-n', 'x', asSa]);
  assert.equal(list.stderr, 'Error from server (Forbidden): pods is forbidden: User "system:serviceaccount:x:s" cannot list resource "pods" in API group "" in the namespace "x"\n');

  // Impersonation is itself authorized: the service account may not act as anyone.
  const sneaky = await t.kubectl(['get', 'pods', '-n', 'x', '--as=bob', `--token=${token.stdout.trim()}`]);
  assert.equal(sneaky.stderr, 'Error from server (Forbidden): users "bob" is forbidden: User "system:serviceaccount:x:s" cannot impersonate resource "users" in API group "" at the cluster scope\n');
});
