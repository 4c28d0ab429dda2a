// The one error type the storage engine throws. Callers (the API server) match on `code` and
// turn it into a Kubernetes Status: EEXISTS -> 409 AlreadyExists, ENOTFOUND -> 404,
// ECONFLICT -> 409 Conflict, EGONE -> 410 Expired, ECLOSED/EIO -> 500/503.

export type StoreErrorCode =
  | 'EEXISTS' // create of a key that exists
  | 'ENOTFOUND' // update/delete of a key that does not exist
  | 'ECONFLICT' // expectRV / expectUID precondition failed
  | 'EGONE' // watch from a resourceVersion older than the watch window
  | 'ESTORECORRUPT' // a log or snapshot record failed its length/CRC check on open
  | 'ECLOSED' // the store was closed
  | 'EIO'; // a write or fsync failed: the store refuses further writes (restart to recover)

export interface StoreErrorDetails {
  cause?: unknown;
  /** ESTORECORRUPT: the damaged file. */
  file?: string;
  /** ESTORECORRUPT: byte offset of the first bad record in `file`. */
  offset?: number;
  /** EGONE: the oldest resourceVersion a watch can start from right now. */
  oldestRV?: number;
}

export class StoreError extends Error {
  readonly code: StoreErrorCode;
  readonly file?: string;
  readonly offset?: number;
  readonly oldestRV?: number;

  constructor(code: StoreErrorCode, message: string, details: StoreErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'StoreError';
    this.code = code;
    if (details.file !== undefined) this.file = details.file;
    if (details.offset !== undefined) this.offset = details.offset;
    if (details.oldestRV !== undefined) this.oldestRV = details.oldestRV;
  }
}

/** The error `Store.open` throws for a damaged log record, telling the operator what to run. */
export function corruptLogError(file: string, offset: number, why: string, dir: string): StoreError {
  return new StoreError(
    'ESTORECORRUPT',
    `state log ${file} is damaged at byte offset ${offset} (${why}); ` +
      `run \`ferry cluster repair --state-dir ${dir}\` to truncate the log at this offset, ` +
      `keeping a copy of the rest in ${file}.corrupt-${offset}`,
    { file, offset },
  );
}

/** The error for a damaged snapshot: repair cannot help, since the snapshot replaced older logs. */
export function corruptSnapshotError(file: string, offset: number, why: string): StoreError {
  return new StoreError(
    'ESTORECORRUPT',
    `state snapshot ${file} is damaged at byte offset ${offset} (${why}); ` +
      `it cannot be repaired in place: restore the state directory from a backup`,
    { file, offset },
  );
}
