// The `ferry` command: parses flags, builds a typed config, and calls into the rest of Ferry.
// Each subcommand lives in its own module and is loaded only when used, so `ferry worker import`
// does not pay for the embedded cluster's code.
import { enableCompileCache } from 'node:module';
import { Command } from 'commander';

// Worker pods start a Node process each: V8's code cache (in the OS temp dir, keyed by Node's
// version and the file's contents) takes about a third off a worker's start-up.
enableCompileCache();

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
    .option('--apiserver-only', 'start the API server alone: no controller manager, node or Ferry controller', false)
    .action(async (opts: { stateDir: string; port: string; apiserverOnly: boolean }) => {
      const { clusterUp } = await import('./cluster-up.ts');
      await clusterUp({ stateDir: opts.stateDir, port: Number(opts.port), apiServerOnly: opts.apiserverOnly });
    });

  program
    .command('demo')
    .description("Ferry's main job on the embedded default: import a locally made qcow2 image over HTTP into a volume")
    .option('--state-dir <dir>', 'where the embedded cluster keeps its state', '.state')
    .option('--size-mib <n>', 'virtual size of the demo image in MiB', '64')
    .option('--timeout <seconds>', 'give up on the import after this long', '300')
    .option('--keep', 'keep the cluster running after the import, until Ctrl-C', false)
    .action(async (opts: { stateDir: string; sizeMib: string; timeout: string; keep: boolean }) => {
      for (const [flag, value] of [['--size-mib', opts.sizeMib], ['--timeout', opts.timeout]] as const) {
        if (!/^[1-9]\d*$/.test(value)) throw new Error(`${flag} must be a positive whole number, not ${JSON.stringify(value)}`);
      }
      const { runDemo } = await import('./demo.ts');
      await runDemo({ stateDir: opts.stateDir, sizeMiB: Number(opts.sizeMib), keep: opts.keep, timeoutSeconds: Number(opts.timeout) });
    });

  program
    .command('controller')
    .description("run Ferry's controller (DataVolumes, StorageProfiles, CDIConfig, admission webhooks) against a cluster")
    .option('--kubeconfig <path>', 'kubeconfig of the cluster (default: $KUBECONFIG, ~/.kube/config or in-cluster)')
    .option('--namespace <ns>', 'namespace of the leader-election Lease and the webhook Service', 'ferry-system')
    .option('--worker-image <image>', "image of the worker pods (Ferry's own image)", 'ferry.dev/ferry:latest')
    .option('--webhook-port <port>', 'HTTPS port of the admission webhooks (0: any free port)', '9443')
    .option('--webhook-host <address>', 'address the webhooks listen on', '127.0.0.1')
    .option('--webhook-cert-dir <dir>', 'ca.crt, tls.crt and tls.key to serve with (default: generated at start)')
    .option('--webhook-cert-secret <name>', 'keep the webhook certificate in this Secret of --namespace, shared by all replicas')
    .option('--webhook-registration <how>', 'register the webhook configurations pointing at: url (this server), service, none', 'url')
    .option('--metrics-port <port>', 'HTTP port of /metrics', '8080')
    .option('--health-port <port>', 'HTTP port of /healthz and /readyz', '8081')
    .option('--listen-host <address>', 'address the metrics and health endpoints listen on', '127.0.0.1')
    .option('--no-leader-elect', 'act without electing a leader (only one replica may run)')
    .option('--workers <n>', 'DataVolume reconciles run at once', '16')
    .action(async (opts: import('./controller.ts').ControllerCliFlags) => {
      const { runController } = await import('./controller.ts');
      await runController(opts);
    });

  const worker = program.command('worker').description('entry points run inside Ferry\'s worker pods');
  worker
    .command('import')
    .description('import an image into the volume; the task comes from the environment (IMPORTER_*)')
    .action(async () => {
      const { main } = await import('../workers/import/main.ts');
      await main();
    });

  cluster
    .command('repair')
    .description('truncate a damaged state log at its first bad record (keeping a copy of the rest)')
    .option('--state-dir <dir>', 'where the cluster keeps its state', '.state')
    .action(async (opts: { stateDir: string }) => {
      const { clusterRepair } = await import('./cluster-up.ts');
      await clusterRepair({ stateDir: opts.stateDir });
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
