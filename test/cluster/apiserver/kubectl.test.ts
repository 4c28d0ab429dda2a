// kubectl against the server: create, apply (client-side and --server-side), get (default and
// wide columns, -o json), patch in the three kubectl patch types, delete, get -w, and the
// 409/404 errors kubectl prints.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { startTestServer, type TestServer } from './harness.ts';

const POD = `apiVersion: v1
kind: Pod
metadata:
  name: web
  labels: {app: web}
spec:
  containers:
  - name: main
    image: nginx:1.27
    env: [{name: A, value: "1"}]
  - name: side
    image: busybox
`;

describe('kubectl', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(async () => {
    await t.close();
  });

  test('create, then get with the default and wide columns and -o json', async () => {
    const created = await t.kubectl(['create', '-f', '-'], POD);
    assert.equal(created.code, 0, created.stderr);
    assert.equal(created.stdout.trim(), 'pod/web created');
    const get = await t.kubectl(['get', 'pods']);
    assert.equal(get.code, 0, get.stderr);
    assert.match(get.stdout, /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s*$/m);
    assert.match(get.stdout, /^web\s+0\/2\s+Pending\s+0\s+\d+s$/m);
    const wide = await t.kubectl(['get', 'pods', '-o', 'wide']);
    assert.match(wide.stdout, /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES$/m);
    const json = await t.kubectl(['get', 'pod', 'web', '-o', 'json']);
    const pod = JSON.parse(json.stdout);
    assert.equal(pod.kind, 'Pod');
    assert.match(pod.metadata.uid, /^[0-9a-f-]{36}$/);
    assert.equal(pod.status.phase, 'Pending');
    assert.equal(pod.spec.restartPolicy, 'Always', 'server-side defaults applied');
    const again = await t.kubectl(['create', '-f', '-'], POD);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /Error from server \(AlreadyExists\): error when creating "STDIN": pods "web" already exists/);
  });

  test('patch: strategic merges containers by name, merge and json patch edit labels', async () => {
    const strategic = await t.kubectl(['patch', 'pod', 'web', '-p', '{"spec":{"containers":[{"name":"main","image":"nginx:1.28"}]}}']);
    assert.equal(strategic.code, 0, strategic.stderr);
    const merge = await t.kubectl(['patch', 'pod', 'web', '--type=merge', '-p', '{"metadata":{"labels":{"tier":"front"}}}']);
    assert.equal(merge.code, 0, merge.stderr);
    const jsonPatch = await t.kubectl(['patch', 'pod', 'web', '--type=json', '-p', '[{"op":"remove","path":"/metadata/labels/app"}]']);
    assert.equal(jsonPatch.code, 0, jsonPatch.stderr);
    const pod = JSON.parse((await t.kubectl(['get', 'pod', 'web', '-o', 'json'])).stdout);
    assert.deepEqual(pod.spec.containers.map((c: { name: string; image: string }) => `${c.name}=${c.image}`), ['main=nginx:1.28', 'side=busybox']);
    assert.deepEqual(pod.spec.containers[0].env, [{ name: 'A', value: '1' }]);
    assert.deepEqual(pod.metadata.labels, { tier: 'front' });
    const failedTest = await t.kubectl(['patch', 'pod', 'web', '--type=json', '-p', '[{"op":"test","path":"/metadata/name","value":"other"}]']);
    assert.equal(failedTest.code, 1);
    assert.match(failedTest.stderr, /test failed/);
  });

  test('apply client-side, then server-side with field managers, a conflict and --force-conflicts', async () => {
    const cm = (name: string, value: string): string => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  key: "${value}"\n`;
    const first = await t.kubectl(['apply', '-f', '-'], cm('settings', 'a'));
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.stdout.trim(), 'configmap/settings created');
    const second = await t.kubectl(['apply', '-f', '-'], cm('settings', 'b'));
    assert.equal(second.stdout.trim(), 'configmap/settings configured');
    const applied = JSON.parse((await t.kubectl(['get', 'cm', 'settings', '-o', 'json'])).stdout);
    assert.equal(applied.data.key, 'b');
    assert.match(applied.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration'], /"key":"b"/);

    const one = await t.kubectl(['apply', '--server-side', '--field-manager=one', '-f', '-'], cm('shared', 'x'));
    assert.equal(one.code, 0, one.stderr);
    assert.equal(one.stdout.trim(), 'configmap/shared serverside-applied');
    const conflict = await t.kubectl(['apply', '--server-side', '--field-manager=two', '-f', '-'], cm('shared', 'y'));
    assert.equal(conflict.code, 1);
    assert.match(conflict.stderr, /Apply failed with 1 conflict: conflict with "one": \.data\.key/);
    const forced = await t.kubectl(['apply', '--server-side', '--field-manager=two', '--force-conflicts', '-f', '-'], cm('shared', 'y'));
    assert.equal(forced.code, 0, forced.stderr);
    const live = JSON.parse((await t.kubectl(['get', 'cm', 'shared', '-o', 'json', '--show-managed-fields'])).stdout);
    assert.equal(live.data.key, 'y');
    assert.deepEqual(live.metadata.managedFields.map((m: { manager: string; operation: string }) => `${m.manager}/${m.operation}`), ['two/Apply']);
  });

  test('create --validate=strict is refused for an unknown field by the server', async () => {
    const bad = await t.kubectl(['create', '--validate=strict', '-f', '-'], 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: strict}\nbogus: 1\n');
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /strict decoding error: unknown field "bogus"/);
  });

  test('get -w prints the table rows of changes as they happen', async () => {
    const child = spawn('kubectl', ['get', 'configmaps', '-w', '--output-watch-events'], {
      env: { ...process.env, KUBECONFIG: t.server.kubeconfigPath, HOME: t.home },
    });
    let out = '';
    const seen = new Promise<void>((resolve) => {
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        out += d;
        if (/MODIFIED\s+watched/.test(out)) resolve();
      });
    });
    // The initial list arrives first; then a create and a change of the watched object.
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    assert.equal((await t.kubectl(['create', '-f', '-'], 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: watched}\ndata: {a: "1"}\n')).code, 0);
    assert.equal((await t.kubectl(['label', 'configmap', 'watched', 'x=y'])).code, 0);
    await seen;
    child.kill();
    assert.match(out, /^EVENT\s+NAME\s+DATA\s+AGE$/m);
    assert.match(out, /^ADDED\s+watched\s+1\s+\d+s$/m);
    assert.match(out, /^MODIFIED\s+watched\s+1\s+\d+s$/m);
  });

  test('kubectl create namespace/configmap/secret/serviceaccount (protobuf bodies) and auth can-i', async () => {
    assert.equal((await t.kubectl(['create', 'namespace', 'team'])).stdout.trim(), 'namespace/team created');
    assert.equal((await t.kubectl(['create', 'configmap', 'cfg', '-n', 'team', '--from-literal=a=1', '--from-literal=b=2'])).stdout.trim(), 'configmap/cfg created');
    assert.equal((await t.kubectl(['create', 'secret', 'generic', 'pw', '-n', 'team', '--from-literal=p=hunter2'])).stdout.trim(), 'secret/pw created');
    assert.equal((await t.kubectl(['create', 'serviceaccount', 'robot', '-n', 'team'])).stdout.trim(), 'serviceaccount/robot created');
    const cm = JSON.parse((await t.kubectl(['get', 'cm', 'cfg', '-n', 'team', '-o', 'json'])).stdout);
    assert.deepEqual(cm.data, { a: '1', b: '2' });
    const secret = JSON.parse((await t.kubectl(['get', 'secret', 'pw', '-n', 'team', '-o', 'json'])).stdout);
    assert.equal(Buffer.from(secret.data.p, 'base64').toString(), 'hunter2');
    assert.equal(secret.type, 'Opaque');
    const ns = JSON.parse((await t.kubectl(['get', 'ns', 'team', '-o', 'json'])).stdout);
    assert.equal(ns.metadata.labels['kubernetes.io/metadata.name'], 'team');
    const again = await t.kubectl(['create', 'namespace', 'team']);
    assert.match(again.stderr, /Error from server \(AlreadyExists\): namespaces "team" already exists/);
    const canI = await t.kubectl(['auth', 'can-i', 'create', 'pods']);
    assert.equal(canI.stdout.trim(), 'yes');
  });

  test('delete, then get answers NotFound', async () => {
    const deleted = await t.kubectl(['delete', 'pod', 'web']);
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.equal(deleted.stdout.trim(), 'pod "web" deleted');
    const get = await t.kubectl(['get', 'pod', 'web']);
    assert.equal(get.code, 1);
    assert.match(get.stderr, /Error from server \(NotFound\): pods "web" not found/);
  });
});
