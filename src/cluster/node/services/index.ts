// Services on the embedded node: cluster IP allocation, the endpoints and endpointslice
// controllers, and the userspace proxy, over shared informers of Services, Pods and
// EndpointSlices. Reaches the API server only through the client library.
import { CoreV1Api, DiscoveryV1Api, type KubeConfig, type KubernetesListObject, type V1EndpointSlice, type V1Pod, type V1Service } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { Informer } from '../../../kube/informer.ts';
import { Manager, objectKey } from '../../../runtime/manager.ts';
import { ClusterIpAllocator } from './cluster-ip-controller.ts';
import { selectorMatches, serviceNameLabel } from './endpoints-decide.ts';
import { reconcileServiceEndpoints } from './endpoints-controller.ts';
import { proxyRules } from './proxy-decide.ts';
import { ServiceProxy } from './proxy.ts';

export { serviceCidr } from './cluster-ip-decide.ts';
export { computeServiceEndpoints } from './endpoints-decide.ts';
export { proxyRules } from './proxy-decide.ts';

export interface ServiceNetworkingOptions {
  kubeConfig: KubeConfig;
  logger?: Logger;
  /** Where cluster IP allocation starts in 127.96.0.0/16 (an offset). */
  clusterIpStartOffset?: number;
}

export class ServiceNetworking {
  readonly #manager: Manager;
  readonly #proxy: ServiceProxy;
  readonly #services: Informer<V1Service>;
  readonly #slices: Informer<V1EndpointSlice>;
  #proxyTimer: NodeJS.Timeout | undefined;
  #started = false;

  constructor(opts: ServiceNetworkingOptions) {
    const kc = opts.kubeConfig;
    const core = kc.makeApiClient(CoreV1Api);
    const discovery = kc.makeApiClient(DiscoveryV1Api);
    const logger = opts.logger?.child({ component: 'services' });
    const loggerOpt = logger ? { logger } : {};
    this.#manager = new Manager(loggerOpt);
    this.#proxy = new ServiceProxy(logger);
    const late: { allocator?: ClusterIpAllocator } = {};
    const ipQueue = this.#manager.addController({ name: 'cluster-ip', reconcile: (key) => late.allocator!.reconcile(key) }, 1);
    const endpointsQueue = this.#manager.addController({ name: 'endpoints', reconcile: (key) => reconcileServiceEndpoints({ core, discovery, services: this.#services, pods, slices: this.#slices }, key) }, 2);
    const onService = (svc: V1Service) => {
      late.allocator?.observed(svc);
      ipQueue.add(objectKey(svc));
      endpointsQueue.add(objectKey(svc));
      this.#scheduleProxySync();
    };
    this.#services = this.#manager.addInformer(
      new Informer<V1Service>({ kubeConfig: kc, path: '/api/v1/services', list: () => core.listServiceForAllNamespaces(), onAdd: onService, onUpdate: onService, onDelete: onService, ...loggerOpt }),
    );
    const onPod = (pod: V1Pod) => {
      for (const svc of this.#services.list(pod.metadata?.namespace)) {
        if (selectorMatches(svc.spec?.selector, pod.metadata?.labels)) endpointsQueue.add(objectKey(svc));
      }
    };
    // A pod whose labels changed no longer matches its old Services: resync the namespace's.
    const onPodUpdate = (pod: V1Pod) => {
      for (const svc of this.#services.list(pod.metadata?.namespace)) endpointsQueue.add(objectKey(svc));
    };
    const pods = this.#manager.addInformer(
      new Informer<V1Pod>({ kubeConfig: kc, path: '/api/v1/pods', list: () => core.listPodForAllNamespaces() as Promise<KubernetesListObject<V1Pod>>, onAdd: onPod, onUpdate: onPodUpdate, onDelete: onPod, ...loggerOpt }),
    );
    const onSlice = (slice: V1EndpointSlice) => {
      const svc = slice.metadata?.labels?.[serviceNameLabel];
      if (svc) endpointsQueue.add(`${slice.metadata?.namespace}/${svc}`);
      this.#scheduleProxySync();
    };
    this.#slices = this.#manager.addInformer(
      new Informer<V1EndpointSlice>({
        kubeConfig: kc,
        path: '/apis/discovery.k8s.io/v1/endpointslices',
        list: () => discovery.listEndpointSliceForAllNamespaces(),
        onAdd: onSlice,
        onUpdate: onSlice,
        onDelete: onSlice,
        ...loggerOpt,
      }),
    );
    late.allocator = new ClusterIpAllocator(core, this.#services, logger, opts.clusterIpStartOffset);
  }

  #scheduleProxySync(): void {
    if (!this.#started || this.#proxyTimer) return;
    // Coalesces a burst of changes into one sync.
    this.#proxyTimer = setTimeout(() => {
      this.#proxyTimer = undefined;
      void this.#proxy.sync(proxyRules(this.#services.list(), this.#slices.list()));
    }, 20);
  }

  async start(): Promise<void> {
    await this.#manager.start();
    this.#started = true;
    await this.#proxy.sync(proxyRules(this.#services.list(), this.#slices.list()));
  }

  /** The addresses the proxy listens on ("ip:port"). */
  proxyListening(): string[] {
    return this.#proxy.listening();
  }

  async stop(): Promise<void> {
    this.#started = false;
    clearTimeout(this.#proxyTimer);
    await this.#manager.stop();
    await this.#proxy.close();
  }
}
