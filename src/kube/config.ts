// Loads a kubeconfig once at the entry point; everything else receives the KubeConfig object.
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { KubeConfig, type Cluster } from '@kubernetes/client-node';

export function loadKubeConfig(path?: string): KubeConfig {
  const kc = new KubeConfig();
  if (path) kc.loadFromFile(path);
  else kc.loadFromDefault();
  if (!kc.getCurrentCluster()) {
    throw new Error(`no cluster in the kubeconfig ${path ?? '(default)'}: pass --kubeconfig or set KUBECONFIG`);
  }
  return shareConnections(kc);
}

type AgentFactory = { createAgent(cluster: Cluster | null, options: Record<string, unknown>): HttpAgent };

const optionKey = (options: Record<string, unknown>): string =>
  JSON.stringify(Object.entries(options).filter(([, v]) => v !== undefined).sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => [k, Buffer.isBuffer(v) ? v.toString('base64') : v]));

/**
 * client-node 1.x builds a new https.Agent for every request, so every call (and every watch)
 * pays a TLS handshake and a new SecureContext, and no connection is ever reused: a controller
 * writing status spends most of its CPU there. This keeps one keep-alive agent per set of TLS
 * options for `kc`, as client-go keeps one transport per config. Proxied clusters keep
 * client-node's own agents.
 */
export function shareConnections(kc: KubeConfig): KubeConfig {
  const factory = kc as unknown as AgentFactory;
  const original = factory.createAgent.bind(kc);
  const agents = new Map<string, HttpAgent>();
  factory.createAgent = (cluster, options) => {
    if (cluster?.proxyUrl || !cluster?.server.startsWith('https:')) return original(cluster, options);
    const key = `${cluster.server}\u0000${optionKey(options)}`;
    let agent = agents.get(key);
    if (!agent) {
      agent = new HttpsAgent({ ...options, keepAlive: true, keepAliveMsecs: 30_000, maxFreeSockets: 16 });
      agents.set(key, agent);
    }
    return agent;
  };
  return kc;
}
