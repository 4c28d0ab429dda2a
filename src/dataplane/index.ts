// The data plane's public surface: what workers and servers may use.
export type { Source, SourceInfo } from './source.ts';
export { DataPlaneError, isDataPlaneError, isRetryableError, redactUrl, RETRYABLE_BY_CODE } from './errors.ts';
export type { DataPlaneErrorCode } from './errors.ts';
export { createHttpSource } from './sources/http.ts';
export type { HttpSourceOptions } from './sources/http.ts';
export { createFileSource } from './sources/file.ts';
export { importImage, DISK_IMAGE_NAME, IMPORT_PHASES } from './processor.ts';
export type { ImportOptions, ImportProgress, ImportResult, ImportTarget, ImportPhase } from './processor.ts';
export { parseChecksum, formatChecksum, ChecksumVerifier, hashThrough } from './checksum.ts';
export type { ChecksumSpec, ChecksumAlgorithm } from './checksum.ts';
export { detect, DETECT_HEADER_BYTES } from './detect.ts';
export type { Detection, Compression, ImageFormat } from './detect.ts';
export { openDecoded, decompress, PeekableStream } from './decoders.ts';
export { qemuImgInfo, qemuImgConvert, assertImageSafe, tooLargeMessage } from './qemu.ts';
export type { ImageInfo, ImageLocation } from './qemu.ts';
export { RawImageWriter, finalizeTarget, probeTarget, zeroFill } from './sink.ts';
export { extractTar } from './archive.ts';
