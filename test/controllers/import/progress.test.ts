// Progress end to end between the two real halves: the worker's progress server (HTTPS with its
// own certificate on 127.0.0.1) and the controller's reader; and the parser's table.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { Agent, request } from 'undici';
import { metricsUrlOf, parseProgressMetric, readImportProgress } from '../../../src/controllers/import/index.ts';
import { renderProgressMetric, startImportProgress, startProgressServer } from '../../../src/workers/progress.ts';

test('parseProgressMetric picks the sample of the owner, clamped to 0-100', () => {
  const text = [
    '# HELP kubevirt_cdi_import_progress_total The import progress in percentage',
    '# TYPE kubevirt_cdi_import_progress_total counter',
    'kubevirt_cdi_import_progress_total{ownerUID="other"} 12.5',
    'kubevirt_cdi_import_progress_total{ownerUID="mine"} 45.67',
    'kubevirt_cdi_clone_progress_total{ownerUID="mine"} 99',
    '',
  ].join('\n');
  const table: [string, string, number | undefined][] = [
    [text, 'mine', 45.67],
    [text, 'other', 12.5],
    [text, 'nobody', undefined],
    ['kubevirt_cdi_import_progress_total{ownerUID="mine"} 120', 'mine', 100],
    ['kubevirt_cdi_import_progress_total{job="x",ownerUID="mine"} 3', 'mine', 3],
    ['kubevirt_cdi_import_progress_total{ownerUID="mine"} NaN', 'mine', undefined],
    ['# TYPE kubevirt_cdi_import_progress_total counter\n', 'mine', undefined],
    ['', 'mine', undefined],
  ];
  for (const [input, owner, expected] of table) assert.equal(parseProgressMetric(input, owner), expected, `${owner}: ${input}`);
});

test('renderProgressMetric: no sample before the first figure, then percent with 2 decimals', () => {
  assert.doesNotMatch(renderProgressMetric('m', 'u', undefined), /^m\{/m);
  assert.match(renderProgressMetric('m', 'u', 45.5), /^m\{ownerUID="u"\} 45\.50$/m);
  assert.match(renderProgressMetric('m', 'a"b', 1), /^m\{ownerUID="a\\"b"\} 1\.00$/m);
});

test('metricsUrlOf: the pod IP and CDI\'s metrics port', () => {
  assert.equal(metricsUrlOf('10.0.0.7'), 'https://10.0.0.7:8443/metrics');
  assert.equal(metricsUrlOf('fd00::7'), 'https://[fd00::7]:8443/metrics');
  assert.equal(metricsUrlOf(undefined), undefined);
  assert.equal(metricsUrlOf(''), undefined);
});

test('the controller reads what the worker serves: nothing, then each figure', async () => {
  const server = await startProgressServer({ host: '127.0.0.1', port: 0, ownerUID: 'dv-uid' });
  const agent = new Agent({ connect: { rejectUnauthorized: false } });
  try {
    const url = new URL(server.url);
    assert.equal(url.protocol, 'https:');
    const read = async () => {
      // readImportProgress targets a pod's port 8443 (next test); this server's port is free-picked.
      const res = await request(server.url, { dispatcher: agent });
      return parseProgressMetric(await res.body.text(), 'dv-uid');
    };
    assert.equal(await read(), undefined);
    server.set(0.4567);
    assert.equal(await read(), 45.67);
    server.set(null);
    assert.equal(await read(), 45.67);
    server.set(0.99999);
    assert.equal(await read(), 99.99);
    server.set(1);
    assert.equal(await read(), 100);
  } finally {
    await agent.close();
    await server.close();
  }
});

test('readImportProgress on port 8443 of a pod address, and undefined when nothing listens', async () => {
  // A loopback address of its own, as the embedded node gives each pod.
  const host = '127.0.0.93';
  let server;
  try {
    server = await startProgressServer({ host, port: 8443, ownerUID: 'dv-uid' });
  } catch (err) {
    assert.fail(`cannot listen on ${host}:8443: ${(err as Error).message}`);
  }
  try {
    server.set(0.25);
    assert.equal(await readImportProgress(host, 'dv-uid', AbortSignal.timeout(5000)), 25);
    assert.equal(await readImportProgress(host, 'someone-else', AbortSignal.timeout(5000)), undefined);
  } finally {
    await server.close();
  }
  assert.equal(await readImportProgress(host, 'dv-uid', AbortSignal.timeout(5000)), undefined);
  assert.equal(await readImportProgress(undefined, 'dv-uid', AbortSignal.timeout(5000)), undefined);
});

test('startImportProgress serves what the importer writes to its progress file, on FERRY_POD_IP:8443', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'ferry-progress-'));
  const file = path.join(dir, 'progress.json');
  const host = '127.0.0.94';
  const reporter = startImportProgress({ FERRY_POD_IP: host, OWNER_UID: 'dv-uid', FERRY_PROGRESS_FILE: file, OTHER: 'kept' }, { pollMs: 20 });
  try {
    assert.equal(reporter.env['FERRY_PROGRESS_FILE'], file);
    assert.equal(reporter.env['OTHER'], 'kept');
    const readUntil = async (expected: number | undefined): Promise<void> => {
      for (;;) {
        const value = await readImportProgress(host, 'dv-uid', AbortSignal.timeout(5000));
        if (value === expected) return;
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    await readUntil(undefined);
    await writeFile(file, JSON.stringify({ phase: 'TransferRaw', fraction: 0.5, progress: '50.00%' }));
    await readUntil(50);
    await writeFile(file, JSON.stringify({ phase: 'Complete', fraction: 1, progress: '100.0%' }));
    await readUntil(100);
  } finally {
    await reporter.close();
    await rm(dir, { recursive: true, force: true });
  }
  assert.equal(await readImportProgress(host, 'dv-uid', AbortSignal.timeout(5000)), undefined, 'closed with the importer');
});

test('startImportProgress without FERRY_PROGRESS_FILE picks a temp file and removes it', async () => {
  const reporter = startImportProgress({ FERRY_POD_IP: '127.0.0.95', OWNER_UID: 'x' }, { port: 0 });
  const file = reporter.env['FERRY_PROGRESS_FILE'] ?? '';
  assert.ok(file.startsWith(tmpdir()), file);
  await writeFile(file, '{}');
  await reporter.close();
  await assert.rejects(readFile(file), { code: 'ENOENT' });
});

test('startImportProgress without OWNER_UID serves nothing and leaves the env as it is', async () => {
  const env = { FERRY_POD_IP: '127.0.0.96' };
  const reporter = startImportProgress(env, { pollMs: 20 });
  assert.equal(reporter.env, env);
  assert.equal(await readImportProgress('127.0.0.96', '', AbortSignal.timeout(5000)), undefined);
  await reporter.close();
});
