// TokenReview (authentication.k8s.io/v1): answered on create, never stored. The reviewer is the
// server's token authentication (static tokens, then service-account tokens).
import type { KubeObject } from '../types.ts';
import type { TokenReviewStatus } from './service-account-tokens.ts';

export type TokenReviewer = (token: string, audiences: string[]) => Promise<TokenReviewStatus>;

export async function answerTokenReview(review: KubeObject, reviewer: TokenReviewer): Promise<KubeObject> {
  const spec = (review['spec'] ?? {}) as { token?: string; audiences?: string[] };
  const status = await reviewer(spec.token ?? '', spec.audiences ?? []);
  const metadata = { ...review.metadata };
  delete metadata.managedFields;
  return {
    ...review,
    metadata,
    status: {
      authenticated: status.authenticated,
      user: status.user ?? {},
      ...(status.audiences === undefined ? {} : { audiences: status.audiences }),
      ...(status.error === undefined ? {} : { error: status.error }),
    },
  };
}
