/**
 * The registry Source: the bytes of THE DISK FILE inside a container image (a "containerDisk"),
 * as CDI's registry import takes it, streamed out of the layer without writing the image anywhere.
 *
 * 1. GET the manifest (Accept: OCI index, OCI manifest, Docker manifest list, Docker manifest v2);
 *    an index is resolved to the manifest of `platform` (default linux/amd64); a manifest pulled
 *    by digest is checked against it.
 * 2. Layers are read from the last (top) to the first, so that an upper layer's disk wins as it
 *    would in the container's filesystem (CDI itself walks them from the first); the first regular
 *    file under `disk/` is the disk. A layer read to its end is checked against its digest.
 * 3. info().size is the tar entry's size; acceptsRanges is false (a compressed tar has no random
 *    access). read() works by streaming the entry again from its start and keeping the asked
 *    range: correct, but costly, so callers use it only when they must.
 * 4. Resume: after a transient failure the layer is fetched again and the entry's bytes already
 *    delivered are skipped (blobs are content-addressed, so the bytes cannot have changed).
 */
import { DataPlaneError } from '../../errors.ts';
import { DEFAULT_RETRY_POLICY, decideRetry, realSleep, type RetryPolicy, type Sleep } from '../../retry.ts';
import type { Source, SourceInfo } from '../../source.ts';
import { release, type ExchangeTimeouts } from '../http-exchange.ts';
import { networkError } from '../http-failures.ts';
import { DEFAULT_USER_AGENT } from '../http.ts';
import { createRegistryClient } from './client.ts';
import { openLayer, DISK_DIRECTORY, type DiskEntry, type OpenLayer } from './layer.ts';
import {
  choosePlatformManifest, DEFAULT_PLATFORM, digestOf, formatPlatform, MANIFEST_ACCEPT, parseManifest, parsePlatform,
  type Descriptor, type Platform,
} from './manifest.ts';
import { parseImageReference, type ImageReference } from './reference.ts';

export interface RegistrySourceOptions {
  /** docker://host[:port]/repository[:tag] or docker://host[:port]/repository@sha256:<digest> */
  url: string;
  username?: string;
  password?: string;
  /** An extra CA (PEM) trusted in addition to the default roots (spec.source.registry.certConfigMap). */
  caPem?: string;
  /** The registry is in CDIConfig's insecureRegistries: TLS unverified, or plain http. */
  insecure?: boolean;
  /** os/architecture[/variant] chosen from an index. Default linux/amd64. */
  platform?: string;
  retry?: RetryPolicy;
  userAgent?: string;
  timeouts?: Partial<ExchangeTimeouts>;
  /** Injected for tests: backoff sleeps and jitter. */
  sleep?: Sleep;
  random?: () => number;
  onRetry?: (event: { attempt: number; delayMs: number; error: DataPlaneError }) => void;
}

interface ResolvedImage {
  manifestDigest: string;
  layers: Descriptor[];
}

interface OpenDisk {
  layer: OpenLayer;
  disk: DiskEntry;
}

export function createRegistrySource(opts: RegistrySourceOptions): Source {
  const image: ImageReference = parseImageReference(opts.url);
  const platform: Platform = parsePlatform(opts.platform ?? DEFAULT_PLATFORM);
  const policy = opts.retry ?? DEFAULT_RETRY_POLICY;
  const sleep = opts.sleep ?? realSleep;
  const random = opts.random ?? Math.random;
  const description = `registry source ${image.display}`;
  if ((opts.username === undefined) !== (opts.password === undefined)) {
    throw new DataPlaneError('EINVALIDSOURCE', `${description}: accessKeyId and secretKey must be given together in the secretRef`);
  }
  const client = createRegistryClient({
    image,
    ...(opts.username === undefined || opts.password === undefined ? {} : { credentials: { username: opts.username, password: opts.password } }),
    ...(opts.caPem === undefined ? {} : { caPem: opts.caPem }),
    insecure: opts.insecure === true,
    policy,
    timeouts: { headersMs: opts.timeouts?.headersMs ?? 60_000, bodyMs: opts.timeouts?.bodyMs ?? 60_000 },
    userAgent: opts.userAgent ?? DEFAULT_USER_AGENT,
  });

  let blobBytes = 0;
  let resolved: ResolvedImage | undefined;
  /** Where the disk is, once found: later opens go straight to that layer. */
  let located: { layerIndex: number; name: string; size: number } | undefined;
  /** Layers read to their end without a disk (not read again after a retry). */
  const withoutDisk = new Set<number>();

  const aborted = (signal: AbortSignal): DataPlaneError => new DataPlaneError('EABORTED', `${description}: aborted`, { cause: signal.reason });

  /** Runs `attempt` again after transient failures, per the policy (`progressed` resets the count). */
  async function retrying<T>(signal: AbortSignal, attempt: (progressed: () => void) => Promise<T>): Promise<T> {
    let failures = 0;
    for (;;) {
      try {
        return await attempt(() => (failures = 0));
      } catch (err) {
        if (signal.aborted) throw aborted(signal);
        const e = err instanceof DataPlaneError ? err : networkError('GET', new URL(`https://${image.registry}`), err, policy, signal);
        failures++;
        const decision = decideRetry(policy, e, failures, random);
        if (!decision.retry) throw e;
        opts.onRetry?.({ attempt: failures, delayMs: decision.delayMs, error: e });
        try {
          await sleep(decision.delayMs, signal);
        } catch {
          throw aborted(signal);
        }
      }
    }
  }

  async function fetchManifest(reference: string, expectedDigest: string | undefined, signal: AbortSignal) {
    const { body, contentType } = await client.getManifest(reference, MANIFEST_ACCEPT, signal);
    const algorithm = expectedDigest?.startsWith('sha512:') === true ? 'sha512' : 'sha256';
    const digest = digestOf(body, algorithm);
    if (expectedDigest !== undefined && digest !== expectedDigest) {
      throw new DataPlaneError('ECHECKSUM', `the manifest ${reference} of ${image.display} has digest ${digest}: the registry served different data`);
    }
    return { digest, manifest: parseManifest(body, contentType, `the manifest ${reference} of ${image.display}`) };
  }

  async function resolve(signal: AbortSignal): Promise<ResolvedImage> {
    if (resolved !== undefined) return resolved;
    const top = await retrying(signal, () => fetchManifest(image.reference, image.digest, signal));
    let digest = top.digest;
    let manifest = top.manifest;
    if (manifest.kind === 'index') {
      const chosen = choosePlatformManifest(manifest.manifests, platform);
      if (chosen === undefined) {
        const offered = manifest.manifests.flatMap((m) => (m.platform === undefined ? [] : [formatPlatform(m.platform)]));
        throw new DataPlaneError(
          'ENOTFOUND',
          `the image ${image.display} has no manifest for platform ${formatPlatform(platform)} (it offers ${offered.join(', ') || 'none'})`,
        );
      }
      const child = await retrying(signal, () => fetchManifest(chosen.digest, chosen.digest, signal));
      if (child.manifest.kind !== 'image') {
        throw new DataPlaneError('EUNSUPPORTEDFORMAT', `the image ${image.display}: nested indexes are not supported`);
      }
      digest = child.digest;
      manifest = child.manifest;
    }
    resolved = { manifestDigest: digest, layers: manifest.layers };
    return resolved;
  }

  /** Opens layer `index` and returns it at its first disk entry, or undefined (the layer checked to its end). */
  async function openDiskIn(layers: Descriptor[], index: number, signal: AbortSignal): Promise<OpenDisk | undefined> {
    const d = layers[index];
    if (d === undefined) throw new DataPlaneError('EINTERNAL', `${description}: no layer ${index}`);
    const ex = await client.openBlob(d.digest, signal);
    const what = `the layer ${d.digest} of ${image.display}`;
    const layer = openLayer({
      body: ex.body as AsyncIterable<Buffer>,
      releaseBody: () => release(ex.body),
      digest: d.digest,
      size: d.size,
      what,
      onBytes: (n) => (blobBytes += n),
      mapNetworkError: (err) => networkError('GET', ex.url, err, policy, signal),
      signal,
    });
    try {
      const disk = await layer.nextDisk();
      if (disk !== undefined) return { layer, disk };
      await layer.finish();
      layer.destroy();
      return undefined;
    } catch (err) {
      layer.destroy();
      throw layer.failure() ?? err;
    }
  }

  /** The disk's layer opened at the disk entry: where it was found before, else the top-most layer holding one. */
  async function openDisk(signal: AbortSignal): Promise<OpenDisk> {
    const { layers } = await resolve(signal);
    if (located !== undefined) {
      const opened = await openDiskIn(layers, located.layerIndex, signal);
      if (opened === undefined || opened.disk.name !== located.name || opened.disk.size !== located.size) {
        opened?.layer.destroy();
        throw new DataPlaneError('EPROTOCOL', `${description}: the disk entry ${located.name} changed between two reads of the same layer`);
      }
      return opened;
    }
    for (let i = layers.length - 1; i >= 0; i--) {
      if (withoutDisk.has(i)) continue;
      const opened = await openDiskIn(layers, i, signal);
      if (opened !== undefined) {
        located = { layerIndex: i, name: opened.disk.name, size: opened.disk.size };
        return opened;
      }
      withoutDisk.add(i);
    }
    throw new DataPlaneError(
      'ENODISK',
      `the image ${image.display} has no disk image in its ${DISK_DIRECTORY} directory (${layers.length} layer(s) searched): ` +
        'build it FROM scratch with ADD disk.img /disk/',
    );
  }

  let probed: SourceInfo | undefined;
  async function info(signal: AbortSignal): Promise<SourceInfo> {
    if (probed !== undefined) return probed;
    const opened = await retrying(signal, () => openDisk(signal));
    opened.layer.destroy();
    probed = { size: opened.disk.size, acceptsRanges: false, etag: (await resolve(signal)).manifestDigest };
    return probed;
  }

  async function* stream(offset: number, signal: AbortSignal): AsyncGenerator<Uint8Array> {
    let pos = offset;
    let failures = 0;
    for (;;) {
      let opened: OpenDisk | undefined;
      try {
        opened = await openDisk(signal);
        let skip = pos;
        for await (const chunk of opened.disk.data) {
          if (skip >= chunk.length) {
            skip -= chunk.length;
            continue;
          }
          const out = skip > 0 ? chunk.subarray(skip) : chunk;
          skip = 0;
          pos += out.length;
          failures = 0;
          yield out;
        }
        await opened.layer.finish();
        return;
      } catch (err) {
        opened?.layer.destroy();
        if (signal.aborted) throw aborted(signal);
        const e = opened?.layer.failure() ?? (err instanceof DataPlaneError ? err : networkError('GET', new URL(`https://${image.registry}`), err, policy, signal));
        failures++;
        const decision = decideRetry(policy, e, failures, random);
        if (!decision.retry) throw e;
        opts.onRetry?.({ attempt: failures, delayMs: decision.delayMs, error: e });
        try {
          await sleep(decision.delayMs, signal);
        } catch {
          throw aborted(signal);
        }
      } finally {
        opened?.layer.destroy();
      }
    }
  }

  /** Streams the entry again from its start up to offset+length (see the header: no random access). */
  async function read(offset: number, length: number, signal: AbortSignal): Promise<Uint8Array> {
    const parts: Uint8Array[] = [];
    let total = 0;
    if (length <= 0) return new Uint8Array(0);
    for await (const chunk of stream(offset, signal)) {
      const take = Math.min(chunk.length, length - total);
      parts.push(take === chunk.length ? chunk : chunk.subarray(0, take));
      total += take;
      if (total >= length) break;
    }
    return Buffer.concat(parts, total);
  }

  return {
    description,
    info,
    stream,
    read,
    bytesFetched: () => blobBytes + client.manifestBytes(),
    close: () => client.close(),
  };
}
