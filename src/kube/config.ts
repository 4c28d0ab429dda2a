// Loads a kubeconfig once at the entry point; everything else receives the KubeConfig object.
import { KubeConfig } from '@kubernetes/client-node';

export function loadKubeConfig(path?: string): KubeConfig {
  const kc = new KubeConfig();
  if (path) kc.loadFromFile(path);
  else kc.loadFromDefault();
  if (!kc.getCurrentCluster()) {
    throw new Error(`no cluster in the kubeconfig ${path ?? '(default)'}: pass --kubeconfig or set KUBECONFIG`);
  }
  return kc;
}
