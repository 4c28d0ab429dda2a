/**
 * Sinks: where raw image bytes land. A Filesystem volume gets `<mount>/disk.img`, a sparse file;
 * a Block volume gets the device itself (in embedded mode, a regular file standing for it).
 *
 * Sparseness: bytes are examined in aligned 4 KiB blocks; a block of zeros is not written.
 * - File target: disk.img is created empty, so a block not written reads back as zeros (a hole).
 * - Block target: the device may hold old data, and Node cannot punch holes (no fallocate or
 *   BLKZEROOUT), so for each zero run the sink READS the device back and writes zeros only where
 *   it does not already read zeros. Reading is cheaper than writing, keeps thin-provisioned
 *   devices thin, and is always correct. With preallocation, zero runs are written outright.
 * At the end the file target is resized to the usable size (ftruncate; never below the image:
 * the caller checks that first), preallocated if asked (`fallocate` CLI, else zeros written),
 * and fsynced.
 */
import { execFile } from 'node:child_process';
import { open, stat } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { promisify } from 'node:util';
import { DataPlaneError } from './errors.ts';

const execFileAsync = promisify(execFile);

/** Zero-detection granularity: the usual filesystem block. */
export const ZERO_BLOCK = 4096;
/** Bytes gathered before a flush; a multiple of ZERO_BLOCK. */
const BUFFER_SIZE = 1 << 20;
const ZEROS = Buffer.alloc(BUFFER_SIZE);

export type TargetKind = 'file' | 'block';

export interface RawWriterOptions {
  kind: TargetKind;
  /** The image file (file target) or the device (block target). */
  path: string;
  /** Decoded bytes beyond this fail with ETOOLARGE (the usable size of the target). */
  limit?: number;
  /** Write zero runs instead of skipping them (block target). */
  preallocate?: boolean;
}

export interface WriteResult {
  /** Bytes of raw image delivered (the image's size). */
  imageSize: number;
  /** Bytes actually written to the target (the non-zero blocks, plus zeros a device needed). */
  bytesWritten: number;
}

function isZero(buf: Buffer, start: number, end: number): boolean {
  return buf.subarray(start, end).equals(ZEROS.subarray(0, end - start));
}

/**
 * Writes a raw image sequentially from offset 0, skipping zero blocks. One flush is in flight
 * while the next buffer fills, so receiving and writing overlap.
 */
export class RawImageWriter {
  readonly #fh: FileHandle;
  readonly #options: RawWriterOptions;
  #buffer = Buffer.allocUnsafe(BUFFER_SIZE);
  #spare = Buffer.allocUnsafe(BUFFER_SIZE);
  #filled = 0;
  /** Absolute offset of #buffer[0]. */
  #bufferOffset = 0;
  #inflight: Promise<void> = Promise.resolve();
  #written = 0;

  private constructor(fh: FileHandle, options: RawWriterOptions) {
    this.#fh = fh;
    this.#options = options;
  }

  static async open(options: RawWriterOptions): Promise<RawImageWriter> {
    try {
      // A file target starts empty (so holes read as zeros); a device is written in place.
      const fh = await open(options.path, options.kind === 'file' ? 'w' : 'r+');
      return new RawImageWriter(fh, options);
    } catch (err) {
      throw new DataPlaneError('EINTERNAL', `cannot open the target ${options.path}: ${(err as Error).message}`, { cause: err });
    }
  }

  get position(): number {
    return this.#bufferOffset + this.#filled;
  }

  /** Copies `chunk` in: once this resolves, the caller may reuse or recycle it. */
  async write(chunk: Uint8Array, signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    const limit = this.#options.limit;
    if (limit !== undefined && this.position + chunk.byteLength > limit) {
      throw new DataPlaneError(
        'ETOOLARGE',
        `virtual image size is larger than the reported available storage ${limit} (more than ${limit} bytes were decoded). A larger PVC is required`,
      );
    }
    let at = 0;
    while (at < chunk.byteLength) {
      const n = Math.min(BUFFER_SIZE - this.#filled, chunk.byteLength - at);
      this.#buffer.set(chunk.subarray(at, at + n), this.#filled);
      this.#filled += n;
      at += n;
      if (this.#filled === BUFFER_SIZE) await this.#rotate();
    }
  }

  /** Hands the full buffer to a background flush and continues in the spare one. */
  async #rotate(): Promise<void> {
    await this.#inflight;
    const full = this.#buffer;
    const length = this.#filled;
    const offset = this.#bufferOffset;
    this.#buffer = this.#spare;
    this.#spare = full;
    this.#bufferOffset += length;
    this.#filled = 0;
    this.#inflight = this.#flush(full, length, offset);
    // Surface a failed flush at the next await instead of as an unhandled rejection.
    this.#inflight.catch(() => undefined);
  }

  async #flush(buf: Buffer, length: number, offset: number): Promise<void> {
    let runStart = 0;
    let runZero: boolean | undefined;
    for (let pos = 0; pos < length; pos += ZERO_BLOCK) {
      const end = Math.min(pos + ZERO_BLOCK, length);
      const zero = isZero(buf, pos, end);
      if (runZero !== undefined && zero !== runZero) {
        await this.#emit(buf, runStart, pos, offset, runZero);
        runStart = pos;
      }
      runZero = zero;
    }
    if (runZero !== undefined) await this.#emit(buf, runStart, length, offset, runZero);
  }

  async #emit(buf: Buffer, start: number, end: number, offset: number, zero: boolean): Promise<void> {
    if (!zero) {
      await this.#pwrite(buf.subarray(start, end), offset + start);
      return;
    }
    if (this.#options.kind === 'file') return;
    if (this.#options.preallocate === true) {
      await this.#pwrite(ZEROS.subarray(0, end - start), offset + start);
      return;
    }
    // Block target: only overwrite what does not read back as zeros.
    const readBack = Buffer.allocUnsafe(end - start);
    const { bytesRead } = await this.#fh.read(readBack, 0, end - start, offset + start);
    for (let pos = 0; pos < bytesRead; pos += ZERO_BLOCK) {
      const blockEnd = Math.min(pos + ZERO_BLOCK, bytesRead);
      if (!isZero(readBack, pos, blockEnd)) await this.#pwrite(ZEROS.subarray(0, blockEnd - pos), offset + start + pos);
    }
  }

  async #pwrite(data: Buffer, position: number): Promise<void> {
    let done = 0;
    try {
      while (done < data.byteLength) {
        const { bytesWritten } = await this.#fh.write(data, done, data.byteLength - done, position + done);
        done += bytesWritten;
      }
    } catch (err) {
      throw mapWriteError(err, this.#options.path);
    }
    this.#written += done;
  }

  /** Flushes what is buffered and closes; the caller then calls finalizeTarget(). */
  async finish(signal: AbortSignal): Promise<WriteResult> {
    signal.throwIfAborted();
    await this.#inflight;
    const tail = this.#buffer;
    const length = this.#filled;
    const offset = this.#bufferOffset;
    this.#bufferOffset += length;
    this.#filled = 0;
    await this.#flush(tail, length, offset);
    await this.#fh.close();
    return { imageSize: this.#bufferOffset, bytesWritten: this.#written };
  }

  /** Closes without finishing (after a failure). */
  async abort(): Promise<void> {
    await this.#inflight.catch(() => undefined);
    await this.#fh.close().catch(() => undefined);
  }
}

function mapWriteError(err: unknown, path: string): DataPlaneError {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new DataPlaneError('ENOSPACE', `the target ${path} ran out of space while writing`, { cause: err });
  }
  return new DataPlaneError('EINTERNAL', `writing the target ${path} failed: ${(err as Error).message}`, { cause: err });
}

export interface TargetCapacity {
  /** A block device (S_IFBLK) rather than a regular file. */
  isDevice: boolean;
  /** Current size in bytes (a device's size; a file's length). */
  size: number;
}

/** What lies at `path`: a device's size comes from `blockdev --getsize64` (stat says 0). */
export async function probeTarget(path: string, signal: AbortSignal): Promise<TargetCapacity> {
  let s;
  try {
    s = await stat(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { isDevice: false, size: 0 };
    throw new DataPlaneError('EINTERNAL', `cannot stat the target ${path}: ${(err as Error).message}`, { cause: err });
  }
  if (!s.isBlockDevice()) return { isDevice: false, size: s.size };
  try {
    const { stdout } = await execFileAsync('blockdev', ['--getsize64', path], { signal });
    return { isDevice: true, size: Number(stdout.trim()) };
  } catch (err) {
    throw new DataPlaneError('EINTERNAL', `cannot read the size of block device ${path}: ${(err as Error).message}`, { cause: err });
  }
}

export interface FinalizeOptions {
  kind: TargetKind;
  path: string;
  /** File target: the length disk.img is resized to. Block: ignored for a device; a standing-in
   *  file shorter than this is extended. */
  size: number;
  preallocate: boolean;
  signal: AbortSignal;
}

/** Resize (file), preallocate if asked, fsync. Never shrinks a block target. */
export async function finalizeTarget(options: FinalizeOptions): Promise<void> {
  const { path, size, signal } = options;
  signal.throwIfAborted();
  const target = await probeTarget(path, signal);
  const fh = await open(path, 'r+');
  try {
    if (!target.isDevice && (options.kind === 'file' || target.size < size)) await fh.truncate(size);
    if (options.preallocate && !target.isDevice) await preallocateFile(fh, path, size, signal);
    await fh.sync();
  } catch (err) {
    if (err instanceof DataPlaneError) throw err;
    throw mapWriteError(err, path);
  } finally {
    await fh.close();
  }
}

/**
 * Allocates every block of a file without changing its content: `fallocate -l` (mode 0 keeps
 * data, allocates holes as unwritten extents). Without the CLI, or on a filesystem that refuses
 * it, holes are filled by writing zeros over blocks that read as zeros.
 */
async function preallocateFile(fh: FileHandle, path: string, size: number, signal: AbortSignal): Promise<void> {
  try {
    await execFileAsync('fallocate', ['-l', String(size), path], { signal });
    return;
  } catch (err) {
    if (signal.aborted) throw signal.reason;
    // fall through to writing zeros
    void err;
  }
  const buf = Buffer.allocUnsafe(BUFFER_SIZE);
  for (let offset = 0; offset < size; offset += BUFFER_SIZE) {
    signal.throwIfAborted();
    const { bytesRead } = await fh.read(buf, 0, Math.min(BUFFER_SIZE, size - offset), offset);
    for (let pos = 0; pos < bytesRead; pos += ZERO_BLOCK) {
      const end = Math.min(pos + ZERO_BLOCK, bytesRead);
      if (isZero(buf, pos, end)) await fh.write(ZEROS, 0, end - pos, offset + pos);
    }
  }
}

/** Writes zeros over [0, size) of a block target (preallocating a blank Block volume). */
export async function zeroFill(path: string, size: number, signal: AbortSignal): Promise<void> {
  const fh = await open(path, 'r+');
  try {
    for (let offset = 0; offset < size; offset += BUFFER_SIZE) {
      signal.throwIfAborted();
      await fh.write(ZEROS, 0, Math.min(BUFFER_SIZE, size - offset), offset);
    }
    await fh.sync();
  } catch (err) {
    if (err instanceof DataPlaneError || signal.aborted) throw err;
    throw mapWriteError(err, path);
  } finally {
    await fh.close();
  }
}
