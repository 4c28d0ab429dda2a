// The embedded cluster: the place where every embedded component is started next to the API
// server. Today that is the API server alone; the built-in controllers and the node agent
// (later issues) start here too, talking to the API server through its kubeconfig.
import type { Logger } from 'pino';
import { startApiServer, type ApiServerHandle } from './apiserver/index.ts';

export interface EmbeddedClusterOptions {
  stateDir: string;
  port: number;
  host?: string;
  logger?: Logger;
}

export interface EmbeddedCluster {
  apiServer: ApiServerHandle;
  /** Absolute path of the kubeconfig in the state dir. */
  kubeconfigPath: string;
  /** Stops the components in reverse start order; the API server (and its store) last. */
  close(): Promise<void>;
}

export async function startEmbeddedCluster(opts: EmbeddedClusterOptions): Promise<EmbeddedCluster> {
  const apiServer = await startApiServer({
    stateDir: opts.stateDir,
    port: opts.port,
    ...(opts.host === undefined ? {} : { host: opts.host }),
    ...(opts.logger === undefined ? {} : { logger: opts.logger }),
  });
  return {
    apiServer,
    kubeconfigPath: apiServer.kubeconfigPath,
    close: () => apiServer.close(),
  };
}
