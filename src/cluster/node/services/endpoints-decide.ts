// The endpoints of a Service (the endpoints and endpointslice controllers): pods of the Service's
// namespace matching its selector, with an IP, not terminal. Ready pods (condition Ready=True) are
// `addresses`, others `notReadyAddresses` (all ready with publishNotReadyAddresses). Each Service
// port resolves its targetPort per pod (a name is looked up in the pod's container ports; a pod
// without that port is left out of that port); pods resolving to the same ports share a subset,
// and an EndpointSlice.
import { createHash } from 'node:crypto';
import type { V1Pod, V1Service } from '@kubernetes/client-node';

export const serviceNameLabel = 'kubernetes.io/service-name';
export const sliceManagedByLabel = 'endpointslice.kubernetes.io/managed-by';
export const sliceManager = 'endpointslice-controller.k8s.io';

export interface EndpointPortJson {
  name?: string;
  port: number;
  protocol: string;
}

export interface EndpointAddressJson {
  ip: string;
  nodeName?: string;
  targetRef: { kind: 'Pod'; namespace: string; name: string; uid: string };
}

export interface EndpointsSubsetJson {
  addresses?: EndpointAddressJson[];
  notReadyAddresses?: EndpointAddressJson[];
  ports: EndpointPortJson[];
}

export interface SliceEndpointJson {
  addresses: string[];
  conditions: { ready: boolean; serving: boolean; terminating: boolean };
  nodeName?: string;
  targetRef: { kind: 'Pod'; namespace: string; name: string; uid: string };
}

export interface EndpointSliceJson {
  name: string;
  addressType: 'IPv4';
  endpoints: SliceEndpointJson[];
  ports: EndpointPortJson[];
}

export interface ServiceEndpoints {
  subsets: EndpointsSubsetJson[];
  slices: EndpointSliceJson[];
}

export function selectorMatches(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  if (!selector || Object.keys(selector).length === 0) return false;
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

export function podIsReady(pod: V1Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

function resolvePort(target: number | string | undefined, servicePort: number, pod: V1Pod, protocol: string): number | undefined {
  if (target === undefined || target === '' || target === 0) return servicePort;
  if (typeof target === 'number') return target;
  if (/^\d+$/.test(target)) return Number(target);
  for (const c of pod.spec?.containers ?? []) {
    for (const p of c.ports ?? []) if (p.name === target && (p.protocol ?? 'TCP') === protocol) return p.containerPort;
  }
  return undefined;
}

const byIp = (a: { ip: string }, b: { ip: string }) => (a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : 0);

export function computeServiceEndpoints(service: V1Service, pods: readonly V1Pod[]): ServiceEndpoints {
  const spec = service.spec;
  const serviceName = service.metadata?.name ?? '';
  const groups = new Map<string, { ports: EndpointPortJson[]; ready: EndpointAddressJson[]; notReady: EndpointAddressJson[]; terminating: Set<string> }>();
  for (const pod of pods) {
    if (pod.metadata?.namespace !== service.metadata?.namespace) continue;
    if (!selectorMatches(spec?.selector, pod.metadata?.labels)) continue;
    const ip = pod.status?.podIP;
    if (!ip || pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') continue;
    const terminating = Boolean(pod.metadata?.deletionTimestamp);
    if (terminating && !spec?.publishNotReadyAddresses) continue;
    const ports: EndpointPortJson[] = [];
    for (const sp of spec?.ports ?? []) {
      const protocol = sp.protocol ?? 'TCP';
      const port = resolvePort(sp.targetPort as number | string | undefined, sp.port, pod, protocol);
      if (port !== undefined) ports.push({ ...(sp.name ? { name: sp.name } : {}), port, protocol });
    }
    if (ports.length === 0 && (spec?.ports?.length ?? 0) > 0) continue;
    const key = JSON.stringify(ports);
    let group = groups.get(key);
    if (!group) {
      group = { ports, ready: [], notReady: [], terminating: new Set() };
      groups.set(key, group);
    }
    const address: EndpointAddressJson = {
      ip,
      ...(pod.spec?.nodeName ? { nodeName: pod.spec.nodeName } : {}),
      targetRef: { kind: 'Pod', namespace: pod.metadata?.namespace ?? '', name: pod.metadata?.name ?? '', uid: pod.metadata?.uid ?? '' },
    };
    if (podIsReady(pod) || spec?.publishNotReadyAddresses) group.ready.push(address);
    else group.notReady.push(address);
    if (terminating) group.terminating.add(ip);
  }
  const keys = [...groups.keys()].sort();
  const subsets: EndpointsSubsetJson[] = [];
  const slices: EndpointSliceJson[] = [];
  for (const key of keys) {
    const g = groups.get(key)!;
    g.ready.sort(byIp);
    g.notReady.sort(byIp);
    subsets.push({ ...(g.ready.length ? { addresses: g.ready } : {}), ...(g.notReady.length ? { notReadyAddresses: g.notReady } : {}), ports: g.ports });
    const endpoints: SliceEndpointJson[] = [
      ...g.ready.map((a) => ({ a, ready: true })),
      ...g.notReady.map((a) => ({ a, ready: false })),
    ].map(({ a, ready }) => ({
      addresses: [a.ip],
      conditions: { ready: ready && !g.terminating.has(a.ip), serving: ready, terminating: g.terminating.has(a.ip) },
      ...(a.nodeName ? { nodeName: a.nodeName } : {}),
      targetRef: a.targetRef,
    }));
    slices.push({ name: sliceName(serviceName, key), addressType: 'IPv4', endpoints, ports: g.ports });
  }
  return { subsets, slices };
}

/** A slice's name: the Service's, then a short hash of its port set (deterministic, so retries find it). */
export function sliceName(serviceName: string, portsKey: string): string {
  const hash = createHash('sha256').update(portsKey).digest('hex').slice(0, 5);
  return `${serviceName.slice(0, 57)}-${hash}`;
}
