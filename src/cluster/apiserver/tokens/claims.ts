// The claims of a service-account token (pkg/serviceaccount/claims.go) and their validation
// after the signature checked out, pure: the caller supplies the clock and the lookups of the
// service account and the bound object. Error texts are kube-apiserver's.
import type { KubeObject } from '../types.ts';

export const ISSUER = 'https://kubernetes.default.svc.cluster.local';
/** The API server's own audiences: tokens with none of them are not accepted as bearer tokens. */
export const API_AUDIENCES = [ISSUER];

export interface ObjectRef {
  name: string;
  uid: string;
}

export interface KubernetesClaim {
  namespace: string;
  serviceaccount: ObjectRef;
  pod?: ObjectRef;
  secret?: ObjectRef;
  node?: ObjectRef;
}

export interface ServiceAccountClaims {
  iss: string;
  sub: string;
  aud: string[];
  exp: number;
  iat: number;
  nbf: number;
  jti: string;
  'kubernetes.io': KubernetesClaim;
}

export type BoundKind = 'Pod' | 'Secret' | 'Node';

export interface ClaimsInput {
  namespace: string;
  serviceAccount: ObjectRef;
  audiences: string[];
  expirationSeconds: number;
  bound?: { kind: BoundKind; ref: ObjectRef };
  jti: string;
  now: Date;
}

export function serviceAccountClaims(input: ClaimsInput): ServiceAccountClaims {
  const iat = Math.floor(input.now.getTime() / 1000);
  const k8s: KubernetesClaim = { namespace: input.namespace, serviceaccount: input.serviceAccount };
  if (input.bound !== undefined) {
    const key = input.bound.kind === 'Pod' ? 'pod' : input.bound.kind === 'Secret' ? 'secret' : 'node';
    k8s[key] = input.bound.ref;
  }
  return {
    iss: ISSUER,
    sub: `system:serviceaccount:${input.namespace}:${input.serviceAccount.name}`,
    aud: input.audiences,
    exp: iat + input.expirationSeconds,
    iat,
    nbf: iat,
    jti: input.jti,
    'kubernetes.io': k8s,
  };
}

export interface AuthenticatedUser {
  username: string;
  uid: string;
  groups: string[];
  extra: Record<string, string[]>;
}

export interface ClaimLookups {
  serviceAccount(namespace: string, name: string): KubeObject | undefined;
  pod(namespace: string, name: string): KubeObject | undefined;
  secret(namespace: string, name: string): KubeObject | undefined;
  node(name: string): KubeObject | undefined;
}

export type ClaimsOutcome = { ok: true; user: AuthenticatedUser; audiences: string[] } | { ok: false; error: string };

/**
 * Validates claims whose signature was verified: issuer, time window, audiences (any of
 * `wanted`), and that the service account and the bound object still exist with the same uid.
 */
export function validateClaims(claims: Partial<ServiceAccountClaims>, wanted: string[], lookups: ClaimLookups, now: Date): ClaimsOutcome {
  if (claims.iss !== ISSUER) return { ok: false, error: 'token issuer is not this server' };
  const seconds = Math.floor(now.getTime() / 1000);
  if (typeof claims.exp !== 'number' || seconds >= claims.exp) return { ok: false, error: 'service account token has expired' };
  if (typeof claims.nbf === 'number' && seconds + 60 < claims.nbf) return { ok: false, error: 'service account token is not valid yet' };
  const audiences = Array.isArray(claims.aud) ? claims.aud : typeof claims.aud === 'string' ? [claims.aud] : [];
  const matched = audiences.filter((a) => wanted.includes(a));
  if (matched.length === 0) {
    return { ok: false, error: `token audiences ${goQuoted(audiences)} is invalid for the target audiences ${goQuoted(wanted)}` };
  }
  const k8s = claims['kubernetes.io'];
  if (k8s === undefined || typeof k8s.namespace !== 'string' || k8s.serviceaccount === undefined) {
    return { ok: false, error: 'service account token claims are incomplete' };
  }
  const { namespace } = k8s;
  const sa = lookups.serviceAccount(namespace, k8s.serviceaccount.name);
  if (sa === undefined) return { ok: false, error: `serviceaccounts "${k8s.serviceaccount.name}" not found` };
  if (sa.metadata.uid !== k8s.serviceaccount.uid) {
    return { ok: false, error: `service account UID (${sa.metadata.uid ?? ''}) does not match claim (${k8s.serviceaccount.uid})` };
  }
  const extra: Record<string, string[]> = {};
  if (typeof claims.jti === 'string') extra['authentication.kubernetes.io/credential-id'] = [`JTI=${claims.jti}`];
  const bound: [string, ObjectRef | undefined, KubeObject | undefined][] = [
    ['pod', k8s.pod, k8s.pod && lookups.pod(namespace, k8s.pod.name)],
    ['secret', k8s.secret, k8s.secret && lookups.secret(namespace, k8s.secret.name)],
    ['node', k8s.node, k8s.node && lookups.node(k8s.node.name)],
  ];
  for (const [kind, ref, live] of bound) {
    if (ref === undefined) continue;
    if (live === undefined) return { ok: false, error: `${kind}s "${ref.name}" not found` };
    if (live.metadata.uid !== ref.uid) return { ok: false, error: `${kind} UID (${live.metadata.uid ?? ''}) does not match claim (${ref.uid})` };
    if (kind === 'pod') {
      extra['authentication.kubernetes.io/pod-name'] = [ref.name];
      extra['authentication.kubernetes.io/pod-uid'] = [ref.uid];
    }
  }
  return {
    ok: true,
    audiences: matched,
    user: {
      username: `system:serviceaccount:${namespace}:${k8s.serviceaccount.name}`,
      uid: k8s.serviceaccount.uid,
      groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'],
      extra,
    },
  };
}

/** Go's %q of a []string: `["a" "b"]`. */
function goQuoted(values: string[]): string {
  return `[${values.map((v) => JSON.stringify(v)).join(' ')}]`;
}
