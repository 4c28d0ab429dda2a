// admissionregistration.k8s.io/v1 Mutating/ValidatingWebhookConfiguration and
// apiregistration.k8s.io/v1 APIService: how the API server reaches out to other servers.

import type { FieldError, KubeObject } from '../types.ts';
import { duplicate, invalid, notSupported, required } from './field-errors.ts';
import { defineKind } from './kind-helpers.ts';
import { arrayAt, isObject, objectAt, objectsAt, path, setDefault, stringAt } from './object-access.ts';
import type { JsonObject } from './object-access.ts';
import { age, ageColumn, column, nameColumn } from './printing.ts';
import { describe } from './schemas.ts';
import type { ResourceType } from './types.ts';

const admission = 'io.k8s.api.admissionregistration.v1';

function defaultServicePort(clientConfig: unknown): void {
  const service = path(clientConfig, 'service');
  if (isObject(service)) setDefault(service, 'port', 443);
}

/** SetDefaults_ValidatingWebhook / _MutatingWebhook / _Rule / _ServiceReference. */
function defaultWebhooks(mutating: boolean) {
  return (obj: KubeObject): void => {
    for (const webhook of objectsAt(obj, 'webhooks')) {
      setDefault(webhook, 'failurePolicy', 'Fail');
      setDefault(webhook, 'matchPolicy', 'Equivalent');
      setDefault(webhook, 'namespaceSelector', {});
      setDefault(webhook, 'objectSelector', {});
      setDefault(webhook, 'timeoutSeconds', 10);
      if (mutating) setDefault(webhook, 'reinvocationPolicy', 'Never');
      for (const rule of objectsAt(webhook, 'rules')) setDefault(rule, 'scope', '*');
      defaultServicePort(webhook['clientConfig']);
    }
  };
}

const sideEffectClasses = ['None', 'NoneOnDryRun'];

function validateWebhook(webhook: JsonObject, field: string): FieldError[] {
  const errors: FieldError[] = [];
  const name = stringAt(webhook, 'name');
  if (!name) errors.push(required(`${field}.name`));
  else if (name.split('.').length < 3) {
    errors.push(invalid(`${field}.name`, name, 'should be a domain with at least three segments separated by dots'));
  }
  const sideEffects = webhook['sideEffects'];
  if (sideEffects === undefined) errors.push(required(`${field}.sideEffects`, `must specify one of ${sideEffectClasses.join(', ')}`));
  else if (typeof sideEffects !== 'string' || !sideEffectClasses.includes(sideEffects)) {
    errors.push(notSupported(`${field}.sideEffects`, sideEffects, sideEffectClasses));
  }
  if (arrayAt(webhook, 'admissionReviewVersions').length === 0) {
    errors.push(required(`${field}.admissionReviewVersions`, 'must specify one of v1, v1beta1'));
  }
  const clientConfig = objectAt(webhook, 'clientConfig');
  const hasUrl = typeof clientConfig['url'] === 'string';
  const hasService = isObject(clientConfig['service']);
  if (hasUrl === hasService) errors.push(required(`${field}.clientConfig`, 'exactly one of url or service is required'));
  return errors;
}

function validateWebhooks(obj: KubeObject): FieldError[] {
  const errors: FieldError[] = [];
  const names = new Set<string>();
  for (const [i, webhook] of objectsAt(obj, 'webhooks').entries()) {
    errors.push(...validateWebhook(webhook, `webhooks[${i}]`));
    const name = stringAt(webhook, 'name');
    if (names.has(name)) errors.push(duplicate(`webhooks[${i}].name`, name));
    names.add(name);
  }
  return errors;
}

function webhookConfiguration(kind: string, resource: string, mutating: boolean): ResourceType {
  return defineKind('admissionregistration.k8s.io', kind, resource, `${admission}.${kind}`, {
    namespaced: false,
    hasGeneration: true,
    defaults: defaultWebhooks(mutating),
    validate: validateWebhooks,
    printerColumns: [nameColumn(), column('Webhooks', describe(`${admission}.${kind}`, 'webhooks'), { type: 'integer' }), ageColumn()],
    cells: (obj, now) => [obj.metadata.name ?? '', objectsAt(obj, 'webhooks').length, age(obj, now)],
  });
}

/** The AVAILABLE cell: True, or "False (Reason)". */
function apiServiceAvailable(obj: KubeObject): string {
  const condition = objectsAt(objectAt(obj, 'status'), 'conditions').find((c) => c['type'] === 'Available');
  if (!condition) return 'Unknown';
  const status = stringAt(condition, 'status');
  const reason = stringAt(condition, 'reason');
  return status !== 'True' && reason ? `${status} (${reason})` : status;
}

export const apiServiceResource = defineKind(
  'apiregistration.k8s.io',
  'APIService',
  'apiservices',
  'io.k8s.kube-aggregator.pkg.apis.apiregistration.v1.APIService',
  {
    namespaced: false,
    subresources: ['status'],
    hasStatus: true,
    defaults: (obj) => defaultServicePort(objectAt(obj, 'spec')),
    validate(obj) {
      const spec = objectAt(obj, 'spec');
      const expected = `${stringAt(spec, 'version')}.${stringAt(spec, 'group')}`;
      const name = obj.metadata.name ?? '';
      return name === expected ? [] : [invalid('metadata.name', name, `must be ${expected}`)];
    },
    printerColumns: [
      nameColumn(),
      column('Service', 'The reference to the service that hosts this API endpoint.'),
      column('Available', 'Whether this service is available.'),
      ageColumn(),
    ],
    cells(obj, now) {
      const service = path(obj, 'spec', 'service');
      const where = isObject(service) ? `${stringAt(service, 'namespace')}/${stringAt(service, 'name')}` : 'Local';
      return [obj.metadata.name ?? '', where, apiServiceAvailable(obj), age(obj, now)];
    },
  },
);

export const webhookResources: ResourceType[] = [
  webhookConfiguration('MutatingWebhookConfiguration', 'mutatingwebhookconfigurations', true),
  webhookConfiguration('ValidatingWebhookConfiguration', 'validatingwebhookconfigurations', false),
];
