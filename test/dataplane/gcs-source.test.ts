import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { jwtVerify } from 'jose';
import { DataPlaneError } from '../../src/dataplane/errors.ts';
import type { Source } from '../../src/dataplane/source.ts';
import { createGcsSource, GCS_READ_SCOPE, parseGcsUrl, type GcsSourceOptions } from '../../src/dataplane/sources/gcs.ts';

const never = new AbortController().signal;
const body = randomBytes(2 * 1024 * 1024 + 99);
const CLIENT_EMAIL = 'importer@ferry-test.iam.gserviceaccount.com';

async function collect(it: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const c of it) parts.push(c);
  return Buffer.concat(parts);
}

async function expectCode(p: Promise<unknown>, code: string): Promise<DataPlaneError> {
  const err = await p.then(
    () => assert.fail(`expected ${code}`),
    (e: unknown) => e,
  );
  assert.ok(err instanceof DataPlaneError, `not a DataPlaneError: ${String(err)}`);
  assert.equal(err.code, code, err.message);
  return err;
}

/**
 * A stand-in for GCS's XML API (GET/HEAD of /<bucket>/<object> with Range and ETag; the bucket
 * `private` wants a Bearer token) and for Google's OAuth2 token endpoint (POST /token with a
 * JWT-bearer grant, verified against the service account's public key).
 */
interface GcsStandIn {
  url: string;
  tokenUri: string;
  /** Claims of each accepted assertion; rejected ones are counted too. */
  grants: { accepted: boolean; claims?: Record<string, unknown> }[];
  /** The next successful GET is cut after this many bytes, and every token issued so far is revoked. */
  dropAndRevokeAfter?: number;
  authorizations: (string | undefined)[];
  close(): Promise<void>;
}

async function startGcsStandIn(objects: Record<string, Buffer>, publicKey: KeyObject): Promise<GcsStandIn> {
  const valid = new Set<string>();
  let issued = 0;
  const state: Omit<GcsStandIn, 'url' | 'tokenUri' | 'close'> = { grants: [], authorizations: [] };
  let tokenUri = '';
  const server = http.createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (req.method === 'POST' && path === '/token') {
      let text = '';
      req.on('data', (c: Buffer) => (text += c.toString()));
      req.on('end', () => {
        const form = new URLSearchParams(text);
        jwtVerify(form.get('assertion') ?? '', publicKey, { issuer: CLIENT_EMAIL, audience: tokenUri })
          .then(({ payload }) => {
            if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer') throw new Error('grant');
            state.grants.push({ accepted: true, claims: payload as Record<string, unknown> });
            const token = `ya29.token-${++issued}`;
            valid.add(token);
            res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ access_token: token, expires_in: 3599, token_type: 'Bearer' }));
          })
          .catch(() => {
            state.grants.push({ accepted: false });
            res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"invalid_grant","error_description":"Invalid JWT Signature."}');
          });
      });
      return;
    }
    state.authorizations.push(req.headers.authorization);
    const data = objects[path.slice(1)];
    if (path.startsWith('/private/')) {
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (token === undefined || !valid.has(token)) {
        res.writeHead(401, { 'content-type': 'application/xml' }).end('<Error><Code>AuthenticationRequired</Code></Error>');
        return;
      }
    }
    if (data === undefined) {
      res.writeHead(404, { 'content-type': 'application/xml' }).end('<Error><Code>NoSuchKey</Code></Error>');
      return;
    }
    const etag = `"${createHash('md5').update(data).digest('hex')}"`;
    const m = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    const ifRange = req.headers['if-range'];
    const ranged = m !== null && (ifRange === undefined || ifRange === etag);
    const start = ranged ? Number(m[1]) : 0;
    const end = ranged && m[2] !== '' ? Math.min(Number(m[2]), data.length - 1) : data.length - 1;
    const headers = { etag, 'accept-ranges': 'bytes', 'content-type': 'application/octet-stream', 'content-length': String(end - start + 1) };
    if (ranged) res.writeHead(206, { ...headers, 'content-range': `bytes ${start}-${end}/${data.length}` });
    else res.writeHead(200, headers);
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    const slice = data.subarray(start, end + 1);
    if (state.dropAndRevokeAfter !== undefined) {
      const cut = state.dropAndRevokeAfter;
      state.dropAndRevokeAfter = undefined;
      valid.clear();
      res.write(slice.subarray(0, cut), () => res.socket?.destroy());
      return;
    }
    res.end(slice);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  tokenUri = `${url}/token`;
  return Object.assign(state, {
    url,
    tokenUri,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}

function keyFile(privateKeyPem: string, tokenUri: string): string {
  return JSON.stringify({
    type: 'service_account',
    project_id: 'ferry-test',
    private_key_id: 'key-1',
    private_key: privateKeyPem,
    client_email: CLIENT_EMAIL,
    token_uri: tokenUri,
  });
}

describe('gcs source against a local stand-in for storage.googleapis.com', () => {
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privatePem = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  let gcs: GcsStandIn;
  before(async () => {
    gcs = await startGcsStandIn({ 'public/dir/disk.img': body, 'private/vm/disk.img': body }, pair.publicKey);
  });
  after(async () => {
    await gcs.close();
  });

  async function withSource(opts: Partial<GcsSourceOptions> & { url: string }, fn: (s: Source) => Promise<void>): Promise<void> {
    const source = createGcsSource({ endpoint: gcs.url, sleep: async () => undefined, ...opts });
    try {
      await fn(source);
    } finally {
      await source.close();
      gcs.grants.length = 0;
      gcs.authorizations.length = 0;
    }
  }

  test('a public object by gs:// URL: info, stream byte for byte, range read, no credentials sent', async () => {
    await withSource({ url: 'gs://public/dir/disk.img' }, async (source) => {
      const info = await source.info(never);
      assert.equal(info.size, body.length);
      assert.equal(info.acceptsRanges, true);
      assert.match(info.etag ?? '', /^"[0-9a-f]{32}"$/);
      assert.ok((await collect(source.stream(0, never))).equals(body));
      assert.ok(Buffer.from(await source.read(100_000, 5000, never)).equals(body.subarray(100_000, 105_000)));
      assert.deepEqual(new Set(gcs.authorizations), new Set([undefined]));
      assert.equal(gcs.grants.length, 0);
    });
  });

  test('a public object by its https URL', async () => {
    await withSource({ url: `${gcs.url}/public/dir/disk.img`, endpoint: undefined }, async (source) => {
      assert.ok((await collect(source.stream(0, never))).equals(body));
    });
  });

  test('a private object with a service-account key: JWT-bearer grant, then Bearer requests', async () => {
    await withSource({ url: 'gs://private/vm/disk.img', serviceAccountKeyJson: keyFile(privatePem, gcs.tokenUri) }, async (source) => {
      assert.ok((await collect(source.stream(0, never))).equals(body));
      assert.equal(gcs.grants.length, 1);
      const claims = gcs.grants[0]?.claims ?? {};
      assert.equal(claims.iss, CLIENT_EMAIL);
      assert.equal(claims.aud, gcs.tokenUri);
      assert.equal(claims.scope, GCS_READ_SCOPE);
      assert.ok(gcs.authorizations.every((a) => a === 'Bearer ya29.token-1'));
    });
  });

  test('a private object without a key is EUNAUTHORIZED, with advice', async () => {
    await withSource({ url: 'gs://private/vm/disk.img' }, async (source) => {
      const err = await expectCode(source.info(never), 'EUNAUTHORIZED');
      assert.match(err.message, /is not public: name a Secret holding a service-account key in spec\.source\.gcs\.secretRef/);
    });
  });

  test('a missing object is ENOTFOUND', async () => {
    await withSource({ url: 'gs://public/absent.img' }, async (source) => {
      const err = await expectCode(collect(source.stream(0, never)), 'ENOTFOUND');
      assert.match(err.message, /gs:\/\/public\/absent\.img does not exist/);
    });
  });

  test('a key the token endpoint refuses is EUNAUTHORIZED; a malformed key is EINVALIDSOURCE; neither echoes the key', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    await withSource({ url: 'gs://private/vm/disk.img', serviceAccountKeyJson: keyFile(other, gcs.tokenUri) }, async (source) => {
      const err = await expectCode(source.info(never), 'EUNAUTHORIZED');
      assert.match(err.message, /invalid_grant/);
      assert.doesNotMatch(err.message, /PRIVATE KEY/);
      assert.deepEqual(gcs.grants.map((g) => g.accepted), [false]);
    });
    assert.throws(
      () => createGcsSource({ url: 'gs://private/vm/disk.img', serviceAccountKeyJson: '{"private_key": "-----BEGIN PRIVATE KEY-----abc' }),
      (e: unknown) => e instanceof DataPlaneError && e.code === 'EINVALIDSOURCE' && !e.message.includes('BEGIN PRIVATE KEY'),
    );
  });

  test('a token revoked mid-download is renewed once and the download resumes byte-exact', async () => {
    await withSource({ url: 'gs://private/vm/disk.img', serviceAccountKeyJson: keyFile(privatePem, gcs.tokenUri) }, async (source) => {
      await source.info(never);
      gcs.dropAndRevokeAfter = 800_000;
      assert.ok((await collect(source.stream(0, never))).equals(body));
      assert.equal(gcs.grants.length, 2);
      assert.equal(new Set(gcs.authorizations).size, 2, 'the resume used the new token');
      assert.ok(source.bytesFetched() < body.length * 1.05);
    });
  });

  test('a token about to expire is renewed before the next request (injected clock)', async () => {
    let now = Date.now(); // the stand-in checks the assertion's iat/exp against the real clock
    await withSource({ url: 'gs://private/vm/disk.img', serviceAccountKeyJson: keyFile(privatePem, gcs.tokenUri), now: () => now }, async (source) => {
      await source.read(0, 10, never);
      now += 30 * 60 * 1000;
      await source.read(10, 10, never);
      assert.equal(gcs.grants.length, 1);
      now += 26 * 60 * 1000; // within 5 minutes of the hour's end
      const got = await source.read(20, 10, never);
      assert.ok(Buffer.from(got).equals(body.subarray(20, 30)));
      assert.equal(gcs.grants.length, 2);
    });
  });
});

describe('gcs source: pure parts', () => {
  test('parseGcsUrl', () => {
    assert.deepEqual(parseGcsUrl('gs://bucket/dir/disk image.img'), {
      bucket: 'bucket', object: 'dir/disk image.img', objectUrl: 'https://storage.googleapis.com/bucket/dir/disk%20image.img',
    });
    assert.deepEqual(parseGcsUrl('https://storage.cloud.google.com/b/o.qcow2'), { bucket: 'b', object: 'o.qcow2', objectUrl: 'https://storage.googleapis.com/b/o.qcow2' });
    assert.deepEqual(parseGcsUrl('https://storage.googleapis.com/b/a%2Bb.img'), { bucket: 'b', object: 'a+b.img', objectUrl: 'https://storage.googleapis.com/b/a%2Bb.img' });
    assert.equal(parseGcsUrl('gs://b/o', 'http://127.0.0.1:9/').objectUrl, 'http://127.0.0.1:9/b/o');
    for (const bad of ['gs://bucket', 'gs://bucket/', 's3://b/o', 'nope']) {
      assert.throws(() => parseGcsUrl(bad), (e: unknown) => e instanceof DataPlaneError && e.code === 'EINVALIDSOURCE', bad);
    }
  });
});
