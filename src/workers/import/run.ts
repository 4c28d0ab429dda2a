/**
 * The importer worker (started by main.ts). Its whole task comes from
 * its environment (config.ts), every mount path goes through one resolver (paths.ts), the data
 * plane does the work, and the outcome is a JSON termination message plus the exit code
 * (0 when this pod can do no more: Succeeded, Failed for good with retryable: false, or scratch
 * space required, so that the pod is not restarted; 1 for a failure a restarted pod may heal).
 */
import { existsSync } from 'node:fs';
import { open, readFile, readdir, stat, statfs } from 'node:fs/promises';
import path from 'node:path';
import pino from 'pino';
import type { Logger } from 'pino';
import { DataPlaneError } from '../../dataplane/errors.ts';
import { DISK_IMAGE_NAME, importImage } from '../../dataplane/processor.ts';
import type { ImportResult, ImportTarget } from '../../dataplane/processor.ts';
import { finalizeTarget, zeroFill, probeTarget } from '../../dataplane/sink.ts';
import { createHttpSource } from '../../dataplane/sources/http.ts';
import type { HttpSourceOptions } from '../../dataplane/sources/http.ts';
import { ImportConfigError, POD_PATHS, filesystemUsableSize, parseImportConfig } from './config.ts';
import type { HttpSourceConfig, ImportConfig } from './config.ts';
import { createPodPathResolver, parsePathMap } from './paths.ts';
import type { PodPathResolver } from './paths.ts';
import { ProgressFile, formatProgress, overallFraction } from './progress.ts';
import { writeTerminationMessage } from './termination.ts';
import type { TerminationMessage } from './termination.ts';

/** Runs the import described by `env`; returns the process exit code. */
export async function runImportWorker(env: Record<string, string | undefined>, signal: AbortSignal): Promise<number> {
  const log = pino({ name: 'ferry-importer' });
  let resolve: PodPathResolver = (p) => p;
  let message: TerminationMessage;
  let progressFile: ProgressFile | undefined;
  try {
    // The path map first, on its own: a failure to parse the rest must still reach the
    // termination log where the runner looks for it.
    resolve = createPodPathResolver(parsePathMap(env['FERRY_PATH_MAP']));
  } catch {
    // parseImportConfig below reports the malformed map.
  }
  try {
    const config = parseImportConfig(env);
    if (config.progressFile !== undefined) progressFile = new ProgressFile(resolve(config.progressFile));
    message = await runConfigured(config, resolve, log, progressFile, signal);
  } catch (err) {
    message = failureMessage(err, signal);
    log.error({ code: message.code, err: message.message }, 'import failed');
  }
  await progressFile?.flush();
  try {
    await writeTerminationMessage(resolve(POD_PATHS.terminationLog), message);
  } catch (err) {
    log.error({ err: (err as Error).message }, 'cannot write the termination message');
  }
  return message.outcome === 'Succeeded' || message.retryable === false || message.scratchSpaceRequired === true ? 0 : 1;
}

function failureMessage(err: unknown, signal: AbortSignal): TerminationMessage {
  if (err instanceof DataPlaneError && err.code === 'ESCRATCHREQUIRED') {
    // Not a failure of the import: the controller runs a new worker with scratch space.
    return { outcome: 'Failed', code: err.code, retryable: true, scratchSpaceRequired: true, message: err.message };
  }
  if (err instanceof DataPlaneError) return { outcome: 'Failed', code: err.code, retryable: err.retryable, message: err.message };
  if (err instanceof ImportConfigError) return { outcome: 'Failed', code: err.code, retryable: false, message: err.message };
  if (signal.aborted) return { outcome: 'Failed', code: 'EABORTED', retryable: true, message: 'the importer was stopped' };
  return { outcome: 'Failed', code: 'EINTERNAL', retryable: true, message: `unexpected failure: ${(err as Error)?.message ?? String(err)}` };
}

async function runConfigured(
  config: ImportConfig,
  resolve: PodPathResolver,
  log: Logger,
  progressFile: ProgressFile | undefined,
  signal: AbortSignal,
): Promise<TerminationMessage> {
  const target = await resolveTarget(config, resolve);
  log.info({ source: config.source.kind, target: target.kind, path: target.path, usableSize: target.usableSize }, 'import starting');
  if (config.source.kind === 'none') return createBlank(config, target, signal);

  // The s3/gcs/registry sources (aws-sdk and friends) are loaded only when asked for: loading
  // them costs an http import ~0.2 s of startup.
  const source =
    config.source.kind === 'http'
      ? createHttpSource(await httpSourceOptions(config.source, resolve))
      : await (await import('./object-sources.ts')).createObjectSource(config.source, resolve);
  const scratch = resolve(POD_PATHS.scratchDir);
  let lastLogged = '';
  let highest = 0;
  let result: ImportResult;
  try {
    result = await importImage({
      source,
      target,
      contentType: config.contentType,
      ...(config.checksum !== undefined ? { checksum: config.checksum } : {}),
      ...(existsSync(scratch) ? { scratchDir: scratch } : {}),
      preallocation: config.preallocation,
      directIo: config.directIo,
      onProgress: (p) => {
        const overall = overallFraction(p);
        // Never backwards: after a checksum read-through (50%), conversion restarts from 0.
        if (overall !== null) highest = Math.max(highest, overall);
        const fraction = overall === null ? null : highest;
        const progress = formatProgress(fraction);
        progressFile?.update({ phase: p.phase, fraction, progress });
        // Log lines at whole percents and phase changes only.
        const key = `${p.phase} ${fraction === null ? 'N/A' : Math.floor(fraction * 100)}`;
        if (key !== lastLogged) {
          lastLogged = key;
          log.info({ phase: p.phase, progress }, 'progress');
        }
      },
      signal,
    });
  } finally {
    log.info({ bytesFetched: source.bytesFetched() }, 'source closed');
    await source.close();
  }
  log.info({ format: result.format, virtualSize: result.virtualSize, phases: result.phases.join(',') }, 'import succeeded');
  const message: TerminationMessage = {
    outcome: 'Succeeded',
    message: `Import Complete${config.preallocation ? ', Preallocation applied' : ''}`,
    format: result.format,
    virtualSize: result.virtualSize,
    bytesWritten: result.bytesWritten,
  };
  if (result.checksum !== undefined) message.checksum = result.checksum;
  if (config.preallocation) message.preallocationApplied = true;
  return message;
}

/** The volume this pod writes: Block when the device path exists (or the runner says so). */
async function resolveTarget(config: ImportConfig, resolve: PodPathResolver): Promise<ImportTarget> {
  const device = resolve(POD_PATHS.blockDevice);
  const mode = config.volumeMode ?? (existsSync(device) ? 'Block' : 'Filesystem');
  if (mode === 'Block') return { kind: 'block', path: device };
  const dir = resolve(POD_PATHS.dataDir);
  // No requested size: the image is sized to itself (never to the free space of the host disk,
  // which in embedded mode is not the volume's size).
  if (config.imageSize === undefined) return { kind: 'file', path: dir };
  const fs = await statfs(dir).catch(() => undefined);
  // Space held by an earlier attempt's disk.img is space this attempt may use.
  const previous = await stat(path.join(dir, DISK_IMAGE_NAME)).then((s) => s.blocks * 512, () => 0);
  const available = fs === undefined ? Infinity : fs.bavail * fs.bsize + previous;
  return { kind: 'file', path: dir, usableSize: filesystemUsableSize(config.imageSize, available, config.filesystemOverhead) };
}

async function readDirFiles(dir: string, depth: number): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const full = path.join(dir, entry.name);
    // Kubernetes secret volumes hold "..data" symlinks and timestamped dirs; follow the names only.
    if (entry.name.startsWith('..')) continue;
    const s = await stat(full).catch(() => undefined);
    if (s?.isFile() === true) out.push(full);
    else if (s?.isDirectory() === true && depth > 0) out.push(...(await readDirFiles(full, depth - 1)));
  }
  return out.sort();
}

async function httpSourceOptions(config: HttpSourceConfig, resolve: PodPathResolver): Promise<HttpSourceOptions> {
  const options: HttpSourceOptions = { url: config.url, extraHeaders: config.extraHeaders, insecureSkipVerify: config.insecureTls };
  if (config.basicAuth !== undefined) options.basicAuth = config.basicAuth;
  if (config.proxy !== undefined) options.proxy = config.proxy;
  if (config.parallel !== undefined) options.parallel = config.parallel;
  if (config.certDir !== undefined) {
    const files = await readDirFiles(resolve(config.certDir), 0);
    const pems = await Promise.all(files.map((f) => readFile(f, 'utf8')));
    if (pems.length > 0) options.caPem = pems.join('\n');
  }
  // CDI mounts each secretExtraHeaders secret under /extraheaders/<secret>/<key> = "Name: value".
  const secretHeaders: Record<string, string> = {};
  const mounts = resolve.mountsUnder?.(POD_PATHS.secretExtraHeadersDir) ?? [resolve(POD_PATHS.secretExtraHeadersDir)];
  const files = new Set<string>();
  for (const dir of mounts) for (const file of await readDirFiles(dir, 1)) files.add(file);
  for (const file of [...files].sort()) {
    const line = (await readFile(file, 'utf8')).trim();
    const colon = line.indexOf(':');
    if (colon > 0) secretHeaders[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  if (Object.keys(secretHeaders).length > 0) options.secretHeaders = secretHeaders;
  return options;
}

/**
 * IMPORTER_SOURCE=none (a blank DataVolume): a Filesystem volume gets a sparse raw disk.img of
 * the usable size; a Block volume is left as it is, or zeroed when preallocation is asked.
 */
async function createBlank(config: ImportConfig, target: ImportTarget, signal: AbortSignal): Promise<TerminationMessage> {
  const done = (virtualSize: number): TerminationMessage => ({
    outcome: 'Succeeded',
    message: `Import Complete${config.preallocation ? ', Preallocation applied' : ''}`,
    format: 'raw',
    virtualSize,
    bytesWritten: 0,
    ...(config.preallocation ? { preallocationApplied: true } : {}),
  });
  if (target.kind === 'block') {
    const { size } = await probeTarget(target.path, signal);
    if (config.preallocation) await zeroFill(target.path, size, signal);
    return done(size);
  }
  if (target.usableSize === undefined) {
    throw new DataPlaneError('EINVALIDSOURCE', 'a blank Filesystem image needs IMPORTER_IMAGE_SIZE (the requested volume size)');
  }
  const image = path.join(target.path, DISK_IMAGE_NAME);
  await (await open(image, 'w')).close();
  await finalizeTarget({ kind: 'file', path: image, size: target.usableSize, preallocate: config.preallocation, signal });
  return done(target.usableSize);
}
