// The fault server is a fixture other tests trust, so its behaviours are checked here with a
// plain client (node's fetch and net), independent of Ferry's HTTP source.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, test } from 'node:test';
import { startFaultServer, type FaultServer } from '../fixtures/fault-server.ts';
import { createTestCA } from '../fixtures/test-ca.ts';

const body = randomBytes(200_000);

async function using(server: FaultServer, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } finally {
    await server.close();
  }
}

describe('fault server', () => {
  test('serves HEAD and GET with ETag, ranges and If-Range', async () => {
    const s = await startFaultServer({ body });
    await using(s, async () => {
      const head = await fetch(s.url, { method: 'HEAD' });
      assert.equal(head.status, 200);
      assert.equal(head.headers.get('content-length'), String(body.length));
      assert.equal(head.headers.get('accept-ranges'), 'bytes');
      const etag = head.headers.get('etag') ?? '';
      assert.notEqual(etag, '');

      const full = Buffer.from(await (await fetch(s.url)).arrayBuffer());
      assert.ok(full.equals(body));

      const part = await fetch(s.url, { headers: { range: 'bytes=100-199', 'if-range': etag } });
      assert.equal(part.status, 206);
      assert.equal(part.headers.get('content-range'), `bytes 100-199/${body.length}`);
      assert.ok(Buffer.from(await part.arrayBuffer()).equals(body.subarray(100, 200)));

      const stale = await fetch(s.url, { headers: { range: 'bytes=100-199', 'if-range': '"other"' } });
      assert.equal(stale.status, 200, 'If-Range mismatch answers the whole object');
      await stale.arrayBuffer();

      const beyond = await fetch(s.url, { headers: { range: `bytes=${body.length}-` } });
      assert.equal(beyond.status, 416);
      assert.deepEqual(s.requests.map((r) => r.method), ['HEAD', 'GET', 'GET', 'GET', 'GET']);
      assert.equal(s.requests[2]?.range, 'bytes=100-199');
    });
  });

  test('serves a file path and a stream factory (chunked, no ranges)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ferry-fault-'));
    try {
      const file = join(dir, 'img');
      await writeFile(file, body);
      const fromFile = await startFaultServer({ body: file });
      await using(fromFile, async () => {
        const r = await fetch(fromFile.url, { headers: { range: 'bytes=10-' } });
        assert.equal(r.status, 206);
        assert.ok(Buffer.from(await r.arrayBuffer()).equals(body.subarray(10)));
      });
      const fromStream = await startFaultServer({ body: () => Readable.from([body.subarray(0, 1000), body.subarray(1000)]) });
      await using(fromStream, async () => {
        const r = await fetch(fromStream.url, { headers: { range: 'bytes=10-' } });
        assert.equal(r.status, 200);
        assert.equal(r.headers.get('accept-ranges'), null);
        assert.ok(Buffer.from(await r.arrayBuffer()).equals(body));
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('noHead, noRange, status, contentType', async () => {
    const s = await startFaultServer({ body, faults: { noHead: true, noRange: true, contentType: 'text/html' } });
    await using(s, async () => {
      assert.equal((await fetch(s.url, { method: 'HEAD' })).status, 405);
      const r = await fetch(s.url, { headers: { range: 'bytes=5-9' } });
      assert.equal(r.status, 200);
      assert.equal(r.headers.get('content-type'), 'text/html');
      assert.equal((await r.arrayBuffer()).byteLength, body.length);
    });
    const nf = await startFaultServer({ body, faults: { status: 404 } });
    await using(nf, async () => {
      assert.equal((await fetch(nf.url)).status, 404);
    });
  });

  test('the first N requests get 503, then 429 with Retry-After, then the body', async () => {
    const s = await startFaultServer({ body, faults: { fail503: 2, tooManyRequests: 1, retryAfterSeconds: 3 } });
    await using(s, async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) {
        const r = await fetch(s.url);
        statuses.push(r.status);
        if (r.status === 429) assert.equal(r.headers.get('retry-after'), '3');
        await r.arrayBuffer();
      }
      assert.deepEqual(statuses, [503, 503, 429, 200]);
    });
  });

  test('dropAfterBytes cuts the connection after exactly K body bytes, once', async () => {
    const s = await startFaultServer({ body, faults: { dropAfterBytes: 12_345 } });
    await using(s, async () => {
      const r = await fetch(s.url);
      let got = 0;
      await assert.rejects(async () => {
        for await (const c of r.body as unknown as AsyncIterable<Uint8Array>) got += c.length;
      });
      assert.equal(got, 12_345);
      assert.equal(s.bytesSent(), 12_345);
      assert.ok(Buffer.from(await (await fetch(s.url)).arrayBuffer()).equals(body), 'the second GET is whole');
    });
  });

  test('changeEtagAfter changes the validator', async () => {
    const s = await startFaultServer({ body, faults: { changeEtagAfter: 1 } });
    await using(s, async () => {
      const a = (await fetch(s.url, { method: 'HEAD' })).headers.get('etag');
      const b = (await fetch(s.url, { method: 'HEAD' })).headers.get('etag');
      assert.notEqual(a, b);
    });
  });

  test('basic auth, required headers, redirects', async () => {
    const s = await startFaultServer({ body, basicAuth: { username: 'u', password: 'p' }, requireHeaders: { 'x-a': '1' }, redirects: 2 });
    await using(s, async () => {
      assert.equal((await fetch(s.url, { redirect: 'manual' })).status, 302);
      const auth = 'Basic ' + Buffer.from('u:p').toString('base64');
      assert.equal((await fetch(s.url)).status, 401);
      assert.equal((await fetch(s.url, { headers: { authorization: auth } })).status, 400);
      const ok = await fetch(s.url, { headers: { authorization: auth, 'x-a': '1' } });
      assert.equal(ok.status, 200);
      assert.ok(Buffer.from(await ok.arrayBuffer()).equals(body));
    });
  });

  test('throttles to bytesPerSecond without corrupting the body', async () => {
    const small = body.subarray(0, 20_000);
    const s = await startFaultServer({ body: small, faults: { bytesPerSecond: 100_000 } });
    await using(s, async () => {
      assert.ok(Buffer.from(await (await fetch(s.url)).arrayBuffer()).equals(small));
    });
  });

  test('HTTPS with a certificate from the test CA', async () => {
    const ca = await createTestCA();
    assert.equal(await createTestCA(), ca, 'cached per process');
    const s = await startFaultServer({ body, tls: await ca.issue() });
    await using(s, async () => {
      const got = await new Promise<Buffer>((resolve, reject) => {
        httpsRequest(s.url, { ca: ca.caPem }, (res) => {
          const parts: Buffer[] = [];
          res.on('data', (c: Buffer) => parts.push(c));
          res.on('end', () => resolve(Buffer.concat(parts)));
          res.on('error', reject);
        })
          .on('error', reject)
          .end();
      });
      assert.ok(got.equals(body));
    });
  });
});
