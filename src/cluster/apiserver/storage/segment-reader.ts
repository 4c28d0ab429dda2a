// Reads one log segment for recovery and repair, which must agree on what "damaged" means:
// a bad frame (torn or CRC mismatch), a payload that is not a record, or a resourceVersion that
// does not grow.
import { readFile } from 'node:fs/promises';
import { scanFrames, type FrameDamage } from './frame.ts';
import { decodeLogRecord, type LogRecord } from './log-record.ts';

export interface SegmentScan {
  records: LogRecord[];
  /** The first damaged record; nothing at or after it is in `records`. */
  damage?: FrameDamage;
  /** rv of the last good record, or `previousRV` when there is none. */
  lastRV: number;
  /** Size of the segment file. */
  bytes: number;
}

export async function scanSegment(path: string, previousRV: number): Promise<SegmentScan> {
  const data = await readFile(path);
  const bytes = data.length;
  const { frames, damage } = scanFrames(data);
  const records: LogRecord[] = [];
  let lastRV = previousRV;
  for (const frame of frames) {
    const rec = decodeLogRecord(frame.payload);
    if (typeof rec === 'string') return { records, lastRV, bytes, damage: { offset: frame.offset, why: rec } };
    if (rec.rv <= lastRV) {
      return { records, lastRV, bytes, damage: { offset: frame.offset, why: `resourceVersion ${rec.rv} does not follow ${lastRV}` } };
    }
    records.push(rec);
    lastRV = rec.rv;
  }
  return damage === undefined ? { records, lastRV, bytes } : { records, lastRV, bytes, damage };
}
