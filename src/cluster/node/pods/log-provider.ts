// The API server side of `kubectl logs` in embedded mode: a PodLogProvider (the seam of
// src/cluster/apiserver) that asks the node's log server over HTTP, as kube-apiserver proxies
// pods/log to the kubelet named by the pod's node (status.daemonEndpoints.kubeletEndpoint.Port).
// The log server's 400/404 answers become the same API errors.
import { ApiError, type PodLogProvider } from '../../apiserver/index.ts';

export interface HttpPodLogProviderOptions {
  /** The log server's port for a node name (the Node's kubeletEndpoint port). */
  portFor(nodeName: string): number | undefined;
}

export function httpPodLogProvider(opts: HttpPodLogProviderOptions): PodLogProvider {
  return async (pod, req) => {
    const meta = pod.metadata;
    const spec = (pod['spec'] ?? {}) as { nodeName?: string };
    const port = spec.nodeName ? opts.portFor(spec.nodeName) : undefined;
    if (port === undefined) throw new ApiError(400, 'BadRequest', `container "${req.container ?? ''}" in pod "${meta.name}" is waiting to start: ContainerCreating`);
    const q = new URLSearchParams();
    if (req.follow) q.set('follow', 'true');
    if (req.previous) q.set('previous', 'true');
    if (req.timestamps) q.set('timestamps', 'true');
    if (req.tailLines !== undefined) q.set('tailLines', String(req.tailLines));
    if (req.limitBytes !== undefined) q.set('limitBytes', String(req.limitBytes));
    const path = [meta.namespace ?? '', meta.name ?? '', req.container ?? ''].map(encodeURIComponent).join('/');
    const res = await fetch(`http://127.0.0.1:${port}/containerLogs/${path}?${q}`, { signal: req.signal });
    if (res.status !== 200 || !res.body) {
      const message = (await res.text()).trim();
      if (res.status === 404) throw new ApiError(404, 'NotFound', message);
      throw new ApiError(res.status === 400 ? 400 : 500, res.status === 400 ? 'BadRequest' : 'InternalError', message);
    }
    return res.body as unknown as AsyncIterable<Uint8Array>;
  };
}
