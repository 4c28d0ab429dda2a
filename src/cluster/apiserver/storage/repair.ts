// `ferry cluster repair`: cut the log at its first damaged record so the store opens again.
// Nothing is thrown away: the bytes from the damaged record to the end of that segment are
// saved beside it first. Later segments are kept (their records are whole objects, so they
// still apply); if one of them is damaged too, open fails again and repair is run again.
import { open, readFile, truncate } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { StoreError } from './errors.ts';
import { readSnapshot } from './snapshot.ts';
import { scanSegment } from './segment-reader.ts';
import { fsyncDir, listSegments, writeAll } from './state-dir.ts';

export interface RepairResult {
  /** The segment that was truncated. */
  file: string;
  /** Its new length: the offset of the first damaged record. */
  truncatedAt: number;
  /** Where the cut-off bytes were saved. */
  savedTo: string;
}

/** Repairs the first damaged log record in `dir`; undefined when the log is sound. */
export async function repairStore(dir: string): Promise<RepairResult | undefined> {
  const snapshot = await readSnapshot(dir); // a damaged snapshot throws: repair cannot fix it
  const firstLiveSegment = snapshot?.header.nextSegment ?? 0;
  let rv = snapshot?.header.rv ?? 0;
  for (const segment of await listSegments(dir)) {
    if (segment.seq < firstLiveSegment) continue;
    const scan = await scanSegment(segment.path, rv);
    rv = scan.lastRV;
    if (scan.damage === undefined) continue;
    const offset = scan.damage.offset;
    const tail = (await readFile(segment.path)).subarray(offset);
    const savedTo = await saveBeside(segment.path, offset, tail);
    await truncate(segment.path, offset);
    const handle = await open(segment.path, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    return { file: segment.path, truncatedAt: offset, savedTo };
  }
  return undefined;
}

/** Writes `tail` to `<file>.corrupt-<offset>` (never overwriting an earlier save) and fsyncs it. */
async function saveBeside(file: string, offset: number, tail: Buffer): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    const path = `${file}.corrupt-${offset}${attempt === 1 ? '' : `-${attempt}`}`;
    let handle;
    try {
      handle = await open(path, 'wx');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw new StoreError('EIO', `cannot save the damaged tail of ${basename(file)} to ${path}`, { cause: err });
    }
    try {
      await writeAll(handle, tail);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fsyncDir(dirname(file));
    return path;
  }
}
