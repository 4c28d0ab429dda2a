/**
 * One progress figure for the whole import, from the processor's per-phase fractions: what the
 * controller shows as `status.progress` ("N/A", "45.67%", "100.0%"). Downloading to scratch (or
 * reading the source through for its checksum) and converting count half each; every other path
 * has one phase that moves. The caller keeps the figure from going backwards.
 */
import { rename, writeFile } from 'node:fs/promises';
import type { ImportProgress } from '../../dataplane/processor.ts';

/** Overall 0..1, or null when not known (yet). */
export function overallFraction(p: ImportProgress): number | null {
  switch (p.phase) {
    case 'Complete':
      return 1;
    case 'TransferRaw':
    case 'ConvertRemote':
    case 'Extract':
      return p.fraction;
    case 'TransferScratch':
    case 'DrainForChecksum':
      return p.fraction === null ? null : p.fraction / 2;
    case 'ValidateScratch':
      return 0.5;
    case 'ConvertScratch':
      return p.fraction === null ? 0.5 : 0.5 + p.fraction / 2;
    case 'Resize':
      return 1;
    default:
      return p.fraction === null ? null : 0;
  }
}

/** CDI's status.progress text. */
export function formatProgress(fraction: number | null): string {
  if (fraction === null) return 'N/A';
  if (fraction >= 1) return '100.0%';
  return `${(Math.floor(fraction * 10000) / 100).toFixed(2)}%`;
}

export interface ProgressRecord {
  phase: string;
  fraction: number | null;
  progress: string;
}

/**
 * Writes progress to a file atomically (temp + rename), so a reader never sees half a record.
 * Writes are serialised and coalesced: only the latest record waiting is written.
 */
export class ProgressFile {
  readonly #path: string;
  #pending: ProgressRecord | undefined;
  #writing: Promise<void> | undefined;

  constructor(path: string) {
    this.#path = path;
  }

  update(record: ProgressRecord): void {
    this.#pending = record;
    this.#writing ??= this.#drain();
  }

  async #drain(): Promise<void> {
    while (this.#pending !== undefined) {
      const record = this.#pending;
      this.#pending = undefined;
      const tmp = `${this.#path}.tmp`;
      try {
        await writeFile(tmp, JSON.stringify(record) + '\n');
        await rename(tmp, this.#path);
      } catch {
        // Progress is advisory: a failed write must not fail the import.
      }
    }
    this.#writing = undefined;
  }

  async flush(): Promise<void> {
    while (this.#writing !== undefined) await this.#writing;
  }
}
