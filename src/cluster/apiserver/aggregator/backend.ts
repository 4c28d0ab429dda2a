// Where an aggregated API's requests go: the Service's cluster IP and port (with
// `<service>.<namespace>.svc` as the TLS name), or, in embedded mode when the Service cannot be
// resolved, the URL in the APIService's `ferry.dev/url` annotation.
import { CallError, resolveService, serviceHostName, type ServiceLookup } from '../admission/index.ts';
import type { ApiServiceEntry } from './apiservices.ts';

export interface Backend {
  host: string;
  port: number;
  /** Name the serving certificate must carry. */
  serverName: string;
  caPem: string | undefined;
  insecure: boolean;
  /** `https://host:port`, for messages. */
  origin: string;
}

export function resolveBackend(entry: ApiServiceEntry, lookup: ServiceLookup): Backend {
  const tls = { caPem: entry.caPem, insecure: entry.insecureSkipTLSVerify };
  const service = entry.service;
  if (service === undefined) throw new CallError('ESERVICE', `apiservice "${entry.name}" is local`);
  try {
    const address = resolveService(lookup, service.namespace, service.name, service.port);
    return { ...tls, host: address.host, port: address.port, serverName: serviceHostName(service.namespace, service.name), origin: `https://${joinHostPort(address.host, address.port)}` };
  } catch (err) {
    if (entry.url === undefined) throw err;
    const url = new URL(entry.url);
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    const port = url.port === '' ? 443 : Number(url.port);
    return { ...tls, host, port, serverName: host, origin: `https://${joinHostPort(host, port)}` };
  }
}

function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
