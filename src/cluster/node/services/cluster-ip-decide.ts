// Cluster IPs of the embedded node: Services get a loopback address from 127.96.0.0/16, which
// Linux routes to lo, so the node's proxy can listen on it and a client connects to a Service the
// same way as in a cluster. (A real API server allocates at create time; here a controller does
// it right after, until the embedded API server takes it over.)

export const serviceCidr = '127.96.0.0/16';
const first = 10; // 127.96.0.1..9 are left for well-known services (e.g. `kubernetes`)
const last = 0xffff - 1;

export function serviceIpFromOffset(offset: number): string {
  return `127.96.${(offset >>> 8) & 255}.${offset & 255}`;
}

/** Whether a Service gets a cluster IP and has none yet (headless `None` and ExternalName get none). */
export function needsClusterIP(spec: { type?: string; clusterIP?: string } | undefined): boolean {
  const type = spec?.type ?? 'ClusterIP';
  if (type === 'ExternalName') return false;
  return !spec?.clusterIP;
}

/** The lowest free address after `hint` (wrapping), or undefined when the range is full. */
export function nextClusterIP(used: ReadonlySet<string>, hint = first): string | undefined {
  const span = last - first + 1;
  const start = Math.min(Math.max(hint, first), last) - first;
  for (let i = 0; i < span; i++) {
    const ip = serviceIpFromOffset(first + ((start + i) % span));
    if (!used.has(ip)) return ip;
  }
  return undefined;
}
