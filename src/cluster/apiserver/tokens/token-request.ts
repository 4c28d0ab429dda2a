// POST /api/v1/namespaces/<ns>/serviceaccounts/<name>/token (TokenRequest, authentication.k8s.io/v1):
// validates the request as pkg/registry/core/serviceaccount/storage/token.go does, binds the token
// to a Pod, Secret or Node when asked, and answers the TokenRequest with status.token.
import { badRequest, conflict, invalid, notFound } from '../server/status.ts';
import type { FieldError, KubeObject } from '../types.ts';
import { API_AUDIENCES, type BoundKind, type ClaimLookups } from './claims.ts';
import type { ServiceAccountTokens } from './service-account-tokens.ts';

export const DEFAULT_EXPIRATION_SECONDS = 3600;
const MIN_EXPIRATION_SECONDS = 600;
const MAX_EXPIRATION_SECONDS = 2 ** 32;

interface TokenRequestSpec {
  audiences?: string[] | null;
  expirationSeconds?: number | null;
  boundObjectRef?: { kind?: string; apiVersion?: string; name?: string; uid?: string } | null;
}

export interface TokenRequestInput {
  namespace: string;
  serviceAccountName: string;
  body: KubeObject;
  now: Date;
}

export async function answerTokenRequest(input: TokenRequestInput, tokens: ServiceAccountTokens, lookups: ClaimLookups): Promise<KubeObject> {
  const { namespace, serviceAccountName: name } = input;
  const spec = ((input.body['spec'] ?? {}) as TokenRequestSpec) ?? {};
  const audiences = spec.audiences !== undefined && spec.audiences !== null && spec.audiences.length > 0 ? spec.audiences : API_AUDIENCES;
  const expirationSeconds = spec.expirationSeconds ?? DEFAULT_EXPIRATION_SECONDS;
  const errors: FieldError[] = [];
  if (expirationSeconds < MIN_EXPIRATION_SECONDS) {
    errors.push({ type: 'FieldValueInvalid', field: 'spec.expirationSeconds', message: `Invalid value: ${expirationSeconds}: may not specify a duration less than 10 minutes` });
  }
  if (expirationSeconds > MAX_EXPIRATION_SECONDS) {
    errors.push({ type: 'FieldValueInvalid', field: 'spec.expirationSeconds', message: `Invalid value: ${expirationSeconds}: may not specify a duration larger than 2^32 seconds` });
  }
  if (errors.length > 0) throw invalid({ group: 'authentication.k8s.io', kind: 'TokenRequest' }, name, errors);

  const sa = lookups.serviceAccount(namespace, name);
  if (sa === undefined) throw notFound({ group: '', resource: 'serviceaccounts' }, name);
  const bound = boundObject(spec.boundObjectRef ?? undefined, namespace, name, lookups);
  const { token, claims } = await tokens.issue({
    namespace,
    serviceAccount: { name, uid: sa.metadata.uid ?? '' },
    audiences,
    expirationSeconds,
    ...(bound === undefined ? {} : { bound }),
  });
  return {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenRequest',
    metadata: { name, namespace, creationTimestamp: rfc3339(input.now) },
    spec: { audiences, expirationSeconds, boundObjectRef: spec.boundObjectRef ?? null },
    status: { token, expirationTimestamp: rfc3339(new Date(claims.exp * 1000)) },
  };
}

function boundObject(
  ref: NonNullable<TokenRequestSpec['boundObjectRef']> | undefined,
  namespace: string,
  saName: string,
  lookups: ClaimLookups,
): { kind: BoundKind; ref: { name: string; uid: string } } | undefined {
  if (ref === undefined) return undefined;
  const kind = ref.kind ?? '';
  const apiVersion = ref.apiVersion ?? '';
  const objectName = ref.name ?? '';
  if (apiVersion !== 'v1' || (kind !== 'Pod' && kind !== 'Secret' && kind !== 'Node')) {
    const [group, version] = apiVersion.includes('/') ? apiVersion.split('/', 2) : ['', apiVersion];
    throw badRequest(`cannot bind token to object of type ${group ?? ''}/${version ?? ''}, Kind=${kind}`);
  }
  const resource = `${kind.toLowerCase()}s`;
  const live = kind === 'Pod' ? lookups.pod(namespace, objectName) : kind === 'Secret' ? lookups.secret(namespace, objectName) : lookups.node(objectName);
  if (live === undefined) throw notFound({ group: '', resource }, objectName);
  if (kind === 'Pod') {
    const podSa = ((live['spec'] ?? {}) as { serviceAccountName?: string }).serviceAccountName ?? 'default';
    if (podSa !== saName) throw badRequest(`cannot bind token for serviceaccount "${saName}" to pod running with different serviceaccount name.`);
  }
  const uid = live.metadata.uid ?? '';
  if (ref.uid !== undefined && ref.uid !== '' && ref.uid !== uid) {
    throw conflict(
      { group: '', resource: kind },
      objectName,
      `the UID in the bound object reference (${ref.uid}) does not match the UID in record. The object might have been deleted and then recreated`,
    );
  }
  return { kind, ref: { name: objectName, uid } };
}

function rfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
