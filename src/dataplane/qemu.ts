/**
 * qemu-img as a subprocess: image info with the safety checks Ferry insists on, and conversion to
 * raw with progress. The format is ALWAYS given (`-f`, or `driver` in a json: spec): qemu-img
 * never probes, so a raw image that looks like a qcow2 header cannot be reinterpreted.
 *
 * Safety (EUNSAFEIMAGE): an image with a backing file, an external data file, or (vmdk) an extent
 * in another file is refused, since qemu-img would open files the image names (the classic way
 * for an uploaded image to read the importer's own disk). Conversion additionally passes
 * `"backing": null`, so a backing file could not be opened even if the check were bypassed.
 */
import { spawn } from 'node:child_process';
import { DataPlaneError } from './errors.ts';
import type { ImageFormat } from './detect.ts';

/** Where qemu-img reads the image: a local file, or an HTTP URL served by range-server.ts. */
export type ImageLocation = { kind: 'file'; path: string } | { kind: 'http'; url: string };

export interface ImageInfo {
  format: string;
  virtualSize: number;
  backingFile?: string;
  dataFile?: string;
  /** vmdk: the files the extents live in. */
  extentFiles: string[];
  /** The filename qemu-img reports for the image itself. */
  filename: string;
}

/**
 * qemu-img's curl driver reads ahead this much per request. Measured (256 MiB qcow2, loopback):
 * with one convert coroutine (-m 1), 16 MiB fetches ~1.0x the file at ~1 GB/s; 64 KiB requests
 * are 4x slower; with qemu's default 8 coroutines big read-aheads overlap and fetch up to 3x the
 * file. So: big read-ahead, one coroutine, for HTTP. Since the range server serves sequential
 * requests from one streamed GET (range-server.ts), 4 MiB is the best size (1 GiB image, half
 * data, whole worker: 4 MiB 0.77 s; 16 MiB 0.81-0.87 s and more memory in qemu-img; 1 MiB 1.53 s,
 * as requests under 2 MiB are not treated as sequential).
 */
const HTTP_READAHEAD = 4 << 20;
/** `qemu-img info` reads a header and a few tables: a big read-ahead would fetch megabytes for nothing. */
const HTTP_READAHEAD_INFO = 256 << 10;

/** The json: pseudo-filename for `location` opened as `format`. */
export function imageSpec(format: ImageFormat, location: ImageLocation, options: { noBacking?: boolean; readahead?: number } = {}): string {
  const file =
    location.kind === 'file'
      ? { driver: 'file', filename: location.path }
      : { driver: 'http', url: location.url, readahead: options.readahead ?? HTTP_READAHEAD, timeout: 300 };
  return 'json:' + JSON.stringify({ driver: format, ...(options.noBacking === true ? { backing: null } : {}), file });
}

interface RunResult {
  stdout: string;
  stderr: string;
}

/**
 * Runs qemu-img; a non-zero exit becomes an error whose message carries qemu-img's stderr.
 * `onStdout` sees stdout as it arrives (progress lines).
 */
async function runQemuImg(
  args: string[],
  signal: AbortSignal,
  errorCode: 'EUNSUPPORTEDFORMAT' | 'EINTERNAL' | 'ENOSPACE',
  what: string,
  onStdout?: (text: string) => void,
): Promise<RunResult> {
  signal.throwIfAborted();
  const child = spawn('qemu-img', args, { stdio: ['ignore', 'pipe', 'pipe'], signal });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    if (onStdout === undefined) stdout += text;
    else onStdout(text);
  });
  child.stderr.setEncoding('utf8').on('data', (text: string) => {
    if (stderr.length < 64 * 1024) stderr += text;
  });
  const exit = await new Promise<{ code: number | null; error?: Error }>((resolve) => {
    child.once('error', (error) => resolve({ code: null, error }));
    child.once('close', (code) => resolve({ code }));
  });
  if (signal.aborted) throw signal.reason;
  if (exit.error !== undefined) {
    throw new DataPlaneError('EINTERNAL', `cannot run qemu-img (is qemu-utils installed?): ${exit.error.message}`, {
      cause: exit.error,
    });
  }
  if (exit.code !== 0) {
    const detail = stderr.trim() || `exit status ${exit.code}`;
    if (/block-curl not found|Unknown driver 'https?'/.test(stderr)) {
      // The node's qemu-img lacks its HTTP driver: a fault of the machine, not of the image.
      throw new DataPlaneError('EINTERNAL', `${what} failed: this qemu-img cannot read over HTTP; install Debian's qemu-block-extra next to qemu-utils (${detail})`);
    }
    const code = /No space left on device/i.test(stderr) ? 'ENOSPACE' : errorCode;
    throw new DataPlaneError(code, `${what} failed: ${detail}`);
  }
  return { stdout, stderr };
}

/** `qemu-img info --output=json -f <format>`; an unreadable image is EUNSUPPORTEDFORMAT. */
export async function qemuImgInfo(format: ImageFormat, location: ImageLocation, signal: AbortSignal): Promise<ImageInfo> {
  const { stdout } = await runQemuImg(
    ['info', '--output=json', '-f', format, imageSpec(format, location, { readahead: HTTP_READAHEAD_INFO })],
    signal,
    'EUNSUPPORTEDFORMAT',
    `reading the ${format} image header (qemu-img info)`,
  );
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(stdout) as Record<string, unknown>;
  } catch (err) {
    throw new DataPlaneError('EINTERNAL', `qemu-img info printed invalid JSON: ${stdout.slice(0, 200)}`, { cause: err });
  }
  const specific = (json['format-specific'] as { data?: Record<string, unknown> } | undefined)?.data ?? {};
  const extents = Array.isArray(specific['extents']) ? (specific['extents'] as { filename?: unknown }[]) : [];
  const info: ImageInfo = {
    format: String(json['format']),
    virtualSize: Number(json['virtual-size']),
    filename: String(json['filename']),
    extentFiles: extents.map((e) => String(e.filename)),
  };
  if (typeof json['backing-filename'] === 'string') info.backingFile = json['backing-filename'];
  if (typeof specific['data-file'] === 'string') info.dataFile = specific['data-file'];
  if (!Number.isSafeInteger(info.virtualSize) || info.virtualSize < 0) {
    throw new DataPlaneError('EUNSUPPORTEDFORMAT', `qemu-img reported no usable virtual size for the ${format} image`);
  }
  return info;
}

/** Throws EUNSAFEIMAGE when the image refers to any other file; `name` says which image. */
export function assertImageSafe(info: ImageInfo, name: string): void {
  if (info.backingFile !== undefined) {
    throw new DataPlaneError(
      'EUNSAFEIMAGE',
      `image ${name} is refused because it has a backing file (${info.backingFile}); import a standalone image (qemu-img convert it first)`,
    );
  }
  if (info.dataFile !== undefined) {
    throw new DataPlaneError(
      'EUNSAFEIMAGE',
      `image ${name} is refused because it has an external data file (${info.dataFile}); import a standalone image`,
    );
  }
  const foreign = info.extentFiles.filter((f) => f !== info.filename);
  if (foreign.length > 0) {
    throw new DataPlaneError(
      'EUNSAFEIMAGE',
      `image ${name} is refused because its extents live in other files (${foreign.join(', ')}); import a monolithic vmdk`,
    );
  }
}

/** The message CDI gives (pkg/image/qemu.go), so users searching for it find the same advice. */
export function tooLargeMessage(virtualSize: number, available: number): string {
  return `virtual image size ${virtualSize} is larger than the reported available storage ${available}. A larger PVC is required`;
}

export interface ConvertOptions {
  format: ImageFormat;
  location: ImageLocation;
  /** Raw output: a file (created) or an existing block device / file standing for one. */
  dest: string;
  /** Write into `dest` as it is (`-n`): required for block devices. */
  destExists: boolean;
  /** 'none' (O_DIRECT) keeps the page cache small; 'writeback' works on every filesystem. */
  cache: 'none' | 'writeback';
  preallocate?: boolean;
  /** Fraction 0..1 as qemu-img reports it. */
  onProgress?: (fraction: number) => void;
  signal: AbortSignal;
}

const PROGRESS = /\((\d+(?:\.\d+)?)\/100%\)/g;

/** Parses qemu-img -p output ("    (45.34/100%)\r"); returns the last fraction seen, if any. */
export function parseQemuProgress(text: string): number | undefined {
  let last: number | undefined;
  for (const m of text.matchAll(PROGRESS)) last = Number(m[1]) / 100;
  return last;
}

/** `qemu-img convert -p -W -t <cache> -f <fmt> <src> -O raw <dest>`. */
export async function qemuImgConvert(options: ConvertOptions): Promise<void> {
  const args = ['convert', '-p', '-W', '-t', options.cache, '-f', options.format];
  if (options.location.kind === 'http') args.push('-m', '1');
  if (options.destExists) args.push('-n');
  if (options.preallocate === true && !options.destExists) args.push('-o', 'preallocation=falloc');
  args.push(imageSpec(options.format, options.location, { noBacking: true }), '-O', 'raw', options.dest);
  // With a json: source, -f names the driver already; qemu-img accepts both when they agree.
  await runQemuImg(args, options.signal, 'EUNSUPPORTEDFORMAT', `converting the ${options.format} image to raw (qemu-img convert)`, (text) => {
    const fraction = parseQemuProgress(text);
    if (fraction !== undefined) options.onProgress?.(fraction);
  });
}
