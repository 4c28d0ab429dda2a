// File names inside the state directory and the few filesystem steps every writer needs.
//   snapshot             the last complete snapshot (replaced atomically by rename)
//   snapshot.tmp         a snapshot being written (deleted on open: it never became current)
//   wal-<16 digits>.log  log segments, replayed in sequence order after the snapshot
//   wal-*.log.corrupt-N  tails cut off by repairStore; never read again by the store
import type { FileHandle } from 'node:fs/promises';
import { open, readdir } from 'node:fs/promises';
import { join } from 'node:path';

export const SNAPSHOT_FILE = 'snapshot';
export const SNAPSHOT_TMP_FILE = 'snapshot.tmp';
const SEGMENT_PATTERN = /^wal-(\d{16})\.log$/;

export function segmentFileName(seq: number): string {
  return `wal-${String(seq).padStart(16, '0')}.log`;
}

export interface SegmentFile {
  seq: number;
  path: string;
}

/** Log segments in `dir`, in replay order. */
export async function listSegments(dir: string): Promise<SegmentFile[]> {
  const names = await readdir(dir);
  const segments: SegmentFile[] = [];
  for (const name of names) {
    const match = SEGMENT_PATTERN.exec(name);
    if (match?.[1] !== undefined) segments.push({ seq: Number(match[1]), path: join(dir, name) });
  }
  return segments.sort((a, b) => a.seq - b.seq);
}

/** Makes a create, rename or unlink in `dir` durable (POSIX needs the directory fsynced). */
export async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Writes all of `data` at the handle's current position (a single write may be short). */
export async function writeAll(handle: FileHandle, data: Buffer): Promise<void> {
  let written = 0;
  while (written < data.length) {
    const { bytesWritten } = await handle.write(data, written, data.length - written);
    written += bytesWritten;
  }
}
