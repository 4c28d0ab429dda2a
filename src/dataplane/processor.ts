/**
 * The importer: a table of phases (CDI's data-processor idea), each a function that does one
 * step and names the next. The loop refuses to enter a phase twice, so a wrong transition ends
 * in an EINTERNAL error instead of a silent loop.
 *
 * Transitions:
 *  1. Probe: ask the source what it is (size, ranges) and what the target holds -> Detect.
 *  2. Detect: open the stream (checksum at the bottom), peel gzip/xz/zstd, look at the format.
 *     archive -> Extract; raw (also compressed, ISO) -> TransferRaw;
 *     qcow2/vmdk/vdi/vhd/vhdx uncompressed from a ranged source of known size
 *       -> ValidateRemote (or DrainForChecksum first when a checksum must be verified);
 *     otherwise -> TransferScratch (needs scratchDir).
 *  3. TransferRaw: decoded bytes straight into the target, zero blocks skipped -> Resize.
 *  4. DrainForChecksum: read the rest of the source to verify the checksum -> ValidateRemote.
 *  5. ValidateRemote: serve the source to qemu-img on 127.0.0.1, `qemu-img info`, refuse unsafe
 *     or too large images -> ConvertRemote -> Resize.
 *  6. TransferScratch: decoded bytes into a sparse scratch file -> ValidateScratch ->
 *     ConvertScratch -> Resize.
 *  7. Resize: file target to the usable size, preallocate, fsync -> Complete.
 *  8. Extract: tar entries into the volume directory -> Complete.
 */
import { ChecksumVerifier, parseChecksum } from './checksum.ts';
import { DataPlaneError } from './errors.ts';
import { PHASES, cleanup } from './import-phases.ts';
import type { ImportState } from './import-phases.ts';
import type { Source } from './source.ts';

export { DISK_IMAGE_NAME } from './import-phases.ts';

export interface ImportTarget {
  /**
   * 'file': a Filesystem volume; `path` is its directory (the mount, `/data`): the image is
   * written to `<path>/disk.img`, an archive is extracted into `<path>`.
   * 'block': a Block volume; `path` is the device (`/dev/cdi-block-volume`) or, embedded, a
   * regular file standing for it.
   */
  kind: 'file' | 'block';
  path: string;
  /** Usable bytes. undefined: a file target gets the image's size; a block target its own size. */
  usableSize?: number;
}

export interface ImportProgress {
  phase: ImportPhase;
  /** 0..1, or null when unknown (a source of unknown size). */
  fraction: number | null;
}

export interface ImportOptions {
  source: Source;
  target: ImportTarget;
  contentType: 'kubevirt' | 'archive';
  /** `md5|sha1|sha256|sha512:<hex>` of the source bytes as fetched. */
  checksum?: string;
  /** A directory for a scratch copy when the format needs random access the source cannot give. */
  scratchDir?: string;
  preallocation?: boolean;
  /**
   * Convert with qemu-img cache=none (O_DIRECT), so that the page cache does not count against a
   * tight memory limit (CDI's CACHE_MODE=TRYNONE, set after an OOMKilled importer); where the
   * target's filesystem refuses O_DIRECT, with cache=writeback.
   */
  directIo?: boolean;
  onProgress?: (p: ImportProgress) => void;
  signal: AbortSignal;
}

export interface ImportResult {
  /** qemu-img's name of the image format under any compression ('raw', 'qcow2', 'vpc', ...), or 'tar'. */
  format: string;
  /** Compression layers peeled, outermost first. */
  compressions: string[];
  virtualSize: number;
  /** Bytes written to the target (raw: non-zero blocks; converted: the image's virtual size). */
  bytesWritten: number;
  /** `algo:hex` when a checksum was verified. */
  checksum?: string;
  /** The phases run, in order (for logs and tests). */
  phases: ImportPhase[];
}

export const IMPORT_PHASES = [
  'Probe',
  'Detect',
  'TransferRaw',
  'DrainForChecksum',
  'ValidateRemote',
  'ConvertRemote',
  'TransferScratch',
  'ValidateScratch',
  'ConvertScratch',
  'Resize',
  'Extract',
  'Complete',
] as const;
export type ImportPhase = (typeof IMPORT_PHASES)[number];

/** Imports one image (or archive) from `source` into `target`. See the transition list above. */
export async function importImage(opts: ImportOptions): Promise<ImportResult> {
  const verifier = opts.checksum === undefined ? undefined : new ChecksumVerifier(parseChecksum(opts.checksum));
  let lastPhase: ImportPhase | undefined;
  let lastReported = -1;
  const state: ImportState = {
    opts,
    verifier,
    bytesWritten: 0,
    sourceBytes: 0,
    report(phase, fraction) {
      // At most one report per 0.1 % and per phase change.
      const step = fraction === null ? -1 : Math.floor(fraction * 1000);
      if (phase === lastPhase && step === lastReported) return;
      lastPhase = phase;
      lastReported = step;
      opts.onProgress?.({ phase, fraction });
    },
  };
  const visited: ImportPhase[] = [];
  let phase: ImportPhase = 'Probe';
  try {
    while (phase !== 'Complete') {
      opts.signal.throwIfAborted();
      if (visited.includes(phase)) {
        throw new DataPlaneError('EINTERNAL', `import phase loop: ${[...visited, phase].join(' -> ')}`);
      }
      visited.push(phase);
      state.report(phase, phase === 'Resize' ? 1 : null);
      phase = await PHASES[phase](state);
    }
  } catch (err) {
    await cleanup(state);
    if (opts.signal.aborted && !(err instanceof DataPlaneError)) {
      throw new DataPlaneError('EABORTED', 'the import was aborted', { cause: opts.signal.reason });
    }
    throw err;
  }
  visited.push('Complete');
  state.report('Complete', 1);
  const result: ImportResult = {
    format: opts.contentType === 'archive' ? 'tar' : state.format!,
    compressions: state.decoded?.compressions ?? [],
    virtualSize: state.virtualSize ?? 0,
    bytesWritten: state.bytesWritten,
    phases: visited,
  };
  if (state.checksum !== undefined) result.checksum = state.checksum;
  return result;
}
