// Service-account tokens: claims, signing key persistence, and validation outcomes (expired,
// deleted or recreated service account, bound pod gone, wrong audience), with real JWTs.
import assert from 'node:assert/strict';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { loadOrCreateSigningKey, ServiceAccountTokens, type ClaimLookups } from '../../../src/cluster/apiserver/tokens/index.ts';
import type { KubeObject } from '../../../src/cluster/apiserver/types.ts';

function world() {
  const objects = new Map<string, KubeObject>();
  const put = (kind: string, ns: string, name: string, uid: string) => objects.set(`${kind}/${ns}/${name}`, { metadata: { name, namespace: ns, uid }, spec: { serviceAccountName: 'robot' } });
  const lookups: ClaimLookups = {
    serviceAccount: (ns, name) => objects.get(`sa/${ns}/${name}`),
    pod: (ns, name) => objects.get(`pod/${ns}/${name}`),
    secret: (ns, name) => objects.get(`secret/${ns}/${name}`),
    node: (name) => objects.get(`node//${name}`),
  };
  return { objects, put, lookups };
}

test('tokens: issued claims, accepted, then rejected as the world changes', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'ferry-tokens-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const key = await loadOrCreateSigningKey(dir);
  assert.equal((await stat(join(dir, 'service-account-signing.key'))).mode & 0o777, 0o600);
  const again = await loadOrCreateSigningKey(dir);
  assert.equal(again.keyId, key.keyId, 'the key survives a restart');

  const w = world();
  w.put('sa', 'team-a', 'robot', 'sa-uid-1');
  w.put('pod', 'team-a', 'runner', 'pod-uid-1');
  let now = new Date('2026-01-01T00:00:00Z');
  const tokens = new ServiceAccountTokens(key, w.lookups, () => now);
  const { token } = await tokens.issue({ namespace: 'team-a', serviceAccount: { name: 'robot', uid: 'sa-uid-1' }, audiences: ['https://kubernetes.default.svc.cluster.local'], expirationSeconds: 3600 });
  assert.deepEqual(decodeProtectedHeader(token), { alg: 'ES256', kid: key.keyId });
  const claims = decodeJwt(token);
  assert.equal(claims.iss, 'https://kubernetes.default.svc.cluster.local');
  assert.equal(claims.sub, 'system:serviceaccount:team-a:robot');
  assert.deepEqual(claims.aud, ['https://kubernetes.default.svc.cluster.local']);
  assert.equal(claims.exp, Date.parse('2026-01-01T01:00:00Z') / 1000);
  assert.deepEqual(claims['kubernetes.io'], { namespace: 'team-a', serviceaccount: { name: 'robot', uid: 'sa-uid-1' } });

  const user = await tokens.authenticate({ authorization: `Bearer ${token}` });
  assert.equal(user?.username, 'system:serviceaccount:team-a:robot');
  assert.deepEqual(user?.groups, ['system:serviceaccounts', 'system:serviceaccounts:team-a', 'system:authenticated']);
  assert.equal(user?.uid, 'sa-uid-1');

  assert.deepEqual(await tokens.review(token, ['other']), {
    authenticated: false,
    error: 'token audiences ["https://kubernetes.default.svc.cluster.local"] is invalid for the target audiences ["other"]',
  });
  assert.deepEqual(await tokens.review('not-a-jwt', []), { authenticated: false });
  const tampered = `${token.slice(0, -4)}AAAA`;
  assert.equal((await tokens.review(tampered, [])).authenticated, false);

  w.put('sa', 'team-a', 'robot', 'sa-uid-2');
  assert.deepEqual(await tokens.review(token, []), { authenticated: false, error: 'service account UID (sa-uid-2) does not match claim (sa-uid-1)' });
  w.objects.delete('sa/team-a/robot');
  assert.deepEqual(await tokens.review(token, []), { authenticated: false, error: 'serviceaccounts "robot" not found' });
  assert.equal(await tokens.authenticate({ authorization: `Bearer ${token}` }), undefined);

  w.put('sa', 'team-a', 'robot', 'sa-uid-2');
  const bound = await tokens.issue({
    namespace: 'team-a',
    serviceAccount: { name: 'robot', uid: 'sa-uid-2' },
    audiences: ['https://kubernetes.default.svc.cluster.local'],
    expirationSeconds: 600,
    bound: { kind: 'Pod', ref: { name: 'runner', uid: 'pod-uid-1' } },
  });
  const boundReview = await tokens.review(bound.token, []);
  assert.deepEqual(boundReview.user?.extra?.['authentication.kubernetes.io/pod-name'], ['runner']);
  w.objects.delete('pod/team-a/runner');
  assert.deepEqual(await tokens.review(bound.token, []), { authenticated: false, error: 'pods "runner" not found' });

  now = new Date('2026-01-01T01:00:00Z');
  const fresh = await tokens.issue({ namespace: 'team-a', serviceAccount: { name: 'robot', uid: 'sa-uid-2' }, audiences: ['https://kubernetes.default.svc.cluster.local'], expirationSeconds: 600 });
  now = new Date('2026-01-01T01:10:00Z');
  assert.deepEqual(await tokens.review(fresh.token, []), { authenticated: false, error: 'service account token has expired' });
});
