// `ferry cluster up`: starts the embedded cluster in the foreground, prints how to point kubectl
// at it, logs to stderr, and stops cleanly (store closed) on SIGINT/SIGTERM.
// `ferry cluster repair`: truncates a damaged state log at the first bad record.
import pino from 'pino';
import { startEmbeddedCluster } from '../cluster/index.ts';
import { repairStore } from '../cluster/apiserver/storage/index.ts';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface ClusterUpOptions {
  stateDir: string;
  port: number;
  /** The API server alone (benchmarks of the server; tests of its own behaviour). */
  apiServerOnly?: boolean;
}

export async function clusterUp(opts: ClusterUpOptions): Promise<void> {
  if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535) {
    throw new Error(`--port must be an integer between 0 and 65535, not ${String(opts.port)}`);
  }
  const logger = pino({ level: process.env['FERRY_LOG_LEVEL'] ?? 'info' }, pino.destination(2));
  const cluster = await startEmbeddedCluster({ stateDir: opts.stateDir, port: opts.port, logger, components: opts.apiServerOnly ? 'apiserver' : 'full' });
  process.stdout.write(
    `Ferry cluster is up at ${cluster.apiServer.url}\n` +
      `export KUBECONFIG=${cluster.kubeconfigPath}\n` +
      `KUBECONFIG=${cluster.kubeconfigPath} kubectl get ns\n`,
  );
  await new Promise<void>((done) => {
    const stop = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      logger.info({ signal }, 'stopping cluster');
      cluster.close().then(done, (err: unknown) => {
        logger.error({ err }, 'cluster did not stop cleanly');
        process.exitCode = 1;
        done();
      });
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/**
 * Accepts the state dir or its `store` folder (the start-up error names the latter), so that
 * the command printed in that error works as given.
 */
export async function clusterRepair(opts: { stateDir: string }): Promise<void> {
  const given = resolve(opts.stateDir);
  const dir = existsSync(join(given, 'store')) ? join(given, 'store') : given;
  const result = await repairStore(dir);
  if (result === undefined) {
    process.stdout.write(`the state log in ${dir} is sound: nothing to repair\n`);
    return;
  }
  process.stdout.write(
    `truncated ${result.file} at byte offset ${result.truncatedAt}; the cut-off bytes are saved in ${result.savedTo}\n`,
  );
}
