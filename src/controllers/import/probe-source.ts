// probeImportVirtualSize: the virtual size of a DataVolume's import source, with the same
// credentials, CA and headers its importer pod would use (read from the Secret and ConfigMap it
// names, in its namespace). http sources, and public GCS objects (through the same XML API URL
// the importer reads), are probed; the others answer `unknown`.
import type { DataVolume } from '../../api/index.ts';
import { parseGcsUrl } from '../../dataplane/sources/gcs-url.ts';
import { orUndefined } from '../../kube/errors.ts';
import type { ControllerContext } from '../context.ts';
import { ImporterPodNames } from './importer-pod.ts';
import { probeHttpVirtualSize, type HttpProbeOptions } from './size-probe.ts';
import { importSourceOf } from './source.ts';

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
