// The `ferry` command: parses flags, builds a typed config, and calls into the rest of Ferry.
// Each subcommand lives in its own module and is loaded only when used, so `ferry worker import`
// does not pay for the embedded cluster's code.
import { Command } from 'commander';

export function buildProgram(): Command {
  const program = new Command('ferry')
    .description('Ferry puts disk images into Kubernetes volumes (a CDI DataVolume implementation)')
    .showHelpAfterError();

  const cluster = program.command('cluster').description('the embedded Kubernetes-compatible control plane');
  cluster
    .command('up')
    .description('start the embedded cluster and write a kubeconfig into the state dir')
    .option('--state-dir <dir>', 'where the cluster keeps its state', '.state')
    .option('--port <port>', 'HTTPS port of the API server (0: any free port)', '6443')
    .action(async (opts: { stateDir: string; port: string }) => {
      const { clusterUp } = await import('./cluster-up.ts');
      await clusterUp({ stateDir: opts.stateDir, port: Number(opts.port) });
    });

  return program;
}

if (import.meta.main) {
  buildProgram()
    .parseAsync(process.argv)
    .catch((err: unknown) => {
      const message = err instanceof Error ? err.message : String(err);
      process.stderr.write(`ferry: ${message}\n`);
      process.exit(1);
    });
}
