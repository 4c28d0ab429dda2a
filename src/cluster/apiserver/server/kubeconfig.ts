// The kubeconfig the server writes into its state dir: cluster `ferry` (server URL and CA),
// user `admin` (bearer token), context `ferry` (namespace default), current.
import { stringify } from 'yaml';

export function renderKubeconfig(url: string, caPem: string, token: string): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'ferry', cluster: { server: url, 'certificate-authority-data': Buffer.from(caPem).toString('base64') } }],
    users: [{ name: 'admin', user: { token } }],
    contexts: [{ name: 'ferry', context: { cluster: 'ferry', user: 'admin', namespace: 'default' } }],
    'current-context': 'ferry',
    preferences: {},
  });
}
