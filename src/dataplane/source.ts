/**
 * The data plane's source contract: where the bytes of an image come from.
 *
 * A Source is created without I/O; the first network call happens in info(), stream() or read().
 * Every async method takes an AbortSignal and stops promptly when it fires, failing with a
 * DataPlaneError of code EABORTED (cause: the signal's reason). All failures are DataPlaneError
 * (see errors.ts): callers match on `code`.
 */

/** What a probe learned about the object, without reading its body. */
export interface SourceInfo {
  /** Total size in bytes, when the server says it. */
  size?: number;
  /** The server honours `Range: bytes=a-b` (so read() and resume-by-range are possible). */
  acceptsRanges: boolean;
  /** Strong or weak validator; used with If-Range so a changed object is detected on resume. */
  etag?: string;
  lastModified?: string;
  contentType?: string;
}

export interface Source {
  /** For logs and messages; never contains secrets (no credentials, no secret header values). */
  readonly description: string;
  /** Probe without reading the body (HEAD, or a GET of bytes=0-0 when HEAD is refused). */
  info(signal: AbortSignal): Promise<SourceInfo>;
  /**
   * The bytes from `offset` to the end. Transient failures (reset, 5xx, 429, timeouts) are
   * retried with backoff and RESUMED with a Range request from the last byte delivered
   * (If-Range/ETag so a changed object is detected: then fail with code ESOURCECHANGED); a server
   * without Range support restarts from 0 and skips what was already delivered. Yields each
   * byte exactly once, in order. Yielded chunks are owned by the consumer (never reused).
   */
  stream(offset: number, signal: AbortSignal): AsyncIterable<Uint8Array>;
  /**
   * Random access (only when info().acceptsRanges): exactly `length` bytes at `offset`
   * (shorter only at the end of the object), retried like stream.
   */
  read(offset: number, length: number, signal: AbortSignal): Promise<Uint8Array>;
  /** Bytes fetched from the network so far (to measure over-fetch after resumes). */
  bytesFetched(): number;
  /** Releases connections; the source is unusable afterwards. */
  close(): Promise<void>;
}
