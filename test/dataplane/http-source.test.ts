import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { before, describe, test } from 'node:test';
import { DataPlaneError } from '../../src/dataplane/errors.ts';
import { DEFAULT_RETRY_POLICY } from '../../src/dataplane/retry.ts';
import type { Source } from '../../src/dataplane/source.ts';
import { createHttpSource, type HttpSourceOptions } from '../../src/dataplane/sources/http.ts';
import { startFaultServer, type FaultServer, type StartFaultServerOptions } from '../fixtures/fault-server.ts';
import { createTestCA, type TestCA } from '../fixtures/test-ca.ts';

const SIZE = 1024 * 1024 + 12345;
const body = randomBytes(SIZE);

async function collect(it: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const c of it) parts.push(c);
  return Buffer.concat(parts);
}

const never = new AbortController().signal;

/** Starts a server, builds a source with recorded (not slept) backoff, and closes both after. */
async function withServer(
  serverOpts: Partial<StartFaultServerOptions>,
  sourceOpts: Partial<HttpSourceOptions>,
  fn: (ctx: { server: FaultServer; source: Source; sleeps: number[]; retries: DataPlaneError[] }) => Promise<void>,
): Promise<void> {
  const server = await startFaultServer({ body, ...serverOpts });
  const sleeps: number[] = [];
  const retries: DataPlaneError[] = [];
  const source = createHttpSource({
    url: server.url,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    onRetry: (e) => retries.push(e.error),
    ...sourceOpts,
  });
  try {
    await fn({ server, source, sleeps, retries });
  } finally {
    await source.close();
    await server.close();
  }
}

async function rejectsWithCode(p: Promise<unknown>, code: string): Promise<DataPlaneError> {
  let caught: unknown;
  await p.then(
    () => assert.fail(`expected ${code}, got success`),
    (err: unknown) => (caught = err),
  );
  assert.ok(caught instanceof DataPlaneError, `expected DataPlaneError, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  return caught;
}

describe('http source: basics', () => {
  test('info probes with HEAD and stream delivers the body byte for byte', async () => {
    await withServer({}, {}, async ({ server, source }) => {
      const info = await source.info(never);
      assert.equal(info.size, SIZE);
      assert.equal(info.acceptsRanges, true);
      assert.equal(info.etag, '"ferry-test-v1"');
      assert.equal(info.contentType, 'application/octet-stream');
      assert.equal(server.requests[0]?.method, 'HEAD');
      assert.ok(Buffer.from(await collect(source.stream(0, never))).equals(body));
      assert.equal(source.bytesFetched(), SIZE);
      assert.equal(server.requests[0]?.headers['user-agent'], 'ferry-importer');
    });
  });

  test('stream from an offset and read at random places', async () => {
    await withServer({}, {}, async ({ source }) => {
      assert.ok((await collect(source.stream(1000, never))).equals(body.subarray(1000)));
      assert.ok(Buffer.from(await source.read(4096, 100_000, never)).equals(body.subarray(4096, 104_096)));
      const tail = await source.read(SIZE - 10, 100, never);
      assert.equal(tail.length, 10, 'shorter only at the end');
      assert.ok(Buffer.from(tail).equals(body.subarray(SIZE - 10)));
      assert.equal((await collect(source.stream(SIZE, never))).length, 0);
    });
  });

  test('parallel fetch-ahead delivers in order, with range requests', async () => {
    await withServer({}, { parallel: 4, chunkSize: 64 * 1024 }, async ({ server, source }) => {
      assert.ok((await collect(source.stream(7, never))).equals(body.subarray(7)));
      const ranges = server.requests.filter((r) => r.method === 'GET').map((r) => r.range);
      assert.ok(ranges.length > 4);
      assert.ok(ranges.every((r) => r !== undefined && /^bytes=\d+-\d+$/.test(r)));
      assert.equal(source.bytesFetched(), SIZE - 7);
    });
  });

  test('an invalid URL or scheme is refused without I/O', () => {
    assert.throws(() => createHttpSource({ url: 'not a url' }), (e: unknown) => e instanceof DataPlaneError && e.code === 'EINVALIDSOURCE');
    assert.throws(() => createHttpSource({ url: 'ftp://x/y' }), (e: unknown) => e instanceof DataPlaneError && e.code === 'EINVALIDSOURCE');
  });
});

describe('http source: HTTPS', () => {
  let ca: TestCA;
  let tls: { certPem: string; keyPem: string };
  before(async () => {
    ca = await createTestCA();
    tls = await ca.issue(['localhost', '127.0.0.1']);
  });

  test('trusts the extra CA', async () => {
    await withServer({ tls }, { caPem: ca.caPem }, async ({ server, source }) => {
      assert.ok(server.url.startsWith('https://'));
      assert.ok((await collect(source.stream(0, never))).equals(body));
    });
  });

  test('the default trust store rejects the test CA with an actionable ETLS error', async () => {
    await withServer({ tls }, {}, async ({ server, source, retries }) => {
      const err = await rejectsWithCode(source.info(never), 'ETLS');
      assert.ok(err.message.includes(server.url), err.message);
      assert.match(err.message, /certConfigMap/);
      assert.equal(retries.length, 0);
    });
  });

  test('insecureSkipVerify accepts any certificate', async () => {
    await withServer({ tls }, { insecureSkipVerify: true }, async ({ source }) => {
      assert.equal((await source.info(never)).size, SIZE);
    });
  });
});

describe('http source: credentials and headers', () => {
  test('basic auth is sent and accepted', async () => {
    const basicAuth = { username: 'ferry', password: 's3cret-pw' };
    await withServer({ basicAuth }, { basicAuth }, async ({ source }) => {
      assert.ok((await collect(source.stream(0, never))).equals(body));
      assert.ok(!source.description.includes('s3cret-pw'));
    });
  });

  test('credentials in the URL become basic auth and leave the description', async () => {
    const basicAuth = { username: 'ferry', password: 'urlpass' };
    const server = await startFaultServer({ body, basicAuth });
    const source = createHttpSource({ url: server.url.replace('http://', 'http://ferry:urlpass@') });
    try {
      assert.equal((await source.info(never)).size, SIZE);
      assert.ok(!source.description.includes('urlpass'));
    } finally {
      await source.close();
      await server.close();
    }
  });

  test('401 without credentials is EUNAUTHORIZED and not retried', async () => {
    await withServer({ basicAuth: { username: 'a', password: 'b' } }, {}, async ({ server, source, retries }) => {
      const err = await rejectsWithCode(source.info(never), 'EUNAUTHORIZED');
      assert.equal(err.retryable, false);
      assert.match(err.message, /HTTP 401/);
      assert.match(err.message, /secretRef/);
      assert.equal(retries.length, 0);
      assert.equal(server.requests.length, 1);
    });
  });

  test('403 is EUNAUTHORIZED and not retried, on stream too', async () => {
    await withServer({ faults: { status: 403 } }, {}, async ({ server, source, retries }) => {
      await rejectsWithCode(collect(source.stream(0, never)), 'EUNAUTHORIZED');
      assert.equal(retries.length, 0);
      assert.equal(server.requests.length, 1);
    });
  });

  test('extra and secret headers reach the server; secret values never appear in messages', async () => {
    const secret = 'Bearer top-secret-token-value';
    await withServer(
      { requireHeaders: { 'x-plain': 'p1', 'x-token': secret } },
      { extraHeaders: { 'X-Plain': 'p1', 'User-Agent': 'custom-agent' }, secretHeaders: { 'X-Token': secret } },
      async ({ server, source }) => {
        assert.ok((await collect(source.stream(0, never))).equals(body));
        assert.equal(server.requests[0]?.headers['x-token'], secret);
        assert.equal(server.requests[0]?.headers['user-agent'], 'custom-agent');
        assert.ok(!source.description.includes('top-secret'));
      },
    );
    await withServer({ faults: { status: 404 } }, { secretHeaders: { 'x-token': secret } }, async ({ source }) => {
      const err = await rejectsWithCode(source.info(never), 'ENOTFOUND');
      assert.ok(!err.message.includes('top-secret'));
      assert.ok(!String(err.stack).includes('top-secret'));
    });
  });
});

describe('http source: redirects', () => {
  test('a chain of redirects is followed', async () => {
    await withServer({ redirects: 3 }, {}, async ({ server, source }) => {
      assert.ok((await collect(source.stream(0, never))).equals(body));
      assert.ok(server.requests.some((r) => r.path === '/r/3/file'));
      assert.ok(server.requests.some((r) => r.path === '/file'));
    });
  });

  test('credentials and secret headers are not sent to another host', async () => {
    await withServer(
      { redirects: 2, redirectHost: 'localhost' },
      { basicAuth: { username: 'u', password: 'p' }, secretHeaders: { 'x-token': 'tok' }, extraHeaders: { 'x-plain': 'v' } },
      async ({ server, source }) => {
        assert.ok((await collect(source.stream(0, never))).equals(body));
        const first = server.requests[0];
        const final = server.requests.find((r) => r.path === '/file');
        assert.ok(first?.headers.authorization !== undefined);
        assert.equal(first?.headers['x-token'], 'tok');
        assert.equal(final?.headers.host?.startsWith('localhost'), true);
        assert.equal(final?.headers.authorization, undefined);
        assert.equal(final?.headers['x-token'], undefined);
        assert.equal(final?.headers['x-plain'], 'v');
      },
    );
  });

  test('more than 10 redirects is EINVALIDSOURCE', async () => {
    await withServer({ redirects: 11 }, {}, async ({ source }) => {
      await rejectsWithCode(source.info(never), 'EINVALIDSOURCE');
    });
  });
});

describe('http source: faults', () => {
  test('no HEAD: probes with a GET of the first byte', async () => {
    await withServer({ faults: { noHead: true } }, {}, async ({ server, source }) => {
      const info = await source.info(never);
      assert.equal(info.size, SIZE);
      assert.equal(info.acceptsRanges, true);
      assert.deepEqual(server.requests.map((r) => [r.method, r.range]), [['HEAD', undefined], ['GET', 'bytes=0-0']]);
      assert.ok((await collect(source.stream(0, never))).equals(body));
    });
  });

  test('no Range: info says so, stream and read still deliver exact bytes', async () => {
    await withServer({ faults: { noRange: true } }, {}, async ({ source }) => {
      const info = await source.info(never);
      assert.equal(info.acceptsRanges, false);
      assert.ok((await collect(source.stream(0, never))).equals(body));
      assert.ok((await collect(source.stream(5000, never))).equals(body.subarray(5000)));
      assert.ok(Buffer.from(await source.read(100, 50, never)).equals(body.subarray(100, 150)));
    });
  });

  test('flaky 503 is retried with growing backoff, then succeeds', async () => {
    await withServer({ faults: { fail503: 3 } }, {}, async ({ source, sleeps, retries }) => {
      assert.ok((await collect(source.stream(0, never))).equals(body));
      assert.equal(retries.length, 3);
      assert.ok(retries.every((e) => e.code === 'ETRANSIENT' && e.status === 503));
      assert.deepEqual(sleeps, [375, 750, 1500]);
    });
  });

  test('503 forever gives up after maxAttempts with ETRANSIENT', async () => {
    const retry = { ...DEFAULT_RETRY_POLICY, maxAttempts: 4 };
    await withServer({ faults: { fail503: 1000 } }, { retry }, async ({ server, source }) => {
      const err = await rejectsWithCode(source.info(never), 'ETRANSIENT');
      assert.match(err.message, /HTTP 503/);
      assert.equal(server.requests.length, 4);
    });
  });

  test('429 honours Retry-After', async () => {
    await withServer({ faults: { tooManyRequests: 2, retryAfterSeconds: 7 } }, {}, async ({ source, sleeps }) => {
      assert.ok((await collect(source.stream(0, never))).equals(body));
      assert.deepEqual(sleeps, [7000, 7000]);
    });
  });

  test('connection dropped mid-body: resumed by Range with If-Range, exact bytes, little over-fetch', async () => {
    await withServer({ faults: { dropAfterBytes: 300_000, dropTimes: 2 } }, {}, async ({ server, source, retries }) => {
      assert.ok((await collect(source.stream(0, never))).equals(body));
      assert.equal(retries.length, 2);
      assert.ok(retries.every((e) => e.code === 'ETRANSIENT'));
      const gets = server.requests.filter((r) => r.method === 'GET');
      assert.equal(gets.length, 3);
      assert.equal(gets[1]?.range, 'bytes=300000-');
      assert.equal(gets[1]?.headers['if-range'], '"ferry-test-v1"');
      assert.ok(source.bytesFetched() <= 1.05 * SIZE, `fetched ${source.bytesFetched()}`);
    });
  });

  test('connection dropped on a server without Range: restarts from 0 and skips', async () => {
    await withServer({ faults: { dropAfterBytes: 200_000, noRange: true } }, {}, async ({ source }) => {
      assert.ok((await collect(source.stream(0, never))).equals(body));
      assert.ok(source.bytesFetched() >= SIZE + 200_000 - 65536);
    });
  });

  test('dropped during parallel fetch-ahead: still exact', async () => {
    await withServer({ faults: { dropAfterBytes: 10_000, dropTimes: 3 } }, { parallel: 3, chunkSize: 128 * 1024 }, async ({ source }) => {
      assert.ok((await collect(source.stream(0, never))).equals(body));
      assert.ok(source.bytesFetched() <= 1.05 * SIZE);
    });
  });

  test('an object that changes before the resume fails with ESOURCECHANGED', async () => {
    await withServer({ faults: { dropAfterBytes: 100_000, changeEtagAfter: 1 } }, {}, async ({ server, source }) => {
      const err = await rejectsWithCode(collect(source.stream(0, never)), 'ESOURCECHANGED');
      assert.equal(err.retryable, false);
      assert.ok(err.message.includes(server.url));
    });
  });

  test('a stalled body hits the body timeout and is resumed', async () => {
    await withServer({ faults: { stallAfterBytes: 50_000 } }, { timeouts: { bodyMs: 200 } }, async ({ server, source, retries }) => {
      assert.ok((await collect(source.stream(0, never))).equals(body));
      assert.equal(retries.length, 1);
      assert.equal(retries[0]?.code, 'ETRANSIENT');
      assert.match(retries[0]?.message ?? '', /UND_ERR_BODY_TIMEOUT/);
      assert.equal(server.requests.filter((r) => r.method === 'GET')[1]?.range, 'bytes=50000-');
    });
  });

  test('a resume in a new process with the recorded ETag detects a changed object', async () => {
    await withServer({}, { expected: { etag: '"recorded-by-the-previous-pod"' } }, async ({ server, source }) => {
      await rejectsWithCode(collect(source.stream(1000, never)), 'ESOURCECHANGED');
      assert.equal(server.requests[0]?.headers['if-range'], '"recorded-by-the-previous-pod"');
    });
    await withServer({}, { expected: { etag: '"ferry-test-v1"', size: SIZE } }, async ({ source }) => {
      assert.ok((await collect(source.stream(1000, never))).equals(body.subarray(1000)));
    });
  });

  test('changed object seen by read() after info() is ESOURCECHANGED', async () => {
    await withServer({ faults: { changeEtagAfter: 1 } }, {}, async ({ source }) => {
      await source.info(never);
      await rejectsWithCode(source.read(10, 10, never), 'ESOURCECHANGED');
    });
  });

  test('wrong content type (text/html) is reported, bytes pass through unchanged', async () => {
    await withServer({ faults: { contentType: 'text/html' } }, {}, async ({ source }) => {
      assert.equal((await source.info(never)).contentType, 'text/html');
      assert.ok((await collect(source.stream(0, never))).equals(body));
    });
  });

  test('slow server: bytes still arrive intact', async () => {
    const small = body.subarray(0, 64 * 1024);
    await withServer({ body: small, faults: { bytesPerSecond: 256 * 1024 } }, {}, async ({ source }) => {
      assert.ok((await collect(source.stream(0, never))).equals(small));
    });
  });

  test('404 is ENOTFOUND, not retried, with an actionable message', async () => {
    await withServer({ faults: { status: 404 } }, {}, async ({ server, source, retries }) => {
      const err = await rejectsWithCode(collect(source.stream(0, never)), 'ENOTFOUND');
      assert.equal(err.message, `HTTP 404 Not Found from GET ${server.url}: check spec.source.http.url`);
      assert.equal(retries.length, 0);
      assert.equal(server.requests.length, 1);
    });
  });

  test('abort via signal stops a slow download promptly with EABORTED', async () => {
    await withServer({ faults: { bytesPerSecond: 64 * 1024 } }, {}, async ({ server, source }) => {
      const ctl = new AbortController();
      let got = 0;
      const err = await rejectsWithCode(
        (async () => {
          for await (const c of source.stream(0, ctl.signal)) {
            got += c.length;
            ctl.abort();
          }
        })(),
        'EABORTED',
      );
      assert.ok(got > 0 && got < SIZE);
      assert.ok(err.cause !== undefined);
      assert.ok(server.bytesSent() < SIZE / 4);
    });
  });

  test('abort during a backoff sleep is EABORTED', async () => {
    const server = await startFaultServer({ body, faults: { fail503: 1000 } });
    const ctl = new AbortController();
    const source = createHttpSource({
      url: server.url,
      sleep: async (_ms, signal) => {
        ctl.abort();
        if (signal.aborted) throw signal.reason;
      },
    });
    try {
      await rejectsWithCode(source.info(ctl.signal), 'EABORTED');
      assert.equal(server.requests.length, 1);
    } finally {
      await source.close();
      await server.close();
    }
  });
});

/** A minimal CONNECT proxy on 127.0.0.1 that records the targets it tunnels to. */
async function startConnectProxy(): Promise<{ url: string; targets: string[]; close: () => Promise<void> }> {
  const targets: string[] = [];
  const server = http.createServer((_req, res) => res.writeHead(405).end());
  server.on('connect', (req: http.IncomingMessage, client: Duplex, head: Buffer) => {
    targets.push(req.url ?? '');
    const [host = '', port = '0'] = (req.url ?? '').split(':');
    const upstream = connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    targets,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

describe('http source: proxy', () => {
  test('requests go through the configured proxy, unless the host is in noProxy', async () => {
    const proxy = await startConnectProxy();
    try {
      await withServer({}, { proxy: { http: proxy.url, https: proxy.url } }, async ({ server, source }) => {
        assert.ok((await collect(source.stream(0, never))).equals(body));
        assert.ok(proxy.targets.includes(`127.0.0.1:${server.port}`), JSON.stringify(proxy.targets));
      });
      const seen = proxy.targets.length;
      await withServer({}, { proxy: { http: proxy.url, noProxy: '127.0.0.1' } }, async ({ source }) => {
        assert.equal((await source.info(never)).size, SIZE);
        assert.equal(proxy.targets.length, seen);
      });
    } finally {
      await proxy.close();
    }
  });
});
