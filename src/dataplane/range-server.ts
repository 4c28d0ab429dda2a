/**
 * Serves a ranged Source to qemu-img over HTTP on 127.0.0.1, so qemu-img's curl driver can read
 * an image at random (qcow2 and friends) straight from where it lies, with no scratch copy. Every
 * request becomes source.read(): the source's retries, resume and ETag checks still apply, and
 * its credentials never reach qemu-img's command line.
 *
 * Contract: only GET/HEAD of `/disk`; `Range: bytes=a-b` answers 206; anything else 4xx. The
 * first source failure is remembered (firstError) so the processor can report the real cause
 * instead of qemu-img's "Could not read image" message.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Source } from './source.ts';

export interface RangeServer {
  /** http://127.0.0.1:port/disk */
  readonly url: string;
  /** The first error the source raised while serving, if any. */
  firstError(): unknown;
  close(): Promise<void>;
}

const RANGE = /^bytes=(\d+)-(\d*)$/;

export async function serveSourceOverHttp(source: Source, size: number, signal: AbortSignal): Promise<RangeServer> {
  let firstError: unknown;
  const inflight = new AbortController();
  const onAbort = (): void => inflight.abort(signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.url !== '/disk' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404).end();
      return;
    }
    const range = req.headers.range;
    if (range === undefined) {
      // qemu-img probes with HEAD; a whole-body GET is never needed, so it is not offered.
      res.writeHead(200, { 'content-length': size, 'accept-ranges': 'bytes' });
      res.end();
      return;
    }
    const m = RANGE.exec(range);
    const start = m === null ? NaN : Number(m[1]);
    const end = m === null || m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
    if (!Number.isSafeInteger(start) || start > end || start >= size) {
      res.writeHead(416, { 'content-range': `bytes */${size}` }).end();
      return;
    }
    const headers = {
      'content-length': end - start + 1,
      'content-range': `bytes ${start}-${end}/${size}`,
      'accept-ranges': 'bytes',
    };
    if (req.method === 'HEAD') {
      res.writeHead(206, headers).end();
      return;
    }
    const body = await source.read(start, end - start + 1, inflight.signal);
    res.writeHead(206, headers);
    res.end(body);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      firstError ??= err;
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/disk`,
    firstError: () => firstError,
    async close(): Promise<void> {
      signal.removeEventListener('abort', onAbort);
      inflight.abort(new Error('range server closed'));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
