// Table tests of what the agent renders and recovers: the Node status, and the recorded container
// processes a restarted agent kills (only the very process recorded, not a reused pid).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeLabels, renderNodeStatus } from '../../../src/cluster/node/node-status-decide.ts';
import { killPodOrphans, killRecordedProcess, writePidFile } from '../../../src/cluster/node/pods/orphans.ts';

const facts = { nodeName: 'n1', cpus: 4, memoryBytes: 8 * 1024 ** 3, ephemeralStorageBytes: 100 * 1024 ** 3, maxPods: 110, logServerPort: 10250, kernelVersion: '6.1', osImage: 'Debian', architecture: 'x64', machineID: 'm', bootID: 'b', kubeletVersion: 'v1.32.0-ferry' };

test('renderNodeStatus: resources, kubelet conditions, addresses, endpoint; transition times kept while unchanged', () => {
  const t1 = new Date('2026-01-01T00:00:00Z');
  const s = renderNodeStatus(facts, t1, undefined);
  assert.deepEqual(s.capacity, { cpu: '4', memory: '8388608Ki', pods: '110', 'ephemeral-storage': '104857600Ki' });
  assert.deepEqual(s.conditions.map((c) => [c.type, c.status, c.reason]), [
    ['MemoryPressure', 'False', 'KubeletHasSufficientMemory'],
    ['DiskPressure', 'False', 'KubeletHasNoDiskPressure'],
    ['PIDPressure', 'False', 'KubeletHasSufficientPID'],
    ['Ready', 'True', 'KubeletReady'],
  ]);
  assert.deepEqual(s.daemonEndpoints, { kubeletEndpoint: { Port: 10250 } });
  assert.equal(s.nodeInfo.architecture, 'amd64');
  const t2 = new Date('2026-01-01T00:00:10Z');
  const next = renderNodeStatus(facts, t2, [{ type: 'Ready', status: 'True', lastTransitionTime: t1 }, { type: 'DiskPressure', status: 'True', lastTransitionTime: t1 }]);
  const ready = next.conditions.find((c) => c.type === 'Ready');
  assert.deepEqual([ready?.lastTransitionTime, ready?.lastHeartbeatTime], ['2026-01-01T00:00:00Z', '2026-01-01T00:00:10Z']);
  assert.equal(next.conditions.find((c) => c.type === 'DiskPressure')?.lastTransitionTime, '2026-01-01T00:00:10Z');
  assert.equal(nodeLabels(facts)['kubernetes.io/hostname'], 'n1');
});

test('a restarted agent kills the container processes recorded under a pod directory, and only those', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ferry-orphans-'));
  try {
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { detached: true, stdio: 'ignore' });
    const exited = new Promise((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    await mkdir(join(dir, 'main'));
    await writePidFile(join(dir, 'main', 'pid'), child.pid!);
    await mkdir(join(dir, 'stale'));
    await writeFile(join(dir, 'stale', 'pid'), `${process.pid} 1\n`); // our own pid, with another start time: not ours to kill
    assert.equal(await killPodOrphans(dir), 1);
    assert.equal(await exited, 'SIGKILL');
    assert.equal(await killRecordedProcess(join(dir, 'main', 'pid')), false, 'the process is gone');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
