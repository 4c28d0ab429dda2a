// POST /api/v1/namespaces/<ns>/serviceaccounts/<name>/token: the TokenRequest subresource,
// called by the pipeline for `create` on serviceaccounts/token.
import type { ResourceRequest } from '../server/context.ts';
import { decodeObjectBody, readBody, writeJson } from '../server/http.ts';
import { ensureMeta } from '../server/handlers/write-common.ts';
import { badRequest } from '../server/status.ts';
import type { ClaimLookups } from './claims.ts';
import type { ServiceAccountTokens } from './service-account-tokens.ts';
import { answerTokenRequest } from './token-request.ts';

export function isTokenRequest(rr: Pick<ResourceRequest, 'info' | 'served'>): boolean {
  return rr.served.group === '' && rr.served.resource === 'serviceaccounts' && rr.info.subresource === 'token' && rr.info.verb === 'create';
}

export async function handleTokenRequest(rr: ResourceRequest, tokens: ServiceAccountTokens, lookups: ClaimLookups): Promise<void> {
  const bytes = await readBody(rr.req);
  const body = ensureMeta(decodeTokenRequestBody(bytes, rr.req.headers['content-type']));
  if (body.apiVersion !== undefined && body.apiVersion !== '' && body.apiVersion !== 'authentication.k8s.io/v1') {
    throw badRequest(`the API version in the data (${String(body.apiVersion)}) does not match the expected API version (authentication.k8s.io/v1)`);
  }
  if (body.kind !== undefined && body.kind !== '' && body.kind !== 'TokenRequest') {
    throw badRequest(`${String(body.kind)} in version "v1" cannot be handled as a TokenRequest: the kind in the data does not match`);
  }
  const answer = await answerTokenRequest({ namespace: rr.info.namespace, serviceAccountName: rr.info.name, body, now: rr.ctx.now() }, tokens, lookups);
  writeJson(rr.res, 201, answer);
}

/** JSON, YAML, or the protobuf kubectl create token sends; an empty body is an empty request. */
function decodeTokenRequestBody(bytes: Buffer, contentType: string | undefined): Record<string, unknown> {
  if (bytes.toString('utf8').trim() === '') return {};
  return decodeObjectBody(bytes, contentType);
}
