/**
 * The importer's whole task, parsed ONCE from its environment (CDI's importer variable names
 * where CDI has one: pkg/common/common.go) into a typed object. Pure: no I/O here; paths are
 * still pod paths (resolved later through paths.ts).
 */
import { parseChecksum } from '../../dataplane/checksum.ts';
import { parsePathMap } from './paths.ts';
import { parseQuantity } from './quantity.ts';

/** CDI's source kinds (IMPORTER_SOURCE); this worker imports all but imageio and vddk. */
export const IMPORT_SOURCE_KINDS = ['http', 'none', 's3', 'gcs', 'registry', 'imageio', 'vddk'] as const;
export type ImportSourceKind = (typeof IMPORT_SOURCE_KINDS)[number];

/** Pod paths, as CDI's importer pod spec mounts them. */
export const POD_PATHS = {
  dataDir: '/data',
  blockDevice: '/dev/cdi-block-volume',
  scratchDir: '/scratch',
  certDir: '/certs',
  proxyCertDir: '/proxycerts/',
  secretExtraHeadersDir: '/extraheaders',
  terminationLog: '/dev/termination-log',
} as const;

export interface HttpSourceConfig {
  kind: 'http';
  url: string;
  /** IMPORTER_ACCESS_KEY_ID / IMPORTER_SECRET_KEY: basic auth for http. */
  basicAuth?: { username: string; password: string };
  /** IMPORTER_EXTRA_HEADER_* values, "Name: value". */
  extraHeaders: Record<string, string>;
  /** IMPORTER_CERT_DIR: a pod path holding extra CA certificates. */
  certDir?: string;
  /** INSECURE_TLS */
  insecureTls: boolean;
  proxy?: { http?: string; https?: string; noProxy?: string };
  /** FERRY_HTTP_PARALLEL: concurrent range requests (the http source's fetch-ahead); unset = its default. */
  parallel?: number;
}

/** s3, gcs and registry: the object stores and OCI registries of the data plane's sources. */
export interface S3SourceConfig {
  kind: 's3';
  url: string;
  accessKeyId?: string;
  secretKey?: string;
  certDir?: string;
  insecureTls: boolean;
}

export interface GcsSourceConfig {
  kind: 'gcs';
  url: string;
  /** GOOGLE_APPLICATION_CREDENTIALS: a pod path of the service-account key file. */
  keyFile?: string;
}

export interface RegistrySourceConfig {
  kind: 'registry';
  url: string;
  username?: string;
  password?: string;
  certDir?: string;
  /** INSECURE_TLS: the registry is in CDIConfig's insecureRegistries. */
  insecure: boolean;
  /** IMPORTER_REGISTRY_IMAGE_ARCHITECTURE (CDI's name), e.g. arm64. */
  architecture?: string;
}

export type SourceConfig = HttpSourceConfig | S3SourceConfig | GcsSourceConfig | RegistrySourceConfig | { kind: 'none' };

export interface ImportConfig {
  source: SourceConfig;
  contentType: 'kubevirt' | 'archive';
  /** IMPORTER_IMAGE_SIZE in bytes: the requested size of the volume. */
  imageSize?: number;
  /** IMPORTER_CHECKSUM (Ferry's; CDI has none): `algo:hex`, already validated. */
  checksum?: string;
  /** PREALLOCATION */
  preallocation: boolean;
  /** CACHE_MODE=TRYNONE: convert with qemu-img cache=none where the target allows it. */
  directIo: boolean;
  /** FILESYSTEM_OVERHEAD: fraction of a Filesystem volume kept free; 0 when unset (the controller
   *  passes CDIConfig's value, 0.06 by default in CDI). */
  filesystemOverhead: number;
  /** FERRY_VOLUME_MODE, when the runner states it; otherwise the worker looks at its mounts. */
  volumeMode?: 'Filesystem' | 'Block';
  /** FERRY_PATH_MAP (embedded mode): pod path -> host path. */
  pathMap: Record<string, string>;
  /** FERRY_PROGRESS_FILE: where progress is written as JSON, if set. */
  progressFile?: string;
  /** OWNER_UID: the claim/DataVolume the import is for (CDI labels its progress metric with it). */
  ownerUid?: string;
}

export class ImportConfigError extends Error {
  override readonly name = 'ImportConfigError';
  readonly code = 'EINVALIDSOURCE';
}

type Env = Record<string, string | undefined>;

function nonEmpty(env: Env, name: string): string | undefined {
  const v = env[name];
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

function parseBool(env: Env, name: string): boolean {
  const v = nonEmpty(env, name)?.toLowerCase();
  if (v === undefined) return false;
  if (['true', '1', 'yes'].includes(v)) return true;
  if (['false', '0', 'no'].includes(v)) return false;
  throw new ImportConfigError(`${name}=${env[name]} is not a boolean (true/false)`);
}

function parseExtraHeaders(env: Env): Record<string, string> {
  const headers: Record<string, string> = {};
  const names = Object.keys(env).filter((k) => k.startsWith('IMPORTER_EXTRA_HEADER_')).sort();
  for (const name of names) {
    const line = env[name] ?? '';
    const colon = line.indexOf(':');
    if (colon <= 0) throw new ImportConfigError(`${name} must be "Header-Name: value"`);
    headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  return headers;
}

function parseSource(env: Env): SourceConfig {
  const kind = (nonEmpty(env, 'IMPORTER_SOURCE') ?? 'http') as ImportSourceKind;
  if (!IMPORT_SOURCE_KINDS.includes(kind)) {
    throw new ImportConfigError(`IMPORTER_SOURCE=${kind} is unknown; expected one of ${IMPORT_SOURCE_KINDS.join(', ')}`);
  }
  if (kind === 'none') return { kind: 'none' };
  if (kind === 'imageio' || kind === 'vddk') {
    throw new ImportConfigError(`IMPORTER_SOURCE=${kind} is not supported by this Ferry release; import from http, s3, gcs or registry instead`);
  }
  const url = nonEmpty(env, 'IMPORTER_ENDPOINT');
  if (url === undefined) throw new ImportConfigError(`IMPORTER_ENDPOINT is required for a ${kind} import`);
  if (kind !== 'http') return parseObjectSource(kind, url, env);
  const source: HttpSourceConfig = { kind: 'http', url, extraHeaders: parseExtraHeaders(env), insecureTls: parseBool(env, 'INSECURE_TLS') };
  const username = nonEmpty(env, 'IMPORTER_ACCESS_KEY_ID');
  const password = env['IMPORTER_SECRET_KEY'];
  if (username !== undefined) source.basicAuth = { username, password: password ?? '' };
  const certDir = nonEmpty(env, 'IMPORTER_CERT_DIR');
  if (certDir !== undefined) source.certDir = certDir;
  const proxy = {
    http: nonEmpty(env, 'http_proxy') ?? nonEmpty(env, 'HTTP_PROXY'),
    https: nonEmpty(env, 'https_proxy') ?? nonEmpty(env, 'HTTPS_PROXY'),
    noProxy: nonEmpty(env, 'no_proxy') ?? nonEmpty(env, 'NO_PROXY'),
  };
  if (proxy.http !== undefined || proxy.https !== undefined) {
    source.proxy = Object.fromEntries(Object.entries(proxy).filter(([, v]) => v !== undefined));
  }
  const parallel = nonEmpty(env, 'FERRY_HTTP_PARALLEL');
  if (parallel !== undefined) {
    const value = Number(parallel);
    if (!Number.isInteger(value) || value < 1 || value > 16) throw new ImportConfigError(`FERRY_HTTP_PARALLEL=${parallel} must be an integer from 1 to 16`);
    source.parallel = value;
  }
  return source;
}

function parseObjectSource(kind: 's3' | 'gcs' | 'registry', url: string, env: Env): SourceConfig {
  const accessKeyId = nonEmpty(env, 'IMPORTER_ACCESS_KEY_ID');
  const secretKey = env['IMPORTER_SECRET_KEY'];
  const certDir = nonEmpty(env, 'IMPORTER_CERT_DIR');
  if (kind === 'gcs') {
    const keyFile = nonEmpty(env, 'GOOGLE_APPLICATION_CREDENTIALS');
    return { kind, url, ...(keyFile !== undefined ? { keyFile } : {}) };
  }
  if (kind === 's3') {
    return {
      kind,
      url,
      insecureTls: parseBool(env, 'INSECURE_TLS'),
      ...(accessKeyId !== undefined ? { accessKeyId, secretKey: secretKey ?? '' } : {}),
      ...(certDir !== undefined ? { certDir } : {}),
    };
  }
  const architecture = nonEmpty(env, 'IMPORTER_REGISTRY_IMAGE_ARCHITECTURE');
  return {
    kind,
    url,
    insecure: parseBool(env, 'INSECURE_TLS'),
    ...(accessKeyId !== undefined ? { username: accessKeyId, password: secretKey ?? '' } : {}),
    ...(certDir !== undefined ? { certDir } : {}),
    ...(architecture !== undefined ? { architecture } : {}),
  };
}

/** Parses the importer's environment; a malformed value throws ImportConfigError naming it. */
export function parseImportConfig(env: Env): ImportConfig {
  const contentType = (nonEmpty(env, 'IMPORTER_CONTENTTYPE') ?? 'kubevirt').toLowerCase();
  if (contentType !== 'kubevirt' && contentType !== 'archive') {
    throw new ImportConfigError(`IMPORTER_CONTENTTYPE=${contentType} is unknown; expected kubevirt or archive`);
  }
  const config: ImportConfig = {
    source: parseSource(env),
    contentType,
    preallocation: parseBool(env, 'PREALLOCATION'),
    directIo: nonEmpty(env, 'CACHE_MODE') === 'TRYNONE',
    filesystemOverhead: 0,
    pathMap: {},
  };
  const size = nonEmpty(env, 'IMPORTER_IMAGE_SIZE');
  if (size !== undefined) {
    const bytes = parseQuantity(size);
    if (bytes === undefined) throw new ImportConfigError(`IMPORTER_IMAGE_SIZE=${size} is not a quantity (e.g. 10Gi or 1073741824)`);
    config.imageSize = bytes;
  }
  const checksum = nonEmpty(env, 'IMPORTER_CHECKSUM');
  if (checksum !== undefined) {
    try {
      parseChecksum(checksum);
    } catch (err) {
      throw new ImportConfigError(`IMPORTER_CHECKSUM: ${(err as Error).message}`, { cause: err });
    }
    config.checksum = checksum;
  }
  const overhead = nonEmpty(env, 'FILESYSTEM_OVERHEAD');
  if (overhead !== undefined) {
    const value = Number(overhead);
    if (!(value >= 0 && value < 1)) throw new ImportConfigError(`FILESYSTEM_OVERHEAD=${overhead} must be a fraction in [0, 1)`);
    config.filesystemOverhead = value;
  }
  const mode = nonEmpty(env, 'FERRY_VOLUME_MODE');
  if (mode !== undefined) {
    if (mode !== 'Filesystem' && mode !== 'Block') throw new ImportConfigError(`FERRY_VOLUME_MODE=${mode} must be Filesystem or Block`);
    config.volumeMode = mode;
  }
  try {
    config.pathMap = parsePathMap(env['FERRY_PATH_MAP']);
  } catch (err) {
    throw new ImportConfigError((err as Error).message, { cause: err });
  }
  const progressFile = nonEmpty(env, 'FERRY_PROGRESS_FILE');
  if (progressFile !== undefined) config.progressFile = progressFile;
  const ownerUid = nonEmpty(env, 'OWNER_UID');
  if (ownerUid !== undefined) config.ownerUid = ownerUid;
  return config;
}

/** Usable bytes of a Filesystem volume: the requested size (capped by free space) less overhead, 512-aligned. */
export function filesystemUsableSize(requested: number, available: number, overhead: number): number {
  return Math.floor((Math.min(requested, available) * (1 - overhead)) / 512) * 512;
}
