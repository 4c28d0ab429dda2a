// Service-account tokens: issued by the TokenRequest subresource, accepted as bearer tokens,
// and reviewed by TokenReview. A token is an ES256 JWT signed with the state dir's key; it is
// accepted while unexpired, carrying one of the API audiences, and while the service account
// (and the object it is bound to) still exists with the uid the token names.
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { compactVerify, decodeProtectedHeader, SignJWT } from 'jose';
import type { Authenticator, UserInfo } from '../server/auth.ts';
import { bearerToken } from '../server/auth.ts';
import { API_AUDIENCES, ISSUER, serviceAccountClaims, validateClaims, type ClaimLookups, type ClaimsInput, type ServiceAccountClaims } from './claims.ts';
import { SIGNING_ALGORITHM, type SigningKey } from './signing-key.ts';

export interface TokenReviewStatus {
  authenticated: boolean;
  user?: UserInfo;
  audiences?: string[];
  error?: string;
}

export class ServiceAccountTokens implements Authenticator {
  readonly #key: SigningKey;
  readonly #lookups: ClaimLookups;
  readonly #now: () => Date;

  constructor(key: SigningKey, lookups: ClaimLookups, now: () => Date) {
    this.#key = key;
    this.#lookups = lookups;
    this.#now = now;
  }

  async issue(input: Omit<ClaimsInput, 'jti' | 'now'>): Promise<{ token: string; claims: ServiceAccountClaims }> {
    const claims = serviceAccountClaims({ ...input, jti: randomUUID(), now: this.#now() });
    const token = await new SignJWT({ ...claims }).setProtectedHeader({ alg: SIGNING_ALGORITHM, kid: this.#key.keyId }).sign(this.#key.privateKey);
    return { token, claims };
  }

  async authenticate(headers: IncomingHttpHeaders): Promise<UserInfo | undefined> {
    const token = bearerToken(headers);
    if (token === undefined) return undefined;
    const status = await this.review(token, API_AUDIENCES);
    return status.authenticated ? status.user : undefined;
  }

  /** TokenReview: `audiences` empty means the API server's own. Tokens not from this issuer are unknown, not errors. */
  async review(token: string, audiences: string[]): Promise<TokenReviewStatus> {
    const wanted = audiences.length === 0 ? API_AUDIENCES : audiences;
    if (!this.#isOurs(token)) return { authenticated: false };
    let payload: Partial<ServiceAccountClaims>;
    try {
      // Only the signature here: time and audience are checked with kube-apiserver's messages.
      const verified = await compactVerify(token, this.#key.publicKey, { algorithms: [SIGNING_ALGORITHM] });
      payload = JSON.parse(Buffer.from(verified.payload).toString('utf8')) as Partial<ServiceAccountClaims>;
    } catch {
      return { authenticated: false, error: 'invalid bearer token' };
    }
    const outcome = validateClaims(payload, wanted, this.#lookups, this.#now());
    if (!outcome.ok) return { authenticated: false, error: outcome.error };
    return { authenticated: true, user: outcome.user, audiences: outcome.audiences };
  }

  #isOurs(token: string): boolean {
    try {
      const header = decodeProtectedHeader(token);
      if (header.kid !== this.#key.keyId) return false;
      const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { iss?: unknown };
      return payload.iss === ISSUER;
    } catch {
      return false;
    }
  }
}
