// The embedded cluster: the API server, then the parts of a real cluster that Ferry relies on
// (kube-controller-manager's garbage collector and namespace lifecycle, the node agent with its
// storage driver, scheduler, kubelet and service proxy), then Ferry itself (its CRDs and its
// controller with the admission webhooks). Every part but the API server reaches the API server
// through the kubeconfig, as it would in a real cluster. Stopped in reverse order.
import pino, { type Logger } from 'pino';
import { DefaultWorkerImage, FerryNamespace } from '../api/index.ts';
import { installFerry, startFerryController, type FerryController } from '../controllers/index.ts';
import { loadKubeConfig } from '../kube/config.ts';
import { startApiServer, type ApiServerHandle } from './apiserver/index.ts';
import { startControllerManager } from './kcm/index.ts';
import { startNodeAgent, type NodeAgent } from './node/agent.ts';
import { httpPodLogProvider } from './node/pods/log-provider.ts';

export interface EmbeddedClusterOptions {
  stateDir: string;
  port: number;
  host?: string;
  logger?: Logger;
  /**
   * Which parts to start: 'apiserver' alone, or 'full' (default): the controller manager, the
   * node agent and Ferry's controller as well.
   */
  components?: 'apiserver' | 'full';
  /** Storage capacity of the embedded node (default: the size of the state dir's filesystem). */
  capacityBytes?: number;
}

export interface EmbeddedCluster {
  apiServer: ApiServerHandle;
  /** Absolute path of the kubeconfig in the state dir. */
  kubeconfigPath: string;
  /** The node agent, when started. */
  node?: NodeAgent;
  /** Ferry's controller, when started. */
  controller?: FerryController;
  /** Stops the components in reverse start order; the API server (and its store) last. */
  close(): Promise<void>;
}

export async function startEmbeddedCluster(opts: EmbeddedClusterOptions): Promise<EmbeddedCluster> {
  const logger = opts.logger ?? pino({ level: 'info' }, pino.destination(2));
  const apiServer = await startApiServer({
    stateDir: opts.stateDir,
    port: opts.port,
    logger: logger.child({ component: 'apiserver' }),
    ...(opts.host === undefined ? {} : { host: opts.host }),
  });
  const stops: { name: string; stop: () => Promise<void> }[] = [{ name: 'apiserver', stop: () => apiServer.close() }];
  const close = async (): Promise<void> => {
    for (const part of stops.splice(0).reverse()) {
      try {
        await part.stop();
      } catch (err) {
        logger.warn({ component: part.name, err: err instanceof Error ? err.message : String(err) }, 'component did not stop cleanly');
      }
    }
  };
  if (opts.components === 'apiserver') return { apiServer, kubeconfigPath: apiServer.kubeconfigPath, close };

  try {
    const kubeConfig = loadKubeConfig(apiServer.kubeconfigPath);
    const kcm = await startControllerManager({ kubeConfig, caPem: apiServer.caPem, logger: logger.child({ component: 'kcm' }) });
    stops.push({ name: 'kcm', stop: () => kcm.stop() });

    const node = await startNodeAgent({
      kubeConfig,
      stateDir: opts.stateDir,
      workerImage: DefaultWorkerImage,
      logger: logger.child({ component: 'node' }),
      ...(opts.capacityBytes === undefined ? {} : { capacityBytes: opts.capacityBytes }),
    });
    stops.push({ name: 'node', stop: () => node.stop() });
    apiServer.registerPodLogProvider(httpPodLogProvider({ portFor: (name) => (name === node.nodeName ? node.logServerPort : undefined) }));
    stops.push({ name: 'pod logs', stop: async () => apiServer.registerPodLogProvider(undefined) });

    await installFerry(kubeConfig);
    const controller = await startFerryController({
      kubeConfig,
      namespace: FerryNamespace,
      workerImage: DefaultWorkerImage,
      webhook: { port: 0, registration: 'url' },
      metricsPort: 0,
      healthPort: 0,
      leaderElection: false,
      logger: logger.child({ component: 'ferry' }),
    });
    stops.push({ name: 'ferry', stop: () => controller.stop() });
    return { apiServer, kubeconfigPath: apiServer.kubeconfigPath, node, controller, close };
  } catch (err) {
    await close();
    throw err;
  }
}
