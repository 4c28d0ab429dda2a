/**
 * Registry authentication after a 401 challenge, as docker and containers/image do it:
 * `WWW-Authenticate: Basic realm=...` -> the user's credentials as basic auth;
 * `WWW-Authenticate: Bearer realm=...,service=...,scope=...` -> GET the realm (with the user's
 * credentials as basic auth when there are any, anonymously otherwise) for a token, then
 * `Authorization: Bearer <token>`.
 */
import type { Dispatcher } from 'undici';
import { DataPlaneError, redactUrl } from '../../errors.ts';
import type { RetryPolicy } from '../../retry.ts';
import { exchange, header, release, type ExchangeTimeouts } from '../http-exchange.ts';
import { classifyStatus, networkError } from '../http-failures.ts';

export interface Challenge {
  /** Lower-cased: 'basic', 'bearer', ... */
  scheme: string;
  params: Record<string, string>;
}

export interface Credentials {
  username: string;
  password: string;
}

/** Parses one challenge (`Bearer realm="x",service="y",scope="a:b:pull,push"`). Pure. */
export function parseChallenge(value: string | undefined): Challenge | undefined {
  if (value === undefined) return undefined;
  const m = /^\s*([A-Za-z][\w-]*)\s*(.*)$/s.exec(value);
  if (m === null) return undefined;
  const params: Record<string, string> = {};
  // Quoted values may hold commas (scopes); unquoted ones end at a comma.
  for (const p of (m[2] ?? '').matchAll(/([\w-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g)) {
    const key = (p[1] ?? '').toLowerCase();
    params[key] = p[2] !== undefined ? p[2].replace(/\\(.)/g, '$1') : (p[3] ?? '');
  }
  return { scheme: (m[1] ?? '').toLowerCase(), params };
}

export function basicAuthorization(c: Credentials): string {
  return 'Basic ' + Buffer.from(`${c.username}:${c.password}`).toString('base64');
}

export interface TokenRequest {
  dispatcher: Dispatcher;
  challenge: Challenge;
  /** Used when the challenge names no scope. */
  repository: string;
  credentials: Credentials | undefined;
  timeouts: ExchangeTimeouts;
  policy: RetryPolicy;
  userAgent: string;
  /** For messages. */
  image: string;
}

/** Asks the challenge's realm for a pull token; returns the Authorization header value. */
export async function fetchBearerToken(req: TokenRequest, signal: AbortSignal): Promise<string> {
  const realmText = req.challenge.params.realm;
  let realm: URL;
  try {
    realm = new URL(realmText ?? '');
  } catch (cause) {
    throw new DataPlaneError('EPROTOCOL', `the registry of ${req.image} asked for a token from an invalid realm ${JSON.stringify(realmText)}`, { cause });
  }
  if (realm.protocol !== 'https:' && realm.protocol !== 'http:') {
    throw new DataPlaneError('EPROTOCOL', `the registry of ${req.image} asked for a token from ${redactUrl(realm)} (not http or https)`);
  }
  const service = req.challenge.params.service;
  if (service !== undefined) realm.searchParams.set('service', service);
  realm.searchParams.set('scope', req.challenge.params.scope ?? `repository:${req.repository}:pull`);
  const sensitive: Record<string, string> = req.credentials === undefined ? {} : { authorization: basicAuthorization(req.credentials) };
  let ex;
  try {
    ex = await exchange(req.dispatcher, 'GET', realm, { plain: { 'user-agent': req.userAgent, accept: 'application/json' }, sensitive }, req.timeouts, signal);
  } catch (err) {
    throw networkError('GET', realm, err, req.policy, signal);
  }
  if (ex.status !== 200) {
    release(ex.body);
    const code = classifyStatus(ex.status, req.policy) ?? 'EPROTOCOL';
    const advice =
      code === 'EUNAUTHORIZED' || code === 'ENOTFOUND'
        ? req.credentials === undefined
          ? 'the image needs credentials: name a Secret with accessKeyId and secretKey in spec.source.registry.secretRef'
          : 'check the credentials in spec.source.registry.secretRef'
        : 'the token service is failing';
    throw new DataPlaneError(
      code === 'ENOTFOUND' ? 'EUNAUTHORIZED' : code,
      `the token service ${redactUrl(realm)} answered HTTP ${ex.status} for ${req.image}: ${advice}`,
      { status: ex.status },
    );
  }
  let json: { token?: unknown; access_token?: unknown };
  try {
    json = JSON.parse(await ex.body.text()) as typeof json;
  } catch (cause) {
    throw new DataPlaneError('EPROTOCOL', `the token service ${redactUrl(realm)} answered something that is not JSON`, { cause });
  }
  const token = typeof json.token === 'string' && json.token !== '' ? json.token : json.access_token;
  if (typeof token !== 'string' || token === '') {
    throw new DataPlaneError('EPROTOCOL', `the token service ${redactUrl(realm)} answered without a token (${header(ex.headers, 'content-type') ?? 'no content type'})`);
  }
  return `Bearer ${token}`;
}
