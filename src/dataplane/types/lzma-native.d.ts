// The part of lzma-native (CommonJS, untyped) that Ferry uses: a streaming .xz decoder.
declare module 'lzma-native' {
  import type { Duplex } from 'node:stream';
  export function createDecompressor(options?: { memlimit?: number; threads?: number }): Duplex;
  const lzma: { createDecompressor: typeof createDecompressor };
  export default lzma;
}
