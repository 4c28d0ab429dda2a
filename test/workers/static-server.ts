/**
 * A plain static file server on 127.0.0.1 port 0 with HEAD, Range (single range) and ETag: the
 * kind of server images are usually downloaded from. Used by the worker tests and bench/.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

export interface StaticServer {
  url(name: string): string;
  close(): Promise<void>;
}

export async function serveDirectory(root: string): Promise<StaticServer> {
  const server = createServer((req, res) => {
    void (async () => {
      const name = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname).replace(/^\/+/, '');
      const file = path.join(root, name);
      if (name.includes('..')) return res.writeHead(400).end();
      const s = await stat(file).catch(() => undefined);
      if (s === undefined || !s.isFile()) return res.writeHead(404).end('not found');
      const etag = `"${s.size.toString(16)}-${Math.floor(s.mtimeMs).toString(16)}"`;
      const headers: Record<string, string | number> = { 'accept-ranges': 'bytes', etag, 'content-type': 'application/octet-stream' };
      const m = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
      let start = 0;
      let end = s.size - 1;
      let status = 200;
      if (m !== null) {
        start = Number(m[1]);
        end = m[2] === '' ? s.size - 1 : Math.min(Number(m[2]), s.size - 1);
        if (start > end) return res.writeHead(416, { 'content-range': `bytes */${s.size}` }).end();
        status = 206;
        headers['content-range'] = `bytes ${start}-${end}/${s.size}`;
      }
      headers['content-length'] = end - start + 1;
      res.writeHead(status, headers);
      if (req.method === 'HEAD' || s.size === 0) return res.end();
      createReadStream(file, { start, end, highWaterMark: 1 << 20 }).pipe(res);
    })().catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (name) => `http://127.0.0.1:${port}/${name}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
