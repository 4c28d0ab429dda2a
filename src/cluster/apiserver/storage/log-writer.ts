// Appends framed records to the current log segment with group commit: one write + fdatasync
// is in flight at a time; records appended meanwhile queue up and share the next one.
//
// Contract: for each record, `onDurable` runs synchronously after the fdatasync covering it,
// in append order, before the append's promise resolves. `rotate` is ordered with the records:
// its `onSwitched` runs after every earlier record's `onDurable` and before any later one's,
// and later records land in the new segment. That is what lets a snapshot capture exactly the
// state the old segments describe.
import type { FileHandle } from 'node:fs/promises';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { StoreError } from './errors.ts';
import { fsyncDir, segmentFileName, writeAll } from './state-dir.ts';

interface PendingRecord {
  kind: 'record';
  frame: Buffer;
  onDurable: () => void;
  resolve: () => void;
  reject: (err: Error) => void;
}

interface PendingRotate {
  kind: 'rotate';
  onSwitched: (newSeq: number) => void;
  resolve: (newSeq: number) => void;
  reject: (err: Error) => void;
}

type Pending = PendingRecord | PendingRotate;

export class LogWriter {
  readonly #dir: string;
  #handle: FileHandle | undefined;
  #seq = -1;
  #queue: Pending[] = [];
  #flushing: Promise<void> | undefined;
  #failure: StoreError | undefined;
  #fsyncs = 0;
  #records = 0;

  constructor(dir: string) {
    this.#dir = dir;
  }

  get fsyncs(): number {
    return this.#fsyncs;
  }

  get records(): number {
    return this.#records;
  }

  /** Sequence number of the segment new records go to (after queued rotations). */
  get segment(): number {
    return this.#seq;
  }

  /** Opens a new, empty segment `seq` for appending. */
  async start(seq: number): Promise<void> {
    this.#handle = await this.#createSegment(seq);
    this.#seq = seq;
  }

  append(frame: Buffer, onDurable: () => void): Promise<void> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ kind: 'record', frame, onDurable, resolve, reject });
      this.#kick();
    });
  }

  /** Switches to a new segment after everything queued so far; resolves with its sequence number. */
  rotate(onSwitched: (newSeq: number) => void): Promise<number> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    return new Promise<number>((resolve, reject) => {
      this.#queue.push({ kind: 'rotate', onSwitched, resolve, reject });
      this.#kick();
    });
  }

  /** Waits for queued work, then closes the segment. Records appended later are rejected by the caller. */
  async close(): Promise<void> {
    while (this.#flushing !== undefined) await this.#flushing;
    const handle = this.#handle;
    this.#handle = undefined;
    await handle?.close();
  }

  #kick(): void {
    if (this.#flushing !== undefined) return;
    this.#flushing = this.#drain().finally(() => {
      this.#flushing = undefined;
    });
  }

  async #drain(): Promise<void> {
    while (this.#queue.length > 0 && this.#failure === undefined) {
      const head = this.#queue[0];
      if (head?.kind === 'rotate') {
        this.#queue.shift();
        await this.#switchSegment(head);
        continue;
      }
      let count = 0;
      while (count < this.#queue.length && this.#queue[count]?.kind === 'record') count++;
      const batch = this.#queue.splice(0, count) as PendingRecord[];
      await this.#commit(batch);
    }
  }

  async #commit(batch: PendingRecord[]): Promise<void> {
    const handle = this.#handle;
    try {
      if (handle === undefined) throw new Error('log segment is not open');
      const data = batch.length === 1 ? batch[0]!.frame : Buffer.concat(batch.map((p) => p.frame));
      await writeAll(handle, data);
      await handle.datasync();
      this.#fsyncs++;
      this.#records += batch.length;
    } catch (err) {
      this.#fail(err, batch);
      return;
    }
    for (const p of batch) p.onDurable();
    for (const p of batch) p.resolve();
  }

  async #switchSegment(rotation: PendingRotate): Promise<void> {
    const newSeq = this.#seq + 1;
    let handle: FileHandle;
    try {
      handle = await this.#createSegment(newSeq);
      await this.#handle?.close();
    } catch (err) {
      this.#fail(err, [rotation]);
      return;
    }
    this.#handle = handle;
    this.#seq = newSeq;
    rotation.onSwitched(newSeq);
    rotation.resolve(newSeq);
  }

  async #createSegment(seq: number): Promise<FileHandle> {
    // O_EXCL: a segment is never reopened for writing, so an existing file means a bug.
    const handle = await open(join(this.#dir, segmentFileName(seq)), 'ax');
    try {
      await fsyncDir(this.#dir);
    } catch (err) {
      await handle.close();
      throw err;
    }
    return handle;
  }

  /** A failed write or fsync leaves the file in an unknown state: refuse everything after it. */
  #fail(cause: unknown, inFlight: Pending[]): void {
    this.#failure = new StoreError(
      'EIO',
      `writing the state log in ${this.#dir} failed: ${(cause as Error).message}; ` +
        'no further writes are accepted, restart the server to recover from the log',
      { cause },
    );
    const failed = [...inFlight, ...this.#queue];
    this.#queue = [];
    for (const p of failed) p.reject(this.#failure);
  }

  get failure(): StoreError | undefined {
    return this.#failure;
  }
}
