// `ferry controller`: runs Ferry's controller against any cluster (the kubeconfig given, or the
// in-cluster/default one). Flags are parsed once into FerryControllerOptions; SIGINT/SIGTERM
// stop it cleanly (the Lease is released so that another replica takes over at once).
import pino from 'pino';
import { loadKubeConfig } from '../kube/config.ts';
import { DefaultFerryNamespace, DefaultWorkerImage } from '../api/index.ts';
import { startFerryController, type FerryControllerOptions } from '../controllers/index.ts';

export interface ControllerCliFlags {
  kubeconfig?: string;
  namespace: string;
  workerImage: string;
  webhookPort: string;
  webhookHost: string;
  webhookCertDir?: string;
  webhookCertSecret?: string;
  webhookRegistration: string;
  metricsPort: string;
  healthPort: string;
  listenHost: string;
  leaderElect: boolean;
  workers: string;
}

export const controllerFlagDefaults = {
  namespace: DefaultFerryNamespace,
  workerImage: DefaultWorkerImage,
  webhookPort: '9443',
  webhookHost: '127.0.0.1',
  webhookRegistration: 'url',
  metricsPort: '8080',
  healthPort: '8081',
  listenHost: '127.0.0.1',
  workers: '16',
} as const;

function port(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`--${name} must be an integer between 0 and 65535, not ${value}`);
  return n;
}

function positive(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, not ${value}`);
  return n;
}

/** The typed options of a `ferry controller` command line (the logger is the caller's). */
export function controllerOptionsFromFlags(flags: ControllerCliFlags): Omit<FerryControllerOptions, 'logger' | 'kubeConfig'> {
  const registration = flags.webhookRegistration;
  if (registration !== 'url' && registration !== 'service' && registration !== 'none') {
    throw new Error(`--webhook-registration must be url, service or none, not ${registration}`);
  }
  return {
    namespace: flags.namespace,
    workerImage: flags.workerImage,
    webhook: {
      port: port('webhook-port', flags.webhookPort),
      host: flags.webhookHost,
      registration,
      ...(flags.webhookCertDir ? { certDir: flags.webhookCertDir } : {}),
      ...(flags.webhookCertSecret ? { certSecret: flags.webhookCertSecret } : {}),
    },
    metricsPort: port('metrics-port', flags.metricsPort),
    healthPort: port('health-port', flags.healthPort),
    listenHost: flags.listenHost,
    leaderElection: flags.leaderElect,
    workers: positive('workers', flags.workers),
  };
}

export async function runController(flags: ControllerCliFlags): Promise<void> {
  const options = controllerOptionsFromFlags(flags);
  const kubeConfig = loadKubeConfig(flags.kubeconfig);
  const logger = pino({ level: process.env['FERRY_LOG_LEVEL'] ?? 'info' }, pino.destination(2));
  const controller = await startFerryController({ ...options, kubeConfig, logger });
  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      logger.info({ signal }, 'stopping controller');
      controller.stop().then(resolve, (err: unknown) => {
        logger.error({ err }, 'controller did not stop cleanly');
        process.exitCode = 1;
        resolve();
      });
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
