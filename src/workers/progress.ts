/**
 * A worker's progress, served as CDI's importer serves it: the Prometheus text sample
 * `kubevirt_cdi_import_progress_total{ownerUID="<owner uid>"} <percent>` on
 * https://<pod ip>:8443/metrics, with a certificate made at start (self-signed, ECDSA P-256; the
 * controller does not verify it, as CDI's does not). No sample is served before the first
 * figure, so the controller shows "N/A" until then. Progress is advisory: a server that cannot
 * start is reported to the caller, who goes on without it.
 */
import { readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';

export const IMPORT_PROGRESS_METRIC = 'kubevirt_cdi_import_progress_total';
/** CDI's importer metrics port. */
export const PROGRESS_PORT = 8443;

export interface ProgressServerOptions {
  /** The pod's own address (FERRY_POD_IP in embedded mode, where pods share the host's ports). */
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  /** The label value the controller selects on: the claim's owner (the DataVolume). */
  ownerUID: string;
  metric?: string;
}

export interface ProgressServer {
  readonly port: number;
  readonly url: string;
  /** Overall completion 0..1; null leaves the last figure. */
  set(fraction: number | null): void;
  close(): Promise<void>;
}

const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

function pem(der: ArrayBuffer, label: string): string {
  const b64 = Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n');
  return `-----BEGIN ${label}-----\n${b64}${b64.endsWith('\n') ? '' : '\n'}-----END ${label}-----\n`;
}

async function selfSignedCertificate(host: string): Promise<{ cert: string; key: string }> {
  x509.cryptoProvider.set(globalThis.crypto);
  const keys = await globalThis.crypto.subtle.generateKey(algorithm, true, ['sign', 'verify']);
  const now = Date.now();
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    name: 'CN=ferry-importer',
    keys,
    signingAlgorithm: algorithm,
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + 365 * 24 * 3600_000),
    extensions: [new x509.SubjectAlternativeNameExtension([{ type: /^[\d.:]+$/.test(host) ? 'ip' : 'dns', value: host }])],
  });
  const key = await globalThis.crypto.subtle.exportKey('pkcs8', keys.privateKey);
  return { cert: certificate.toString('pem'), key: pem(key, 'PRIVATE KEY') };
}

/** The exposition text for one figure (percent with 2 decimals), or only the headers before any. Pure. */
export function renderProgressMetric(metric: string, ownerUID: string, percent: number | undefined): string {
  const head = `# HELP ${metric} The import progress in percentage\n# TYPE ${metric} counter\n`;
  if (percent === undefined) return head;
  const label = ownerUID.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
  return `${head}${metric}{ownerUID="${label}"} ${percent.toFixed(2)}\n`;
}

export async function startProgressServer(options: ProgressServerOptions): Promise<ProgressServer> {
  const metric = options.metric ?? IMPORT_PROGRESS_METRIC;
  const { cert, key } = await selfSignedCertificate(options.host);
  let percent: number | undefined;
  const server: Server = createServer({ cert, key }, (req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(renderProgressMetric(metric, options.ownerUID, percent));
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // Never keep a finished worker alive for the sake of its metrics.
  server.unref();
  const port = (server.address() as AddressInfo).port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    port,
    url: `https://${host}:${port}/metrics`,
    set(fraction) {
      if (fraction === null || !Number.isFinite(fraction)) return;
      // Floor, so that 99.999% never shows as 100.00% before the import has finished.
      percent = Math.floor(Math.min(1, Math.max(0, fraction)) * 10000) / 100;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface ImportProgressReporter {
  /** The environment to run the importer with: FERRY_PROGRESS_FILE set to where it is read from. */
  readonly env: Record<string, string | undefined>;
  close(): Promise<void>;
}

/**
 * Serves an importer's progress while it runs: the importer writes its progress records (JSON
 * with `fraction`) to FERRY_PROGRESS_FILE (a temp file when unset), and this reads the latest
 * every `pollMs` and serves it on https://<FERRY_POD_IP or 0.0.0.0>:8443/metrics labelled with
 * OWNER_UID. The server starts in the background so that the import does not wait for it; a
 * failure to start is logged through `onError` and the import goes on. Without OWNER_UID (a
 * worker run by hand or by a test, not by the controller) no one reads the figure: no server.
 */
export function startImportProgress(
  env: Record<string, string | undefined>,
  options: { port?: number; pollMs?: number; onError?: (err: Error) => void } = {},
): ImportProgressReporter {
  const ownerUID = env['OWNER_UID'];
  if (!ownerUID) return { env, close: async () => undefined };
  const file = env['FERRY_PROGRESS_FILE'] || join(tmpdir(), `ferry-progress-${process.pid}.json`);
  const started = startProgressServer({
    host: env['FERRY_POD_IP'] || '0.0.0.0',
    port: options.port ?? PROGRESS_PORT,
    ownerUID,
  }).catch((err: unknown) => {
    options.onError?.(err as Error);
    return undefined;
  });
  const poll = async (): Promise<void> => {
    const server = await started;
    const text = await readFile(file, 'utf8').catch(() => undefined);
    if (!server || text === undefined) return;
    try {
      const record = JSON.parse(text) as { fraction?: unknown };
      if (typeof record.fraction === 'number') server.set(record.fraction);
    } catch {
      // A record being replaced: the next poll reads the whole one.
    }
  };
  const timer = setInterval(() => void poll(), options.pollMs ?? 250);
  timer.unref();
  return {
    env: { ...env, FERRY_PROGRESS_FILE: file },
    async close() {
      clearInterval(timer);
      await (await started)?.close();
      if (!env['FERRY_PROGRESS_FILE']) await rm(file, { force: true });
    },
  };
}
