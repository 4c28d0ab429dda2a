// Service-account tokens for the embedded API server: signing key, issuing (TokenRequest),
// authentication of bearer tokens, TokenReview.
export { loadOrCreateSigningKey, SIGNING_ALGORITHM, type SigningKey } from './signing-key.ts';
export { API_AUDIENCES, ISSUER, serviceAccountClaims, validateClaims, type ClaimLookups, type ServiceAccountClaims, type AuthenticatedUser } from './claims.ts';
export { ServiceAccountTokens, type TokenReviewStatus } from './service-account-tokens.ts';
export { answerTokenRequest, DEFAULT_EXPIRATION_SECONDS } from './token-request.ts';
export { answerTokenReview, type TokenReviewer } from './token-review.ts';
export { storeLookups } from './lookups.ts';
export { handleTokenRequest, isTokenRequest } from './token-endpoint.ts';
