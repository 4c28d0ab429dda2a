// Plain-HTTP endpoints of the controller process: /metrics (Prometheus text) on the metrics
// port, /healthz (the process serves) and /readyz (caches synced, webhook serving) on the health
// port. Port 0 picks a free port; the bound ports are returned.
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export interface HttpEndpoints {
  metricsPort: number;
  healthPort: number;
  close(): Promise<void>;
}

async function listen(server: Server, port: number, host: string): Promise<number> {
  server.listen(port, host);
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

export async function startHttpEndpoints(opts: {
  metricsPort: number;
  healthPort: number;
  host: string;
  registry: Registry;
  ready: () => boolean;
}): Promise<HttpEndpoints> {
  const metrics = createServer((req, res) => {
    if (req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404).end('not found\n');
      return;
    }
    opts.registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': opts.registry.contentType }).end(text),
      (err: unknown) => res.writeHead(500).end(`${err instanceof Error ? err.message : String(err)}\n`),
    );
  });
  const health = createServer((req, res) => {
    const path = req.url?.split('?')[0];
    if (path === '/healthz') res.writeHead(200).end('ok\n');
    else if (path === '/readyz') {
      if (opts.ready()) res.writeHead(200).end('ok\n');
      else res.writeHead(503).end('caches not synced\n');
    } else res.writeHead(404).end('not found\n');
  });
  const metricsPort = await listen(metrics, opts.metricsPort, opts.host);
  const healthPort = await listen(health, opts.healthPort, opts.host);
  return {
    metricsPort,
    healthPort,
    close: async () => {
      await Promise.all([close(metrics), close(health)]);
    },
  };
}
