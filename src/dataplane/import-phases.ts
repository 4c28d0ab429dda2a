/**
 * The importer's phases (see the transition list in processor.ts): one function per phase, each
 * doing one step and naming the next, over a shared ImportState.
 */
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { hashThrough } from './checksum.ts';
import type { ChecksumVerifier } from './checksum.ts';
import { openDecoded } from './decoders.ts';
import type { DecodedStream } from './decoders.ts';
import type { ImageFormat } from './detect.ts';
import { DataPlaneError } from './errors.ts';
import type { ImportOptions, ImportPhase, ImportTarget } from './processor.ts';
import { assertImageSafe, qemuImgConvert, qemuImgInfo, tooLargeMessage } from './qemu.ts';
import type { ImageLocation } from './qemu.ts';
import { serveSourceOverHttp } from './range-server.ts';
import type { RangeServer } from './range-server.ts';
import { RawImageWriter, finalizeTarget, probeTarget } from './sink.ts';
import { recycleChunk } from './sources/socket-exchange.ts';
import type { TargetCapacity } from './sink.ts';
import type { SourceInfo } from './source.ts';

/** Where a Filesystem volume keeps the image (CDI's DiskImageName). */
export const DISK_IMAGE_NAME = 'disk.img';
const SCRATCH_IMAGE_NAME = 'ferry-scratch.img';

/** What the phases share. Filled as the import goes; each field documents who sets it. */
export interface ImportState {
  readonly opts: ImportOptions;
  readonly verifier: ChecksumVerifier | undefined;
  /** Probe */
  sourceInfo?: SourceInfo;
  targetCapacity?: TargetCapacity;
  /** Detect */
  decoded?: DecodedStream;
  format?: ImageFormat;
  /** Validate* */
  virtualSize?: number;
  /** TransferRaw / Convert* */
  imageSize?: number;
  bytesWritten: number;
  rangeServer?: RangeServer;
  scratchFile?: string;
  checksum?: string;
  /** Source bytes delivered to the decoder stack so far. */
  sourceBytes: number;
  report(phase: ImportPhase, fraction: number | null): void;
}

type PhaseFn = (s: ImportState) => Promise<ImportPhase>;

function imagePath(target: ImportTarget): string {
  return target.kind === 'file' ? path.join(target.path, DISK_IMAGE_NAME) : target.path;
}

/** The most the target can hold, or undefined when it is sized to the image. */
function usableLimit(s: ImportState): number | undefined {
  const { target } = s.opts;
  if (target.usableSize !== undefined) return target.usableSize;
  if (target.kind === 'block' && s.targetCapacity !== undefined && s.targetCapacity.size > 0) return s.targetCapacity.size;
  return undefined;
}

function checkFits(s: ImportState, virtualSize: number): void {
  const limit = usableLimit(s);
  if (limit !== undefined && virtualSize > limit) throw new DataPlaneError('ETOOLARGE', tooLargeMessage(virtualSize, limit));
}

function downloadFraction(s: ImportState): number | null {
  const size = s.sourceInfo?.size;
  return size === undefined || size === 0 ? null : Math.min(1, s.sourceBytes / size);
}

async function* countThrough(input: AsyncIterable<Uint8Array>, s: ImportState, phase: () => ImportPhase): AsyncIterable<Uint8Array> {
  for await (const chunk of input) {
    s.sourceBytes += chunk.byteLength;
    s.report(phase(), downloadFraction(s));
    yield chunk;
  }
}

function verifyChecksum(s: ImportState): void {
  if (s.verifier !== undefined) s.checksum = s.verifier.verify(s.opts.source.description);
}

export const PHASES: Record<ImportPhase, PhaseFn> = {
  async Probe(s) {
    const { source, target, signal } = s.opts;
    s.sourceInfo = await source.info(signal);
    if (target.kind === 'block') s.targetCapacity = await probeTarget(target.path, signal);
    else await mkdir(target.path, { recursive: true });
    return 'Detect';
  },

  async Detect(s) {
    const { source, signal } = s.opts;
    let current: ImportPhase = 'Detect';
    let bytes: AsyncIterable<Uint8Array> = source.stream(0, signal);
    if (s.verifier !== undefined) bytes = hashThrough(bytes, s.verifier);
    s.decoded = await openDecoded(countThrough(bytes, s, () => current), signal);
    // Later phases read the same stream; progress lines name the phase reading it.
    current = await chooseAfterDetect(s);
    return current;
  },

  async TransferRaw(s) {
    const { target, signal } = s.opts;
    const stream = s.decoded!.stream;
    const limit = usableLimit(s);
    if (s.decoded!.compressions.length === 0 && s.sourceInfo?.size !== undefined) checkFits(s, s.sourceInfo.size);
    const writer = await RawImageWriter.open({
      kind: target.kind,
      path: imagePath(target),
      ...(limit !== undefined ? { limit } : {}),
      preallocate: s.opts.preallocation === true,
    });
    try {
      for await (const chunk of stream) {
        await writer.write(chunk, signal);
        // The writer copied it: the source may reuse its memory (see recycleChunk).
        recycleChunk(chunk);
      }
    } catch (err) {
      await writer.abort();
      throw err;
    }
    const result = await writer.finish(signal);
    verifyChecksum(s);
    s.imageSize = result.imageSize;
    s.virtualSize = result.imageSize;
    s.bytesWritten = result.bytesWritten;
    return 'Resize';
  },

  async DrainForChecksum(s) {
    for await (const chunk of s.decoded!.stream) recycleChunk(chunk);
    verifyChecksum(s);
    return 'ValidateRemote';
  },

  async ValidateRemote(s) {
    const { source, signal } = s.opts;
    s.rangeServer = await serveSourceOverHttp(source, s.sourceInfo!.size!, signal);
    const location: ImageLocation = { kind: 'http', url: s.rangeServer.url };
    const info = await withSourceCause(s, () => qemuImgInfo(s.format!, location, signal));
    assertImageSafe(info, source.description);
    checkFits(s, info.virtualSize);
    s.virtualSize = info.virtualSize;
    return 'ConvertRemote';
  },

  async ConvertRemote(s) {
    const location: ImageLocation = { kind: 'http', url: s.rangeServer!.url };
    await withSourceCause(s, () => convert(s, location, 'ConvertRemote'));
    await s.rangeServer!.close();
    delete s.rangeServer;
    return 'Resize';
  },

  async TransferScratch(s) {
    const { signal, scratchDir } = s.opts;
    await mkdir(scratchDir!, { recursive: true });
    s.scratchFile = path.join(scratchDir!, SCRATCH_IMAGE_NAME);
    const writer = await RawImageWriter.open({ kind: 'file', path: s.scratchFile });
    try {
      for await (const chunk of s.decoded!.stream) {
        await writer.write(chunk, signal);
        recycleChunk(chunk);
      }
    } catch (err) {
      await writer.abort();
      throw err;
    }
    await writer.finish(signal);
    verifyChecksum(s);
    return 'ValidateScratch';
  },

  async ValidateScratch(s) {
    const info = await qemuImgInfo(s.format!, { kind: 'file', path: s.scratchFile! }, s.opts.signal);
    assertImageSafe(info, s.opts.source.description);
    checkFits(s, info.virtualSize);
    s.virtualSize = info.virtualSize;
    return 'ConvertScratch';
  },

  async ConvertScratch(s) {
    await convert(s, { kind: 'file', path: s.scratchFile! }, 'ConvertScratch');
    await rm(s.scratchFile!, { force: true });
    delete s.scratchFile;
    return 'Resize';
  },

  async Resize(s) {
    const { target, signal } = s.opts;
    const size = target.usableSize ?? s.imageSize!;
    await finalizeTarget({ kind: target.kind, path: imagePath(target), size, preallocate: s.opts.preallocation === true, signal });
    return 'Complete';
  },

  async Extract(s) {
    const { target, signal } = s.opts;
    if (target.kind !== 'file') {
      await s.decoded!.stream.cancel();
      throw new DataPlaneError('EINVALIDSOURCE', 'contentType archive needs a Filesystem volume; the target is a Block volume');
    }
    // tar-stream is loaded only for archives.
    const { extractTar } = await import('./archive.ts');
    const result = await extractTar(s.decoded!.stream, target.path, signal);
    verifyChecksum(s);
    s.bytesWritten = result.bytesWritten;
    s.virtualSize = 0;
    return 'Complete';
  },

  async Complete() {
    return 'Complete';
  },
};

/** Step 2's decision, kept apart so it reads as a table. */
async function chooseAfterDetect(s: ImportState): Promise<ImportPhase> {
  const { detection, compressions, stream } = s.decoded!;
  if (s.opts.contentType === 'archive') {
    if (detection.kind === 'tar') return 'Extract';
    await stream.cancel();
    throw new DataPlaneError('EUNSUPPORTEDFORMAT', `contentType archive needs a tar (plain, gz, xz or zst); ${s.opts.source.description} is not one`);
  }
  if (detection.kind === 'unsupported') {
    await stream.cancel();
    throw new DataPlaneError('EUNSUPPORTEDFORMAT', `${s.opts.source.description} is a ${detection.label} image, which Ferry cannot import`);
  }
  if (detection.kind === 'tar' || detection.format === 'raw') {
    s.format = 'raw';
    return 'TransferRaw';
  }
  s.format = detection.format;
  const info = s.sourceInfo!;
  const ranged = compressions.length === 0 && info.acceptsRanges && info.size !== undefined;
  if (ranged && s.verifier === undefined) {
    await stream.cancel();
    return 'ValidateRemote';
  }
  if (s.opts.scratchDir !== undefined) return 'TransferScratch';
  if (ranged) return 'DrainForChecksum';
  await stream.cancel();
  // CDI's words (common.ScratchSpaceRequired): the controller adds a scratch volume and retries.
  throw new DataPlaneError(
    'ESCRATCHREQUIRED',
    `scratch space required and none found: ${s.opts.source.description} is a ${compressions.join('+')}${compressions.length > 0 ? '-compressed ' : ''}${detection.format} image and cannot be read at random`,
  );
}

async function convert(s: ImportState, location: ImageLocation, phase: ImportPhase): Promise<void> {
  const { target, signal } = s.opts;
  s.report(phase, 0);
  const run = (cache: 'none' | 'writeback') => qemuImgConvert({
    format: s.format!,
    location,
    dest: imagePath(target),
    destExists: target.kind === 'block',
    cache,
    preallocate: s.opts.preallocation === true,
    onProgress: (fraction) => s.report(phase, fraction),
    signal,
  });
  if (s.opts.directIo !== true) {
    await run('writeback');
  } else {
    try {
      await run('none');
    } catch (err) {
      // tmpfs and some FUSE filesystems refuse O_DIRECT: CDI's TRYNONE falls back the same way.
      if (!(err instanceof DataPlaneError) || !/O_DIRECT|Invalid argument|cache mode/i.test(err.message)) throw err;
      s.report(phase, 0);
      await run('writeback');
    }
  }
  s.imageSize = s.virtualSize!;
  s.bytesWritten = s.virtualSize!;
}

/** qemu-img says "Could not read image"; the range server knows the source's real error. */
async function withSourceCause<T>(s: ImportState, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    const sourceError = s.rangeServer?.firstError();
    if (sourceError instanceof DataPlaneError) throw sourceError;
    throw err;
  }
}

/** Releases what a failed import holds: the stream, the range server, the scratch copy. */
export async function cleanup(s: ImportState): Promise<void> {
  await s.decoded?.stream.cancel().catch(() => undefined);
  await s.rangeServer?.close().catch(() => undefined);
  if (s.scratchFile !== undefined) await rm(s.scratchFile, { force: true }).catch(() => undefined);
}
