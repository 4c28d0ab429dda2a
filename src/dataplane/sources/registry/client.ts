/**
 * The distribution API calls the registry source makes (GET a manifest, GET a blob), with the
 * registry's scheme chosen once and authentication done on the first 401 and then reused.
 *
 * Scheme: https, always verified against the default roots plus `caPem`. An insecure registry
 * (CDIConfig's insecureRegistries) skips verification, and when it does not speak TLS at all, is
 * reached over plain http, as containers/image does.
 *
 * Credentials are sent only after a challenge and only to the registry's host (redirects of blob
 * GETs to a storage backend drop them), and the token only to the registry.
 */
import type { Dispatcher } from 'undici';
import { DataPlaneError } from '../../errors.ts';
import type { RetryPolicy } from '../../retry.ts';
import { createDispatcher, exchange, header, release, type Exchange, type ExchangeTimeouts } from '../http-exchange.ts';
import { classifyStatus, networkError } from '../http-failures.ts';
import { basicAuthorization, fetchBearerToken, parseChallenge, type Credentials } from './auth.ts';
import type { ImageReference } from './reference.ts';

/** Manifests are small; a bigger answer is not a manifest (and is not buffered). */
const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

export interface RegistryClientOptions {
  image: ImageReference;
  credentials?: Credentials;
  caPem?: string;
  insecure?: boolean;
  policy: RetryPolicy;
  timeouts: ExchangeTimeouts;
  userAgent: string;
}

export interface RegistryClient {
  /** GET /v2/<repo>/manifests/<reference>: the body and its Content-Type. */
  getManifest(reference: string, accept: string, signal: AbortSignal): Promise<{ body: Buffer; contentType?: string }>;
  /** GET /v2/<repo>/blobs/<digest>: the open answer (status 200); the caller owns the body. */
  openBlob(digest: string, signal: AbortSignal): Promise<Exchange>;
  /** Bytes of manifests received so far. */
  manifestBytes(): number;
  close(): Promise<void>;
}

/** Why a registry answer failed, for a person: the code's advice for registries. */
function registryAdvice(code: string, what: string, image: ImageReference, authenticated: boolean): string {
  switch (code) {
    case 'ENOTFOUND':
      return `${what} of ${image.display} not found: check the repository and tag or digest in spec.source.registry.url`;
    case 'EUNAUTHORIZED':
      return authenticated
        ? `the registry refused the credentials for ${image.display}: check the Secret named in spec.source.registry.secretRef (accessKeyId, secretKey)`
        : `${image.display} needs credentials: name a Secret with accessKeyId and secretKey in spec.source.registry.secretRef`;
    case 'ETRANSIENT':
      return `the registry is failing or overloaded while reading ${what} of ${image.display}; Ferry retries with backoff`;
    default:
      return `the registry answered unexpectedly while reading ${what} of ${image.display}`;
  }
}

export function createRegistryClient(opts: RegistryClientOptions): RegistryClient {
  const { image, policy, timeouts } = opts;
  let dispatcher: Dispatcher | undefined;
  const getDispatcher = (): Dispatcher =>
    (dispatcher ??= createDispatcher({
      ...(opts.caPem === undefined ? {} : { caPem: opts.caPem }),
      insecureSkipVerify: opts.insecure === true,
      connectTimeoutMs: 30_000,
    }));
  let scheme: 'https:' | 'http:' = 'https:';
  /** Once an answer came over https (or the http fallback worked), the scheme is fixed. */
  let schemeSettled = opts.insecure !== true;
  let authorization: string | undefined;
  let received = 0;

  async function send(path: string, accept: string | undefined, signal: AbortSignal): Promise<Exchange> {
    const url = new URL(`${scheme}//${image.registry}${path}`);
    const plain: Record<string, string> = { 'user-agent': opts.userAgent, ...(accept === undefined ? {} : { accept }) };
    const sensitive: Record<string, string> = authorization === undefined ? {} : { authorization };
    try {
      const ex = await exchange(getDispatcher(), 'GET', url, { plain, sensitive }, timeouts, signal);
      schemeSettled = true;
      return ex;
    } catch (err) {
      if (!schemeSettled && !signal.aborted && scheme === 'https:') {
        // An insecure registry that does not speak TLS: try plain http once.
        scheme = 'http:';
        schemeSettled = true;
        return send(path, accept, signal);
      }
      const e = networkError('GET', url, err, policy, signal);
      if (e.code === 'ETLS') {
        throw new DataPlaneError(
          'ETLS',
          `${e.message.split(': if the server')[0] ?? e.message}: put the registry's CA in a ConfigMap named in spec.source.registry.certConfigMap, ` +
            `or add ${image.registry} to CDIConfig's spec.insecureRegistries`,
          { cause: err },
        );
      }
      if (e.code === 'EINVALIDSOURCE') {
        throw new DataPlaneError(
          'EINVALIDSOURCE',
          `TLS handshake with the registry ${image.registry} failed (is it plain http?): add ${image.registry} to CDIConfig's spec.insecureRegistries`,
          { cause: err },
        );
      }
      throw e;
    }
  }

  /** Sends, and on a 401 authenticates (once per call) and sends again. */
  async function get(path: string, accept: string | undefined, what: string, signal: AbortSignal): Promise<Exchange> {
    let ex = await send(path, accept, signal);
    if (ex.status === 401) {
      const challenge = parseChallenge(header(ex.headers, 'www-authenticate'));
      release(ex.body);
      const hadAuthorization = authorization !== undefined;
      if (challenge?.scheme === 'bearer') {
        authorization = await fetchBearerToken(
          {
            dispatcher: getDispatcher(),
            challenge,
            repository: image.repository,
            credentials: opts.credentials,
            timeouts,
            policy,
            userAgent: opts.userAgent,
            image: image.display,
          },
          signal,
        );
      } else if (challenge?.scheme === 'basic' && opts.credentials !== undefined && !hadAuthorization) {
        authorization = basicAuthorization(opts.credentials);
      } else {
        throw new DataPlaneError('EUNAUTHORIZED', `HTTP 401 from the registry: ${registryAdvice('EUNAUTHORIZED', what, image, opts.credentials !== undefined)}`, { status: 401 });
      }
      ex = await send(path, accept, signal);
    }
    if (ex.status >= 400) {
      release(ex.body);
      const code = classifyStatus(ex.status, policy) ?? 'EPROTOCOL';
      throw new DataPlaneError(code, `HTTP ${ex.status} from the registry: ${registryAdvice(code, what, image, authorization !== undefined)}`, {
        status: ex.status,
      });
    }
    if (ex.status !== 200) {
      release(ex.body);
      throw new DataPlaneError('EPROTOCOL', `HTTP ${ex.status} from the registry for ${what} of ${image.display}: expected 200`, { status: ex.status });
    }
    return ex;
  }

  return {
    async getManifest(reference, accept, signal) {
      const ex = await get(`/v2/${image.repository}/manifests/${reference}`, accept, `the manifest ${reference}`, signal);
      const parts: Buffer[] = [];
      let size = 0;
      try {
        for await (const chunk of ex.body) {
          parts.push(chunk as Buffer);
          size += (chunk as Buffer).length;
          received += (chunk as Buffer).length;
          if (size > MAX_MANIFEST_BYTES) throw new DataPlaneError('EPROTOCOL', `the manifest ${reference} of ${image.display} is larger than 4 MiB`);
        }
      } catch (err) {
        release(ex.body);
        throw networkError('GET', new URL(`${scheme}//${image.registry}`), err, policy, signal);
      }
      const contentType = header(ex.headers, 'content-type');
      return { body: Buffer.concat(parts), ...(contentType === undefined ? {} : { contentType }) };
    },
    openBlob(digest, signal) {
      return get(`/v2/${image.repository}/blobs/${digest}`, undefined, `the layer ${digest}`, signal);
    },
    manifestBytes: () => received,
    async close() {
      const d = dispatcher;
      dispatcher = undefined;
      await d?.close();
    },
  };
}
