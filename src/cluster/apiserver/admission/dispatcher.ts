// The MutatingAdmissionWebhook and ValidatingAdmissionWebhook plugins: for every write, the
// matching mutating webhooks are called one after another (each sees the previous one's patch),
// then the matching validating webhooks all at once. A denial always fails the request; a
// failed call fails it only under failurePolicy Fail. Webhook warnings reach the client.
import { randomUUID } from 'node:crypto';
import { applyJsonPatch } from '../patch/index.ts';
import type { AdmissionAttributes, MutatingAdmissionPlugin, ValidatingAdmissionPlugin } from '../server/admission.ts';
import { apiVersionOf } from '../server/registry.ts';
import { ApiError, internalError } from '../server/status.ts';
import type { KubeObject } from '../types.ts';
import { postJson } from './call.ts';
import { CallError } from './dial-errors.ts';
import { webhookEndpoint } from './endpoint.ts';
import { isExemptFromWebhooks, matchWebhook, type WebhookInvocation } from './match.ts';
import {
  buildAdmissionReview,
  callingWebhookError,
  deniedError,
  dryRunUnsupportedError,
  InvalidResponseError,
  namespaceNotFoundError,
  verifyAdmissionResponse,
} from './review.ts';
import type { AdmissionResponse, Webhook } from './types.ts';
import type { WebhookKind, WebhookWorld } from './world.ts';

/** The attributes the pipeline passes, plus where webhook warnings are collected for the client. */
export type WebhookAttributes = AdmissionAttributes & { warnings?: string[] };

const DEFAULT_TIMEOUT_SECONDS = 10;

export class MutatingWebhookAdmission implements MutatingAdmissionPlugin {
  readonly name = 'MutatingAdmissionWebhook';
  readonly #world: WebhookWorld;

  constructor(world: WebhookWorld) {
    this.#world = world;
  }

  /**
   * Calls the matching webhooks in order, each on the previous one's result; then, once, those
   * with reinvocationPolicy IfNeeded whose output a later webhook changed.
   */
  async admit(attrs: WebhookAttributes): Promise<void> {
    const called: { webhook: Webhook; invocation: WebhookInvocation; after: string }[] = [];
    for (const { webhook, invocation } of matchingWebhooks(this.#world, 'mutating', attrs)) {
      await this.#callAndPatch(webhook, invocation, attrs);
      called.push({ webhook, invocation, after: JSON.stringify(attrs.object ?? null) });
    }
    const final = JSON.stringify(attrs.object ?? null);
    for (const { webhook, invocation, after } of called) {
      if (webhook.reinvocationPolicy === 'IfNeeded' && after !== final) await this.#callAndPatch(webhook, invocation, attrs);
    }
  }

  async #callAndPatch(webhook: Webhook, invocation: WebhookInvocation, attrs: WebhookAttributes): Promise<void> {
    const response = await callWebhook(this.#world, webhook, invocation, attrs, true);
    if (response?.patch !== undefined && attrs.object !== undefined) applyPatch(webhook.name, attrs.object, response.patch, invocation);
  }
}

export class ValidatingWebhookAdmission implements ValidatingAdmissionPlugin {
  readonly name = 'ValidatingAdmissionWebhook';
  readonly #world: WebhookWorld;

  constructor(world: WebhookWorld) {
    this.#world = world;
  }

  async validate(attrs: WebhookAttributes): Promise<void> {
    const calls = matchingWebhooks(this.#world, 'validating', attrs).map(({ webhook, invocation }) =>
      callWebhook(this.#world, webhook, invocation, attrs, false).then(
        () => undefined,
        (err: unknown) => err,
      ),
    );
    const outcomes = await Promise.all(calls);
    const failure = outcomes.find((o) => o !== undefined);
    if (failure !== undefined) throw failure;
  }
}

function matchingWebhooks(world: WebhookWorld, kind: WebhookKind, attrs: WebhookAttributes): { webhook: Webhook; invocation: WebhookInvocation }[] {
  const { served, info } = attrs;
  const resource = { group: served.group, version: served.version, resource: served.resource };
  if (isExemptFromWebhooks(resource)) return [];
  const namespace = served.namespaced ? info.namespace : '';
  const request = {
    operation: attrs.operation,
    resource,
    kind: { group: served.group, version: served.version, kind: served.kind },
    subresource: info.subresource,
    namespace,
    object: attrs.object,
    oldObject: attrs.oldObject,
    namespaceLabels: namespace === '' ? undefined : world.namespaceLabels(namespace),
    equivalents: world.equivalents(served.group, served.resource),
  };
  const matched: { webhook: Webhook; invocation: WebhookInvocation }[] = [];
  for (const { webhook } of world.webhooks(kind)) {
    const outcome = matchWebhook(webhook, request);
    if (outcome.decision === 'namespaceNotFound') throw namespaceNotFoundError(outcome.namespace);
    if (outcome.decision === 'call') matched.push({ webhook, invocation: outcome.invocation });
  }
  return matched;
}

/** Calls one webhook; undefined when a failed call is ignored (failurePolicy Ignore). */
async function callWebhook(
  world: WebhookWorld,
  webhook: Webhook,
  invocation: WebhookInvocation,
  attrs: WebhookAttributes,
  mutating: boolean,
): Promise<AdmissionResponse | undefined> {
  if (attrs.dryRun && webhook.sideEffects !== 'None' && webhook.sideEffects !== 'NoneOnDryRun') {
    throw dryRunUnsupportedError(webhook.name);
  }
  const ignoreFailures = webhook.failurePolicy === 'Ignore';
  const uid = randomUUID();
  const review = buildAdmissionReview({
    uid,
    operation: attrs.operation,
    invocation,
    requestResource: { group: attrs.served.group, version: attrs.served.version, resource: attrs.served.resource },
    requestKind: { group: attrs.served.group, version: attrs.served.version, kind: attrs.served.kind },
    name: attrs.info.name !== '' ? attrs.info.name : (attrs.object?.metadata.name ?? ''),
    namespace: attrs.served.namespaced ? attrs.info.namespace : '',
    user: { username: attrs.user.username, ...(attrs.user.uid === undefined ? {} : { uid: attrs.user.uid }), groups: attrs.user.groups, ...(attrs.user.extra === undefined ? {} : { extra: attrs.user.extra }) },
    object: atVersion(attrs.object, invocation),
    oldObject: atVersion(attrs.oldObject, invocation),
    dryRun: attrs.dryRun,
  });
  const timeoutSeconds = webhook.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
  const endpoint = webhookEndpoint(webhook.clientConfig, timeoutSeconds, world.service);
  let response: AdmissionResponse;
  try {
    const result = await postJson(endpoint.target(), review, timeoutSeconds * 1000);
    const body = parseBody(result.statusCode, result.body);
    response = verifyAdmissionResponse(uid, mutating, body);
  } catch (err) {
    let reason: string;
    if (err instanceof InvalidResponseError) reason = `received invalid webhook response: ${err.message}`;
    else if (err instanceof CallError && err.code === 'EOTHER' && err.message.startsWith('an error on the server')) reason = `failed to call webhook: ${err.message}`;
    else if (err instanceof CallError) reason = `failed to call webhook: Post "${endpoint.displayUrl}": ${err.message}`;
    else throw err;
    if (ignoreFailures) return undefined;
    throw callingWebhookError(webhook.name, reason);
  }
  for (const warning of response.warnings ?? []) attrs.warnings?.push(warning);
  if (!response.allowed) throw deniedError(webhook.name, response.status);
  return response;
}

/** client-go's decoding of the answer: non-2xx is an error carrying the body; 2xx must be JSON. */
function parseBody(statusCode: number, body: Buffer): unknown {
  const text = body.toString('utf8');
  if (statusCode < 200 || statusCode > 299) {
    throw new CallError('EOTHER', `an error on the server ("${text.trim().slice(0, 200)}") has prevented the request from succeeding`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new CallError('EOTHER', err instanceof Error ? err.message : String(err));
  }
}

/** The object as the webhook asked for it: another served version of the same kind is a relabel. */
function atVersion(obj: KubeObject | undefined, invocation: WebhookInvocation): KubeObject | undefined {
  if (obj === undefined) return undefined;
  const copy = structuredClone(obj) as KubeObject;
  copy.apiVersion = apiVersionOf(invocation.kind.group, invocation.kind.version);
  return copy;
}

/** Applies a JSONPatch response to the object in place, keeping the request's apiVersion. */
function applyPatch(webhookName: string, obj: KubeObject, patchBase64: string, invocation: WebhookInvocation): void {
  const requestApiVersion = obj.apiVersion;
  let patched: unknown;
  try {
    const ops = JSON.parse(Buffer.from(patchBase64, 'base64').toString('utf8')) as unknown;
    patched = applyJsonPatch(atVersion(obj, invocation), ops);
  } catch (err) {
    throw internalError(new Error(`admission webhook "${webhookName}" returned an invalid patch: ${err instanceof Error ? err.message : String(err)}`));
  }
  if (patched === null || typeof patched !== 'object' || Array.isArray(patched)) {
    throw internalError(new Error(`admission webhook "${webhookName}" returned a patch that does not yield an object`));
  }
  const result = patched as KubeObject;
  if (result.metadata === undefined || result.metadata === null || typeof result.metadata !== 'object') {
    throw new ApiError(500, 'InternalError', `Internal error occurred: admission webhook "${webhookName}" removed metadata`);
  }
  for (const key of Object.keys(obj)) delete obj[key];
  Object.assign(obj, result, { apiVersion: requestApiVersion });
}
