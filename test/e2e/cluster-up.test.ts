// `ferry cluster up` as a user runs it, a separate process: right after it prints the KUBECONFIG
// line, kubectl sees a Ready node, the hostpath StorageClasses and the VolumeSnapshotClass; a
// DataVolume applied with kubectl is admitted by Ferry's webhooks, populated by a worker pod and
// Succeeded with CDI's printer columns; `kubectl logs` shows the worker's log; SIGTERM stops
// every component and the process exits 0.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { runKubectl } from '../cluster/apiserver/harness.ts';
import { waitFor } from '../controllers/harness.ts';

const NODE = join(process.cwd(), 'node_modules/node/bin/node');
const CLI = join(process.cwd(), 'src/cli/main.ts');

let root: string;
let child: ChildProcess;
let kubeconfig: string;

const kubectl = async (args: string[], stdin?: string): Promise<string> => {
  const r = await runKubectl(kubeconfig, join(root, 'home'), args, stdin);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
};

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'ferry-cluster-up-'));
  child = spawn(NODE, [CLI, 'cluster', 'up', '--state-dir', join(root, 'state'), '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  kubeconfig = await new Promise<string>((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const match = /^export KUBECONFIG=(.+)$/m.exec(out);
      if (match && /kubectl get ns\n/.test(out)) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`cluster up exited with ${code}: ${err.slice(-2000)}`)));
  });
});

after(async () => {
  if (child.exitCode === null) child.kill('SIGKILL');
  await rm(root, { recursive: true, force: true });
});

test('kubectl get nodes,sc,volumesnapshotclass shows a Ready node and the hostpath classes', async () => {
  const out = await kubectl(['get', 'nodes,sc,volumesnapshotclass']);
  assert.match(out, /node\/ferry-node\s+Ready/);
  assert.match(out, /storageclass\.storage\.k8s\.io\/ferry-hostpath \(default\)\s+hostpath\.ferry\.dev\s+Delete\s+Immediate\s+true/);
  assert.match(out, /storageclass\.storage\.k8s\.io\/ferry-hostpath-wffc\s+hostpath\.ferry\.dev\s+Delete\s+WaitForFirstConsumer\s+true/);
  assert.match(out, /volumesnapshotclass\.snapshot\.storage\.k8s\.io\/ferry-hostpath-snapshots\s+hostpath\.ferry\.dev\s+Delete/);
});

test('a DataVolume applied right after start-up is admitted, populated and Succeeded; kubectl logs shows its worker', async () => {
  const refused = await runKubectl(kubeconfig, join(root, 'home'), ['apply', '-f', '-'], `apiVersion: cdi.kubevirt.io/v1beta1
kind: DataVolume
metadata:
  name: both
spec:
  source:
    blank: {}
  pvc:
    accessModes: [ReadWriteOnce]
    resources: {requests: {storage: 16Mi}}
  storage:
    resources: {requests: {storage: 16Mi}}
`);
  assert.notEqual(refused.code, 0);
  assert.match(refused.stderr, /admission webhook "datavolume-validate\.cdi\.kubevirt\.io" denied the request/);

  await kubectl(['apply', '-f', '-'], `apiVersion: cdi.kubevirt.io/v1beta1
kind: DataVolume
metadata:
  name: blank
  annotations:
    cdi.kubevirt.io/storage.deleteAfterCompletion: "false"
    cdi.kubevirt.io/storage.pod.retainAfterCompletion: "true"
spec:
  source:
    blank: {}
  storage:
    resources: {requests: {storage: 64Mi}}
`);
  await waitFor('DataVolume blank to be Succeeded', async () =>
    (await kubectl(['get', 'dv', 'blank', '-o', 'jsonpath={.status.phase}'])) === 'Succeeded', 120_000);
  const table = await kubectl(['get', 'dv', 'blank']);
  assert.match(table, /^NAME\s+PHASE\s+PROGRESS\s+RESTARTS\s+AGE$/m);
  assert.match(table, /^blank\s+Succeeded\s+100\.0%\s+0\s+\S+$/m);
  assert.match(await kubectl(['get', 'pod', 'importer-blank']), /importer-blank\s+0\/1\s+Completed\s+0/);
  assert.match(await kubectl(['logs', 'importer-blank']), /"msg":"import starting"/);
});

test('SIGTERM stops every component and the process exits 0', async () => {
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  assert.equal(await exited, 0);
});
