import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { DataPlaneError } from '../../src/dataplane/errors.ts';
import { DEFAULT_RETRY_POLICY } from '../../src/dataplane/retry.ts';
import type { Source } from '../../src/dataplane/source.ts';
import { classifyS3Error, createS3Source, parseS3Url, regionFromHost, type S3SourceOptions } from '../../src/dataplane/sources/s3.ts';
import { S3RVER_ACCESS_KEY_ID, S3RVER_SECRET_KEY, startS3Server, type S3Server } from '../fixtures/s3-server.ts';

const never = new AbortController().signal;
const body = randomBytes(3 * 1024 * 1024 + 777);

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

describe('s3 source against s3rver', () => {
  let s3: S3Server;
  before(async () => {
    s3 = await startS3Server();
    await s3.createBucket('images');
    await s3.putObject('images', 'dir/disk.img', body);
    await s3.putObject('images', 'dir/my disk+1.img', body.subarray(0, 1000));
  });
  after(async () => {
    await s3.close();
  });
  /** A source with recorded (not slept) backoff, closed after `fn`. */
  async function withSource(opts: Partial<S3SourceOptions>, fn: (s: Source, retries: DataPlaneError[]) => Promise<void>): Promise<void> {
    const retries: DataPlaneError[] = [];
    const source = createS3Source({
      url: `${s3.endpoint}/images/dir/disk.img`,
      accessKeyId: S3RVER_ACCESS_KEY_ID,
      secretKey: S3RVER_SECRET_KEY,
      sleep: async () => undefined,
      onRetry: (e) => retries.push(e.error),
      ...opts,
    });
    try {
      await fn(source, retries);
    } finally {
      await source.close();
      for (const k of Object.keys(s3.faults)) delete s3.faults[k as keyof typeof s3.faults];
      s3.requests.length = 0;
    }
  }

  test('info from HeadObject: size, ETag, ranges', async () => {
    await withSource({}, async (source) => {
      const info = await source.info(never);
      assert.equal(info.size, body.length);
      assert.equal(info.acceptsRanges, true);
      assert.match(info.etag ?? '', /^"[0-9a-f]{32}"$/);
      assert.equal(s3.requests[0]?.method, 'HEAD');
    });
  });

  test('stream is the object byte for byte, from 0 and from an offset', async () => {
    await withSource({}, async (source) => {
      assert.ok((await collect(source.stream(0, never))).equals(body));
      assert.ok((await collect(source.stream(2_000_000, never))).equals(body.subarray(2_000_000)));
      assert.equal(s3.requests.at(-1)?.range, 'bytes=2000000-');
      assert.equal(source.bytesFetched(), body.length + body.length - 2_000_000);
    });
  });

  test('read is a ranged GetObject', async () => {
    await withSource({}, async (source) => {
      const got = await source.read(1_234_567, 65_536, never);
      assert.ok(Buffer.from(got).equals(body.subarray(1_234_567, 1_234_567 + 65_536)));
      assert.equal(s3.requests.at(-1)?.range, 'bytes=1234567-1300102');
      const tail = await source.read(body.length - 10, 100, never);
      assert.equal(tail.length, 10);
    });
  });

  test('keys with spaces and plus signs, and s3://bucket/key with an endpoint', async () => {
    await withSource({ url: `${s3.endpoint}/images/dir/my%20disk%2B1.img` }, async (source) => {
      assert.ok((await collect(source.stream(0, never))).equals(body.subarray(0, 1000)));
    });
    await withSource({ url: 's3://images/dir/disk.img', endpoint: s3.endpoint }, async (source) => {
      assert.equal((await source.info(never)).size, body.length);
    });
  });

  test('a missing key or bucket is ENOTFOUND, not retried', async () => {
    for (const path of ['images/dir/absent.img', 'no-such-bucket/disk.img']) {
      await withSource({ url: `${s3.endpoint}/${path}` }, async (source, retries) => {
        const err = await expectCode(source.info(never), 'ENOTFOUND');
        assert.match(err.message, /check the bucket and key in spec\.source\.s3\.url/);
        await expectCode(collect(source.stream(0, never)), 'ENOTFOUND');
        assert.equal(retries.length, 0);
      });
    }
  });

  // s3rver checks that the access key ID is one it knows, not the SigV4 signature: a wrong key ID
  // is what it can refuse (403 InvalidAccessKeyId).
  test('an unknown access key is EUNAUTHORIZED, and no credential is in the message', async () => {
    await withSource({ accessKeyId: 'AKIAWRONGWRONGWRONG', secretKey: 'super-secret-value' }, async (source, retries) => {
      const head = await expectCode(source.info(never), 'EUNAUTHORIZED');
      const get = await expectCode(collect(source.stream(0, never)), 'EUNAUTHORIZED');
      for (const err of [head, get]) {
        assert.match(err.message, /spec\.source\.s3\.secretRef/);
        assert.doesNotMatch(err.message, /super-secret-value|AKIAWRONG/);
      }
      assert.match(get.message, /InvalidAccessKeyId/);
      assert.equal(retries.length, 0);
    });
  });

  test('a connection dropped mid-body resumes with Range and IfMatch, fetching each byte once', async () => {
    await withSource({}, async (source, retries) => {
      s3.faults.dropAfterBytes = 1_000_000;
      s3.faults.dropTimes = 1;
      assert.ok((await collect(source.stream(0, never))).equals(body));
      const gets = s3.requests.filter((r) => r.method === 'GET');
      assert.equal(gets.length, 2);
      assert.equal(gets[1]?.range, 'bytes=1000000-');
      assert.match(gets[1]?.ifMatch ?? '', /^"[0-9a-f]{32}"$/);
      assert.equal(source.bytesFetched(), body.length);
      assert.equal(retries.length, 1);
      assert.equal(retries[0]?.code, 'ETRANSIENT');
    });
  });

  test('an object replaced while the connection was down fails with ESOURCECHANGED', async () => {
    await s3.putObject('images', 'changing.img', body);
    await withSource({ url: `${s3.endpoint}/images/changing.img` }, async (source) => {
      s3.faults.dropAfterBytes = 500_000;
      s3.faults.onDrop = () => s3.putObject('images', 'changing.img', randomBytes(body.length));
      await expectCode(collect(source.stream(0, never)), 'ESOURCECHANGED');
    });
  });

  test('aborting mid-stream fails with EABORTED', async () => {
    await withSource({}, async (source) => {
      const ac = new AbortController();
      const consume = async (): Promise<void> => {
        for await (const chunk of source.stream(0, ac.signal)) {
          assert.ok(chunk.length > 0);
          ac.abort(new Error('stop'));
        }
      };
      await expectCode(consume(), 'EABORTED');
    });
  });

  test('503 SlowDown is retried with backoff', async () => {
    await withSource({}, async (source, retries) => {
      s3.faults.fail503 = 2;
      assert.ok((await collect(source.stream(0, never))).equals(body));
      assert.deepEqual(retries.map((e) => e.code), ['ETRANSIENT', 'ETRANSIENT']);
    });
  });
});

describe('s3 source: pure parts', () => {
  test('parseS3Url', () => {
    assert.deepEqual(parseS3Url('s3://bucket/path/to/disk.img'), { bucket: 'bucket', key: 'path/to/disk.img', region: 'us-east-1', forcePathStyle: false });
    assert.deepEqual(parseS3Url('https://s3.eu-west-1.amazonaws.com/bucket/disk.img'), {
      bucket: 'bucket', key: 'disk.img', endpoint: 'https://s3.eu-west-1.amazonaws.com', region: 'eu-west-1', forcePathStyle: true,
    });
    assert.deepEqual(parseS3Url('http://minio.minio:9000/vm-images/a%20b.qcow2'), {
      bucket: 'vm-images', key: 'a b.qcow2', endpoint: 'http://minio.minio:9000', region: 'minio', forcePathStyle: true,
    });
    assert.deepEqual(parseS3Url('s3://b/k', { endpoint: 'http://127.0.0.1:9000', region: 'local' }), {
      bucket: 'b', key: 'k', endpoint: 'http://127.0.0.1:9000', region: 'local', forcePathStyle: true,
    });
    for (const bad of ['s3://bucket', 'https://endpoint/bucket', 'ftp://x/b/k', 'https://user:pw@endpoint/b/k', 'not a url']) {
      assert.throws(() => parseS3Url(bad), (e: unknown) => e instanceof DataPlaneError && e.code === 'EINVALIDSOURCE' && !e.message.includes(':pw'), bad);
    }
  });

  test('regionFromHost follows CDI, falling back to us-east-1', () => {
    assert.equal(regionFromHost('s3.us-west-2.amazonaws.com'), 'us-west-2');
    assert.equal(regionFromHost('objects.example.com'), 'objects');
    assert.equal(regionFromHost('127.0.0.1'), 'us-east-1');
    assert.equal(regionFromHost('my_host'), 'us-east-1');
  });

  test('classifyS3Error: by error name, then by status', () => {
    const p = DEFAULT_RETRY_POLICY;
    const err = (name: string, status?: number): unknown => ({ name, ...(status === undefined ? {} : { $metadata: { httpStatusCode: status } }) });
    const table: [unknown, string | undefined][] = [
      [err('NoSuchKey', 404), 'ENOTFOUND'],
      [err('NotFound', 404), 'ENOTFOUND'],
      [err('AccessDenied', 403), 'EUNAUTHORIZED'],
      [err('SignatureDoesNotMatch', 403), 'EUNAUTHORIZED'],
      [err('InvalidAccessKeyId', 403), 'EUNAUTHORIZED'],
      [err('Unknown', 403), 'EUNAUTHORIZED'],
      [err('SlowDown', 503), 'ETRANSIENT'],
      [err('Unknown', 500), 'ETRANSIENT'],
      [err('PreconditionFailed', 412), 'ESOURCECHANGED'],
      [err('Unknown', 404), 'ENOTFOUND'],
      [new Error('socket hang up'), undefined],
    ];
    for (const [e, want] of table) assert.equal(classifyS3Error(e, p), want, JSON.stringify(e));
  });
});
