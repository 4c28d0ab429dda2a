// contentType: archive on the embedded cluster: a tar.gz over HTTP is extracted into the
// Filesystem volume (no disk.img), without scratch space; a tar with an entry that would land
// outside the volume ends Failed with ImportImageUnsafe and nothing of it is written outside.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, readlink } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { startTestCluster, waitForPhase, type TestCluster } from '../controllers/harness.ts';
import { condition, sourceDataVolumeYaml, volumePathOf } from '../controllers/import/e2e.ts';
import { startFaultServer, type FaultServer } from '../fixtures/fault-server.ts';
import { compressFile, makeTar, makeTempDir } from '../fixtures/images.ts';

let cluster: TestCluster;
let tmp: { dir: string; remove: () => Promise<void> };
const servers: FaultServer[] = [];

before(async () => {
  tmp = await makeTempDir('ferry-e2e-archive-');
  cluster = await startTestCluster();
  await cluster.startController();
});

after(async () => {
  for (const s of servers) await s.close();
  await cluster?.close();
  await tmp?.remove();
});

const archiveDataVolumeYaml = (name: string, url: string): string =>
  sourceDataVolumeYaml(name, `    http:\n      url: "${url}"\n`, { size: '64Mi', contentType: 'archive' });

async function serve(file: string): Promise<string> {
  const server = await startFaultServer({ body: file });
  servers.push(server);
  return server.url;
}

test('a tar.gz is extracted into the Filesystem volume', async () => {
  const tar = await makeTar(path.join(tmp.dir, 'site.tar'), [
    { type: 'directory', name: 'www/' },
    { type: 'file', name: 'www/index.html', content: '<h1>hello from an archive</h1>\n' },
    { type: 'file', name: 'www/run.sh', content: '#!/bin/sh\necho ok\n', mode: 0o755 },
    { type: 'symlink', name: 'www/home.html', linkname: 'index.html' },
  ]);
  await cluster.kubectlOk(['apply', '-f', '-'], archiveDataVolumeYaml('site', await serve(await compressFile(tar, 'gz'))));
  const dv = await waitForPhase(cluster, 'default', 'site', 'Succeeded', 120_000);
  assert.equal(dv.status?.progress, '100.0%');
  const volume = await volumePathOf(cluster, 'default', 'site');
  assert.equal(await readFile(path.join(volume, 'www/index.html'), 'utf8'), '<h1>hello from an archive</h1>\n');
  assert.equal(await readlink(path.join(volume, 'www/home.html')), 'index.html');
  assert.equal(existsSync(path.join(volume, 'disk.img')), false, 'an archive is extracted, not written as an image');
  const pvc = await cluster.core.readNamespacedPersistentVolumeClaim({ namespace: 'default', name: 'site' });
  assert.equal(pvc.spec?.volumeMode, 'Filesystem');
  assert.equal(pvc.metadata?.annotations?.['cdi.kubevirt.io/storage.import.requiresScratch'], undefined, 'no scratch space was needed');
});

test('a tar whose entry escapes the volume ends Failed with ImportImageUnsafe', async () => {
  const tar = await makeTar(path.join(tmp.dir, 'evil.tar'), [
    { type: 'file', name: 'ok.txt', content: 'fine\n' },
    { type: 'file', name: '../../escaped.txt', content: 'should never be written\n' },
  ]);
  await cluster.kubectlOk(['apply', '-f', '-'], archiveDataVolumeYaml('evil', await serve(tar)));
  const dv = await waitForPhase(cluster, 'default', 'evil', 'Failed', 120_000);
  assert.equal(condition(dv, 'Running')?.reason, 'ImportImageUnsafe');
  assert.match(condition(dv, 'Running')?.message ?? '', /escaped\.txt/);
  const volume = await volumePathOf(cluster, 'default', 'evil');
  assert.equal(existsSync(path.join(volume, '..', '..', 'escaped.txt')), false);
  assert.equal(existsSync(path.join(volume, '..', 'escaped.txt')), false);
});
