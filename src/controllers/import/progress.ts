// The import's progress, read as CDI reads it: GET https://<pod IP>:8443/metrics from the
// running importer pod and take the sample of kubevirt_cdi_import_progress_total whose ownerUID
// label is the claim's owner (the DataVolume). The worker serves it with a certificate it made
// itself at start, so, as CDI does, the certificate is not verified: the number is advisory and
// the address comes from the pod's status.
import { Agent, request } from 'undici';
import { ImporterPodNames } from './importer-pod.ts';

export const ImportProgressMetric = 'kubevirt_cdi_import_progress_total' as const;

const sampleLine = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{([^}]*)\})?\s+(\S+)/;
const labelPair = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/**
 * The percentage (0-100) in a Prometheus text exposition for `ownerUID`, or undefined when
 * there is no such sample (yet). Pure.
 */
export function parseProgressMetric(text: string, ownerUID: string, metric: string = ImportProgressMetric): number | undefined {
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = sampleLine.exec(line);
    if (!m || m[1] !== metric) continue;
    const labels = new Map<string, string>();
    for (const pair of (m[2] ?? '').matchAll(labelPair)) labels.set(pair[1] ?? '', (pair[2] ?? '').replace(/\\(.)/g, '$1'));
    if (labels.get('ownerUID') !== ownerUID) continue;
    const value = Number(m[3]);
    if (!Number.isFinite(value)) return undefined;
    return Math.min(100, Math.max(0, value));
  }
  return undefined;
}

/** CDI's GetMetricsURL: the pod's IP and its metrics port. */
export function metricsUrlOf(podIP: string | undefined): string | undefined {
  if (!podIP) return undefined;
  const host = podIP.includes(':') ? `[${podIP}]` : podIP;
  return `https://${host}:${ImporterPodNames.metricsPort}/metrics`;
}

let insecureAgent: Agent | undefined;

/**
 * Reads the progress of a running importer; undefined when the endpoint is not up yet, answers
 * something else, or takes longer than `timeoutMs` (progress is advisory: never an error).
 */
export async function readImportProgress(podIP: string | undefined, ownerUID: string, signal: AbortSignal, timeoutMs = 2000): Promise<number | undefined> {
  const url = metricsUrlOf(podIP);
  if (!url) return undefined;
  insecureAgent ??= new Agent({ connect: { rejectUnauthorized: false }, keepAliveTimeout: 1000 });
  try {
    const response = await request(url, {
      dispatcher: insecureAgent,
      signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    const text = await response.body.text();
    if (response.statusCode !== 200) return undefined;
    return parseProgressMetric(text, ownerUID);
  } catch {
    return undefined;
  }
}
