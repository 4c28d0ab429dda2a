// A webhook's clientConfig -> where to POST: `url` as given, or `service` through the
// Service's cluster IP with `<name>.<namespace>.svc` as the TLS name. The URL printed in errors
// carries `?timeout=<n>s` as client-go's request builder adds it.
import type { CallTarget } from './call.ts';
import { resolveService, serviceHostName, type ServiceLookup } from './service-resolve.ts';
import type { WebhookClientConfig } from './types.ts';

export interface ResolvedEndpoint {
  /** Resolves lazily: a missing service is a call failure (subject to failurePolicy). */
  target(): CallTarget;
  displayUrl: string;
}

export function webhookEndpoint(config: WebhookClientConfig, timeoutSeconds: number, lookup: ServiceLookup): ResolvedEndpoint {
  const caPem = config.caBundle === undefined || config.caBundle === '' ? undefined : Buffer.from(config.caBundle, 'base64').toString('utf8');
  const timeoutQuery = `timeout=${timeoutSeconds}s`;
  if (config.url !== undefined) {
    const url = new URL(config.url);
    const sep = url.search === '' ? '?' : '&';
    const displayUrl = `${url.origin}${url.pathname}${url.search}${sep}${timeoutQuery}`;
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    const port = url.port === '' ? 443 : Number(url.port);
    return {
      displayUrl,
      target: () => ({ displayUrl, connectHost: host, connectPort: port, serverName: host, path: `${url.pathname}${url.search}${sep}${timeoutQuery}`, caPem }),
    };
  }
  const service = config.service ?? { namespace: '', name: '' };
  const port = service.port ?? 443;
  const path = service.path ?? '/';
  const serverName = serviceHostName(service.namespace, service.name);
  const displayUrl = `https://${serverName}:${port}${path}?${timeoutQuery}`;
  return {
    displayUrl,
    target: () => {
      const address = resolveService(lookup, service.namespace, service.name, port);
      return { displayUrl, connectHost: address.host, connectPort: address.port, serverName, path: `${path}?${timeoutQuery}`, caPem };
    },
  };
}
