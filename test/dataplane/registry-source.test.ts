import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { DataPlaneError } from '../../src/dataplane/errors.ts';
import type { Source } from '../../src/dataplane/source.ts';
import {
  choosePlatformManifest, createRegistrySource, isDiskEntry, parseChallenge, parseImageReference, parseManifest,
  type RegistrySourceOptions,
} from '../../src/dataplane/sources/registry/index.ts';
import {
  pushImage, startCuttingProxy, startRegistry, TEST_REGISTRY_PASSWORD, TEST_REGISTRY_USER, type RegistryServer,
} from '../fixtures/registry-server.ts';
import { createTestCA } from '../fixtures/test-ca.ts';

const never = new AbortController().signal;
const disk = randomBytes(2 * 1024 * 1024 + 4321);
const creds = { username: TEST_REGISTRY_USER, password: TEST_REGISTRY_PASSWORD };

async function collect(it: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const c of it) parts.push(c);
  return Buffer.concat(parts);
}

/** A source with recorded (not slept) backoff, closed after `fn`. */
async function withSource(opts: RegistrySourceOptions, fn: (s: Source, retries: DataPlaneError[]) => Promise<void>): Promise<void> {
  const retries: DataPlaneError[] = [];
  const source = createRegistrySource({ sleep: async () => undefined, onRetry: (e) => retries.push(e.error), ...opts });
  try {
    await fn(source, retries);
  } finally {
    await source.close();
  }
}

async function expectCode(p: Promise<unknown>, code: string, message?: RegExp): Promise<DataPlaneError> {
  const err = await p.then(
    () => assert.fail(`expected ${code}`),
    (e: unknown) => e,
  );
  assert.ok(err instanceof DataPlaneError, `not a DataPlaneError: ${String(err)}`);
  assert.equal(err.code, code, err.message);
  if (message !== undefined) assert.match(err.message, message);
  return err;
}

describe('registry source against docker-registry', () => {
  let registry: RegistryServer;
  before(async () => {
    registry = await startRegistry();
  });
  after(async () => {
    await registry.close();
  });
  const url = (ref: string): string => `docker://${registry.host}/${ref}`;

  test('Docker schema 2 manifest: info is the disk entry, stream is the disk byte for byte, read re-streams', async () => {
    await pushImage(registry.url, 'vm/docker', 'v1', { mediaTypes: 'docker', layers: [{ files: [{ path: 'disk', type: 'directory' }, { path: 'disk/disk.img', data: disk }] }] });
    await withSource({ url: url('vm/docker:v1'), insecure: true }, async (source) => {
      const info = await source.info(never);
      assert.equal(info.size, disk.length);
      assert.equal(info.acceptsRanges, false);
      assert.match(info.etag ?? '', /^sha256:[0-9a-f]{64}$/);
      assert.ok((await collect(source.stream(0, never))).equals(disk));
      assert.ok((await collect(source.stream(1_000_000, never))).equals(disk.subarray(1_000_000)));
      assert.ok(Buffer.from(await source.read(123_456, 1000, never)).equals(disk.subarray(123_456, 124_456)));
      assert.ok(source.bytesFetched() >= disk.length);
      assert.doesNotMatch(source.description, /password/);
    });
  });

  test('OCI manifest with a zstd layer, and an uncompressed one', async () => {
    for (const compression of ['zstd', 'none'] as const) {
      await pushImage(registry.url, 'vm/oci', compression, { mediaTypes: 'oci', layers: [{ compression, files: [{ path: './disk/image.qcow2', data: disk }] }] });
      await withSource({ url: url(`vm/oci:${compression}`), insecure: true }, async (source) => {
        assert.equal((await source.info(never)).size, disk.length);
        assert.ok((await collect(source.stream(0, never))).equals(disk), compression);
      });
    }
  });

  test('an index (OCI) and a manifest list (Docker) resolve to the linux/amd64 image, or to the platform asked for', async () => {
    const decoy = randomBytes(4096);
    for (const mediaTypes of ['oci', 'docker'] as const) {
      await pushImage(registry.url, `vm/multi-${mediaTypes}`, 'v1', { mediaTypes, index: true, decoyDisk: decoy, layers: [{ files: [{ path: 'disk/disk.img', data: disk }] }] });
      await withSource({ url: url(`vm/multi-${mediaTypes}:v1`), insecure: true }, async (source) => {
        assert.ok((await collect(source.stream(0, never))).equals(disk), mediaTypes);
      });
      await withSource({ url: url(`vm/multi-${mediaTypes}:v1`), insecure: true, platform: 'linux/arm64' }, async (source) => {
        assert.ok((await collect(source.stream(0, never))).equals(decoy), mediaTypes);
      });
      await withSource({ url: url(`vm/multi-${mediaTypes}:v1`), insecure: true, platform: 'linux/s390x' }, async (source) => {
        await expectCode(source.info(never), 'ENOTFOUND', /no manifest for platform linux\/s390x \(it offers linux\/arm64\/v8, linux\/amd64\)/);
      });
    }
  });

  test('layers are searched from the top: the disk in a lower layer is found past files, directories, whiteouts and links', async () => {
    const upper = randomBytes(10_000);
    await pushImage(registry.url, 'vm/layers', 'lower', {
      mediaTypes: 'oci',
      layers: [
        { files: [{ path: 'disk/disk.img', data: disk }] },
        { files: [{ path: 'etc/os-release', data: Buffer.from('ID=ferry\n') }, { path: 'disk', type: 'directory' }], compression: 'zstd' },
        { files: [{ path: 'disk/.wh.old.img', data: Buffer.alloc(0) }, { path: 'disk/link.img', type: 'symlink', linkname: '/etc/os-release' }, { path: 'diskette/x.img', data: upper }] },
      ],
    });
    await withSource({ url: url('vm/layers:lower'), insecure: true }, async (source) => {
      assert.equal((await source.info(never)).size, disk.length);
      assert.ok((await collect(source.stream(0, never))).equals(disk));
    });
    // Two layers with a disk: the upper one is what the container would see.
    await pushImage(registry.url, 'vm/layers', 'both', {
      mediaTypes: 'docker',
      layers: [{ files: [{ path: 'disk/disk.img', data: disk }] }, { files: [{ path: 'disk/newer.img', data: upper }] }],
    });
    await withSource({ url: url('vm/layers:both'), insecure: true }, async (source) => {
      assert.ok((await collect(source.stream(0, never))).equals(upper));
    });
  });

  test('pull by digest; a digest the registry does not know is ENOTFOUND', async () => {
    const pushed = await pushImage(registry.url, 'vm/bydigest', 'v1', { mediaTypes: 'oci', layers: [{ files: [{ path: 'disk/disk.img', data: disk }] }] });
    await withSource({ url: url(`vm/bydigest@${pushed.manifestDigest}`), insecure: true }, async (source) => {
      assert.ok((await collect(source.stream(0, never))).equals(disk));
    });
    await withSource({ url: url(`vm/bydigest@sha256:${'0'.repeat(64)}`), insecure: true }, async (source) => {
      await expectCode(source.info(never), 'ENOTFOUND');
    });
  });

  test('an image without a disk is ENODISK with a message saying how to build one', async () => {
    await pushImage(registry.url, 'vm/nodisk', 'v1', { mediaTypes: 'docker', layers: [{ files: [{ path: 'etc/hostname', data: Buffer.from('x') }] }, { files: [{ path: 'disk', type: 'directory' }] }] });
    await withSource({ url: url('vm/nodisk:v1'), insecure: true }, async (source) => {
      const err = await expectCode(source.info(never), 'ENODISK', /the image docker:\/\/127\.0\.0\.1:\d+\/vm\/nodisk:v1 has no disk image in its disk\/ directory/);
      assert.match(err.message, /FROM scratch with ADD disk\.img \/disk\//);
      assert.equal(err.retryable, false);
      await expectCode(collect(source.stream(0, never)), 'ENODISK');
    });
  });

  test('a missing tag or repository is ENOTFOUND, and not retried', async () => {
    await pushImage(registry.url, 'vm/present', 'v1', { mediaTypes: 'oci', layers: [{ files: [{ path: 'disk/disk.img', data: disk }] }] });
    for (const ref of ['vm/present:v2', 'vm/absent:v1']) {
      await withSource({ url: url(ref), insecure: true }, async (source, retries) => {
        await expectCode(source.info(never), 'ENOTFOUND', /not found: check the repository and tag/);
        assert.equal(retries.length, 0);
      });
    }
  });

  test('a connection dropped mid-layer is retried and the disk resumes byte-exact', async () => {
    await pushImage(registry.url, 'vm/flaky', 'v1', { mediaTypes: 'docker', layers: [{ files: [{ path: 'disk/disk.img', data: disk }] }] });
    const proxy = await startCuttingProxy(registry.host, { dropAfterBytes: 700_000, dropTimes: 2, pathIncludes: '/blobs/' });
    try {
      await withSource({ url: `docker://${proxy.host}/vm/flaky:v1`, insecure: true }, async (source, retries) => {
        assert.ok((await collect(source.stream(0, never))).equals(disk));
        assert.equal(proxy.drops(), 2);
        assert.ok(retries.length >= 1 && retries.every((e) => e.code === 'ETRANSIENT'), retries.map((e) => e.message).join('; '));
      });
    } finally {
      await proxy.close();
    }
  });

  test('aborting mid-stream fails with EABORTED and frees the connection', async () => {
    await pushImage(registry.url, 'vm/abort', 'v1', { mediaTypes: 'oci', layers: [{ files: [{ path: 'disk/disk.img', data: disk }] }] });
    await withSource({ url: url('vm/abort:v1'), insecure: true }, async (source) => {
      const ac = new AbortController();
      const consume = async (): Promise<void> => {
        for await (const chunk of source.stream(0, ac.signal)) {
          assert.ok(chunk.length > 0);
          ac.abort(new Error('stop'));
        }
      };
      await expectCode(consume(), 'EABORTED');
    }); // withSource's close() would hang on a connection left open
  });

  test('a layer whose bytes differ from its digest fails with ECHECKSUM', async () => {
    const pushed = await pushImage(registry.url, 'vm/corrupt', 'v1', { mediaTypes: 'oci', layers: [{ compression: 'none', files: [{ path: 'disk/disk.img', data: disk }] }] });
    const path = registry.blobPath(pushed.layerDigests[0] ?? '');
    const blob = await readFile(path);
    blob[100_000] = (blob[100_000] ?? 0) ^ 0xff; // inside the disk entry: the tar stays valid
    await writeFile(path, blob);
    await withSource({ url: url('vm/corrupt:v1'), insecure: true }, async (source) => {
      await expectCode(collect(source.stream(0, never)), 'ECHECKSUM', /digest/);
    });
  });

  test('a plain-http registry not listed as insecure fails with advice to list it', async () => {
    await withSource({ url: url('vm/docker:v1') }, async (source) => {
      await expectCode(source.info(never), 'EINVALIDSOURCE', /insecureRegistries/);
    });
  });
});

describe('registry source with authentication', () => {
  const image = { mediaTypes: 'oci' as const, layers: [{ files: [{ path: 'disk/disk.img', data: disk }] }] };

  test('htpasswd (basic auth): the credentials open it; none, or a wrong password, are EUNAUTHORIZED', async () => {
    const registry = await startRegistry({ auth: 'htpasswd' });
    try {
      await pushImage(registry.url, 'private/vm', 'v1', image, creds);
      const url = `docker://${registry.host}/private/vm:v1`;
      await withSource({ url, insecure: true, ...creds }, async (source) => {
        assert.ok((await collect(source.stream(0, never))).equals(disk));
      });
      await withSource({ url, insecure: true }, async (source) => {
        await expectCode(source.info(never), 'EUNAUTHORIZED', /needs credentials: name a Secret/);
      });
      await withSource({ url, insecure: true, username: TEST_REGISTRY_USER, password: 'wrong-password' }, async (source, retries) => {
        const err = await expectCode(source.info(never), 'EUNAUTHORIZED', /refused the credentials/);
        assert.doesNotMatch(err.message, /wrong-password/);
        assert.equal(retries.length, 0);
      });
    } finally {
      await registry.close();
    }
  });

  test('token auth: a Bearer challenge is answered with a token from the realm; bad credentials are EUNAUTHORIZED', async () => {
    const registry = await startRegistry({ auth: 'token' });
    try {
      await pushImage(registry.url, 'private/vm', 'v1', { ...image, index: true }, creds);
      registry.tokenRequests.length = 0;
      const url = `docker://${registry.host}/private/vm:v1`;
      await withSource({ url, insecure: true, ...creds }, async (source) => {
        assert.ok((await collect(source.stream(0, never))).equals(disk));
      });
      // One token served the index, the manifest and the blobs.
      assert.deepEqual(registry.tokenRequests, [{ service: 'ferry-test-registry', scope: 'repository:private/vm:pull', authorized: true }]);
      await withSource({ url, insecure: true }, async (source) => {
        await expectCode(source.info(never), 'EUNAUTHORIZED', /needs credentials/);
      });
      await withSource({ url, insecure: true, username: TEST_REGISTRY_USER, password: 'wrong-password' }, async (source) => {
        const err = await expectCode(source.info(never), 'EUNAUTHORIZED', /check the credentials in spec\.source\.registry\.secretRef/);
        assert.doesNotMatch(err.message, /wrong-password/);
      });
    } finally {
      await registry.close();
    }
  });
});

describe('registry source over HTTPS', () => {
  test('a private CA is trusted through caPem, refused without it (ETLS), and skipped when insecure', async () => {
    const ca = await createTestCA();
    const registry = await startRegistry({ tls: await ca.issue(['127.0.0.1']) });
    try {
      await pushImage(registry.url, 'vm/tls', 'v1', { mediaTypes: 'oci', layers: [{ files: [{ path: 'disk/disk.img', data: disk }] }] }, undefined, ca.caPem);
      const url = `docker://${registry.host}/vm/tls:v1`;
      await withSource({ url, caPem: ca.caPem }, async (source) => {
        assert.ok((await collect(source.stream(0, never))).equals(disk));
      });
      await withSource({ url }, async (source) => {
        await expectCode(source.info(never), 'ETLS', /certConfigMap/);
      });
      await withSource({ url, insecure: true }, async (source) => {
        assert.equal((await source.info(never)).size, disk.length);
      });
    } finally {
      await registry.close();
    }
  });
});

describe('registry source: pure parts', () => {
  test('parseImageReference', () => {
    const table: [string, { registry: string; repository: string; reference: string; display?: string }][] = [
      ['docker://quay.io/containerdisks/fedora:40', { registry: 'quay.io', repository: 'containerdisks/fedora', reference: '40' }],
      ['docker://localhost:5000/vm', { registry: 'localhost:5000', repository: 'vm', reference: 'latest', display: 'docker://localhost:5000/vm:latest' }],
      ['docker://127.0.0.1:5000/a/b/c:v1.2', { registry: '127.0.0.1:5000', repository: 'a/b/c', reference: 'v1.2' }],
      ['docker://fedora', { registry: 'registry-1.docker.io', repository: 'library/fedora', reference: 'latest' }],
      ['docker://kubevirt/cirros-container-disk-demo:v1', { registry: 'registry-1.docker.io', repository: 'kubevirt/cirros-container-disk-demo', reference: 'v1' }],
      [`docker://r.example.com/vm@sha256:${'a'.repeat(64)}`, { registry: 'r.example.com', repository: 'vm', reference: `sha256:${'a'.repeat(64)}` }],
      [`docker://r.example.com/vm:v1@sha256:${'b'.repeat(64)}`, { registry: 'r.example.com', repository: 'vm', reference: `sha256:${'b'.repeat(64)}` }],
    ];
    for (const [input, want] of table) {
      const got = parseImageReference(input);
      assert.equal(got.registry, want.registry, input);
      assert.equal(got.repository, want.repository, input);
      assert.equal(got.reference, want.reference, input);
      if (want.display !== undefined) assert.equal(got.display, want.display);
    }
    for (const bad of ['http://quay.io/vm:v1', 'oci-archive:/tmp/x.tar', 'docker://quay.io/VM:v1', 'docker://quay.io/vm@sha256:abc', 'docker://user:pw@quay.io/vm', 'docker://quay.io/vm:']) {
      assert.throws(() => parseImageReference(bad), (e: unknown) => e instanceof DataPlaneError && e.code === 'EINVALIDSOURCE' && !e.message.includes('pw@'), bad);
    }
  });

  test('parseChallenge', () => {
    assert.deepEqual(parseChallenge('Bearer realm="https://auth.example.com/token",service="registry.example.com",scope="repository:a/b:pull,push"'), {
      scheme: 'bearer',
      params: { realm: 'https://auth.example.com/token', service: 'registry.example.com', scope: 'repository:a/b:pull,push' },
    });
    assert.deepEqual(parseChallenge('Basic realm="Registry Realm"'), { scheme: 'basic', params: { realm: 'Registry Realm' } });
    assert.deepEqual(parseChallenge('Bearer realm=https://x/token, service=reg'), { scheme: 'bearer', params: { realm: 'https://x/token', service: 'reg' } });
    assert.equal(parseChallenge(undefined), undefined);
  });

  test('isDiskEntry follows CDI: a regular file under disk/, not a whiteout', () => {
    const table: [string, string, boolean][] = [
      ['disk/disk.img', 'file', true],
      ['./disk/disk.qcow2', 'file', true],
      ['/disk/sub/disk.img', 'file', true],
      ['disk/', 'directory', false],
      ['disk/.wh.disk.img', 'file', false],
      ['disk/link.img', 'symlink', false],
      ['diskette/disk.img', 'file', false],
      ['data/disk/disk.img', 'file', false],
    ];
    for (const [name, type, want] of table) assert.equal(isDiskEntry({ name, type }), want, `${name} ${type}`);
  });

  test('parseManifest and choosePlatformManifest', () => {
    const index = parseManifest(
      Buffer.from(JSON.stringify({ schemaVersion: 2, manifests: [
        { mediaType: 'x', digest: 'sha256:1', size: 1, platform: { os: 'linux', architecture: 'arm', variant: 'v7' } },
        { mediaType: 'x', digest: 'sha256:2', size: 1, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
        { mediaType: 'x', digest: 'sha256:3', size: 1, platform: { os: 'unknown', architecture: 'unknown' } },
      ] })),
      undefined,
      'test',
    );
    assert.equal(index.kind, 'index');
    if (index.kind !== 'index') return;
    assert.equal(choosePlatformManifest(index.manifests, { os: 'linux', architecture: 'arm64' })?.digest, 'sha256:2');
    assert.equal(choosePlatformManifest(index.manifests, { os: 'linux', architecture: 'arm', variant: 'v6' }), undefined);
    assert.throws(() => parseManifest(Buffer.from('{"schemaVersion":1,"fsLayers":[]}'), undefined, 'test'), (e: unknown) => e instanceof DataPlaneError && e.code === 'EUNSUPPORTEDFORMAT');
  });
});
