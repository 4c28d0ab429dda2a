// The importer's task parsed from env: a table of inputs and what they mean.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ImportConfigError, filesystemUsableSize, parseImportConfig } from '../../src/workers/import/config.ts';
import { createPodPathResolver, parsePathMap } from '../../src/workers/import/paths.ts';
import { parseQuantity } from '../../src/workers/import/quantity.ts';
import { formatProgress, overallFraction } from '../../src/workers/import/progress.ts';
import { renderTerminationMessage } from '../../src/workers/import/termination.ts';

test('a full http task', () => {
  const config = parseImportConfig({
    IMPORTER_SOURCE: 'http',
    IMPORTER_ENDPOINT: 'https://images.example/disk.qcow2',
    IMPORTER_CONTENTTYPE: 'kubevirt',
    IMPORTER_IMAGE_SIZE: '10Gi',
    IMPORTER_ACCESS_KEY_ID: 'user',
    IMPORTER_SECRET_KEY: 'pass',
    IMPORTER_CERT_DIR: '/certs',
    IMPORTER_EXTRA_HEADER_0: 'X-Token: abc',
    IMPORTER_EXTRA_HEADER_1: 'Accept: */*',
    IMPORTER_CHECKSUM: 'md5:' + 'a'.repeat(32),
    PREALLOCATION: 'true',
    CACHE_MODE: 'TRYNONE',
    FILESYSTEM_OVERHEAD: '0.055',
    INSECURE_TLS: 'false',
    https_proxy: 'http://proxy:3128',
    FERRY_PATH_MAP: '{"/data":"/host/pv1/"}',
    OWNER_UID: 'uid-1',
  });
  assert.deepEqual(config, {
    source: {
      kind: 'http',
      url: 'https://images.example/disk.qcow2',
      basicAuth: { username: 'user', password: 'pass' },
      extraHeaders: { 'X-Token': 'abc', Accept: '*/*' },
      certDir: '/certs',
      insecureTls: false,
      proxy: { https: 'http://proxy:3128' },
    },
    contentType: 'kubevirt',
    imageSize: 10 * 2 ** 30,
    checksum: 'md5:' + 'a'.repeat(32),
    preallocation: true,
    directIo: true,
    filesystemOverhead: 0.055,
    pathMap: { '/data': '/host/pv1' },
    ownerUid: 'uid-1',
  });
});

test('defaults: http, kubevirt, no size', () => {
  const config = parseImportConfig({ IMPORTER_ENDPOINT: 'http://x/y' });
  assert.equal(config.source.kind, 'http');
  assert.equal(config.contentType, 'kubevirt');
  assert.equal(config.imageSize, undefined);
  assert.equal(config.preallocation, false);
});

test('blank is IMPORTER_SOURCE=none, archive content type', () => {
  assert.deepEqual(parseImportConfig({ IMPORTER_SOURCE: 'none', IMPORTER_CONTENTTYPE: 'archive' }).source, { kind: 'none' });
  assert.equal(parseImportConfig({ IMPORTER_SOURCE: 'none', IMPORTER_CONTENTTYPE: 'archive' }).contentType, 'archive');
});

test('s3, gcs and registry sources take their credentials, certificates and platform from CDI\'s variables', () => {
  assert.deepEqual(parseImportConfig({ IMPORTER_SOURCE: 's3', IMPORTER_ENDPOINT: 's3://b/k', IMPORTER_ACCESS_KEY_ID: 'id', IMPORTER_SECRET_KEY: 'sk', IMPORTER_CERT_DIR: '/certs' }).source, {
    kind: 's3',
    url: 's3://b/k',
    insecureTls: false,
    accessKeyId: 'id',
    secretKey: 'sk',
    certDir: '/certs',
  });
  assert.deepEqual(parseImportConfig({ IMPORTER_SOURCE: 'gcs', IMPORTER_ENDPOINT: 'gs://b/o', GOOGLE_APPLICATION_CREDENTIALS: '/creds/key.json' }).source, { kind: 'gcs', url: 'gs://b/o', keyFile: '/creds/key.json' });
  assert.deepEqual(
    parseImportConfig({ IMPORTER_SOURCE: 'registry', IMPORTER_ENDPOINT: 'docker://r:5000/img:1', INSECURE_TLS: 'true', IMPORTER_ACCESS_KEY_ID: 'u', IMPORTER_SECRET_KEY: 'p', IMPORTER_REGISTRY_IMAGE_ARCHITECTURE: 'arm64' }).source,
    { kind: 'registry', url: 'docker://r:5000/img:1', insecure: true, username: 'u', password: 'p', architecture: 'arm64' },
  );
});

const BAD: [Record<string, string>, RegExp][] = [
  [{ IMPORTER_SOURCE: 'http' }, /IMPORTER_ENDPOINT is required/],
  [{ IMPORTER_SOURCE: 'ftp' }, /IMPORTER_SOURCE=ftp is unknown/],
  [{ IMPORTER_SOURCE: 'vddk', IMPORTER_ENDPOINT: 'x' }, /IMPORTER_SOURCE=vddk is not supported by this Ferry release/],
  [{ IMPORTER_SOURCE: 's3' }, /IMPORTER_ENDPOINT is required for a s3 import/],
  [{ IMPORTER_SOURCE: 'none', IMPORTER_CONTENTTYPE: 'iso' }, /IMPORTER_CONTENTTYPE=iso/],
  [{ IMPORTER_SOURCE: 'none', IMPORTER_IMAGE_SIZE: 'ten gigs' }, /IMPORTER_IMAGE_SIZE/],
  [{ IMPORTER_SOURCE: 'none', IMPORTER_CHECKSUM: 'sha256:12' }, /IMPORTER_CHECKSUM/],
  [{ IMPORTER_SOURCE: 'none', PREALLOCATION: 'maybe' }, /PREALLOCATION/],
  [{ IMPORTER_SOURCE: 'none', FILESYSTEM_OVERHEAD: '1.5' }, /FILESYSTEM_OVERHEAD/],
  [{ IMPORTER_SOURCE: 'none', FERRY_PATH_MAP: '[1]' }, /FERRY_PATH_MAP/],
  [{ IMPORTER_SOURCE: 'none', FERRY_PATH_MAP: '{"/data":"relative"}' }, /absolute/],
  [{ IMPORTER_ENDPOINT: 'http://x', IMPORTER_EXTRA_HEADER_0: 'no colon' }, /Header-Name: value/],
];
for (const [env, pattern] of BAD) {
  test(`rejects ${JSON.stringify(env)}`, () => {
    assert.throws(() => parseImportConfig(env), (err: unknown) => err instanceof ImportConfigError && err.code === 'EINVALIDSOURCE' && pattern.test(err.message));
  });
}

test('quantities', () => {
  const table: [string, number | undefined][] = [
    ['1073741824', 2 ** 30],
    ['1Gi', 2 ** 30],
    ['1.5Mi', 1.5 * 2 ** 20],
    ['500M', 500e6],
    ['2k', 2000],
    ['1Xi', undefined],
    ['-1', undefined],
  ];
  for (const [text, bytes] of table) assert.equal(parseQuantity(text), bytes, text);
});

test('pod paths resolve through the map on component boundaries, longest prefix first', () => {
  const resolve = createPodPathResolver(parsePathMap('{"/data":"/h/pv","/data/sub":"/h/other","/dev/termination-log":"/h/term"}'));
  assert.equal(resolve('/data'), '/h/pv');
  assert.equal(resolve('/data/disk.img'), '/h/pv/disk.img');
  assert.equal(resolve('/data/sub/x'), '/h/other/x');
  assert.equal(resolve('/database'), '/database');
  assert.equal(resolve('/dev/termination-log'), '/h/term');
  assert.equal(createPodPathResolver({})('/data/disk.img'), '/data/disk.img');
});

test('mounts under a pod directory: each mapped Secret under /extraheaders, or the directory in a pod', () => {
  const resolve = createPodPathResolver(parsePathMap('{"/extraheaders/1":"/h/s1","/extraheaders/0":"/h/s0","/extraheadersx":"/h/no"}'));
  assert.deepEqual(resolve.mountsUnder?.('/extraheaders'), ['/extraheaders', '/h/s0', '/h/s1']);
  assert.deepEqual(createPodPathResolver({}).mountsUnder?.('/extraheaders/'), ['/extraheaders']);
});

test('usable Filesystem size: requested, capped by free space, less overhead, 512-aligned', () => {
  assert.equal(filesystemUsableSize(2 ** 30, Infinity, 0), 2 ** 30);
  assert.equal(filesystemUsableSize(2 ** 30, 2 ** 29, 0), 2 ** 29);
  assert.equal(filesystemUsableSize(1_000_000, Infinity, 0.06), 939_520);
});

test('overall progress and its CDI text', () => {
  assert.equal(formatProgress(null), 'N/A');
  assert.equal(formatProgress(0.45678), '45.67%');
  assert.equal(formatProgress(1), '100.0%');
  assert.equal(overallFraction({ phase: 'TransferRaw', fraction: 0.3 }), 0.3);
  assert.equal(overallFraction({ phase: 'TransferScratch', fraction: 0.5 }), 0.25);
  assert.equal(overallFraction({ phase: 'ConvertScratch', fraction: 0.5 }), 0.75);
  assert.equal(overallFraction({ phase: 'DrainForChecksum', fraction: 0.5 }), 0.25);
  assert.equal(overallFraction({ phase: 'Probe', fraction: null }), null);
  assert.equal(overallFraction({ phase: 'Complete', fraction: 1 }), 1);
});

test('termination messages fit in the 4096 bytes Kubernetes keeps', () => {
  const text = renderTerminationMessage({ outcome: 'Failed', code: 'EINTERNAL', message: 'x'.repeat(10_000) });
  assert.ok(text.length <= 4096);
  assert.equal(JSON.parse(text).code, 'EINTERNAL');
});
