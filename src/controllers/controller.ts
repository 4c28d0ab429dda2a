// The Ferry controller process: informers first, then the reconcilers (DataVolume,
// StorageProfile, CDIConfig) under leader election on a Lease, the admission webhooks over HTTPS
// (served by every replica, leader or not, since the API server may call any of them),
// Prometheus metrics and health endpoints. Reaches the API server only through client-node.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { CoreV1Api, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { CDIConfigName } from '../api/index.ts';
import { toKubeError } from '../kube/errors.ts';
import { systemClock, type Clock } from '../runtime/clock.ts';
import { EventRecorder } from '../runtime/events.ts';
import { LeaderElector } from '../runtime/leader.ts';
import { Manager } from '../runtime/manager.ts';
import { ensureCertificateSecret } from '../webhooks/certificate-secret.ts';
import { generateServingCertificate, loadServingCertificate, webhookHosts } from '../webhooks/certificate.ts';
import { apiAdmissionLookups } from '../webhooks/lookups.ts';
import { registerWebhooks, unregisterWebhooks, type WebhookTarget } from '../webhooks/registration.ts';
import { startWebhookServer, type WebhookServer } from '../webhooks/server.ts';
import { CDIConfigReconciler } from './cdi-config/reconciler.ts';
import type { ControllerContext } from './context.ts';
import { DataVolumeReconciler } from './datavolume/reconciler.ts';
import { startHttpEndpoints, type HttpEndpoints } from './http-endpoints.ts';
import { addInformers, type ControllerQueues } from './informers.ts';
import { createControllerMetrics, instrumented } from './metrics.ts';
import { CDIObjectName, DefaultWorkerImage, EventComponent, LeaderLeaseName, Webhook } from '../api/names.ts';
import { StorageProfileReconciler } from './storage-profile/reconciler.ts';

export interface LeaderElectionTiming {
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
}

export interface FerryControllerOptions {
  kubeConfig: KubeConfig;
  /** Where the Lease lives (and the webhook Service in a cluster). */
  namespace: string;
  workerImage?: string;
  workerImagePullPolicy?: 'Always' | 'IfNotPresent' | 'Never';
  /**
   * The admission webhook server. `registration`: 'url' registers the configurations with this
   * server's own https://<host>:<port> (embedded mode), 'service' with the Service
   * `ferry-webhook` in `namespace` (a real cluster), 'none' leaves them alone. The certificate:
   * from `certDir` if given; else from the Secret `certSecret` in `namespace` (created by the
   * first replica, shared by all); else generated at start (one replica).
   */
  webhook?: { port: number; host?: string; certDir?: string; certSecret?: string; registration?: 'url' | 'service' | 'none' };
  metricsPort: number;
  healthPort: number;
  /** Address the metrics and health endpoints listen on (default 127.0.0.1; 0.0.0.0 in a pod). */
  listenHost?: string;
  leaderElection: boolean | LeaderElectionTiming;
  /** Identity in the Lease (default: host name and a random suffix). */
  identity?: string;
  /** Reconcile workers for DataVolumes (default 16: writes wait on the API server, not on CPU). */
  workers?: number;
  logger: Logger;
  clock?: Clock;
}

export interface FerryController {
  /** The identity this replica uses in the Lease. */
  identity: string;
  metricsPort: number;
  healthPort: number;
  /** Undefined without `webhook`. */
  webhook?: { url: string; port: number; caPem: string };
  isLeader(): boolean;
  stop(): Promise<void>;
}

export async function startFerryController(options: FerryControllerOptions): Promise<FerryController> {
  const { kubeConfig, logger } = options;
  const identity = options.identity ?? `${hostname()}-${randomUUID().slice(0, 8)}`;
  const log = logger.child({ component: 'ferry-controller', identity });
  const clock = options.clock ?? systemClock;
  // Filled in below; the metrics read them only when scraped.
  const observed = { elector: undefined as LeaderElector | undefined, ctx: undefined as ControllerContext | undefined };
  const metrics = createControllerMetrics({
    isLeader: () => (observed.elector ? observed.elector.isLeader() : true),
    // CDI's figure: DataVolumes that have no claim because none could be rendered yet.
    pendingDataVolumes: () => observed.ctx?.caches.dataVolumes.list().filter((dv) => !dv.status?.claimName && (dv.status?.phase ?? '') === '').length ?? 0,
    incompleteStorageProfiles: () => observed.ctx?.caches.storageProfiles.list().filter((p) => !p.status?.claimPropertySets?.length).length ?? 0,
  });
  const manager = new Manager({ logger: log });
  const ctx: ControllerContext = {
    core: kubeConfig.makeApiClient(CoreV1Api),
    custom: kubeConfig.makeApiClient(CustomObjectsApi),
    caches: undefined as unknown as ControllerContext['caches'],
    events: new EventRecorder({ kubeConfig, component: EventComponent, host: identity, clock, logger: log }),
    logger: log,
    clock,
    workerImage: options.workerImage ?? DefaultWorkerImage,
    workerImagePullPolicy: options.workerImagePullPolicy ?? 'IfNotPresent',
  };
  const queues: ControllerQueues = {
    dataVolumes: manager.addController(instrumented(new DataVolumeReconciler(ctx), metrics), options.workers ?? 16),
    storageProfiles: manager.addController(instrumented(new StorageProfileReconciler(ctx), metrics), 2),
    cdiConfig: manager.addController(instrumented(new CDIConfigReconciler(ctx), metrics), 1),
  };
  ctx.caches = addInformers(manager, kubeConfig, queues, log);
  observed.ctx = ctx;
  // The singleton is made even when no event ever names it.
  queues.cdiConfig.add(CDIConfigName);

  let webhookServer: WebhookServer | undefined;
  let webhook: FerryController['webhook'];
  if (options.webhook) {
    const w = options.webhook;
    const host = w.host ?? '127.0.0.1';
    const hosts = webhookHosts(Webhook.serviceName, options.namespace);
    const certificate = w.certDir
      ? await loadServingCertificate(w.certDir)
      : w.certSecret
        ? await ensureCertificateSecret(ctx.core, options.namespace, w.certSecret, hosts)
        : await generateServingCertificate(hosts);
    webhookServer = await startWebhookServer({
      port: w.port, host, certificate, lookups: apiAdmissionLookups(kubeConfig, CDIObjectName), logger: log.child({ component: 'webhook' }),
    });
    const registration = w.registration ?? 'url';
    const target: WebhookTarget | undefined =
      registration === 'url' ? { url: webhookServer.url }
        : registration === 'service' ? { service: { namespace: options.namespace, name: Webhook.serviceName, port: 443 } }
          : undefined;
    if (target) await registerWebhooks(kubeConfig, target, certificate.caPem);
    webhook = { url: webhookServer.url, port: webhookServer.port, caPem: certificate.caPem };
  }

  let elector: LeaderElector | undefined;
  if (options.leaderElection) {
    await ensureNamespace(ctx.core, options.namespace, log);
    const timing = typeof options.leaderElection === 'object' ? options.leaderElection : {};
    elector = new LeaderElector({ kubeConfig, namespace: options.namespace, name: LeaderLeaseName, identity, clock, logger: log, ...timing });
    observed.elector = elector;
  }
  const isLeader = () => (elector ? elector.isLeader() : true);
  let ready = false;
  const endpoints: HttpEndpoints = await startHttpEndpoints({
    metricsPort: options.metricsPort,
    healthPort: options.healthPort,
    host: options.listenHost ?? '127.0.0.1',
    registry: metrics.registry,
    ready: () => ready,
  });
  await manager.start(elector ? { elector } : {});
  ready = true;
  log.info({ metricsPort: endpoints.metricsPort, healthPort: endpoints.healthPort, webhook: webhook?.url, leaderElection: !!elector }, 'ferry controller started');
  return {
    identity,
    metricsPort: endpoints.metricsPort,
    healthPort: endpoints.healthPort,
    ...(webhook ? { webhook } : {}),
    isLeader,
    async stop() {
      ready = false;
      await manager.stop();
      if (webhookServer && (options.webhook?.registration ?? 'url') === 'url') {
        await unregisterWebhooks(kubeConfig, webhookServer.url).catch((err: unknown) => {
          log.warn({ err: err instanceof Error ? err.message : String(err) }, 'could not remove the webhook configurations');
        });
      }
      await Promise.all([webhookServer?.close(), endpoints.close()]);
      log.info({}, 'ferry controller stopped');
    },
  };
}

/** The Lease needs its namespace; in a cluster it exists (and creating it may be forbidden). */
async function ensureNamespace(core: CoreV1Api, namespace: string, log: Logger): Promise<void> {
  try {
    await core.createNamespace({ body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } } });
  } catch (err) {
    const e = toKubeError(err);
    if (e.code !== 'EEXISTS' && e.code !== 'EFORBIDDEN') throw e;
    if (e.code === 'EFORBIDDEN') log.debug({ namespace }, 'may not create the namespace; assuming it exists');
  }
}
