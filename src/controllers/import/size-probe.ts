// The virtual size of an http image, read before the claim exists, for a DataVolume whose
// `storage` omits the size (Ferry's addition; CDI requires it). One ranged GET of the first
// 64 KiB: the Content-Range (or Content-Length) gives the file's length, the bytes its header.
//  - qcow2: the virtual size from the header (offset 24, big-endian).
//  - vmdk (monolithic sparse / stream optimized): capacity in sectors (offset 12, little-endian).
//  - vhd (dynamic, whose footer copy starts the file): current size (offset 48, big-endian).
//  - vdi: disk size (offset 0x170, little-endian).
//  - gzip: the head is decompressed and looked at again; an inner qcow2/vmdk/vhd/vdi gives its
//    size. Compressed raw, xz and zstd are not sized (their length is only known at the end,
//    and the gzip trailer's length wraps at 4 GiB): the DataVolume keeps asking for a size.
//  - vhdx and unknown magic in an uncompressed file: raw, whose virtual size is its length
//    (vhdx is refused: its size lives in a metadata region found only through its region table).
import { gunzipSync, constants as zlibConstants } from 'node:zlib';
import { Agent, interceptors, request } from 'undici';

/** How much of an image's start is read to find its virtual size. */
export const headBytes = 64 * 1024;

export type VirtualSizeProbe =
  | { size: number; format: string }
  | { unknown: string };

const ascii = (head: Buffer, offset: number, text: string): boolean =>
  head.length >= offset + text.length && head.toString('latin1', offset, offset + text.length) === text;

function readSafe(head: Buffer, offset: number, read: (b: Buffer, o: number) => bigint): number | undefined {
  if (head.length < offset + 8) return undefined;
  const value = read(head, offset);
  return value > 0n && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : undefined;
}

function gunzipHead(head: Buffer): Buffer | undefined {
  try {
    // A prefix of a gzip stream: flush what decompresses and stop at the missing end.
    return gunzipSync(head, { finishFlush: zlibConstants.Z_SYNC_FLUSH });
  } catch {
    return undefined;
  }
}

/** The virtual size of an image from its first bytes and its length in bytes (if known). Pure. */
export function virtualSizeFromHead(head: Buffer, totalLength: number | undefined, compressed = false): VirtualSizeProbe {
  if (ascii(head, 0, 'QFI\xfb')) {
    const size = readSafe(head, 24, (b, o) => b.readBigUInt64BE(o));
    return size === undefined ? { unknown: 'the qcow2 header is truncated' } : { size, format: 'qcow2' };
  }
  if (ascii(head, 0, 'KDMV')) {
    const sectors = readSafe(head, 12, (b, o) => b.readBigUInt64LE(o));
    return sectors === undefined ? { unknown: 'the vmdk header is truncated' } : { size: sectors * 512, format: 'vmdk' };
  }
  if (ascii(head, 0, 'conectix')) {
    const size = readSafe(head, 48, (b, o) => b.readBigUInt64BE(o));
    return size === undefined ? { unknown: 'the vhd footer is truncated' } : { size, format: 'vhd' };
  }
  if (head.length >= 0x48 && head.readUInt32LE(0x40) === 0xbeda107f) {
    const size = readSafe(head, 0x170, (b, o) => b.readBigUInt64LE(o));
    return size === undefined ? { unknown: 'the vdi header is truncated' } : { size, format: 'vdi' };
  }
  if (ascii(head, 0, 'vhdxfile')) return { unknown: 'the size of a vhdx image is not read before import' };
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) {
    if (compressed) return { unknown: 'nested compression' };
    const inner = gunzipHead(head);
    if (!inner || inner.length === 0) return { unknown: 'the gzip stream could not be read' };
    const probe = virtualSizeFromHead(inner, undefined, true);
    return 'size' in probe ? { size: probe.size, format: `${probe.format}+gz` } : { unknown: 'the uncompressed size of a compressed raw image is not known before import' };
  }
  if (ascii(head, 0, '\xfd7zXZ\x00') || (head.length >= 4 && head.readUInt32LE(0) === 0xfd2fb528)) {
    return { unknown: 'the size of an xz or zstd compressed image is not known before import' };
  }
  if (compressed || totalLength === undefined) return { unknown: 'the length of the raw image is not known' };
  return { size: totalLength, format: 'raw' };
}

/** Content-Range "bytes 0-65535/1234567" -> 1234567. Pure. */
export function totalFromContentRange(value: string | undefined): number | undefined {
  const m = /\/(\d+)\s*$/.exec(value ?? '');
  return m ? Number(m[1]) : undefined;
}

export interface HttpProbeOptions {
  url: string;
  headers?: Record<string, string>;
  basicAuth?: { username: string; password: string };
  /** Extra CA certificates (PEM), from the DataVolume's certConfigMap. */
  caPem?: string;
  signal: AbortSignal;
  timeoutMs?: number;
}

/** Probes an http(s) image's virtual size; a failure to reach it is `unknown` with the reason. */
export async function probeHttpVirtualSize(options: HttpProbeOptions): Promise<VirtualSizeProbe> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const headers: Record<string, string> = { ...(options.headers ?? {}), range: `bytes=0-${headBytes - 1}`, 'accept-encoding': 'identity' };
  if (options.basicAuth) {
    headers['authorization'] = `Basic ${Buffer.from(`${options.basicAuth.username}:${options.basicAuth.password}`).toString('base64')}`;
  }
  const agent = new Agent({ connect: options.caPem ? { ca: options.caPem } : {}, connections: 1 });
  const dispatcher = agent.compose(interceptors.redirect({ maxRedirections: 10 }));
  try {
    const response = await request(options.url, {
      dispatcher,
      headers,
      signal: AbortSignal.any([options.signal, AbortSignal.timeout(timeoutMs)]),
    });
    if (response.statusCode !== 200 && response.statusCode !== 206) {
      await response.body.dump();
      return { unknown: `GET ${redact(options.url)} answered ${response.statusCode}` };
    }
    const chunks: Buffer[] = [];
    let length = 0;
    for await (const chunk of response.body) {
      chunks.push(chunk as Buffer);
      length += (chunk as Buffer).length;
      if (length >= headBytes) break;
    }
    response.body.destroy();
    const head = Buffer.concat(chunks).subarray(0, headBytes);
    const total = response.statusCode === 206
      ? totalFromContentRange(header(response.headers['content-range']))
      : numberOrUndefined(header(response.headers['content-length']));
    return virtualSizeFromHead(head, total);
  } catch (err) {
    return { unknown: `GET ${redact(options.url)} failed: ${(err as Error).message}` };
  } finally {
    await agent.close().catch(() => undefined);
  }
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function numberOrUndefined(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d+$/.test(value)) return undefined;
  return Number(value);
}

function redact(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    if (u.search) u.search = '?…';
    return u.toString();
  } catch {
    return '<invalid URL>';
  }
}
