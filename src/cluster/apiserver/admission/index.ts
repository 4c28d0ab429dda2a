// Admission webhooks (admissionregistration.k8s.io/v1) for the embedded API server.
export { MutatingWebhookAdmission, ValidatingWebhookAdmission, type WebhookAttributes } from './dispatcher.ts';
export { storeWorld, type WebhookWorld, type ConfiguredWebhook, type WebhookKind } from './world.ts';
export { matchWebhook, ruleMatches, isExemptFromWebhooks, type MatchRequest, type MatchOutcome, type WebhookInvocation } from './match.ts';
export { buildAdmissionReview, verifyAdmissionResponse, deniedError, callingWebhookError, InvalidResponseError } from './review.ts';
export { CallError, describeDialError, type CallErrorCode } from './dial-errors.ts';
export { resolveService, serviceHostName, type ServiceLookup, type ResolvedAddress } from './service-resolve.ts';
export type * from './types.ts';
export { NoNewFinalizersWhileDeleting, newFinalizers } from './finalizers.ts';
