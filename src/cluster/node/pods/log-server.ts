// The node's log endpoint, shaped like the kubelet's: HTTP on 127.0.0.1 (its port is the Node's
// status.daemonEndpoints.kubeletEndpoint.Port), answering
//   GET /containerLogs/{namespace}/{pod}/{container}?follow=&previous=&tailLines=&limitBytes=&timestamps=
// with the log as text/plain, or an error status with a text message (404: pod unknown on this
// node; 400: container not valid, waiting to start, no previous instance).
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { V1Pod } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { ContainerLogError, type LogRequest, readContainerLog, selectContainerLog } from './container-logs.ts';
import type { PodRuntime } from './pod-runtime.ts';

export interface PodLookup {
  lookup(namespace: string, name: string): { pod: V1Pod; runtime: PodRuntime | undefined } | undefined;
}

const truthy = (v: string | null) => v === 'true' || v === '1';

function positiveInt(v: string | null): number | undefined {
  if (v === null || v === '') return undefined;
  const n = Number(v);
  return Number.isInteger(n) && n >= 0 ? n : undefined;
}

export class LogServer {
  readonly #stateDir: string;
  readonly #pods: PodLookup;
  readonly #logger: Logger | undefined;
  #server: Server | undefined;

  constructor(stateDir: string, pods: PodLookup, logger?: Logger) {
    this.#stateDir = stateDir;
    this.#pods = pods;
    this.#logger = logger;
  }

  /** Listens on 127.0.0.1:`port` (0: any free port); returns the port. */
  async listen(port = 0): Promise<number> {
    const server = createServer((req, res) => void this.#handle(req, res));
    this.#server = server;
    server.listen(port, '127.0.0.1');
    await once(server, 'listening');
    return (server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    if (req.method !== 'GET' || parts[0] !== 'containerLogs' || parts.length < 3 || parts.length > 4) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('404 page not found\n');
      return;
    }
    const [, namespace = '', name = '', container] = parts;
    const found = this.#pods.lookup(namespace, name);
    if (!found) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end(`pod ${namespace}/${name} not found\n`);
      return;
    }
    const abort = new AbortController();
    res.on('close', () => abort.abort());
    const q = url.searchParams;
    const tailLines = positiveInt(q.get('tailLines'));
    const limitBytes = positiveInt(q.get('limitBytes'));
    const request: LogRequest = {
      ...(container ? { container } : {}),
      follow: truthy(q.get('follow')),
      previous: truthy(q.get('previous')),
      ...(tailLines !== undefined ? { tailLines } : {}),
      ...(limitBytes !== undefined ? { limitBytes } : {}),
      signal: abort.signal,
    };
    try {
      const selection = selectContainerLog(this.#stateDir, found.pod, found.runtime, request);
      res.writeHead(200, { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked' });
      for await (const chunk of readContainerLog(selection, request)) {
        if (!res.write(chunk)) await once(res, 'drain');
      }
      res.end();
    } catch (err) {
      if (err instanceof ContainerLogError) {
        res.writeHead(err.httpStatus, { 'Content-Type': 'text/plain' }).end(`${err.message}\n`);
        return;
      }
      this.#logger?.warn({ pod: `${namespace}/${name}`, err: err instanceof Error ? err.message : String(err) }, 'serving container log failed');
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end();
    }
  }
}
