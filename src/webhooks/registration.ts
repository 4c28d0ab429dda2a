// The webhook configurations that make the API server call Ferry for DataVolumes, CDI's names,
// rules and policies: validate on CREATE and UPDATE, mutate on CREATE, failurePolicy Fail (a
// DataVolume is not admitted unchecked), sideEffects None. Pointing either at a URL (embedded
// mode: https://127.0.0.1:<port>) or at the controller's Service (a real cluster), with the CA
// that signed the serving certificate. `webhookConfigurations` is pure; `registerWebhooks`
// creates or updates them.
import {
  AdmissionregistrationV1Api, type KubeConfig, type V1MutatingWebhookConfiguration, type V1ValidatingWebhookConfiguration,
  type AdmissionregistrationV1WebhookClientConfig,
} from '@kubernetes/client-node';
import { kube, orUndefined, toKubeError } from '../kube/errors.ts';
import { Webhook } from '../api/names.ts';

export type WebhookTarget =
  | { url: string }
  | { service: { namespace: string; name: string; port?: number } };

function clientConfig(target: WebhookTarget, path: string, caBundle: string): AdmissionregistrationV1WebhookClientConfig {
  const ca = Buffer.from(caBundle).toString('base64');
  if ('url' in target) return { url: `${target.url.replace(/\/+$/, '')}${path}`, caBundle: ca };
  return { service: { ...target.service, path }, caBundle: ca };
}

const rule = (operations: string[]) => ({
  operations,
  apiGroups: ['cdi.kubevirt.io'],
  apiVersions: ['v1beta1'],
  resources: ['datavolumes'],
  scope: '*',
});

export function webhookConfigurations(target: WebhookTarget, caBundlePem: string): {
  validating: V1ValidatingWebhookConfiguration;
  mutating: V1MutatingWebhookConfiguration;
} {
  return {
    validating: {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingWebhookConfiguration',
      metadata: { name: Webhook.validatingConfigurationName },
      webhooks: [{
        name: Webhook.validateName,
        admissionReviewVersions: ['v1'],
        sideEffects: 'None',
        failurePolicy: 'Fail',
        clientConfig: clientConfig(target, Webhook.validatePath, caBundlePem),
        rules: [rule(['CREATE', 'UPDATE'])],
      }],
    },
    mutating: {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'MutatingWebhookConfiguration',
      metadata: { name: Webhook.mutatingConfigurationName },
      webhooks: [{
        name: Webhook.mutateName,
        admissionReviewVersions: ['v1'],
        sideEffects: 'None',
        failurePolicy: 'Fail',
        clientConfig: clientConfig(target, Webhook.mutatePath, caBundlePem),
        rules: [rule(['CREATE'])],
      }],
    },
  };
}

/** Creates or replaces both configurations. */
export async function registerWebhooks(kubeConfig: KubeConfig, target: WebhookTarget, caBundlePem: string): Promise<void> {
  const api = kubeConfig.makeApiClient(AdmissionregistrationV1Api);
  const { validating, mutating } = webhookConfigurations(target, caBundlePem);
  const name = (o: { metadata?: { name?: string } }) => o.metadata?.name ?? '';
  const existingV = await orUndefined(api.readValidatingWebhookConfiguration({ name: name(validating) }));
  if (existingV) {
    await kube(api.replaceValidatingWebhookConfiguration({ name: name(validating), body: { ...validating, metadata: { ...validating.metadata, resourceVersion: existingV.metadata?.resourceVersion } } }));
  } else {
    await kube(api.createValidatingWebhookConfiguration({ body: validating }));
  }
  const existingM = await orUndefined(api.readMutatingWebhookConfiguration({ name: name(mutating) }));
  if (existingM) {
    await kube(api.replaceMutatingWebhookConfiguration({ name: name(mutating), body: { ...mutating, metadata: { ...mutating.metadata, resourceVersion: existingM.metadata?.resourceVersion } } }));
  } else {
    await kube(api.createMutatingWebhookConfiguration({ body: mutating }));
  }
}

/**
 * Removes the configurations that still point at `url` (this replica's own server, embedded
 * mode), so that a stopped controller does not leave every DataVolume create failing against a
 * closed port. A configuration another replica has since pointed at itself is left alone.
 */
export async function unregisterWebhooks(kubeConfig: KubeConfig, url: string): Promise<void> {
  const api = kubeConfig.makeApiClient(AdmissionregistrationV1Api);
  const ours = (hooks: { clientConfig: AdmissionregistrationV1WebhookClientConfig }[] | undefined): boolean =>
    (hooks ?? []).length > 0 && (hooks ?? []).every((h) => h.clientConfig.url?.startsWith(`${url.replace(/\/+$/, '')}/`) === true);
  const validating = await orUndefined(api.readValidatingWebhookConfiguration({ name: Webhook.validatingConfigurationName }));
  if (validating && ours(validating.webhooks)) {
    await deleteUnlessChanged(api.deleteValidatingWebhookConfiguration({
      name: Webhook.validatingConfigurationName, body: { preconditions: { resourceVersion: validating.metadata?.resourceVersion } },
    }));
  }
  const mutating = await orUndefined(api.readMutatingWebhookConfiguration({ name: Webhook.mutatingConfigurationName }));
  if (mutating && ours(mutating.webhooks)) {
    await deleteUnlessChanged(api.deleteMutatingWebhookConfiguration({
      name: Webhook.mutatingConfigurationName, body: { preconditions: { resourceVersion: mutating.metadata?.resourceVersion } },
    }));
  }
}

/** A configuration gone or changed since it was read (another replica re-registered) stays as it is. */
async function deleteUnlessChanged(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (err) {
    const code = toKubeError(err).code;
    if (code !== 'ENOTFOUND' && code !== 'ECONFLICT') throw err;
  }
}
