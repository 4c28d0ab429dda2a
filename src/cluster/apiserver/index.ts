// The embedded Kubernetes-compatible API server: HTTPS on 127.0.0.1 with a CA and serving
// certificate kept in the state dir, an admin bearer token and service-account tokens, RBAC
// with the default cluster policy, admission webhooks, aggregated APIs, every object in the
// durable Store under <stateDir>/store, and a kubeconfig written to <stateDir>/kubeconfig.
import { once } from 'node:events';
import { mkdir } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join, resolve as resolvePath } from 'node:path';
import pino, { type Logger } from 'pino';
import { builtinResources, builtinSchemas } from './resources/index.ts';
import { Store } from './storage/index.ts';
import type { KubeObject, Schema } from './types.ts';
import { ensureBootstrapPolicy } from './authz/index.ts';
import { buildComponents } from './components.ts';
import type { AdmissionChain } from './server/admission.ts';
import { bootstrapCluster } from './server/bootstrap.ts';
import type { ServerContext } from './server/context.ts';
import { CRD_STORAGE_RESOURCE, servedResourcesOf } from './server/crd.ts';
import { renderKubeconfig } from './server/kubeconfig.ts';
import { NonResourceHandler } from './server/non-resource.ts';
import { writeAtomic, loadOrCreatePki } from './server/pki.ts';
import { createRequestHandler } from './server/pipeline.ts';
import type { PodLogProvider } from './server/pod-logs.ts';
import { ResourceRegistry, type ServedResource } from './server/registry.ts';
import { makeResolver } from './server/schemas.ts';

export type { PodLogOptions, PodLogProvider } from './server/pod-logs.ts';
export type { Authenticator, Authorizer, UserInfo } from './server/auth.ts';
export type { AdmissionAttributes, MutatingAdmissionPlugin, ValidatingAdmissionPlugin } from './server/admission.ts';
export { ApiError } from './server/status.ts';

export interface ApiServerOptions {
  stateDir: string;
  /** 0: any free port. */
  port: number;
  /** Default 127.0.0.1. */
  host?: string;
  logger?: Logger;
  /** Period of watch BOOKMARK events (default 60 s, as kube-apiserver). */
  bookmarkIntervalMs?: number;
  /** Events kept per resource for watches to resume from (default: the Store's, 10,000). */
  watchWindow?: number;
}

export interface ApiServerHandle {
  /** https://127.0.0.1:<port> */
  url: string;
  port: number;
  caPem: string;
  adminToken: string;
  /** Absolute path of the kubeconfig written into the state dir. */
  kubeconfigPath: string;
  /** Lets the node agent serve pods/log. */
  registerPodLogProvider(provider: PodLogProvider | undefined): void;
  /** The admission chain (built-in plugins, then webhooks); plugins pushed here run after them. */
  admission: AdmissionChain;
  /** Stops accepting requests, ends watches, and closes the store (durable state stays). */
  close(): Promise<void>;
}

export async function startApiServer(opts: ApiServerOptions): Promise<ApiServerHandle> {
  const stateDir = resolvePath(opts.stateDir);
  const logger = opts.logger ?? pino({ level: 'info' }, pino.destination(2));
  await mkdir(stateDir, { recursive: true });
  const pki = await loadOrCreatePki(stateDir);
  const store = await Store.open(join(stateDir, 'store'), opts.watchWindow === undefined ? {} : { watchWindow: opts.watchWindow });
  const closing = new AbortController();
  let server: Server | undefined;
  try {
    const registry = new ResourceRegistry([...builtinResources]);
    const resolve = makeResolver(builtinSchemas);
    const schemaOf = (served: ServedResource): Schema | undefined =>
      served.custom !== undefined ? served.custom.schema : builtinSchemas[served.schemaName];
    const now = (): Date => new Date();
    const components = await buildComponents({ stateDir, store, registry, adminToken: pki.adminToken, now, logger });
    const { admission } = components;
    const ctx: ServerContext = {
      store,
      registry,
      resolve,
      schemaOf,
      admission,
      authenticator: components.authenticator,
      authorizer: components.authorizer,
      endpoints: components.endpoints,
      podLogs: { provider: undefined },
      now,
      logger,
      bookmarkIntervalMs: opts.bookmarkIntervalMs ?? 60_000,
    };
    followCustomResourceDefinitions(ctx, closing.signal);
    await bootstrapCluster(ctx);
    await ensureBootstrapPolicy(ctx);
    components.startAvailability(closing.signal);

    let url = '';
    const nonResource = new NonResourceHandler({ registry, builtinSchemas, schemaOf, serverAddress: () => url.replace(/^https:\/\//, '') });
    server = createServer(
      { key: pki.keyPem, cert: pki.certPem, keepAlive: true, requestTimeout: 0, headersTimeout: 60_000, keepAliveTimeout: 65_000 },
      createRequestHandler({ ctx, nonResource, closing: closing.signal, aggregator: components.aggregator }),
    );
    server.listen(opts.port, opts.host ?? '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as AddressInfo).port;
    const host = opts.host ?? '127.0.0.1';
    url = `https://${host.includes(':') ? `[${host}]` : host}:${port}`;
    const kubeconfigPath = join(stateDir, 'kubeconfig');
    await writeAtomic(kubeconfigPath, renderKubeconfig(url, pki.caPem, pki.adminToken), 0o600);
    logger.info({ url, stateDir, kubeconfig: kubeconfigPath }, 'api server listening');

    const listening = server;
    let closed: Promise<void> | undefined;
    return {
      url,
      port,
      caPem: pki.caPem,
      adminToken: pki.adminToken,
      kubeconfigPath,
      admission,
      registerPodLogProvider(provider) {
        ctx.podLogs.provider = provider;
      },
      close() {
        closed ??= (async () => {
          closing.abort();
          const stopped = new Promise<void>((resolve) => listening.close(() => resolve()));
          listening.closeAllConnections();
          await stopped;
          await store.close();
          logger.info({ stateDir }, 'api server stopped');
        })();
        return closed;
      },
    };
  } catch (err) {
    closing.abort();
    server?.close();
    await store.close().catch(() => undefined);
    throw err;
  }
}

/**
 * Serves every stored CRD's kinds, and follows CRD changes as they commit: the store delivers
 * events synchronously at commit, before the writer's request resolves, so a CRD's kinds are
 * served by the time its create is answered.
 */
function followCustomResourceDefinitions(ctx: ServerContext, signal: AbortSignal): void {
  const apply = (crd: KubeObject, deleted: boolean): void => {
    const name = crd.metadata.name ?? '';
    try {
      ctx.registry.setCustom(name, deleted ? [] : servedResourcesOf(crd, ctx.resolve));
    } catch (err) {
      ctx.logger.error({ err, crd: name }, 'custom resource definition not served');
      ctx.registry.setCustom(name, []);
    }
  };
  const { items, rv } = ctx.store.list(CRD_STORAGE_RESOURCE);
  for (const crd of items) apply(crd, false);
  ctx.store.watch(CRD_STORAGE_RESOURCE, { fromRV: rv, signal }, (event) => apply(event.object, event.type === 'DELETED'));
}
