/**
 * Reading one layer blob as it arrives: decompress it (gzip, zstd or none, told by its magic
 * bytes rather than its media type, which registries and tools get wrong), walk its tar entries,
 * and hand out the disk entry's bytes without writing anything anywhere. Reading the layer to its
 * end checks the blob against its digest.
 */
import { createHash, type Hash } from 'node:crypto';
import { once } from 'node:events';
import { Readable, type Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createZstdDecompress } from 'node:zlib';
import * as tar from 'tar-stream';
import { DataPlaneError } from '../../errors.ts';

/** CDI's rule (pkg/importer/transport.go): the disk lives under `disk/` in the image. */
export const DISK_DIRECTORY = 'disk/';
const WHITEOUT_PREFIX = '.wh.';

/**
 * Whether a tar entry is the disk: a regular file under `disk/` (also spelled `./disk/` or
 * `/disk/`), not a whiteout. Unlike CDI, links are not taken (a symlink has no bytes of its own).
 */
export function isDiskEntry(h: { name: string; type?: string | null | undefined }): boolean {
  const name = h.name.replace(/^(\.?\/)+/, '');
  const base = name.slice(name.lastIndexOf('/') + 1);
  const regular = h.type === 'file' || h.type === 'contiguous-file' || h.type === undefined || h.type === null;
  return regular && name.startsWith(DISK_DIRECTORY) && base !== '' && !base.startsWith(WHITEOUT_PREFIX);
}

export interface DiskEntry {
  /** The path inside the layer, as stored. */
  name: string;
  size: number;
  /** The entry's bytes; read it to its end before calling finish(). */
  data: AsyncIterable<Buffer>;
}

export interface OpenLayer {
  /** The next disk entry in the layer, or undefined when the layer ended without one. */
  nextDisk(): Promise<DiskEntry | undefined>;
  /** Reads the rest of the layer and checks size and digest (ECHECKSUM when they differ). */
  finish(): Promise<void>;
  /** The first failure, mapped (network failures by `mapNetworkError`, the rest EPROTOCOL). */
  failure(): DataPlaneError | undefined;
  /** Stops reading; frees the connection. */
  destroy(): void;
}

export interface OpenLayerOptions {
  /** The blob's body as it arrives. */
  body: AsyncIterable<Buffer>;
  /** Frees the body's connection (called by destroy(): a pending read would otherwise hold it). */
  releaseBody: () => void;
  digest: string;
  size: number;
  /** For messages: `layer sha256:... of docker://...`. */
  what: string;
  onBytes: (n: number) => void;
  mapNetworkError: (err: unknown) => DataPlaneError;
  signal: AbortSignal;
}

const GZIP_MAGIC = [0x1f, 0x8b];
const ZSTD_MAGIC = [0x28, 0xb5, 0x2f, 0xfd];
const startsWith = (b: Buffer, magic: number[]): boolean => magic.every((v, i) => b[i] === v);

function hashFor(digest: string, what: string): Hash {
  const algorithm = digest.slice(0, digest.indexOf(':'));
  if (algorithm !== 'sha256' && algorithm !== 'sha512') {
    throw new DataPlaneError('EUNSUPPORTEDFORMAT', `${what}: unsupported digest algorithm ${JSON.stringify(algorithm)}`);
  }
  return createHash(algorithm);
}

export function openLayer(opts: OpenLayerOptions): OpenLayer {
  const { what } = opts;
  const hash = hashFor(opts.digest, what);
  let received = 0;
  let failure: DataPlaneError | undefined;
  const stop = new AbortController();
  const signal = AbortSignal.any([opts.signal, stop.signal]);
  const extract = tar.extract();
  const entries = extract[Symbol.asyncIterator]();

  /** The raw blob, hashed and counted, with network failures told apart from decoding ones. */
  async function* blob(): AsyncGenerator<Buffer> {
    try {
      for await (const chunk of opts.body) {
        hash.update(chunk);
        received += chunk.length;
        opts.onBytes(chunk.length);
        yield chunk;
      }
    } catch (err) {
      failure ??= opts.mapNetworkError(err);
      throw err;
    }
  }

  async function feedExtract(source: AsyncIterable<Buffer>): Promise<void> {
    for await (const chunk of source) {
      if (!extract.write(chunk)) await once(extract, 'drain', { signal });
    }
    extract.end(null);
  }

  async function pump(): Promise<void> {
    const raw = blob()[Symbol.asyncIterator]();
    const first = await raw.next();
    const head = first.done === true ? Buffer.alloc(0) : first.value;
    async function* whole(): AsyncGenerator<Buffer> {
      if (head.length > 0) yield head;
      for (let r = await raw.next(); r.done !== true; r = await raw.next()) yield r.value;
    }
    const decompressor: Transform | undefined = startsWith(head, GZIP_MAGIC)
      ? createGunzip()
      : startsWith(head, ZSTD_MAGIC)
        ? createZstdDecompress()
        : undefined;
    if (decompressor === undefined) await pipeline(Readable.from(whole()), feedExtract, { signal });
    else await pipeline(Readable.from(whole()), decompressor, feedExtract, { signal });
  }

  const pumped = pump().catch((err: unknown) => {
    failure ??=
      err instanceof DataPlaneError
        ? err
        : opts.signal.aborted || stop.signal.aborted
          ? new DataPlaneError('EABORTED', `${what}: aborted`, { cause: err })
          : new DataPlaneError('EPROTOCOL', `${what} is not a valid (gzip, zstd or uncompressed) tar archive: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    extract.destroy(failure);
    throw failure;
  });
  pumped.catch(() => undefined); // surfaced through nextDisk()/finish()/failure()

  async function nextDisk(): Promise<DiskEntry | undefined> {
    for (;;) {
      const r = await entries.next().catch((err: unknown) => {
        throw failure ?? err;
      });
      if (r.done === true) return undefined;
      const entry = r.value;
      if (isDiskEntry(entry.header)) return { name: entry.header.name, size: entry.header.size ?? 0, data: entry as AsyncIterable<unknown> as AsyncIterable<Buffer> };
      entry.resume();
    }
  }

  return {
    nextDisk,
    async finish() {
      for (;;) {
        const r = await entries.next().catch((err: unknown) => {
          throw failure ?? err;
        });
        if (r.done === true) break;
        r.value.resume();
      }
      await pumped;
      const actual = `${opts.digest.slice(0, opts.digest.indexOf(':'))}:${hash.digest('hex')}`;
      if (actual !== opts.digest || received !== opts.size) {
        throw new DataPlaneError(
          'ECHECKSUM',
          `${what}: the blob read has digest ${actual} and ${received} bytes, the manifest says ${opts.digest} and ${opts.size} bytes: ` +
            'the registry served corrupt or different data',
        );
      }
    },
    failure: () => failure,
    destroy() {
      opts.releaseBody();
      stop.abort();
      extract.destroy();
    },
  };
}
