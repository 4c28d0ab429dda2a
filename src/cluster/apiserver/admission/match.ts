// Which webhooks a request reaches, decided the way k8s.io/apiserver's webhook dispatcher does
// (ShouldCallHook): namespaceSelector, then objectSelector, then the rules (exact first, then,
// with matchPolicy Equivalent, the same resource at another served version). Pure: the caller
// supplies the namespace's labels and the equivalent versions.
import { labelSelectorFromSpec, matchesLabels, type LabelSelectorSpec } from '../selectors/index.ts';
import type { KubeObject } from '../types.ts';
import type { GroupVersionKind, GroupVersionResource, Operation, RuleWithOperations, Webhook } from './types.ts';

export interface MatchRequest {
  operation: Operation;
  /** The resource as requested (group, version, plural). */
  resource: GroupVersionResource;
  kind: GroupVersionKind;
  subresource: string;
  /** '' for cluster-scoped resources and for namespaces themselves. */
  namespace: string;
  object: KubeObject | undefined;
  oldObject: KubeObject | undefined;
  /**
   * Labels of the request's namespace; `undefined` when it does not exist. Not consulted for
   * cluster-scoped requests nor for namespaces (whose own labels are used).
   */
  namespaceLabels: Record<string, string> | undefined;
  /** Every served version of this group/resource, with its kind (for matchPolicy Equivalent). */
  equivalents: { resource: GroupVersionResource; kind: GroupVersionKind }[];
}

/** The webhook is called for the resource and kind it asked for (maybe another version). */
export interface WebhookInvocation {
  resource: GroupVersionResource;
  kind: GroupVersionKind;
  subresource: string;
}

export type MatchOutcome =
  | { decision: 'skip' }
  | { decision: 'call'; invocation: WebhookInvocation }
  /** The rules match but the namespace does not exist: 404 for the namespace, as the real server. */
  | { decision: 'namespaceNotFound'; namespace: string };

const EXEMPT_RESOURCES = new Set(['mutatingwebhookconfigurations', 'validatingwebhookconfigurations', 'validatingadmissionpolicies', 'validatingadmissionpolicybindings', 'mutatingadmissionpolicies', 'mutatingadmissionpolicybindings']);

/** Webhook configurations are never sent to webhooks, so that a broken webhook can be removed. */
export function isExemptFromWebhooks(resource: GroupVersionResource): boolean {
  return resource.group === 'admissionregistration.k8s.io' && EXEMPT_RESOURCES.has(resource.resource);
}

export function matchWebhook(webhook: Webhook, request: MatchRequest): MatchOutcome {
  const ns = matchNamespaceSelector(webhook.namespaceSelector, request);
  if (ns === false) return { decision: 'skip' };
  if (!matchObjectSelector(webhook.objectSelector, request)) return { decision: 'skip' };
  const invocation = matchRules(webhook, request);
  if (invocation === undefined) return { decision: 'skip' };
  if (ns === 'namespaceNotFound') return { decision: 'namespaceNotFound', namespace: request.namespace };
  return { decision: 'call', invocation };
}

function matchRules(webhook: Webhook, request: MatchRequest): WebhookInvocation | undefined {
  const rules = webhook.rules ?? [];
  if (rules.some((rule) => ruleMatches(rule, request, request.resource))) {
    return { resource: request.resource, kind: request.kind, subresource: request.subresource };
  }
  if ((webhook.matchPolicy ?? 'Equivalent') !== 'Equivalent') return undefined;
  // Earlier rules first; within a rule, the equivalents in the order the server lists them.
  for (const rule of rules) {
    for (const equivalent of request.equivalents) {
      if (sameResource(equivalent.resource, request.resource)) continue;
      if (ruleMatches(rule, request, equivalent.resource)) {
        return { resource: equivalent.resource, kind: equivalent.kind, subresource: request.subresource };
      }
    }
  }
  return undefined;
}

/** rules.Matcher.Matches: scope, operation, group, version, resource (with subresource forms). */
export function ruleMatches(rule: RuleWithOperations, request: Pick<MatchRequest, 'operation' | 'subresource' | 'namespace'>, resource: GroupVersionResource): boolean {
  return (
    scopeMatches(rule.scope ?? '*', resource, request.namespace) &&
    listMatches(rule.operations, request.operation) &&
    listMatches(rule.apiGroups, resource.group) &&
    listMatches(rule.apiVersions, resource.version) &&
    resourceMatches(rule.resources ?? [], resource.resource, request.subresource)
  );
}

function scopeMatches(scope: string, resource: GroupVersionResource, namespace: string): boolean {
  const isNamespace = resource.group === '' && resource.resource === 'namespaces';
  switch (scope) {
    case 'Namespaced':
      return !isNamespace && namespace !== '';
    case 'Cluster':
      return isNamespace || namespace === '';
    default:
      return true;
  }
}

function listMatches(values: string[] | undefined, wanted: string): boolean {
  return (values ?? []).some((v) => v === '*' || v === wanted);
}

// `*` is every resource but no subresource; `*/*` everything; `pods/*`, `*/status`, `pods/status`.
function resourceMatches(resources: string[], resource: string, subresource: string): boolean {
  for (const entry of resources) {
    const slash = entry.indexOf('/');
    const res = slash === -1 ? entry : entry.slice(0, slash);
    const sub = slash === -1 ? '' : entry.slice(slash + 1);
    if ((res === '*' || res === resource) && (sub === '*' || sub === subresource)) return true;
  }
  return false;
}

function sameResource(a: GroupVersionResource, b: GroupVersionResource): boolean {
  return a.group === b.group && a.version === b.version && a.resource === b.resource;
}

/**
 * Cluster-scoped requests (other than for namespaces) always match; a namespace is matched by
 * its own labels; anything else by its namespace's labels.
 */
function matchNamespaceSelector(spec: LabelSelectorSpec | undefined, request: MatchRequest): boolean | 'namespaceNotFound' {
  const isNamespace = request.resource.resource === 'namespaces';
  if (request.namespace === '' && !isNamespace) return true;
  if (isEmptySelector(spec)) return true;
  const selector = labelSelectorFromSpec(spec);
  if (isNamespace) {
    const obj = request.object ?? request.oldObject;
    return matchesLabels(selector, obj?.metadata.labels ?? {});
  }
  if (request.namespaceLabels === undefined) return 'namespaceNotFound';
  return matchesLabels(selector, request.namespaceLabels);
}

/** Matches when the new or the old object has matching labels. */
function matchObjectSelector(spec: LabelSelectorSpec | undefined, request: MatchRequest): boolean {
  if (isEmptySelector(spec)) return true;
  const selector = labelSelectorFromSpec(spec);
  const matches = (obj: KubeObject | undefined): boolean => obj !== undefined && matchesLabels(selector, obj.metadata.labels ?? {});
  return matches(request.object) || matches(request.oldObject);
}

function isEmptySelector(spec: LabelSelectorSpec | undefined): boolean {
  return spec === undefined || (Object.keys(spec.matchLabels ?? {}).length === 0 && (spec.matchExpressions ?? []).length === 0);
}
