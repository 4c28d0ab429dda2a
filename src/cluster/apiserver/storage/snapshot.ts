// Snapshot files: written to snapshot.tmp, fsynced, renamed over `snapshot`, directory fsynced,
// so a crash at any point leaves either the old snapshot or the new one, both complete.
import { open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { corruptSnapshotError } from './errors.ts';
import { encodeFrame, scanFrames } from './frame.ts';
import type { SnapshotEntry, SnapshotHeader } from './log-record.ts';
import type { IndexedObject } from './object-index.ts';
import { fsyncDir, SNAPSHOT_FILE, SNAPSHOT_TMP_FILE, writeAll } from './state-dir.ts';

/** Bytes buffered before each write, so a large snapshot yields to the event loop between writes. */
const WRITE_CHUNK_BYTES = 1 << 20;

export async function writeSnapshot(dir: string, header: SnapshotHeader, objects: IndexedObject[]): Promise<void> {
  const tmpPath = join(dir, SNAPSHOT_TMP_FILE);
  const handle = await open(tmpPath, 'w');
  try {
    let chunk: Buffer[] = [encodeFrame(JSON.stringify(header))];
    let chunkBytes = chunk[0]!.length;
    for (const { key, object } of objects) {
      const entry: SnapshotEntry = { r: key.resource, ns: key.namespace, n: key.name, o: object };
      const frame = encodeFrame(JSON.stringify(entry));
      chunk.push(frame);
      chunkBytes += frame.length;
      if (chunkBytes >= WRITE_CHUNK_BYTES) {
        await writeAll(handle, Buffer.concat(chunk));
        chunk = [];
        chunkBytes = 0;
      }
    }
    if (chunk.length > 0) await writeAll(handle, Buffer.concat(chunk));
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmpPath, join(dir, SNAPSHOT_FILE));
  await fsyncDir(dir);
}

export interface LoadedSnapshot {
  header: SnapshotHeader;
  entries: SnapshotEntry[];
}

/** The current snapshot, or undefined when none was ever written. Throws ESTORECORRUPT. */
export async function readSnapshot(dir: string): Promise<LoadedSnapshot | undefined> {
  const path = join(dir, SNAPSHOT_FILE);
  let data: Buffer;
  try {
    data = await readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const { frames, damage } = scanFrames(data);
  if (damage !== undefined) throw corruptSnapshotError(path, damage.offset, damage.why);
  const [first, ...rest] = frames;
  if (first === undefined) throw corruptSnapshotError(path, 0, 'empty snapshot');
  const header = parseJson(path, first.offset, first.payload) as Partial<SnapshotHeader>;
  if (header.v !== 1 || !Number.isSafeInteger(header.rv) || !Number.isSafeInteger(header.nextSegment)) {
    throw corruptSnapshotError(path, first.offset, 'bad snapshot header');
  }
  const entries = rest.map((frame) => {
    const entry = parseJson(path, frame.offset, frame.payload) as Partial<SnapshotEntry>;
    if (typeof entry.r !== 'string' || typeof entry.ns !== 'string' || typeof entry.n !== 'string' || typeof entry.o?.metadata !== 'object') {
      throw corruptSnapshotError(path, frame.offset, 'snapshot entry does not have the shape {r, ns, n, o}');
    }
    return entry as SnapshotEntry;
  });
  return { header: header as SnapshotHeader, entries };
}

function parseJson(path: string, offset: number, payload: string): unknown {
  try {
    return JSON.parse(payload);
  } catch (err) {
    throw corruptSnapshotError(path, offset, `record is not JSON: ${(err as Error).message}`);
  }
}
