// The AdmissionReview v1 exchange, pure: the request a webhook receives, the checks its answer
// must pass (k8s.io/apiserver webhook/request VerifyAdmissionResponse, message for message), and
// the Status errors a client sees when a webhook denies or cannot be called.
import { ApiError, type StatusReason } from '../server/status.ts';
import type { KubeObject } from '../types.ts';
import type { WebhookInvocation } from './match.ts';
import type { AdmissionRequest, AdmissionResponse, AdmissionUserInfo, GroupVersionKind, GroupVersionResource, Operation, WebhookStatus } from './types.ts';

export interface ReviewInput {
  uid: string;
  operation: Operation;
  invocation: WebhookInvocation;
  requestResource: GroupVersionResource;
  requestKind: GroupVersionKind;
  name: string;
  namespace: string;
  user: AdmissionUserInfo;
  object: KubeObject | undefined;
  oldObject: KubeObject | undefined;
  dryRun: boolean;
}

const OPTIONS_KIND: Record<Operation, string | undefined> = {
  CREATE: 'CreateOptions',
  UPDATE: 'UpdateOptions',
  DELETE: 'DeleteOptions',
  CONNECT: undefined,
};

export function buildAdmissionReview(input: ReviewInput): { apiVersion: string; kind: string; request: AdmissionRequest } {
  const optionsKind = OPTIONS_KIND[input.operation];
  const request: AdmissionRequest = {
    uid: input.uid,
    kind: input.invocation.kind,
    resource: input.invocation.resource,
    ...(input.invocation.subresource === '' ? {} : { subResource: input.invocation.subresource }),
    requestKind: input.requestKind,
    requestResource: input.requestResource,
    ...(input.invocation.subresource === '' ? {} : { requestSubResource: input.invocation.subresource }),
    ...(input.name === '' ? {} : { name: input.name }),
    ...(input.namespace === '' ? {} : { namespace: input.namespace }),
    operation: input.operation,
    userInfo: input.user,
    object: input.object ?? null,
    oldObject: input.oldObject ?? null,
    dryRun: input.dryRun,
    options: optionsKind === undefined ? null : { kind: optionsKind, apiVersion: 'meta.k8s.io/v1' },
  };
  return { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request };
}

/** Why a webhook's answer is unusable; the text follows "received invalid webhook response: ". */
export class InvalidResponseError extends Error {
  readonly code = 'EINVALIDRESPONSE';
  override readonly name = 'InvalidResponseError';
}

/** Parses and checks a webhook's answer; throws InvalidResponseError with the real message. */
export function verifyAdmissionResponse(uid: string, mutating: boolean, body: unknown): AdmissionResponse {
  const review = (body ?? {}) as { apiVersion?: unknown; kind?: unknown; response?: unknown };
  const response = review.response as Partial<AdmissionResponse> | undefined | null;
  if (response === undefined || response === null || typeof response !== 'object') {
    throw new InvalidResponseError('webhook response was absent');
  }
  if (response.uid !== uid) throw new InvalidResponseError(`expected response.uid="${uid}", got "${String(response.uid ?? '')}"`);
  if (review.apiVersion !== 'admission.k8s.io/v1' || review.kind !== 'AdmissionReview') {
    throw new InvalidResponseError(`expected webhook response of admission.k8s.io/v1, Kind=AdmissionReview, got ${gvkString(review.apiVersion, review.kind)}`);
  }
  const patch = typeof response.patch === 'string' ? response.patch : '';
  const patchType = typeof response.patchType === 'string' ? response.patchType : '';
  if (patch !== '' && patchType === '') throw new InvalidResponseError('webhook returned response.patch but not response.patchType');
  if (patch !== '' && !mutating) throw new InvalidResponseError('validating webhook may not return response.patch');
  if (patch !== '' && patchType !== 'JSONPatch') throw new InvalidResponseError(`webhook returned invalid response.patchType of "${patchType}"`);
  return {
    uid,
    allowed: response.allowed === true,
    ...(response.status === undefined || response.status === null ? {} : { status: response.status }),
    ...(patch === '' ? {} : { patch, patchType }),
    warnings: Array.isArray(response.warnings) ? response.warnings.filter((w): w is string => typeof w === 'string') : [],
  };
}

function gvkString(apiVersion: unknown, kind: unknown): string {
  const [group, version] = typeof apiVersion === 'string' && apiVersion.includes('/') ? apiVersion.split('/', 2) : ['', String(apiVersion ?? '')];
  return `${group === '' ? '' : `${group}/`}${version ?? ''}, Kind=${String(kind ?? '')}`;
}

/** webhookerrors.ToStatusErr: the webhook's Status, code at least 400, with the "denied" prefix. */
export function deniedError(webhookName: string, status: WebhookStatus | undefined): ApiError {
  const deniedBy = `admission webhook "${webhookName}" denied the request`;
  const given = status ?? {};
  const code = typeof given.code === 'number' && given.code >= 400 ? given.code : 400;
  let message: string;
  if (typeof given.message === 'string' && given.message !== '') message = `${deniedBy}: ${given.message}`;
  else if (typeof given.reason === 'string' && given.reason !== '') message = `${deniedBy}: ${given.reason}`;
  else message = `${deniedBy} without explanation`;
  const err = new ApiError(code, (given.reason ?? '') as StatusReason, message, given.details as ApiError['status']['details']);
  if (given.reason === undefined || given.reason === '') delete err.status.reason;
  return err;
}

/** ErrCallingWebhook as apierrors.NewInternalError: 500 with the cause under details. */
export function callingWebhookError(webhookName: string, reason: string): ApiError {
  const text = `failed calling webhook "${webhookName}": ${reason}`;
  return new ApiError(500, 'InternalError', `Internal error occurred: ${text}`, { causes: [{ message: text }] });
}

/** A dry-run request reaching a webhook that may have side effects. */
export function dryRunUnsupportedError(webhookName: string): ApiError {
  return new ApiError(400, 'BadRequest', `admission webhook "${webhookName}" does not support dry run`);
}

/** The 404 the dispatcher answers when the request's namespace does not exist. */
export function namespaceNotFoundError(namespace: string): ApiError {
  return new ApiError(404, 'NotFound', `namespaces "${namespace}" not found`, { name: namespace, kind: 'namespaces' });
}
