/**
 * The Google Cloud Storage Source: GCS's XML API is plain HTTP (GET/HEAD with Range at
 * `https://storage.googleapis.com/<bucket>/<object>`), so this is the HTTP source underneath
 * (resume by range, fetch-ahead, retries), plus credentials:
 *
 * - no key: anonymous requests, for public objects (CDI's `option.WithoutAuthentication()`);
 * - a service-account key (the JSON file of spec.source.gcs.secretRef): an OAuth2 JWT-bearer
 *   grant (RFC 7523) at the key's token_uri gives an access token, sent as `Authorization: Bearer`.
 *   Tokens are renewed before they expire, and once when the server refuses one mid-download
 *   (the download then resumes where it stopped).
 *
 * URLs as CDI takes them: `gs://bucket/object`, or `https://storage.googleapis.com/bucket/object`
 * (`storage.cloud.google.com`, the browser host, is read through storage.googleapis.com).
 */
import { importPKCS8, SignJWT } from 'jose';
import type { Dispatcher } from 'undici';
import { DataPlaneError, isDataPlaneError, redactUrl } from '../errors.ts';
import { DEFAULT_RETRY_POLICY, decideRetry, realSleep, type RetryPolicy, type Sleep } from '../retry.ts';
import type { Source, SourceInfo } from '../source.ts';
import { createDispatcher, release } from './http-exchange.ts';
import { classifyStatus, networkError } from './http-failures.ts';
import { createHttpSource } from './http.ts';
import { parseGcsUrl } from './gcs-url.ts';

export { GCS_ENDPOINT, parseGcsUrl, type GcsLocation } from './gcs-url.ts';

export interface GcsSourceOptions {
  /** gs://bucket/object or https://storage.googleapis.com/bucket/object (spec.source.gcs.url). */
  url: string;
  /** The service-account key file's content; absent for public objects. */
  serviceAccountKeyJson?: string;
  /** Replaces https://storage.googleapis.com (tests, private endpoints). */
  endpoint?: string;
  caPem?: string;
  retry?: RetryPolicy;
  /** Concurrent range requests of the HTTP source's fetch-ahead (default 1). */
  parallel?: number;
  /** Injected for tests: clock (ms), backoff sleeps and jitter. */
  now?: () => number;
  sleep?: Sleep;
  random?: () => number;
}

export const GCS_READ_SCOPE = 'https://www.googleapis.com/auth/devstorage.read_only';
const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
/** A token this close to its expiry is renewed before a new request. */
const RENEW_BEFORE_MS = 5 * 60 * 1000;

interface ServiceAccountKey {
  clientEmail: string;
  privateKey: string;
  privateKeyId?: string;
  tokenUri: string;
}

/** The fields Ferry needs from a key file; messages never echo the key. */
export function parseServiceAccountKey(json: string): ServiceAccountKey {
  const bad = (why: string): DataPlaneError =>
    new DataPlaneError('EINVALIDSOURCE', `the GCS service-account key in spec.source.gcs.secretRef is unusable: ${why}`);
  let k: Record<string, unknown>;
  try {
    k = JSON.parse(json) as Record<string, unknown>;
  } catch {
    throw bad('not JSON (expected the key file Google Cloud made for the service account)');
  }
  if (k === null || typeof k !== 'object') throw bad('not a JSON object');
  if (typeof k.client_email !== 'string' || typeof k.private_key !== 'string') throw bad('no client_email or private_key');
  return {
    clientEmail: k.client_email,
    privateKey: k.private_key,
    ...(typeof k.private_key_id === 'string' ? { privateKeyId: k.private_key_id } : {}),
    tokenUri: typeof k.token_uri === 'string' ? k.token_uri : 'https://oauth2.googleapis.com/token',
  };
}

export function createGcsSource(opts: GcsSourceOptions): Source {
  const loc = parseGcsUrl(opts.url, opts.endpoint);
  const key = opts.serviceAccountKeyJson === undefined ? undefined : parseServiceAccountKey(opts.serviceAccountKeyJson);
  const policy = opts.retry ?? DEFAULT_RETRY_POLICY;
  const now = opts.now ?? Date.now;
  const sleep = opts.sleep ?? realSleep;
  const random = opts.random ?? Math.random;
  const display = `gs://${loc.bucket}/${loc.object}`;
  const description = `gcs source ${display}${opts.endpoint === undefined ? '' : ` at ${redactUrl(opts.endpoint)}`}`;

  let dispatcher: Dispatcher | undefined;
  let token: { value: string; expiresAt: number } | undefined;
  let inner: Source | undefined;
  /** Sources of earlier tokens: closed at close(), counted in bytesFetched(). */
  const retired: Source[] = [];
  let identity: { etag?: string; size?: number } | undefined;

  /** Failures of the token exchange: already explained, and not cured by another exchange. */
  const tokenFailures = new WeakSet<DataPlaneError>();
  const refusedToken = (err: unknown): boolean => isDataPlaneError(err) && err.code === 'EUNAUTHORIZED' && !tokenFailures.has(err);

  /** What a failure of the HTTP source means for GCS. */
  function explain(err: unknown): unknown {
    if (!isDataPlaneError(err) || tokenFailures.has(err)) return err;
    const advice =
      err.code === 'ENOTFOUND'
        ? `${display} does not exist: check spec.source.gcs.url`
        : err.code === 'EUNAUTHORIZED'
          ? key === undefined
            ? `${display} is not public: name a Secret holding a service-account key in spec.source.gcs.secretRef`
            : `the service account ${key.clientEmail} may not read ${display}: grant it storage.objects.get`
          : undefined;
    if (advice === undefined) return err;
    return new DataPlaneError(err.code, `${description}: ${advice}`, { cause: err, ...(err.status === undefined ? {} : { status: err.status }) });
  }

  async function exchangeToken(k: ServiceAccountKey, signal: AbortSignal): Promise<{ value: string; expiresAt: number }> {
    const issuedAt = Math.floor(now() / 1000);
    const assertion = await new SignJWT({ scope: GCS_READ_SCOPE })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', ...(k.privateKeyId === undefined ? {} : { kid: k.privateKeyId }) })
      .setIssuer(k.clientEmail)
      .setAudience(k.tokenUri)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + 3600)
      .sign(await importPKCS8(k.privateKey, 'RS256').catch((cause: unknown) => {
        throw new DataPlaneError('EINVALIDSOURCE', 'the GCS service-account key in spec.source.gcs.secretRef has an unreadable private_key (expected PKCS#8 PEM)', { cause });
      }));
    const tokenUrl = new URL(k.tokenUri);
    dispatcher ??= createDispatcher({ ...(opts.caPem === undefined ? {} : { caPem: opts.caPem }), connectTimeoutMs: 30_000 });
    let res: Dispatcher.ResponseData;
    try {
      res = await dispatcher.request({
        origin: tokenUrl.origin,
        path: tokenUrl.pathname + tokenUrl.search,
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new URLSearchParams({ grant_type: JWT_BEARER_GRANT, assertion }).toString(),
        signal,
        headersTimeout: 60_000,
        bodyTimeout: 60_000,
      });
    } catch (err) {
      throw networkError('POST', tokenUrl, err, policy, signal);
    }
    const text = await res.body.text().catch((err: unknown) => {
      release(res.body);
      throw networkError('POST', tokenUrl, err, policy, signal);
    });
    if (res.statusCode !== 200) {
      const code = classifyStatus(res.statusCode, policy);
      // OAuth2 answers 400 invalid_grant / 401 invalid_client for a revoked or wrong key.
      const refused = code === 'EINVALIDSOURCE' || code === 'EUNAUTHORIZED' || code === 'ENOTFOUND';
      const oauthError = /"error"\s*:\s*"([\w.-]+)"/.exec(text)?.[1];
      throw new DataPlaneError(
        refused ? 'EUNAUTHORIZED' : (code ?? 'EPROTOCOL'),
        `the token endpoint ${redactUrl(tokenUrl)} answered HTTP ${res.statusCode}${oauthError === undefined ? '' : ` (${oauthError})`} for ${k.clientEmail}: ` +
          (refused ? 'check the service-account key in spec.source.gcs.secretRef (revoked or deleted?)' : 'Ferry retries with backoff'),
        { status: res.statusCode },
      );
    }
    let json: { access_token?: unknown; expires_in?: unknown };
    try {
      json = JSON.parse(text) as typeof json;
    } catch (cause) {
      throw new DataPlaneError('EPROTOCOL', `the token endpoint ${redactUrl(tokenUrl)} answered something that is not JSON`, { cause });
    }
    if (typeof json.access_token !== 'string' || json.access_token === '') {
      throw new DataPlaneError('EPROTOCOL', `the token endpoint ${redactUrl(tokenUrl)} answered without an access_token`);
    }
    const lifetimeS = typeof json.expires_in === 'number' ? json.expires_in : 3600;
    return { value: json.access_token, expiresAt: now() + lifetimeS * 1000 };
  }

  async function tokenWithRetries(k: ServiceAccountKey, signal: AbortSignal): Promise<{ value: string; expiresAt: number }> {
    for (let failures = 1; ; failures++) {
      try {
        return await exchangeToken(k, signal);
      } catch (err) {
        const e = isDataPlaneError(err) ? err : networkError('POST', new URL(k.tokenUri), err, policy, signal);
        if (signal.aborted) throw new DataPlaneError('EABORTED', `${description}: aborted`, { cause: signal.reason });
        const decision = decideRetry(policy, e, failures, random);
        if (!decision.retry) {
          tokenFailures.add(e);
          throw e;
        }
        await sleep(decision.delayMs, signal).catch((cause: unknown) => {
          throw new DataPlaneError('EABORTED', `${description}: aborted`, { cause });
        });
      }
    }
  }

  /** The HTTP source to use now: anonymous, or with a token that is not about to expire. */
  async function current(signal: AbortSignal, forceRenew = false): Promise<Source> {
    const fresh = token !== undefined && !forceRenew && token.expiresAt - now() > RENEW_BEFORE_MS;
    if (inner !== undefined && (key === undefined || fresh)) return inner;
    if (key !== undefined) token = await tokenWithRetries(key, signal);
    if (inner !== undefined) retired.push(inner);
    inner = createHttpSource({
      url: loc.objectUrl,
      ...(token === undefined ? {} : { secretHeaders: { authorization: `Bearer ${token.value}` } }),
      ...(opts.caPem === undefined ? {} : { caPem: opts.caPem }),
      retry: policy,
      sleep,
      random,
      ...(opts.parallel === undefined ? {} : { parallel: opts.parallel }),
      // A new token must not hide a replaced object: the identity carries over.
      ...(identity === undefined ? {} : { expected: identity }),
    });
    return inner;
  }

  /** Runs `fn` on the current source; renews the token once when the server refuses it. */
  async function withToken<T>(signal: AbortSignal, fn: (s: Source) => Promise<T>): Promise<T> {
    try {
      return await fn(await current(signal));
    } catch (err) {
      if (key === undefined || !refusedToken(err)) throw explain(err);
      try {
        return await fn(await current(signal, true));
      } catch (again) {
        throw explain(again);
      }
    }
  }

  async function* stream(offset: number, signal: AbortSignal): AsyncGenerator<Uint8Array> {
    let pos = offset;
    let renewed = false;
    // With a token, learn the object's identity first, so that a renewal mid-download carries it.
    if (key !== undefined && identity === undefined) await info(signal);
    for (;;) {
      const source = await current(signal).catch((err: unknown) => {
        throw explain(err);
      });
      try {
        for await (const chunk of source.stream(pos, signal)) {
          pos += chunk.length;
          yield chunk;
        }
        return;
      } catch (err) {
        // An expired or revoked token mid-download: renew once, resume from `pos`.
        if (key === undefined || renewed || !refusedToken(err)) throw explain(err);
        renewed = true;
        await current(signal, true).catch((e: unknown) => {
          throw explain(e);
        });
      }
    }
  }

  async function info(signal: AbortSignal): Promise<SourceInfo> {
    const i = await withToken(signal, (s) => s.info(signal));
    identity ??= { ...(i.etag === undefined ? {} : { etag: i.etag }), ...(i.size === undefined ? {} : { size: i.size }) };
    return i;
  }

  return {
    description,
    info,
    stream,
    read: (offset, length, signal) => withToken(signal, (s) => s.read(offset, length, signal)),
    bytesFetched: () => [...retired, ...(inner === undefined ? [] : [inner])].reduce((n, s) => n + s.bytesFetched(), 0),
    async close() {
      const all = [...retired, ...(inner === undefined ? [] : [inner])];
      retired.length = 0;
      inner = undefined;
      await Promise.all(all.map((s) => s.close()));
      const d = dispatcher;
      dispatcher = undefined;
      await d?.close();
    },
  };
}
