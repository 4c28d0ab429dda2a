/**
 * `ferry worker import`: the entry point run inside an importer pod. Kept tiny so the module
 * compile cache is on before the heavy modules (undici, pino, the data plane) load: a pod starts
 * once per import, and loading them cold is a noticeable part of a small import's time.
 * The cache lives in $NODE_COMPILE_CACHE (a container image can ship a warm one) or the temp dir.
 */
import module from 'node:module';

export async function main(): Promise<void> {
  try {
    module.enableCompileCache();
  } catch {
    // A read-only or missing cache directory only costs speed.
  }
  const { runImportWorker } = await import('./run.ts');
  const controller = new AbortController();
  const stop = (): void => controller.abort(new Error('terminated by signal'));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  // Progress for the controller (CDI's metric on :8443), read from the importer's progress file.
  const { startImportProgress } = await import('../progress.ts');
  const progress = startImportProgress(process.env, { onError: (err) => process.stderr.write(`progress server: ${err.message}\n`) });
  process.exitCode = await runImportWorker(progress.env, controller.signal);
  await progress.close();
}
