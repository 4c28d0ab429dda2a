// The README's first command: `ferry demo` as a user runs it, a separate process that brings up
// the embedded cluster, imports a qcow2 it made over HTTP, and says where the volume lies. The
// volume must hold the image (its first sector is the demo's label), and the state dir must keep
// the DataVolume for the next `ferry cluster up`.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, open, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';

const run = promisify(execFile);
const NODE = join(process.cwd(), 'node_modules/node/bin/node');
const CLI = join(process.cwd(), 'src/cli/main.ts');

test('ferry demo imports its qcow2 into a volume and prints where the volume lies', async () => {
  const stateDir = await mkdtemp(join(tmpdir(), 'ferry-demo-'));
  try {
    const { stdout } = await run(NODE, [CLI, 'demo', '--state-dir', stateDir, '--size-mib', '8', '--timeout', '240'], { timeout: 280_000 });
    assert.match(stdout, /phase Import(Scheduled|InProgress)/, 'the import phases are shown as they move');
    assert.match(stdout, /Succeeded; claim demo-[a-z0-9]+ is bound to pvc-/);
    const disk = /^\s+(\S+\/disk\.img) holds the image converted to raw/m.exec(stdout)?.[1];
    assert.ok(disk, `the demo names the disk file:\n${stdout}`);
    assert.ok(disk.startsWith(join(stateDir, 'volumes')), `${disk} lies under the state dir's volumes`);
    const file = await open(disk, 'r');
    try {
      const sector = Buffer.alloc(41);
      await file.read(sector, 0, sector.length, 0);
      assert.equal(sector.toString('utf8'), 'Ferry demo disk: imported by a DataVolume');
      assert.ok((await file.stat()).size >= 8 << 20, 'the raw disk is at least the virtual size');
    } finally {
      await file.close();
    }
    assert.deepEqual((await readdir(stateDir)).filter((e) => e === 'demo'), [], 'the demo image and its copy are removed');
  } finally {
    await rm(stateDir, { recursive: true, force: true });
  }
});
