// The node's userspace service proxy: a TCP listener on each Service's clusterIP:port that pipes
// every connection to a ready endpoint, round robin. sync() makes the listeners match the rules
// (opening new ones, closing those whose Service or port is gone, updating targets in place);
// a connection when a Service has no ready endpoint is closed at once, as a REJECT would.
import { type Server, type Socket, connect, createServer } from 'node:net';
import { once } from 'node:events';
import type { Logger } from 'pino';
import { type ProxyRule, pickTarget, splitHostPort } from './proxy-decide.ts';

interface Listener {
  rule: ProxyRule;
  server: Server;
  connections: number;
  sockets: Set<Socket>;
}

export class ServiceProxy {
  readonly #listeners = new Map<string, Listener>();
  readonly #logger: Logger | undefined;
  #syncing: Promise<void> = Promise.resolve();

  constructor(logger?: Logger) {
    this.#logger = logger;
  }

  /** Applies the rules; calls are serialized. */
  sync(rules: ReadonlyMap<string, ProxyRule>): Promise<void> {
    this.#syncing = this.#syncing.then(() => this.#apply(rules)).catch((err: unknown) => {
      this.#logger?.warn({ err: err instanceof Error ? err.message : String(err) }, 'service proxy sync failed');
    });
    return this.#syncing;
  }

  async #apply(rules: ReadonlyMap<string, ProxyRule>): Promise<void> {
    for (const [listen, l] of this.#listeners) {
      if (!rules.has(listen)) await this.#close(listen, l);
    }
    for (const [listen, rule] of rules) {
      const existing = this.#listeners.get(listen);
      if (existing) {
        existing.rule = rule;
        continue;
      }
      await this.#open(rule);
    }
  }

  async #open(rule: ProxyRule): Promise<void> {
    const listener: Listener = { rule, server: createServer(), connections: 0, sockets: new Set() };
    listener.server.on('connection', (client) => this.#forward(listener, client));
    listener.server.listen(rule.port, rule.ip);
    try {
      await Promise.race([once(listener.server, 'listening'), once(listener.server, 'error').then(([err]) => Promise.reject(err as Error))]);
    } catch (err) {
      this.#logger?.warn({ service: rule.service, listen: rule.listen, err: err instanceof Error ? err.message : String(err) }, 'cannot listen for service');
      return;
    }
    this.#listeners.set(rule.listen, listener);
    this.#logger?.info({ service: rule.service, listen: rule.listen }, 'proxying service port');
  }

  #forward(listener: Listener, client: Socket): void {
    const target = pickTarget(listener.rule.targets, listener.connections++);
    if (!target) {
      client.destroy();
      return;
    }
    const { host, port } = splitHostPort(target);
    const upstream = connect({ host, port });
    listener.sockets.add(client);
    listener.sockets.add(upstream);
    const cleanup = () => {
      client.destroy();
      upstream.destroy();
      listener.sockets.delete(client);
      listener.sockets.delete(upstream);
    };
    client.on('error', cleanup).on('close', cleanup);
    upstream.on('error', cleanup).on('close', cleanup);
    client.pipe(upstream);
    upstream.pipe(client);
  }

  async #close(listen: string, l: Listener): Promise<void> {
    this.#listeners.delete(listen);
    for (const s of l.sockets) s.destroy();
    await new Promise<void>((resolve) => l.server.close(() => resolve()));
  }

  /** The addresses listened on now (for tests and diagnostics). */
  listening(): string[] {
    return [...this.#listeners.keys()].sort();
  }

  async close(): Promise<void> {
    await this.#syncing;
    for (const [listen, l] of [...this.#listeners]) await this.#close(listen, l);
  }
}
