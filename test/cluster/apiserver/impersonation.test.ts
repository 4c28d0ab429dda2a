// What Impersonate-* headers ask for (kubectl --as, --as-group, --as-uid): the authorization
// checks they need and the user the request then runs as, as kube-apiserver's filter decides.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { impersonationOf } from '../../../src/cluster/apiserver/server/impersonation.ts';

test('impersonation: none asked', () => {
  assert.equal(impersonationOf({ authorization: ['Bearer x'] }), undefined);
});

test('impersonation: a user, with groups and a uid, always in system:authenticated', () => {
  assert.deepEqual(impersonationOf({ 'impersonate-user': ['bob'], 'impersonate-group': ['devs', 'ops'], 'impersonate-uid': ['u-1'] }), {
    requests: [
      { group: '', resource: 'users', subresource: '', namespace: '', name: 'bob' },
      { group: '', resource: 'groups', subresource: '', namespace: '', name: 'devs' },
      { group: '', resource: 'groups', subresource: '', namespace: '', name: 'ops' },
      { group: 'authentication.k8s.io', resource: 'uids', subresource: '', namespace: '', name: 'u-1' },
    ],
    user: { username: 'bob', groups: ['devs', 'ops', 'system:authenticated'], uid: 'u-1' },
  });
});

test('impersonation: a service account gets its own groups unless groups are given', () => {
  const sa = impersonationOf({ 'impersonate-user': ['system:serviceaccount:x:s'] });
  assert.deepEqual(sa?.requests, [{ group: '', resource: 'serviceaccounts', subresource: '', namespace: 'x', name: 's' }]);
  assert.deepEqual(sa?.user.groups, ['system:serviceaccounts', 'system:serviceaccounts:x', 'system:authenticated']);
  const withGroup = impersonationOf({ 'impersonate-user': ['system:serviceaccount:x:s'], 'impersonate-group': ['g'] });
  assert.deepEqual(withGroup?.user.groups, ['g', 'system:authenticated']);
});

test('impersonation: extras are checked per value as userextras/<key>', () => {
  const r = impersonationOf({ 'impersonate-user': ['bob'], 'impersonate-extra-scopes': ['view', 'edit'] });
  assert.deepEqual(r?.requests.slice(1), [
    { group: 'authentication.k8s.io', resource: 'userextras', subresource: 'scopes', namespace: '', name: 'view' },
    { group: 'authentication.k8s.io', resource: 'userextras', subresource: 'scopes', namespace: '', name: 'edit' },
  ]);
  assert.deepEqual(r?.user.extra, { scopes: ['view', 'edit'] });
});

test('impersonation: groups without a user are refused', () => {
  assert.throws(() => impersonationOf({ 'impersonate-group': ['devs'] }), { message: 'requested Group=devs without impersonating a user' });
});
