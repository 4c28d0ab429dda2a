// What an import DataVolume asks to fetch, read once from spec.source into one shape for every
// source kind (http, s3, gcs, registry), so that the pod rendering and the size probe never look
// at the DataVolume's source union again. Pure.
import { ImporterSource, type DataVolume } from '../../api/index.ts';

export type ImportSourceKind = typeof ImporterSource.Http | typeof ImporterSource.S3 | typeof ImporterSource.Gcs | typeof ImporterSource.Registry;

export interface ImportSourceSpec {
  kind: ImportSourceKind;
  /** The URL as the user wrote it (IMPORTER_ENDPOINT). */
  endpoint: string;
  /** A Secret in the DataVolume's namespace: accessKeyId/secretKey (GCS: the credentials file). */
  secretRef?: string;
  /** A ConfigMap in the DataVolume's namespace with extra CA certificates, mounted at /certs. */
  certConfigMap?: string;
  /** http only: "Name: value" lines, passed as IMPORTER_EXTRA_HEADER_<n>. */
  extraHeaders: string[];
  /** http only: Secrets whose values are header lines, mounted under /extraheaders/<n>. */
  secretExtraHeaders: string[];
  /** `algo:hex` (Ferry's; http carries it in the API). */
  checksum?: string;
  /** registry only: `pod` or `node` (IMPORTER_PULL_METHOD). */
  pullMethod?: string;
}

const nonEmpty = (value: string | undefined): string | undefined => (value === undefined || value === '' ? undefined : value);

function withOptional<T extends object>(base: T, extra: Record<string, string | undefined>): T {
  for (const [key, value] of Object.entries(extra)) {
    if (value !== undefined) (base as Record<string, unknown>)[key] = value;
  }
  return base;
}

/** The import a DataVolume asks for, or undefined when its source is not one of these kinds. */
export function importSourceOf(dv: DataVolume): ImportSourceSpec | undefined {
  const source = dv.spec.source ?? {};
  if (source.http) {
    const http = source.http;
    return withOptional(
      { kind: ImporterSource.Http, endpoint: http.url, extraHeaders: [...(http.extraHeaders ?? [])], secretExtraHeaders: [...(http.secretExtraHeaders ?? [])] },
      { secretRef: nonEmpty(http.secretRef), certConfigMap: nonEmpty(http.certConfigMap), checksum: nonEmpty(http.checksum) },
    );
  }
  if (source.s3) {
    return withOptional(
      { kind: ImporterSource.S3, endpoint: source.s3.url, extraHeaders: [], secretExtraHeaders: [] },
      { secretRef: nonEmpty(source.s3.secretRef), certConfigMap: nonEmpty(source.s3.certConfigMap) },
    );
  }
  if (source.gcs) {
    return withOptional(
      { kind: ImporterSource.Gcs, endpoint: source.gcs.url, extraHeaders: [], secretExtraHeaders: [] },
      { secretRef: nonEmpty(source.gcs.secretRef) },
    );
  }
  if (source.registry) {
    const registry = source.registry;
    return withOptional(
      { kind: ImporterSource.Registry, endpoint: registry.url ?? registry.imageStream ?? '', extraHeaders: [], secretExtraHeaders: [] },
      { secretRef: nonEmpty(registry.secretRef), certConfigMap: nonEmpty(registry.certConfigMap), pullMethod: nonEmpty(registry.pullMethod) },
    );
  }
  return undefined;
}

/**
 * CDI's IsInsecureTLS: a registry import whose host (with port) is in CDIConfig's
 * insecureRegistries list talks to it without verifying TLS. Never for other kinds.
 */
export function isInsecureRegistry(source: ImportSourceSpec, insecureRegistries: readonly string[]): boolean {
  if (source.kind !== ImporterSource.Registry || insecureRegistries.length === 0) return false;
  const withoutScheme = source.endpoint.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  const host = withoutScheme.split('/')[0] ?? '';
  return insecureRegistries.some((entry) => entry.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').replace(/\/+$/, '') === host);
}
