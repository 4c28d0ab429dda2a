// Service -> address, as kube-apiserver's ClusterIP service resolver (used for webhooks and
// aggregated APIs): ClusterIP, NodePort and LoadBalancer services by their cluster IP and the
// service port; ExternalName by its name. In embedded mode services get loopback cluster IPs,
// so the address is reachable from the server's own process.
import type { KubeObject } from '../types.ts';
import { CallError } from './dial-errors.ts';

export type ServiceLookup = (namespace: string, name: string) => KubeObject | undefined;

export interface ResolvedAddress {
  host: string;
  port: number;
}

interface ServiceSpec {
  type?: string;
  clusterIP?: string;
  externalName?: string;
  ports?: { port?: number }[];
}

export function resolveService(lookup: ServiceLookup, namespace: string, name: string, port: number): ResolvedAddress {
  const svc = lookup(namespace, name);
  if (svc === undefined) throw new CallError('ESERVICE', `service "${name}" not found`);
  const spec = (svc['spec'] ?? {}) as ServiceSpec;
  const type = spec.type ?? 'ClusterIP';
  if (type === 'ExternalName') return { host: spec.externalName ?? '', port };
  if (type === 'ClusterIP' && spec.clusterIP === 'None') {
    throw new CallError('ESERVICE', 'cannot route to service with ClusterIP "None"');
  }
  if (!(spec.ports ?? []).some((p) => p.port === port)) {
    throw new CallError('ESERVICE', `no service port ${port} found for service "${name}"`);
  }
  if (spec.clusterIP === undefined || spec.clusterIP === '') {
    throw new CallError('ESERVICE', `service "${name}" has no cluster IP`);
  }
  return { host: spec.clusterIP, port };
}

/** `<name>.<namespace>.svc`: the name the serving certificate must carry. */
export function serviceHostName(namespace: string, name: string): string {
  return `${name}.${namespace}.svc`;
}
