/**
 * A Source over a local file: used by tests, by the scratch path, and wherever an image already
 * lies on a local disk. It supports ranges (read()) and never fetches over a network, so
 * bytesFetched() counts bytes read from the file.
 */
import { open, stat } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { DataPlaneError } from '../errors.ts';
import type { Source, SourceInfo } from '../source.ts';

const DEFAULT_CHUNK = 1 << 20;

export interface FileSourceOptions {
  /** Bytes per chunk yielded by stream(); 1 MiB by default. */
  chunkSize?: number;
}

export function createFileSource(path: string, options: FileSourceOptions = {}): Source {
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK;
  let fetched = 0;
  let closed = false;

  function checkOpen(): void {
    if (closed) throw new DataPlaneError('EINTERNAL', `file source ${path} used after close()`);
  }

  async function openFile(): Promise<FileHandle> {
    try {
      return await open(path, 'r');
    } catch (err) {
      throw mapFsError(err, path);
    }
  }

  return {
    description: `file ${path}`,

    async info(signal: AbortSignal): Promise<SourceInfo> {
      checkOpen();
      signal.throwIfAborted();
      try {
        const s = await stat(path);
        return { size: s.size, acceptsRanges: true, lastModified: s.mtime.toUTCString() };
      } catch (err) {
        throw mapFsError(err, path);
      }
    },

    async *stream(offset: number, signal: AbortSignal): AsyncIterable<Uint8Array> {
      checkOpen();
      signal.throwIfAborted();
      const fh = await openFile();
      try {
        let position = offset;
        while (true) {
          signal.throwIfAborted();
          const buf = Buffer.allocUnsafe(chunkSize);
          const { bytesRead } = await fh.read(buf, 0, chunkSize, position);
          if (bytesRead === 0) return;
          position += bytesRead;
          fetched += bytesRead;
          yield bytesRead === chunkSize ? buf : buf.subarray(0, bytesRead);
        }
      } finally {
        await fh.close();
      }
    },

    async read(offset: number, length: number, signal: AbortSignal): Promise<Uint8Array> {
      checkOpen();
      signal.throwIfAborted();
      const fh = await openFile();
      try {
        const buf = Buffer.allocUnsafe(length);
        let done = 0;
        while (done < length) {
          const { bytesRead } = await fh.read(buf, done, length - done, offset + done);
          if (bytesRead === 0) break;
          done += bytesRead;
        }
        fetched += done;
        return done === length ? buf : buf.subarray(0, done);
      } finally {
        await fh.close();
      }
    },

    bytesFetched: () => fetched,

    async close(): Promise<void> {
      closed = true;
    },
  };
}

function mapFsError(err: unknown, path: string): DataPlaneError {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new DataPlaneError('ENOTFOUND', `file ${path} does not exist`, { cause: err });
  if (code === 'EACCES' || code === 'EPERM') {
    return new DataPlaneError('EUNAUTHORIZED', `file ${path} is not readable: permission denied`, { cause: err });
  }
  return new DataPlaneError('EINTERNAL', `reading file ${path} failed: ${(err as Error).message}`, { cause: err });
}
