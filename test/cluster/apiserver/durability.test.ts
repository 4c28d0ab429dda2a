// Point 6: `ferry cluster up` as a separate process, killed with SIGKILL after acknowledged
// writes and restarted on the same state dir, has every write; a watch resumes across the
// restart; a damaged log stops start-up naming the file and offset, and `ferry cluster repair`
// lets it start again.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, open, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { eventually } from './harness.ts';

const NODE = join(process.cwd(), 'node_modules/node/bin/node');
const CLI = join(process.cwd(), 'src/cli/main.ts');

interface Running {
  child: ChildProcess;
  kubeconfigPath: string;
}

function clusterUp(stateDir: string): Promise<Running> {
  const child = spawn(NODE, [CLI, 'cluster', 'up', '--state-dir', stateDir, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const match = /^export KUBECONFIG=(.+)$/m.exec(out);
      if (match !== null && /kubectl get ns\n/.test(out)) resolve({ child, kubeconfigPath: match[1]! });
    });
    child.on('exit', (code) => reject(new Error(`cluster up exited with ${code}: ${err}`)));
  });
}

function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(NODE, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function kill9(running: Running): Promise<void> {
  return new Promise((resolve) => {
    running.child.removeAllListeners('exit');
    running.child.once('exit', () => resolve());
    running.child.kill('SIGKILL');
  });
}

function core(kubeconfigPath: string): k8s.CoreV1Api {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(kubeconfigPath);
  return kc.makeApiClient(k8s.CoreV1Api);
}

describe('durability', () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'ferry-durability-'));
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  test('acknowledged writes survive kill -9, and a watch resumes across the restart', async () => {
    const stateDir = join(root, 'state');
    const first = await clusterUp(stateDir);
    const api = core(first.kubeconfigPath);
    const writes = await Promise.all(
      Array.from({ length: 200 }, (_, i) => api.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: `cm-${i}` }, data: { i: String(i) } } })),
    );
    const lastRV = Math.max(...writes.map((w) => Number(w.metadata?.resourceVersion)));
    await api.deleteNamespacedConfigMap({ name: 'cm-0', namespace: 'default' });
    await kill9(first);

    const second = await clusterUp(stateDir);
    try {
      const api2 = core(second.kubeconfigPath);
      const list = await api2.listNamespacedConfigMap({ namespace: 'default' });
      // Only this test's config maps: the controller manager publishes kube-root-ca.crt in every namespace.
      const names = new Set(list.items.map((c) => c.metadata?.name).filter((n) => n?.startsWith('cm-')));
      assert.equal(names.size, 199);
      assert.ok(!names.has('cm-0'));
      assert.ok(names.has('cm-199'));
      assert.ok(Number(list.metadata?.resourceVersion) > lastRV);

      const kc = new k8s.KubeConfig();
      kc.loadFromFile(second.kubeconfigPath);
      const events: string[] = [];
      const controller = await new k8s.Watch(kc).watch(
        '/api/v1/namespaces/default/configmaps',
        { resourceVersion: String(lastRV) },
        (type, obj: k8s.V1ConfigMap) => {
          if (obj.metadata?.name !== 'kube-root-ca.crt') events.push(`${type} ${obj.metadata?.name}`);
        },
        () => undefined,
      );
      try {
        await api2.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'after-restart' } } });
        await eventually(() => (events.length >= 2 ? true : undefined), 'resumed events');
        assert.deepEqual(events, ['DELETED cm-0', 'ADDED after-restart']);
      } finally {
        controller.abort();
      }
    } finally {
      await kill9(second);
    }
  });

  test('SIGTERM stops `ferry cluster up` cleanly, and the next start sees its writes', async () => {
    const stateDir = join(root, 'clean');
    const first = await clusterUp(stateDir);
    await core(first.kubeconfigPath).createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'kept' } } });
    first.child.removeAllListeners('exit');
    const exited = new Promise<number | null>((resolve) => first.child.once('exit', (code) => resolve(code)));
    first.child.kill('SIGTERM');
    assert.equal(await exited, 0);
    const second = await clusterUp(stateDir);
    try {
      const cm = await core(second.kubeconfigPath).readNamespacedConfigMap({ name: 'kept', namespace: 'default' });
      assert.equal(cm.metadata?.name, 'kept');
    } finally {
      await kill9(second);
    }
  });

  test('a damaged log stops start-up naming the file and offset; repair lets it start', async () => {
    const stateDir = join(root, 'damaged');
    const first = await clusterUp(stateDir);
    const api = core(first.kubeconfigPath);
    for (let i = 0; i < 20; i++) await api.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: `d-${i}` } } });
    await kill9(first);
    const storeDir = join(stateDir, 'store');
    const segments = (await readdir(storeDir)).filter((f) => /^wal-\d+\.log$/.test(f)).sort();
    const segment = join(storeDir, segments[segments.length - 1]!);
    const size = (await stat(segment)).size;
    const handle = await open(segment, 'r+');
    // Inside the last record (d-19): the bootstrap's CRD records fill most of the segment.
    const middle = size - 40;
    const byte = Buffer.alloc(1);
    await handle.read(byte, 0, 1, middle);
    byte[0] = byte[0]! ^ 0xff;
    await handle.write(byte, 0, 1, middle);
    await handle.close();

    const refused = await runCli(['cluster', 'up', '--state-dir', stateDir, '--port', '0']);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, new RegExp(`state log ${segment.replaceAll('/', '\\/')} is damaged at byte offset \\d+`));
    assert.match(refused.stderr, /ferry cluster repair/);

    const repaired = await runCli(['cluster', 'repair', '--state-dir', stateDir]);
    assert.equal(repaired.code, 0, repaired.stderr);
    assert.match(repaired.stdout, /^truncated .* at byte offset \d+; the cut-off bytes are saved in /);
    const again = await clusterUp(stateDir);
    try {
      const list = await core(again.kubeconfigPath).listNamespacedConfigMap({ namespace: 'default' });
      const kept = list.items.map((c) => c.metadata?.name).filter((n) => n?.startsWith('d-'));
      assert.equal(kept.length, 19, 'every write before the damaged record is kept');
      assert.ok(!kept.includes('d-19'));
    } finally {
      await kill9(again);
    }
  });
});
