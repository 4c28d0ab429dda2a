// installFerry: what a cluster needs before Ferry's controller runs: the CRDs (waited for until
// served), the namespace, the default CDIConfig `config` and CDI `cdi` objects (CDI's default
// install enables HonorWaitForFirstConsumer), and, when given where the webhook is served, the
// webhook configurations. Idempotent: existing objects are updated (CRDs) or left as they are
// (CDIConfig, CDI: users own their spec).
import {
  ApiextensionsV1Api, CoreV1Api, CustomObjectsApi, type KubeConfig, type V1CustomResourceDefinition,
} from '@kubernetes/client-node';
import {
  CDIConfigName, CDI_API_VERSION, FeatureGate, ferryCustomResourceDefinitions, type CDI, type CDIConfig,
} from '../api/index.ts';
import { kube, orUndefined, toKubeError } from '../kube/errors.ts';
import { registerWebhooks, type WebhookTarget } from '../webhooks/registration.ts';
import { cdiResource } from './context.ts';
import { CDIObjectName, DefaultFerryNamespace } from '../api/names.ts';

export interface InstallOptions {
  /** Where the API server reaches the webhooks: a base URL (embedded mode) or the Service. */
  webhookURL?: string;
  webhookService?: { namespace: string; name: string; port?: number };
  /** PEM of the CA that signed the webhook's serving certificate. */
  caBundle?: string;
  namespace?: string;
  /** How long to wait for the CRDs to be served (default 30 s). */
  timeoutMs?: number;
}

async function createIfAbsent(create: () => Promise<unknown>): Promise<void> {
  try {
    await create();
  } catch (err) {
    if (toKubeError(err).code !== 'EEXISTS') throw toKubeError(err);
  }
}

async function applyCrd(api: ApiextensionsV1Api, crd: V1CustomResourceDefinition): Promise<void> {
  const name = crd.metadata?.name ?? '';
  const existing = await orUndefined(api.readCustomResourceDefinition({ name }));
  if (!existing) {
    await createIfAbsent(() => api.createCustomResourceDefinition({ body: crd }));
    return;
  }
  await kube(api.replaceCustomResourceDefinition({ name, body: { ...crd, metadata: { ...crd.metadata, resourceVersion: existing.metadata?.resourceVersion } } }));
}

async function waitServed(custom: CustomObjectsApi, deadline: number): Promise<void> {
  for (;;) {
    try {
      await custom.listClusterCustomObject({ ...cdiResource.cdiConfigs });
      await custom.listClusterCustomObject({ ...cdiResource.dataVolumes });
      return;
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`Ferry's CRDs are not served after install: ${toKubeError(err).message}`, { cause: err });
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

export async function installFerry(kubeConfig: KubeConfig, options: InstallOptions = {}): Promise<void> {
  const ext = kubeConfig.makeApiClient(ApiextensionsV1Api);
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const custom = kubeConfig.makeApiClient(CustomObjectsApi);
  for (const crd of ferryCustomResourceDefinitions()) await applyCrd(ext, crd as unknown as V1CustomResourceDefinition);
  await waitServed(custom, Date.now() + (options.timeoutMs ?? 30_000));
  const namespace = options.namespace ?? DefaultFerryNamespace;
  await createIfAbsent(() => core.createNamespace({ body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } } }));
  const config: CDIConfig = { apiVersion: CDI_API_VERSION, kind: 'CDIConfig', metadata: { name: CDIConfigName }, spec: {} };
  await createIfAbsent(() => custom.createClusterCustomObject({ ...cdiResource.cdiConfigs, body: config }));
  const cdi: CDI = {
    apiVersion: CDI_API_VERSION,
    kind: 'CDI',
    metadata: { name: CDIObjectName },
    spec: { config: { featureGates: [FeatureGate.HonorWaitForFirstConsumer] } },
  };
  await createIfAbsent(() => custom.createClusterCustomObject({ ...cdiResource.cdis, body: cdi }));
  const target: WebhookTarget | undefined = options.webhookURL
    ? { url: options.webhookURL }
    : options.webhookService
      ? { service: options.webhookService }
      : undefined;
  if (target && options.caBundle) await registerWebhooks(kubeConfig, target, options.caBundle);
}
