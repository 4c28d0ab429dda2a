// Record framing shared by log segments and snapshots:
//   [u32 LE payload length][u32 LE CRC32 of payload][payload bytes]
// A reader that meets a frame whose header or payload runs past the end of the data (a torn
// tail) or whose CRC does not match reports the frame's start offset; it never skips ahead.
import { crc32 } from 'node:zlib';

export const FRAME_HEADER_BYTES = 8;
/** Larger than any object the API server accepts (etcd's default limit is 1.5 MiB). */
export const MAX_FRAME_PAYLOAD = 64 * 1024 * 1024;

export function encodeFrame(payload: string): Buffer {
  const body = Buffer.from(payload, 'utf8');
  const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + body.length);
  frame.writeUInt32LE(body.length, 0);
  frame.writeUInt32LE(crc32(body), 4);
  body.copy(frame, FRAME_HEADER_BYTES);
  return frame;
}

export interface Frame {
  offset: number;
  payload: string;
}

export interface FrameDamage {
  offset: number;
  why: string;
}

/**
 * Splits `data` into frames. Returns the good frames in order, and the first damaged one, if
 * any (nothing after it is read: once a frame is bad, its length cannot be trusted).
 */
export function scanFrames(data: Buffer): { frames: Frame[]; damage?: FrameDamage } {
  const frames: Frame[] = [];
  let offset = 0;
  while (offset < data.length) {
    if (data.length - offset < FRAME_HEADER_BYTES) {
      return { frames, damage: { offset, why: `truncated record header (${data.length - offset} bytes)` } };
    }
    const length = data.readUInt32LE(offset);
    const expectedCrc = data.readUInt32LE(offset + 4);
    if (length === 0 || length > MAX_FRAME_PAYLOAD) {
      return { frames, damage: { offset, why: `implausible record length ${length}` } };
    }
    const end = offset + FRAME_HEADER_BYTES + length;
    if (end > data.length) {
      return { frames, damage: { offset, why: `truncated record: ${length} bytes announced, ${data.length - offset - FRAME_HEADER_BYTES} present` } };
    }
    const body = data.subarray(offset + FRAME_HEADER_BYTES, end);
    if (crc32(body) !== expectedCrc) {
      return { frames, damage: { offset, why: 'CRC32 mismatch' } };
    }
    frames.push({ offset, payload: body.toString('utf8') });
    offset = end;
  }
  return { frames };
}
