/**
 * The S3 Source, through @aws-sdk/client-s3: HeadObject for info, GetObject with Range for
 * stream and read, resume after a dropped connection from the last byte delivered.
 *
 * Resume contract (as the HTTP source's): every GetObject after the first names the object's
 * ETag in IfMatch (S3 answers 412 when it changed), and every answer's ETag is also compared with
 * the first one (servers that ignore IfMatch), so a replaced object fails with ESOURCECHANGED
 * instead of splicing two versions.
 *
 * URLs, as CDI takes them (pkg/importer/s3-datasource.go): `https://endpoint/bucket/key` and
 * `http://endpoint/bucket/key` address an S3-compatible endpoint path-style (the signing region is
 * derived from the endpoint's host like CDI does, e.g. s3.eu-west-1.amazonaws.com -> eu-west-1);
 * `s3://bucket/key` addresses AWS (or `endpoint` when given) with the SDK's default addressing.
 * Without accessKeyId/secretKey the SDK's default credential chain is used, as CDI does.
 *
 * The SDK's own retries are off (maxAttempts 1): retries follow Ferry's RetryPolicy, with the
 * injected sleep, and resume by range.
 */
import http from 'node:http';
import https from 'node:https';
import { rootCertificates } from 'node:tls';
import type { Readable } from 'node:stream';
import { GetObjectCommand, HeadObjectCommand, S3Client, type GetObjectCommandOutput } from '@aws-sdk/client-s3';
import { DataPlaneError, redactUrl, type DataPlaneErrorCode } from '../errors.ts';
import { DEFAULT_RETRY_POLICY, decideRetry, realSleep, type RetryPolicy, type Sleep } from '../retry.ts';
import type { Source, SourceInfo } from '../source.ts';
import { networkError } from './http-failures.ts';

export interface S3SourceOptions {
  /** s3://bucket/key, or http(s)://endpoint/bucket/key (spec.source.s3.url). */
  url: string;
  accessKeyId?: string;
  secretKey?: string;
  /** Overrides the endpoint (http(s)://host[:port]); with it, addressing is path-style by default. */
  endpoint?: string;
  /** Signing region; default: derived from the endpoint like CDI, else us-east-1. */
  region?: string;
  /** An extra CA (PEM) trusted in addition to the default roots (spec.source.s3.certConfigMap). */
  caPem?: string;
  insecureSkipVerify?: boolean;
  forcePathStyle?: boolean;
  retry?: RetryPolicy;
  /** The object's identity recorded by an earlier attempt (a previous pod), to detect a change on resume. */
  expected?: { etag?: string; size?: number };
  /** Injected for tests: backoff sleeps and jitter. */
  sleep?: Sleep;
  random?: () => number;
  onRetry?: (event: { attempt: number; delayMs: number; error: DataPlaneError }) => void;
}

export interface S3Location {
  bucket: string;
  key: string;
  /** http(s)://host[:port], or undefined for AWS's own endpoints. */
  endpoint?: string;
  region: string;
  forcePathStyle: boolean;
}

const DEFAULT_REGION = 'us-east-1';
const VALID_REGION = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** CDI's extractRegion: `s3.<region>.amazonaws.com`, else the first label of the host, if a valid one. */
export function regionFromHost(hostname: string): string {
  const aws = /s3[.-]([^.]+(?:\.[^.]+)*?)\.amazonaws\.com$/.exec(hostname);
  const region = aws?.[1] ?? hostname.split('.')[0] ?? '';
  return VALID_REGION.test(region) && !/^\d+$/.test(region) ? region : DEFAULT_REGION;
}

function invalid(url: string, why: string): DataPlaneError {
  return new DataPlaneError('EINVALIDSOURCE', `invalid S3 URL ${redactUrl(url)}: ${why}; expected s3://bucket/key or https://endpoint/bucket/key (spec.source.s3.url)`);
}

/** Where the object is. Pure; the table test is its specification. */
export function parseS3Url(url: string, opts: Pick<S3SourceOptions, 'endpoint' | 'region' | 'forcePathStyle'> = {}): S3Location {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw invalid(url, 'not a URL');
  }
  if (u.username !== '' || u.password !== '') throw invalid(url, 'credentials do not belong in the URL (use secretRef)');
  const segments = u.pathname.split('/').slice(1).map((s) => decodeURIComponent(s));
  let bucket: string;
  let key: string;
  let endpoint = opts.endpoint;
  if (u.protocol === 's3:') {
    bucket = u.hostname;
    key = segments.join('/');
  } else if (u.protocol === 'http:' || u.protocol === 'https:') {
    bucket = segments[0] ?? '';
    key = segments.slice(1).join('/');
    endpoint ??= `${u.protocol}//${u.host}`;
  } else {
    throw invalid(url, `unsupported scheme ${u.protocol}`);
  }
  if (bucket === '') throw invalid(url, 'no bucket');
  if (key === '') throw invalid(url, 'no object key');
  if (endpoint !== undefined && !/^https?:\/\/[^/]+\/?$/.test(endpoint)) throw invalid(endpoint, 'the endpoint must be http(s)://host[:port]');
  const region = opts.region ?? (endpoint === undefined ? DEFAULT_REGION : regionFromHost(new URL(endpoint).hostname));
  return {
    bucket,
    key,
    ...(endpoint === undefined ? {} : { endpoint: endpoint.replace(/\/$/, '') }),
    region,
    forcePathStyle: opts.forcePathStyle ?? endpoint !== undefined,
  };
}

/** SDK error names -> codes; statuses are the fallback. */
const CODE_BY_S3_ERROR: Readonly<Record<string, DataPlaneErrorCode>> = {
  NoSuchKey: 'ENOTFOUND', NoSuchBucket: 'ENOTFOUND', NotFound: 'ENOTFOUND', NoSuchVersion: 'ENOTFOUND',
  AccessDenied: 'EUNAUTHORIZED', Forbidden: 'EUNAUTHORIZED', InvalidAccessKeyId: 'EUNAUTHORIZED',
  SignatureDoesNotMatch: 'EUNAUTHORIZED', ExpiredToken: 'EUNAUTHORIZED', InvalidToken: 'EUNAUTHORIZED',
  TokenRefreshRequired: 'EUNAUTHORIZED', CredentialsProviderError: 'EUNAUTHORIZED', AllAccessDisabled: 'EUNAUTHORIZED',
  PreconditionFailed: 'ESOURCECHANGED',
  SlowDown: 'ETRANSIENT', Throttling: 'ETRANSIENT', ThrottlingException: 'ETRANSIENT', RequestTimeout: 'ETRANSIENT',
  RequestTimeTooSkewed: 'ETRANSIENT', InternalError: 'ETRANSIENT', ServiceUnavailable: 'ETRANSIENT', TimeoutError: 'ETRANSIENT',
  InvalidRange: 'EPROTOCOL', PermanentRedirect: 'EINVALIDSOURCE', AuthorizationHeaderMalformed: 'EINVALIDSOURCE',
};

const ADVICE: Partial<Record<DataPlaneErrorCode, string>> = {
  ENOTFOUND: 'check the bucket and key in spec.source.s3.url',
  EUNAUTHORIZED: 'check the Secret named in spec.source.s3.secretRef (accessKeyId, secretKey) and its permissions on the object',
  ESOURCECHANGED: 'the object was replaced during the import; make sure it is not changed while it is read',
  ETRANSIENT: 'S3 is failing or throttling; Ferry retries with backoff',
  EINVALIDSOURCE: 'check the endpoint and region of spec.source.s3.url',
};

/** The code of an SDK failure (by its error name, then its HTTP status). Pure. */
export function classifyS3Error(err: unknown, policy: RetryPolicy): DataPlaneErrorCode | undefined {
  const e = err as { name?: unknown; Code?: unknown; $metadata?: { httpStatusCode?: unknown } } | null;
  if (e === null || typeof e !== 'object') return undefined;
  const byName = CODE_BY_S3_ERROR[typeof e.Code === 'string' ? e.Code : ''] ?? CODE_BY_S3_ERROR[typeof e.name === 'string' ? e.name : ''];
  if (byName !== undefined) return byName;
  const status = e.$metadata?.httpStatusCode;
  if (typeof status !== 'number') return undefined;
  if (policy.retryStatusCodes.includes(status) || status >= 500) return 'ETRANSIENT';
  if (status === 404) return 'ENOTFOUND';
  if (status === 401 || status === 403) return 'EUNAUTHORIZED';
  if (status === 412) return 'ESOURCECHANGED';
  return status >= 400 ? 'EINVALIDSOURCE' : undefined;
}

export function createS3Source(opts: S3SourceOptions): Source {
  const loc = parseS3Url(opts.url, opts);
  if ((opts.accessKeyId === undefined || opts.accessKeyId === '') !== (opts.secretKey === undefined || opts.secretKey === '')) {
    throw new DataPlaneError('EINVALIDSOURCE', `s3 source ${loc.bucket}/${loc.key}: accessKeyId and secretKey must be set together or not at all (spec.source.s3.secretRef)`);
  }
  const policy = opts.retry ?? DEFAULT_RETRY_POLICY;
  const sleep = opts.sleep ?? realSleep;
  const random = opts.random ?? Math.random;
  const where = `s3 object ${loc.bucket}/${loc.key}${loc.endpoint === undefined ? '' : ` at ${redactUrl(loc.endpoint)}`}`;
  const description = `s3 source ${where.slice('s3 object '.length)}`;
  const endpointUrl = new URL(loc.endpoint ?? `https://s3.${loc.region}.amazonaws.com`);

  // Created lazily: constructors do no I/O, and a client holds sockets.
  let client: S3Client | undefined;
  const getClient = (): S3Client =>
    (client ??= new S3Client({
      region: loc.region,
      ...(loc.endpoint === undefined ? {} : { endpoint: loc.endpoint }),
      forcePathStyle: loc.forcePathStyle,
      ...(opts.accessKeyId !== undefined && opts.secretKey !== undefined && opts.accessKeyId !== ''
        ? { credentials: { accessKeyId: opts.accessKeyId, secretAccessKey: opts.secretKey } }
        : {}),
      maxAttempts: 1,
      requestHandler: {
        connectionTimeout: 30_000,
        socketTimeout: 60_000,
        httpAgent: new http.Agent({ keepAlive: true }),
        httpsAgent: new https.Agent({
          keepAlive: true,
          rejectUnauthorized: opts.insecureSkipVerify !== true,
          ...(opts.caPem === undefined ? {} : { ca: [...rootCertificates, opts.caPem] }),
        }),
      },
    }));

  let fetched = 0;
  let probed: SourceInfo | undefined;
  let identity: { etag?: string; size?: number } | undefined = opts.expected === undefined ? undefined : { ...opts.expected };

  /** Any failure as a DataPlaneError whose message names the object, never the credentials. */
  function toError(err: unknown, action: string, signal: AbortSignal): DataPlaneError {
    if (err instanceof DataPlaneError) return err;
    if (signal.aborted) return new DataPlaneError('EABORTED', `${description}: aborted`, { cause: signal.reason });
    const code = classifyS3Error(err, policy);
    const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
    if (code !== undefined) {
      const status = e.$metadata?.httpStatusCode;
      // HEAD answers have no body, so the SDK names their errors "Unknown" (or by status).
      const name = e.name === undefined || e.name === 'Unknown' ? '' : ` ${e.name}`;
      return new DataPlaneError(
        code,
        `${action} of ${where} failed:${status === undefined ? '' : ` HTTP ${status}`}${name}: ${ADVICE[code] ?? 'unexpected answer'}`,
        { cause: err, ...(status === undefined ? {} : { status }) },
      );
    }
    const net = networkError('GET', endpointUrl, err, policy, signal);
    if (net.code === 'ETLS') {
      return new DataPlaneError('ETLS', `TLS verification failed for ${where}: put the endpoint's CA in a ConfigMap named in spec.source.s3.certConfigMap`, { cause: err });
    }
    return new DataPlaneError(net.code, `${action} of ${where}: ${net.message}`, { cause: err });
  }

  /** Records the identity from the first answer; ESOURCECHANGED when a later one differs. */
  function checkIdentity(etag: string | undefined, size: number | undefined): void {
    if (identity === undefined) {
      identity = { ...(etag === undefined ? {} : { etag }), ...(size === undefined ? {} : { size }) };
      return;
    }
    if ((identity.etag !== undefined && etag !== undefined && etag !== identity.etag) || (identity.size !== undefined && size !== undefined && size !== identity.size)) {
      throw new DataPlaneError(
        'ESOURCECHANGED',
        `${where} changed while it was being read (ETag ${identity.etag ?? '-'} -> ${etag ?? '-'}, size ${identity.size ?? '?'} -> ${size ?? '?'}): ${ADVICE.ESOURCECHANGED}`,
      );
    }
    identity.etag ??= etag;
    identity.size ??= size;
  }

  async function backoff(failures: number, e: DataPlaneError, signal: AbortSignal): Promise<void> {
    const decision = decideRetry(policy, e, failures, random);
    if (!decision.retry) throw e;
    opts.onRetry?.({ attempt: failures, delayMs: decision.delayMs, error: e });
    try {
      await sleep(decision.delayMs, signal);
    } catch (cause) {
      throw new DataPlaneError('EABORTED', `${description}: aborted`, { cause });
    }
  }

  async function info(signal: AbortSignal): Promise<SourceInfo> {
    if (probed !== undefined) return probed;
    for (let failures = 1; ; failures++) {
      try {
        const head = await getClient().send(new HeadObjectCommand({ Bucket: loc.bucket, Key: loc.key }), { abortSignal: signal });
        checkIdentity(head.ETag, head.ContentLength);
        probed = {
          acceptsRanges: true,
          ...(head.ContentLength === undefined ? {} : { size: head.ContentLength }),
          ...(head.ETag === undefined ? {} : { etag: head.ETag }),
          ...(head.LastModified === undefined ? {} : { lastModified: head.LastModified.toUTCString() }),
          ...(head.ContentType === undefined ? {} : { contentType: head.ContentType }),
        };
        return probed;
      } catch (err) {
        await backoff(failures, toError(err, 'HeadObject', signal), signal);
      }
    }
  }

  /** The bytes [start, end) (end undefined: to the end), each once and in order, resuming after transient failures. */
  async function* fetchRange(start: number, end: number | undefined, signal: AbortSignal): AsyncGenerator<Uint8Array> {
    let pos = start;
    let failures = 0;
    for (;;) {
      if (end !== undefined && pos >= end) return;
      if (identity?.size !== undefined && pos >= identity.size && !(pos === 0 && identity.size === 0)) return;
      let body: Readable | undefined;
      try {
        const ranged = pos > 0 || end !== undefined;
        const res: GetObjectCommandOutput = await getClient().send(
          new GetObjectCommand({
            Bucket: loc.bucket,
            Key: loc.key,
            ...(ranged ? { Range: `bytes=${pos}-${end === undefined ? '' : end - 1}` } : {}),
            ...(identity?.etag === undefined ? {} : { IfMatch: identity.etag }),
          }),
          { abortSignal: signal },
        );
        body = res.Body as Readable | undefined;
        const total = res.ContentRange === undefined ? (ranged ? undefined : res.ContentLength) : Number(/\/(\d+)$/.exec(res.ContentRange)?.[1] ?? NaN);
        checkIdentity(res.ETag, total !== undefined && Number.isFinite(total) ? total : undefined);
        if (ranged && res.ContentRange !== undefined && Number(/^bytes (\d+)-/.exec(res.ContentRange)?.[1]) !== pos) {
          throw new DataPlaneError('EPROTOCOL', `${description}: asked for bytes from ${pos}, got Content-Range ${res.ContentRange}`);
        }
        if (body === undefined) throw new DataPlaneError('EPROTOCOL', `${description}: GetObject answered without a body`);
        for await (const chunk of body) {
          const buf = chunk as Buffer;
          fetched += buf.length;
          if (end !== undefined && pos + buf.length >= end) {
            const last = buf.subarray(0, end - pos);
            pos = end;
            yield last;
            return;
          }
          pos += buf.length;
          failures = 0;
          yield buf;
        }
        const target = end ?? identity?.size;
        if (target === undefined || pos >= target || (identity?.size !== undefined && pos >= identity.size)) return;
        // A body that ended early without an error: resume from where it stopped.
        throw new DataPlaneError('ETRANSIENT', `${description}: the body ended at byte ${pos} of ${target}`);
      } catch (err) {
        if (isInvalidRange(err) && identity?.size !== undefined && pos >= identity.size) return;
        failures++;
        await backoff(failures, toError(err, 'GetObject', signal), signal);
      } finally {
        body?.destroy();
      }
    }
  }

  async function read(offset: number, length: number, signal: AbortSignal): Promise<Uint8Array> {
    const parts: Uint8Array[] = [];
    let total = 0;
    for await (const chunk of fetchRange(offset, offset + length, signal)) {
      parts.push(chunk);
      total += chunk.length;
    }
    return parts.length === 1 && parts[0] !== undefined ? parts[0] : Buffer.concat(parts, total);
  }

  return {
    description,
    info,
    stream: (offset, signal) => fetchRange(offset, undefined, signal),
    read,
    bytesFetched: () => fetched,
    async close() {
      const c = client;
      client = undefined;
      c?.destroy();
    },
  };
}

function isInvalidRange(err: unknown): boolean {
  const e = err as { name?: unknown; $metadata?: { httpStatusCode?: unknown } } | null;
  return e !== null && typeof e === 'object' && (e.name === 'InvalidRange' || e.$metadata?.httpStatusCode === 416);
}
