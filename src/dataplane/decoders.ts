/**
 * The reader stack: bytes from a source, decompressed layer by layer (gzip, xz, zstd: detected by
 * magic bytes, then detected again underneath) until an image format, a tar or raw data shows.
 * Everything streams: a layer holds at most its header peek and the decompressor's own window.
 */
import { Readable, addAbortSignal } from 'node:stream';
import zlib from 'node:zlib';
import { DataPlaneError } from './errors.ts';
import { DETECT_HEADER_BYTES, detect } from './detect.ts';
import type { Compression, Detection } from './detect.ts';

/** More nested compression layers than this is a decompression bomb or garbage, not an image. */
const MAX_COMPRESSION_LAYERS = 3;

/**
 * An async byte stream whose first bytes can be looked at without consuming them. Iterate it
 * once, after peeking; the peeked bytes come first.
 */
export class PeekableStream implements AsyncIterable<Uint8Array> {
  readonly #iterator: AsyncIterator<Uint8Array>;
  #buffered: Uint8Array[] = [];
  #bufferedBytes = 0;
  #ended = false;
  #iterated = false;

  constructor(input: AsyncIterable<Uint8Array>) {
    this.#iterator = input[Symbol.asyncIterator]();
  }

  /** Up to `n` first bytes (fewer only when the stream is shorter). */
  async peek(n: number): Promise<Uint8Array> {
    while (this.#bufferedBytes < n && !this.#ended) {
      const next = await this.#iterator.next();
      if (next.done === true) {
        this.#ended = true;
        break;
      }
      if (next.value.byteLength === 0) continue;
      this.#buffered.push(next.value);
      this.#bufferedBytes += next.value.byteLength;
    }
    const all = Buffer.concat(this.#buffered);
    // Keep one chunk so later peeks and the iteration do not concatenate again.
    this.#buffered = all.byteLength > 0 ? [all] : [];
    return all.subarray(0, Math.min(n, all.byteLength));
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    if (this.#iterated) throw new DataPlaneError('EINTERNAL', 'a peekable stream was iterated twice');
    this.#iterated = true;
    const buffered = this.#buffered;
    this.#buffered = [];
    try {
      yield* buffered;
      if (this.#ended) return;
      while (true) {
        const next = await this.#iterator.next();
        if (next.done === true) return;
        yield next.value;
      }
    } finally {
      await this.#iterator.return?.();
    }
  }

  /** Stops the underlying stream without reading it (when the caller decided not to iterate). */
  async cancel(): Promise<void> {
    await this.#iterator.return?.();
  }
}

/** lzma-native (a native addon) is loaded only for xz, so other imports start faster. */
async function createDecompressor(compression: Compression): Promise<NodeJS.ReadWriteStream & Readable> {
  switch (compression) {
    case 'gzip':
      return zlib.createGunzip({ chunkSize: 256 * 1024 });
    case 'zstd':
      return zlib.createZstdDecompress({ chunkSize: 256 * 1024 });
    case 'xz': {
      const { default: lzma } = await import('lzma-native');
      return lzma.createDecompressor() as unknown as NodeJS.ReadWriteStream & Readable;
    }
  }
}

/** Decompresses `input`; corrupt data fails with EUNSUPPORTEDFORMAT naming the codec. */
export async function* decompress(
  input: AsyncIterable<Uint8Array>,
  compression: Compression,
  signal: AbortSignal,
): AsyncIterable<Uint8Array> {
  const source = addAbortSignal(signal, Readable.from(input, { objectMode: false }));
  const decoder = await createDecompressor(compression);
  let sourceError: unknown;
  source.on('error', (err) => {
    sourceError = err;
    decoder.destroy(err);
  });
  source.pipe(decoder);
  try {
    for await (const chunk of decoder as AsyncIterable<Buffer>) yield chunk;
    // Bytes after the compressed data (padding, trailing garbage) are still source bytes: read
    // them, so a checksum at the bottom of the stack sees the whole object.
    source.unpipe(decoder);
    for await (const rest of source) void rest;
  } catch (err) {
    // Errors of the layer below (network, checksum, abort) pass through unchanged.
    if (sourceError !== undefined) throw signal.aborted ? signal.reason : sourceError;
    if (err instanceof DataPlaneError) throw err;
    throw new DataPlaneError('EUNSUPPORTEDFORMAT', `the ${compression} data is corrupt or truncated: ${(err as Error).message}`, {
      cause: err,
    });
  } finally {
    source.destroy();
    decoder.destroy();
  }
}

export interface DecodedStream {
  /** Compression layers peeled, outermost first (e.g. ['xz'] for disk.qcow2.xz). */
  compressions: Compression[];
  /** What lies under the compression layers. */
  detection: Exclude<Detection, { kind: 'compressed' }>;
  /** The decompressed bytes, from the first. */
  stream: PeekableStream;
}

/** Peels compression layers from `input` until something that is not compressed shows. */
export async function openDecoded(input: AsyncIterable<Uint8Array>, signal: AbortSignal): Promise<DecodedStream> {
  const compressions: Compression[] = [];
  let stream = new PeekableStream(input);
  while (true) {
    const head = await stream.peek(DETECT_HEADER_BYTES);
    const detection = detect(head);
    if (detection.kind !== 'compressed') return { compressions, detection, stream };
    if (compressions.length === MAX_COMPRESSION_LAYERS) {
      await stream.cancel();
      throw new DataPlaneError(
        'EUNSUPPORTEDFORMAT',
        `more than ${MAX_COMPRESSION_LAYERS} nested compression layers (${[...compressions, detection.compression].join(', ')}): not an image`,
      );
    }
    compressions.push(detection.compression);
    stream = new PeekableStream(decompress(stream, detection.compression, signal));
  }
}
