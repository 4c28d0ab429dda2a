// The embedded kube-controller-manager: the built-in controllers Ferry relies on (garbage
// collector, namespace lifecycle with default service accounts). They reach the API server only
// through the client library, so they would run against any API server.
import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { GarbageCollector } from './garbage-collector.ts';
import { NamespaceController } from './namespaces.ts';

export { GarbageCollector } from './garbage-collector.ts';
export { NamespaceController } from './namespaces.ts';
export { decideGarbageCollection } from './gc-decide.ts';

export async function startControllerManager(opts: { kubeConfig: KubeConfig; caPem?: string; logger?: Logger }): Promise<{ stop(): Promise<void> }> {
  const gc = new GarbageCollector({ kubeConfig: opts.kubeConfig, ...(opts.logger ? { logger: opts.logger.child({ component: 'garbage-collector' }) } : {}) });
  const namespaces = new NamespaceController({ kubeConfig: opts.kubeConfig, ...(opts.caPem ? { caPem: opts.caPem } : {}), ...(opts.logger ? { logger: opts.logger.child({ component: 'namespace-controller' }) } : {}) });
  await Promise.all([gc.start(), namespaces.start()]);
  return {
    async stop() {
      await Promise.all([gc.stop(), namespaces.stop()]);
    },
  };
}
