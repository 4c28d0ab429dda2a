// What the webhook dispatcher reads of the cluster, behind one small interface: the webhook
// configurations (sorted by name, as kube-apiserver orders them), namespace labels, services,
// and the versions a resource is served at. `storeWorld` reads them from the server's Store.
import type { ServedResource } from '../server/registry.ts';
import type { Store } from '../storage/index.ts';
import type { KubeObject } from '../types.ts';
import type { ServiceLookup } from './service-resolve.ts';
import type { GroupVersionKind, GroupVersionResource, Webhook } from './types.ts';

export type WebhookKind = 'mutating' | 'validating';

export interface ConfiguredWebhook {
  /** metadata.name of the configuration the webhook belongs to. */
  configuration: string;
  webhook: Webhook;
}

export interface WebhookWorld {
  /** Every webhook of that kind: configurations by name, webhooks in their listed order. */
  webhooks(kind: WebhookKind): ConfiguredWebhook[];
  namespaceLabels(name: string): Record<string, string> | undefined;
  service: ServiceLookup;
  equivalents(group: string, resource: string): { resource: GroupVersionResource; kind: GroupVersionKind }[];
}

const CONFIG_RESOURCES: Record<WebhookKind, string> = {
  mutating: 'admissionregistration.k8s.io/mutatingwebhookconfigurations',
  validating: 'admissionregistration.k8s.io/validatingwebhookconfigurations',
};

export function storeWorld(store: Store, servedResources: () => ServedResource[]): WebhookWorld {
  return {
    webhooks(kind) {
      const configs = [...store.list(CONFIG_RESOURCES[kind]).items].sort(byName);
      return configs.flatMap((config) =>
        ((config['webhooks'] ?? []) as Webhook[]).map((webhook) => ({ configuration: config.metadata.name ?? '', webhook })),
      );
    },
    namespaceLabels(name) {
      const ns = store.get({ resource: 'core/namespaces', namespace: '', name });
      return ns === undefined ? undefined : { ...(ns.metadata.labels ?? {}) };
    },
    service: (namespace, name) => store.get({ resource: 'core/services', namespace, name }),
    equivalents(group, resource) {
      return servedResources()
        .filter((r) => r.group === group && r.resource === resource)
        .map((r) => ({ resource: { group, version: r.version, resource }, kind: { group, version: r.version, kind: r.kind } }));
    },
  };
}

function byName(a: KubeObject, b: KubeObject): number {
  const x = a.metadata.name ?? '';
  const y = b.metadata.name ?? '';
  return x < y ? -1 : x > y ? 1 : 0;
}
