import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ContainerProcess } from '../../../src/cluster/node/pods/process.ts';

async function run(script: string, extra: { memoryLimitBytes?: number; policy?: 'File' | 'FallbackToLogsOnError' } = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'ferry-proc-'));
  const spec = {
    argv: [process.execPath, '-e', script],
    env: { PATH: process.env.PATH ?? '', TERM_MSG: join(dir, 'termination-log') },
    cwd: dir,
    logPath: join(dir, 'log'),
    terminationMessagePath: join(dir, 'termination-log'),
    terminationMessagePolicy: extra.policy ?? 'File',
    ...(extra.memoryLimitBytes ? { memoryLimitBytes: extra.memoryLimitBytes, memoryPollMs: 20 } : {}),
  };
  return { dir, proc: ContainerProcess.start(spec), cleanup: () => rm(dir, { recursive: true, force: true }) };
}

test('a container that succeeds: Completed, exit 0, logs captured, termination message read', async () => {
  const { dir, proc, cleanup } = await run(`require('fs').writeFileSync(process.env.TERM_MSG, '{"outcome":"Succeeded"}'); console.log('hello from the pod'); console.error('and stderr');`);
  try {
    const exit = await proc.exited;
    assert.equal(exit.exitCode, 0);
    assert.equal(exit.reason, 'Completed');
    assert.equal(exit.message, '{"outcome":"Succeeded"}');
    const log = await readFile(join(dir, 'log'), 'utf8');
    assert.match(log, /hello from the pod/);
    assert.match(log, /and stderr/);
  } finally {
    await cleanup();
  }
});

test('a container that fails: Error with its exit code; FallbackToLogsOnError uses the log tail', async () => {
  const { proc, cleanup } = await run(`console.error('disk on fire'); process.exit(3)`, { policy: 'FallbackToLogsOnError' });
  try {
    const exit = await proc.exited;
    assert.equal(exit.exitCode, 3);
    assert.equal(exit.reason, 'Error');
    assert.match(exit.message, /disk on fire/);
  } finally {
    await cleanup();
  }
});

test('a container past its memory limit is OOMKilled with exit code 137', async () => {
  const { proc, cleanup } = await run(`const keep = []; setInterval(() => { for (let i = 0; i < 8; i++) keep.push(Buffer.alloc(8 << 20, 1)); }, 10);`, {
    memoryLimitBytes: 128 * 1024 * 1024,
  });
  try {
    const exit = await proc.exited;
    assert.equal(exit.reason, 'OOMKilled');
    assert.equal(exit.exitCode, 137);
  } finally {
    await cleanup();
  }
});

test('stop sends SIGTERM, and SIGKILL after the grace period to a process that ignores it', async () => {
  const polite = await run(`process.on('SIGTERM', () => { console.log('bye'); process.exit(0); }); setInterval(() => {}, 1000); console.log('ready');`);
  const stubborn = await run(`process.on('SIGTERM', () => {}); setInterval(() => {}, 1000); console.log('ready');`);
  try {
    await waitForLog(polite.dir, 'ready');
    await waitForLog(stubborn.dir, 'ready');
    const a = await polite.proc.stop(10_000);
    assert.equal(a.exitCode, 0, 'handled SIGTERM and exited cleanly');
    const b = await stubborn.proc.stop(100);
    assert.equal(b.signal, 'SIGKILL');
    assert.equal(b.exitCode, 137);
  } finally {
    await polite.cleanup();
    await stubborn.cleanup();
  }
});

test('a missing executable ends the container with exit 127 and says why in its log', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ferry-proc-'));
  try {
    const proc = ContainerProcess.start({ argv: [join(dir, 'no-such-binary')], env: {}, cwd: dir, logPath: join(dir, 'log'), terminationMessagePath: join(dir, 'tm') });
    const exit = await proc.exited;
    assert.equal(exit.exitCode, 127);
    assert.match(await readFile(join(dir, 'log'), 'utf8'), /failed to start container/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

async function waitForLog(dir: string, text: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    const log = await readFile(join(dir, 'log'), 'utf8').catch(() => '');
    if (log.includes(text)) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`log never showed ${text}`);
}
