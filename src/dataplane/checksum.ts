/**
 * Checksums of the SOURCE bytes as fetched (before any decompression), in the DataVolume syntax
 * `md5|sha1|sha256|sha512:<hex>`. The verifier sits at the bottom of the reader stack: every
 * byte the source yields passes through it, and verify() is called once the stream has ended.
 */
import { createHash } from 'node:crypto';
import type { Hash } from 'node:crypto';
import { DataPlaneError } from './errors.ts';

export const CHECKSUM_ALGORITHMS = ['md5', 'sha1', 'sha256', 'sha512'] as const;
export type ChecksumAlgorithm = (typeof CHECKSUM_ALGORITHMS)[number];

const HEX_LENGTH: Record<ChecksumAlgorithm, number> = { md5: 32, sha1: 40, sha256: 64, sha512: 128 };

export interface ChecksumSpec {
  algorithm: ChecksumAlgorithm;
  /** Lower-case hex digest. */
  hex: string;
}

/** Parses `algo:hex`; a malformed spec throws EINVALIDSOURCE saying what is expected. */
export function parseChecksum(spec: string): ChecksumSpec {
  const colon = spec.indexOf(':');
  const algorithm = (colon < 0 ? '' : spec.slice(0, colon).toLowerCase()) as ChecksumAlgorithm;
  const hex = colon < 0 ? '' : spec.slice(colon + 1).trim().toLowerCase();
  if (!CHECKSUM_ALGORITHMS.includes(algorithm)) {
    throw new DataPlaneError(
      'EINVALIDSOURCE',
      `checksum "${spec}" is malformed: expected <algorithm>:<hex> with algorithm one of ${CHECKSUM_ALGORITHMS.join(', ')}`,
    );
  }
  const want = HEX_LENGTH[algorithm];
  if (hex.length !== want || !/^[0-9a-f]+$/.test(hex)) {
    throw new DataPlaneError(
      'EINVALIDSOURCE',
      `checksum "${spec}" is malformed: a ${algorithm} digest is ${want} hexadecimal digits`,
    );
  }
  return { algorithm, hex };
}

export function formatChecksum(spec: ChecksumSpec): string {
  return `${spec.algorithm}:${spec.hex}`;
}

/** Hashes bytes as they pass; verify() compares with the expected digest (ECHECKSUM). */
export class ChecksumVerifier {
  readonly expected: ChecksumSpec;
  readonly #hash: Hash;
  #bytes = 0;

  constructor(expected: ChecksumSpec) {
    this.expected = expected;
    this.#hash = createHash(expected.algorithm);
  }

  update(chunk: Uint8Array): void {
    this.#hash.update(chunk);
    this.#bytes += chunk.byteLength;
  }

  get bytesHashed(): number {
    return this.#bytes;
  }

  /** Ends hashing; returns the actual checksum or throws ECHECKSUM naming both digests. */
  verify(what: string): string {
    const actual = this.#hash.digest('hex');
    const expected = this.expected.hex;
    if (actual !== expected) {
      throw new DataPlaneError(
        'ECHECKSUM',
        `checksum mismatch for ${what}: expected ${this.expected.algorithm}:${expected}, ` +
          `got ${this.expected.algorithm}:${actual} over ${this.#bytes} bytes; check the checksum in the DataVolume or the image at the source`,
      );
    }
    return `${this.expected.algorithm}:${actual}`;
  }
}

/** Passes `input` through unchanged, feeding every chunk to `verifier` (the bottom of the stack). */
export async function* hashThrough(
  input: AsyncIterable<Uint8Array>,
  verifier: ChecksumVerifier,
): AsyncIterable<Uint8Array> {
  for await (const chunk of input) {
    verifier.update(chunk);
    yield chunk;
  }
}
