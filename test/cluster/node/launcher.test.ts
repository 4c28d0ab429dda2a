// The node's process launcher: processes started from a small child of the agent, their output
// in the log file, their exit reported; a missing executable is an error, not a crash; when the
// launcher itself dies, a running process is still seen to end.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ProcessLauncher } from '../../../src/cluster/node/pods/launcher.ts';
import { ContainerProcess } from '../../../src/cluster/node/pods/process.ts';

let dir: string;
const launcher = new ProcessLauncher();

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ferry-launcher-'));
});

after(async () => {
  launcher.close();
  await rm(dir, { recursive: true, force: true });
});

const env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin' };

test('a process started through the launcher writes its log and reports its exit code', async () => {
  const logPath = join(dir, 'a.log');
  const result = await launcher.launch({ argv: [process.execPath, '-e', 'console.log("out"); console.error("err"); process.exit(3)'], env, cwd: dir, logPath });
  assert.ok('pid' in result && result.pid > 0, JSON.stringify(result));
  assert.notEqual(result.pid, process.pid);
  assert.deepEqual(await result.exited, { code: 3, signal: null });
  const log = await readFile(logPath, 'utf8');
  assert.match(log, /out/);
  assert.match(log, /err/);
});

test('a missing executable is an error; a container made of it exits 127 with the reason in its log', async () => {
  const result = await launcher.launch({ argv: [join(dir, 'no-such-program')], env, cwd: dir, logPath: join(dir, 'b.log') });
  assert.ok('error' in result);
  assert.match(result.error, /ENOENT/);

  const logPath = join(dir, 'c.log');
  const container = await ContainerProcess.launch({ argv: [join(dir, 'no-such-program')], env, cwd: dir, logPath, terminationMessagePath: join(dir, 'c.term') }, launcher);
  const exit = await container.exited;
  assert.equal(exit.exitCode, 127);
  assert.equal(exit.reason, 'Error');
  assert.match(await readFile(logPath, 'utf8'), /failed to start container: .*ENOENT/);
});

test('a container stopped through its process group ends with SIGTERM (143)', async () => {
  const container = await ContainerProcess.launch({
    argv: [process.execPath, '-e', 'setInterval(() => {}, 1000)'], env, cwd: dir, logPath: join(dir, 'd.log'), terminationMessagePath: join(dir, 'd.term'),
  }, launcher);
  assert.ok(container.pid > 0);
  const exit = await container.stop(5000);
  assert.equal(exit.exitCode, 143);
  assert.equal(exit.signal, 'SIGTERM');
});

test('when the launcher dies, a running process is still seen to end', async () => {
  const own = new ProcessLauncher();
  const result = await own.launch({ argv: [process.execPath, '-e', 'setTimeout(() => {}, 800)'], env, cwd: dir, logPath: join(dir, 'e.log') });
  assert.ok('pid' in result);
  own.close();
  const exit = await result.exited;
  assert.deepEqual(exit, { code: null, signal: null }, 'the status is unknown once the launcher is gone');
  assert.throws(() => process.kill(result.pid, 0), 'the process has ended');
});
