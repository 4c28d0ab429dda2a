// The proxy's table (what kube-proxy programs): for each TCP port of each Service with a cluster
// IP, the listening address clusterIP:port and the ready endpoints (ip:targetPort) from the
// Service's EndpointSlices, matched by port name. Endpoints are chosen round robin.
import type { V1EndpointSlice, V1Service } from '@kubernetes/client-node';
import { serviceNameLabel } from './endpoints-decide.ts';

export interface ProxyRule {
  /** "ip:port" the proxy listens on. */
  listen: string;
  ip: string;
  port: number;
  service: string;
  portName: string;
  /** Ready endpoints, "ip:port", sorted. */
  targets: string[];
}

export function proxyRules(services: readonly V1Service[], slices: readonly V1EndpointSlice[]): Map<string, ProxyRule> {
  const rules = new Map<string, ProxyRule>();
  for (const svc of services) {
    const ip = svc.spec?.clusterIP;
    if (!ip || ip === 'None' || svc.spec?.type === 'ExternalName') continue;
    const namespace = svc.metadata?.namespace ?? '';
    const name = svc.metadata?.name ?? '';
    const own = slices.filter((s) => s.metadata?.namespace === namespace && s.metadata?.labels?.[serviceNameLabel] === name);
    for (const sp of svc.spec?.ports ?? []) {
      if ((sp.protocol ?? 'TCP') !== 'TCP') continue;
      const portName = sp.name ?? '';
      const targets = new Set<string>();
      for (const slice of own) {
        const port = slice.ports?.find((p) => (p.name ?? '') === portName && (p.protocol ?? 'TCP') === 'TCP')?.port;
        if (port === undefined) continue;
        for (const ep of slice.endpoints ?? []) {
          if (ep.conditions?.ready === false) continue;
          for (const address of ep.addresses ?? []) targets.add(`${address}:${port}`);
        }
      }
      const listen = `${ip}:${sp.port}`;
      rules.set(listen, { listen, ip, port: sp.port, service: `${namespace}/${name}`, portName, targets: [...targets].sort() });
    }
  }
  return rules;
}

/** Round robin: the target for the `n`th connection. */
export function pickTarget(targets: readonly string[], n: number): string | undefined {
  if (targets.length === 0) return undefined;
  return targets[n % targets.length];
}

export function splitHostPort(target: string): { host: string; port: number } {
  const i = target.lastIndexOf(':');
  return { host: target.slice(0, i), port: Number(target.slice(i + 1)) };
}
