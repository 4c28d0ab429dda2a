// probeImportVirtualSize: the virtual size of a DataVolume's import source, with the same
// credentials, CA and headers its importer pod would use (read from the Secret and ConfigMap it
// names, in its namespace). http and s3 sources, and public GCS objects (through the same XML API
// URL the importer reads), are probed; the others answer `unknown`.
import type { DataVolume } from '../../api/index.ts';
import { parseGcsUrl } from '../../dataplane/sources/gcs-url.ts';
import { orUndefined } from '../../kube/errors.ts';
import type { ControllerContext } from '../context.ts';
import { ImporterPodNames } from './importer-pod.ts';
import { headBytes, probeHttpVirtualSize, virtualSizeFromHead, type HttpProbeOptions } from './size-probe.ts';
import { importSourceOf, type ImportSourceSpec } from './source.ts';

/**
 * An S3 object's size and first bytes, through the importer's own S3 source (the AWS SDK, loaded
 * only when an s3 DataVolume omits its size) with the keys of spec.source.s3.secretRef.
 */
async function probeS3(ctx: ControllerContext, source: ImportSourceSpec, ns: string, signal: AbortSignal): Promise<{ size: number } | { unknown: string }> {
  const keys: { accessKeyId?: string; secretKey?: string } = {};
  if (source.secretRef) {
    const secret = await orUndefined(ctx.core.readNamespacedSecret({ name: source.secretRef, namespace: ns }));
    if (!secret) return { unknown: `Secret ${ns}/${source.secretRef} (spec.source.s3.secretRef) not found` };
    keys.accessKeyId = decode(secret.data?.[ImporterPodNames.secretKeyAccess]) ?? '';
    keys.secretKey = decode(secret.data?.[ImporterPodNames.secretKeySecret]) ?? '';
  }
  let caPem: string | undefined;
  if (source.certConfigMap) {
    const configMap = await orUndefined(ctx.core.readNamespacedConfigMap({ name: source.certConfigMap, namespace: ns }));
    if (!configMap) return { unknown: `ConfigMap ${ns}/${source.certConfigMap} (spec.source.s3.certConfigMap) not found` };
    caPem = Object.values(configMap.data ?? {}).join('\n');
  }
  const { createS3Source } = await import('../../dataplane/sources/s3.ts');
  let s3;
  try {
    s3 = createS3Source({ url: source.endpoint, ...keys, ...(caPem === undefined ? {} : { caPem }) });
  } catch (err) {
    return { unknown: (err as Error).message };
  }
  try {
    const info = await s3.info(signal);
    const head = Buffer.from(await s3.read(0, Math.min(headBytes, info.size ?? headBytes), signal));
    const probe = virtualSizeFromHead(head, info.size);
    return 'size' in probe ? { size: probe.size } : probe;
  } catch (err) {
    return { unknown: `${s3.description}: ${(err as Error).message}` };
  } finally {
    await s3.close().catch(() => undefined);
  }
}

const decode = (value: string | undefined): string | undefined => (value === undefined ? undefined : Buffer.from(value, 'base64').toString('utf8'));

function headerLines(lines: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  return headers;
}

export async function probeImportVirtualSize(ctx: ControllerContext, dv: DataVolume, signal: AbortSignal): Promise<{ size: number } | { unknown: string }> {
  const source = importSourceOf(dv);
  if (source?.kind === 'gcs' && source.secretRef === undefined) {
    let objectUrl: string;
    try {
      objectUrl = parseGcsUrl(source.endpoint).objectUrl;
    } catch (err) {
      return { unknown: (err as Error).message };
    }
    const probe = await probeHttpVirtualSize({ url: objectUrl, headers: {}, signal });
    return 'size' in probe ? { size: probe.size } : probe;
  }
  if (source?.kind === 's3') return probeS3(ctx, source, dv.metadata.namespace ?? '', signal);
  if (source?.kind !== 'http') return { unknown: `the size of a ${source?.kind ?? 'non-import'} source${source?.kind === 'gcs' ? ' with credentials' : ''} is not probed` };
  const namespace = dv.metadata.namespace ?? '';
  const options: HttpProbeOptions = { url: source.endpoint, headers: headerLines(source.extraHeaders), signal };
  if (source.secretRef) {
    const secret = await orUndefined(ctx.core.readNamespacedSecret({ name: source.secretRef, namespace }));
    if (!secret) return { unknown: `Secret ${namespace}/${source.secretRef} (spec.source.http.secretRef) not found` };
    options.basicAuth = {
      username: decode(secret.data?.[ImporterPodNames.secretKeyAccess]) ?? '',
      password: decode(secret.data?.[ImporterPodNames.secretKeySecret]) ?? '',
    };
  }
  for (const name of source.secretExtraHeaders) {
    const secret = await orUndefined(ctx.core.readNamespacedSecret({ name, namespace }));
    Object.assign(options.headers ?? {}, headerLines(Object.values(secret?.data ?? {}).map((v) => decode(v) ?? '')));
  }
  if (source.certConfigMap) {
    const configMap = await orUndefined(ctx.core.readNamespacedConfigMap({ name: source.certConfigMap, namespace }));
    if (!configMap) return { unknown: `ConfigMap ${namespace}/${source.certConfigMap} (spec.source.http.certConfigMap) not found` };
    options.caPem = Object.values(configMap.data ?? {}).join('\n');
  }
  const probe = await probeHttpVirtualSize(options);
  return 'size' in probe ? { size: probe.size } : probe;
}
