// Table tests of the pod runner's decisions: restart and back-off, phase and conditions, the next
// step of a pod, env, argv, images, pod addresses, probes and the path map.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { V1Container, V1Pod } from '@kubernetes/client-node';
import { expandReferences, ferryCliPath, resolveArgv } from '../../../src/cluster/node/pods/argv.ts';
import { type ContainerRecord, newContainerRecord } from '../../../src/cluster/node/pods/container-record.ts';
import { envReferences, resolveEnv } from '../../../src/cluster/node/pods/env.ts';
import { imageNotRunnableMessage, isWorkerImage } from '../../../src/cluster/node/pods/image.ts';
import { buildPathMap } from '../../../src/cluster/node/pods/path-map.ts';
import { PodIpAllocator, addressBlockFor, ipFromOffset, offsetFromIp } from '../../../src/cluster/node/pods/pod-ips.ts';
import { planPodStep } from '../../../src/cluster/node/pods/pod-step-decide.ts';
import { initialProbeState, nextProbeState, probeThresholds } from '../../../src/cluster/node/pods/probe-decide.ts';
import { type RestartInput, crashLoopMessage, decideRestart, goDuration, kubeletCrashLoopPolicy, shouldRestart } from '../../../src/cluster/node/pods/restart-decide.ts';
import { computePodStatus, containersReadyCondition, initializedCondition, podPhase } from '../../../src/cluster/node/pods/status-decide.ts';
import { sameStatus } from '../../../src/cluster/node/pods/status-compare.ts';

const policy = kubeletCrashLoopPolicy;

test('shouldRestart: restartPolicy x exit code x init container', () => {
  const rows: [string, number, boolean, boolean][] = [
    ['Always', 0, false, true],
    ['Always', 1, false, true],
    ['OnFailure', 0, false, false],
    ['OnFailure', 1, false, true],
    ['Never', 1, false, false],
    ['Always', 0, true, false],
    ['Always', 1, true, true],
    ['OnFailure', 1, true, true],
    ['Never', 1, true, false],
  ];
  for (const [restartPolicy, exitCode, isInit, expected] of rows) {
    assert.equal(shouldRestart(restartPolicy as 'Always', exitCode, isInit), expected, `${restartPolicy} exit ${exitCode} init=${isInit}`);
  }
});

test('decideRestart: immediate first restart, then CrashLoopBackOff doubling from 10 s to 5 min, reset after 10 min', () => {
  const base: RestartInput = { restartPolicy: 'Always', isInit: false, exitCode: 1, finishedAtMs: 100_000, backoff: undefined, nowMs: 100_000, policy };
  const rows: { name: string; input: Partial<RestartInput>; expected: ReturnType<typeof decideRestart> }[] = [
    { name: 'first exit restarts now', input: {}, expected: { kind: 'restart', backoff: { delayMs: 10_000, lastUpdateMs: 100_000 } } },
    { name: 'second exit within the delay waits', input: { backoff: { delayMs: 10_000, lastUpdateMs: 95_000 }, nowMs: 103_000 }, expected: { kind: 'back-off', delayMs: 10_000, waitMs: 7_000 } },
    { name: 'after the delay restarts and doubles', input: { backoff: { delayMs: 10_000, lastUpdateMs: 95_000 }, nowMs: 110_000 }, expected: { kind: 'restart', backoff: { delayMs: 20_000, lastUpdateMs: 110_000 } } },
    { name: 'capped at 5 min', input: { backoff: { delayMs: 300_000, lastUpdateMs: 0 }, finishedAtMs: 100_000, nowMs: 400_000 }, expected: { kind: 'restart', backoff: { delayMs: 300_000, lastUpdateMs: 400_000 } } },
    { name: 'an entry older than 2 x max is forgotten', input: { backoff: { delayMs: 160_000, lastUpdateMs: 0 }, finishedAtMs: 700_000, nowMs: 700_001 }, expected: { kind: 'restart', backoff: { delayMs: 10_000, lastUpdateMs: 700_001 } } },
    { name: 'Never stays terminated', input: { restartPolicy: 'Never' }, expected: { kind: 'stay-terminated' } },
    { name: 'OnFailure success stays terminated', input: { restartPolicy: 'OnFailure', exitCode: 0 }, expected: { kind: 'stay-terminated' } },
  ];
  for (const row of rows) assert.deepEqual(decideRestart({ ...base, ...row.input }), row.expected, row.name);
});

test('goDuration and the CrashLoopBackOff message read as the kubelet writes them', () => {
  assert.deepEqual([10_000, 20_000, 80_000, 160_000, 300_000, 300, 1_500].map(goDuration), ['10s', '20s', '1m20s', '2m40s', '5m0s', '300ms', '1.5s']);
  assert.equal(crashLoopMessage(40_000, 'importer', { name: 'p', namespace: 'ns', uid: 'u-1' }), 'back-off 40s restarting failed container=importer pod=p_ns(u-1)');
});

const container = (name: string, extra: Partial<V1Container> = {}): V1Container => ({ name, image: 'ferry.dev/ferry:v1', ...extra });
const pod = (spec: Partial<NonNullable<V1Pod['spec']>>, status?: V1Pod['status']): V1Pod => ({ metadata: { name: 'p', namespace: 'ns', uid: 'u' }, spec: { containers: [], ...spec }, ...(status ? { status } : {}) });
const t0 = new Date('2026-01-01T00:00:00Z');
const exited = (code: number) => ({ exitCode: code, reason: code ? 'Error' : 'Completed', message: '', startedAt: t0, finishedAt: t0, containerID: 'ferry://1' });
function records(...recs: (Partial<ContainerRecord> & { name: string })[]): Map<string, ContainerRecord> {
  return new Map(recs.map((r) => [r.name, { ...newContainerRecord(r.name, 'ferry.dev/ferry:v1', r.isInit ?? false), ...r }]));
}

test('podPhase: getPhase over init and regular container states', () => {
  const cases: { name: string; spec: Partial<NonNullable<V1Pod['spec']>>; recs: Map<string, ContainerRecord>; terminal?: boolean; expected: string }[] = [
    { name: 'nothing started', spec: { containers: [container('a')] }, recs: records(), expected: 'Pending' },
    { name: 'running', spec: { containers: [container('a')] }, recs: records({ name: 'a', running: { pid: 1, containerID: 'x', startedAt: t0 } }), expected: 'Running' },
    { name: 'succeeded, Never', spec: { restartPolicy: 'Never', containers: [container('a')] }, recs: records({ name: 'a', lastExit: exited(0) }), expected: 'Succeeded' },
    { name: 'failed, Never', spec: { restartPolicy: 'Never', containers: [container('a')] }, recs: records({ name: 'a', lastExit: exited(1) }), expected: 'Failed' },
    { name: 'failed, OnFailure: restarting', spec: { restartPolicy: 'OnFailure', containers: [container('a')] }, recs: records({ name: 'a', lastExit: exited(1) }), expected: 'Running' },
    { name: 'exited, Always: restarting', spec: { restartPolicy: 'Always', containers: [container('a')] }, recs: records({ name: 'a', lastExit: exited(0) }), expected: 'Running' },
    { name: 'crash loop waiting', spec: { restartPolicy: 'Always', containers: [container('a')] }, recs: records({ name: 'a', lastExit: exited(1), waiting: { reason: 'CrashLoopBackOff' } }), expected: 'Running' },
    { name: 'terminal with a failure', spec: { restartPolicy: 'Always', containers: [container('a')] }, recs: records({ name: 'a', lastExit: exited(1) }), terminal: true, expected: 'Failed' },
    { name: 'init running', spec: { initContainers: [container('i')], containers: [container('a')] }, recs: records({ name: 'i', isInit: true, running: { pid: 1, containerID: 'x', startedAt: t0 } }), expected: 'Pending' },
    { name: 'init failed, Never', spec: { restartPolicy: 'Never', initContainers: [container('i')], containers: [container('a')] }, recs: records({ name: 'i', isInit: true, lastExit: exited(1) }), expected: 'Failed' },
    { name: 'init failed, Always: retrying', spec: { restartPolicy: 'Always', initContainers: [container('i')], containers: [container('a')] }, recs: records({ name: 'i', isInit: true, lastExit: exited(1), waiting: { reason: 'CrashLoopBackOff' } }), expected: 'Pending' },
    { name: 'one running, one done', spec: { restartPolicy: 'Never', containers: [container('a'), container('b')] }, recs: records({ name: 'a', lastExit: exited(0) }, { name: 'b', running: { pid: 2, containerID: 'y', startedAt: t0 } }), expected: 'Running' },
  ];
  for (const c of cases) {
    const p = pod(c.spec);
    const status = computePodStatus({ pod: p, records: c.recs, podIP: '127.10.0.2', hostIP: '127.0.0.1', startTime: t0, now: t0, podIsTerminal: c.terminal ?? false });
    assert.equal(status.phase, c.expected, c.name);
    assert.equal(podPhase(p, status.initContainerStatuses ?? [], status.containerStatuses, c.terminal ?? false), c.expected, c.name);
  }
});

test('conditions: kubelet reasons and messages; a terminal phase never changes; transition times kept', () => {
  const spec = { containers: [container('b'), container('a')], initContainers: [container('i')] };
  const p = pod(spec);
  const recs = records({ name: 'i', isInit: true, lastExit: exited(0) }, { name: 'a', running: { pid: 1, containerID: 'x', startedAt: t0 }, ready: false }, { name: 'b', running: { pid: 2, containerID: 'y', startedAt: t0 }, ready: false });
  const status = computePodStatus({ pod: p, records: recs, podIP: '127.10.0.2', hostIP: '127.0.0.1', startTime: t0, now: t0, podIsTerminal: false });
  assert.deepEqual(status.containerStatuses.map((s) => s.name), ['a', 'b']);
  assert.deepEqual(containersReadyCondition(p, status.containerStatuses, 'Running'), { type: 'ContainersReady', status: 'False', reason: 'ContainersNotReady', message: 'containers with unready status: [b a]' });
  assert.deepEqual(initializedCondition(p, status.initContainerStatuses ?? [], 'Running'), { type: 'Initialized', status: 'True' });
  assert.deepEqual(initializedCondition(p, [], 'Pending'), { type: 'Initialized', status: 'False', reason: 'ContainersNotInitialized', message: 'containers with unknown status: [i]' });
  assert.equal(status.conditions.find((c) => c.type === 'Ready')?.reason, 'ContainersNotReady');
  const later = new Date('2026-01-01T00:05:00Z');
  const old = pod(spec, { phase: 'Failed', conditions: [{ type: 'Ready', status: 'False', lastTransitionTime: t0 }, { type: 'DisruptionTarget', status: 'True' }] });
  const next = computePodStatus({ pod: old, records: recs, podIP: '127.10.0.2', hostIP: '127.0.0.1', startTime: t0, now: later, podIsTerminal: false });
  assert.equal(next.phase, 'Failed');
  assert.equal(next.conditions.find((c) => c.type === 'Ready')?.lastTransitionTime, '2026-01-01T00:00:00Z');
  assert.equal(next.conditions.find((c) => c.type === 'ContainersReady')?.lastTransitionTime, '2026-01-01T00:05:00Z');
  assert.ok(next.conditions.some((c) => c.type === 'DisruptionTarget'), 'conditions the kubelet does not own are kept');
});

test('container statuses: waiting reasons before start, lastState after a restart, imageID only once run', () => {
  const p = pod({ initContainers: [container('i')], containers: [container('a')] });
  const before = computePodStatus({ pod: p, records: records({ name: 'i', isInit: true }, { name: 'a' }), podIP: undefined, hostIP: '127.0.0.1', startTime: t0, now: t0, podIsTerminal: false });
  assert.deepEqual(before.initContainerStatuses?.[0]?.state, { waiting: { reason: 'ContainerCreating' } });
  assert.deepEqual(before.containerStatuses[0]?.state, { waiting: { reason: 'PodInitializing' } });
  assert.equal(before.containerStatuses[0]?.imageID, '');
  assert.equal(before.podIP, undefined);
  const restarted = records({ name: 'i', isInit: true, lastExit: exited(0) }, { name: 'a', restartCount: 2, running: { pid: 9, containerID: 'ferry://9', startedAt: t0 }, lastExit: exited(1), ready: true });
  const s = computePodStatus({ pod: p, records: restarted, podIP: '127.10.0.2', hostIP: '127.0.0.1', startTime: t0, now: t0, podIsTerminal: false });
  const a = s.containerStatuses[0];
  assert.equal(a?.restartCount, 2);
  assert.equal(a?.lastState.terminated?.exitCode, 1);
  assert.equal(a?.state.running?.startedAt, '2026-01-01T00:00:00Z');
  assert.equal(a?.imageID, 'ferry://ferry.dev/ferry');
  assert.equal(s.initContainerStatuses?.[0]?.ready, true);
});

test('planPodStep: init containers in order, then all regular ones; image and back-off waits', () => {
  const spec = { restartPolicy: 'Always' as const, initContainers: [container('i1'), container('i2')], containers: [container('a'), container('b', { image: 'nginx' })] };
  const plan = (recs: Map<string, ContainerRecord>, nowMs = 0) => planPodStep({ pod: pod(spec), records: recs, nowMs, policy, workerImage: 'ferry.dev/ferry:latest' });
  const names = (p: ReturnType<typeof plan>) => p.actions.map((a) => (a.kind === 'start' ? `start:${a.container.name}` : `wait:${a.container}:${a.reason}`));
  assert.deepEqual(names(plan(records())), ['start:i1']);
  assert.deepEqual(names(plan(records({ name: 'i1', isInit: true, running: { pid: 1, containerID: 'x', startedAt: t0 } }))), []);
  assert.deepEqual(names(plan(records({ name: 'i1', isInit: true, lastExit: exited(0) }))), ['start:i2']);
  assert.deepEqual(names(plan(records({ name: 'i1', isInit: true, lastExit: exited(0) }, { name: 'i2', isInit: true, lastExit: exited(0) }))), ['start:a', 'wait:b:ErrImagePull']);
  const inits = [{ name: 'i1', isInit: true, lastExit: exited(0) }, { name: 'i2', isInit: true, lastExit: exited(0) }];
  assert.deepEqual(names(plan(records(...inits, { name: 'b', waiting: { reason: 'ErrImagePull', sinceMs: 0 } }), 9_999)).at(-1), 'wait:b:ErrImagePull');
  assert.deepEqual(names(plan(records(...inits, { name: 'b', waiting: { reason: 'ErrImagePull', sinceMs: 0 } }), 10_000)).at(-1), 'wait:b:ImagePullBackOff');
  const failing = plan(records({ name: 'i1', isInit: true, lastExit: exited(1), backoff: { delayMs: 10_000, lastUpdateMs: t0.getTime() } }), t0.getTime() + 2_000);
  assert.deepEqual(names(failing), ['wait:i1:CrashLoopBackOff']);
  const never = planPodStep({ pod: pod({ ...spec, restartPolicy: 'Never' }), records: records({ name: 'i1', isInit: true, lastExit: exited(1) }), nowMs: 0, policy, workerImage: 'ferry.dev/ferry' });
  assert.deepEqual(never, { actions: [], initFailed: true });
});

test('resolveEnv: envFrom then env, $(VAR) expansion, the kubelet messages for what is missing', () => {
  const p: V1Pod = { metadata: { name: 'imp', namespace: 'ns', uid: 'u1', labels: { app: 'x' } }, spec: { nodeName: 'n1', containers: [] } };
  const c = container('c', {
    envFrom: [{ configMapRef: { name: 'cm' }, prefix: 'CM_' }, { secretRef: { name: 'missing', optional: true } }],
    env: [
      { name: 'A', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } },
      { name: 'B', value: '$(A)-$(CM_x)-$$(A)-$(NOPE)' },
      { name: 'IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
      { name: 'APP', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
      { name: 'OPT', valueFrom: { configMapKeyRef: { name: 'cm', key: 'absent', optional: true } } },
    ],
  });
  const sources = { secrets: new Map([['s', { k: 'secret' }], ['missing', undefined]]), configMaps: new Map([['cm', { x: '1' }]]) };
  assert.deepEqual(envReferences(c), { secrets: ['missing', 's'], configMaps: ['cm'] });
  assert.deepEqual(resolveEnv({ pod: p, container: c, sources, podIP: '127.10.0.9', hostIP: '127.0.0.1' }), { ok: true, env: { CM_x: '1', A: 'secret', B: 'secret-1-$(A)-$(NOPE)', IP: '127.10.0.9', APP: 'x' } });
  const missingKey = container('c', { env: [{ name: 'A', valueFrom: { secretKeyRef: { name: 's', key: 'other' } } }] });
  assert.deepEqual(resolveEnv({ pod: p, container: missingKey, sources, podIP: '', hostIP: '' }), { ok: false, message: "couldn't find key other in Secret ns/s" });
  const missingMap = container('c', { env: [{ name: 'A', valueFrom: { configMapKeyRef: { name: 'gone', key: 'k' } } }] });
  assert.deepEqual(resolveEnv({ pod: p, container: missingMap, sources, podIP: '', hostIP: '' }), { ok: false, message: 'configmap "gone" not found' });
});

test('resolveArgv: ferry and node run on this Node; the image entrypoint is ferry; $(VAR) expands', () => {
  const env = { URL: 'http://x' };
  assert.deepEqual(resolveArgv({ command: ['ferry', 'worker', 'import'], env, execPath: '/n' }), ['/n', ferryCliPath, 'worker', 'import']);
  assert.deepEqual(resolveArgv({ command: ['/usr/bin/ferry'], args: ['--url', '$(URL)'], env, execPath: '/n' }), ['/n', ferryCliPath, '--url', 'http://x']);
  assert.deepEqual(resolveArgv({ args: ['worker'], env, execPath: '/n' }), ['/n', ferryCliPath, 'worker']);
  assert.deepEqual(resolveArgv({ command: ['node', '-e', '1'], env, execPath: '/n' }), ['/n', '-e', '1']);
  assert.deepEqual(resolveArgv({ command: ['sh', '-c', 'true'], env, execPath: '/n' }), ['sh', '-c', 'true']);
  assert.equal(expandReferences('$$$(URL)$', env), '$http://x$');
});

test('images: the worker image with any tag or digest runs; others get a clear message', () => {
  const rows: [string, boolean][] = [
    ['ferry.dev/ferry:latest', true],
    ['ferry.dev/ferry:v0.3.1', true],
    ['ferry.dev/ferry@sha256:abc', true],
    ['ferry.dev/ferry', true],
    ['ferry.dev/ferry-importer:latest', false],
    ['nginx', false],
    ['localhost:5000/ferry.dev/ferry:latest', false],
  ];
  for (const [image, ok] of rows) assert.equal(isWorkerImage(image, 'ferry.dev/ferry:latest'), ok, image);
  assert.equal(imageNotRunnableMessage('nginx', 'ferry.dev/ferry:latest'), `the embedded node runs only Ferry's worker image (ferry.dev/ferry:latest); image "nginx" cannot be pulled here`);
});

test('PodIpAllocator: distinct addresses in 127.10.0.0/16, preferred kept, no quick reuse', () => {
  const ips = new PodIpAllocator();
  assert.equal(ips.allocate('a'), '127.10.0.2');
  assert.equal(ips.allocate('b'), '127.10.0.3');
  assert.equal(ips.allocate('a'), '127.10.0.2');
  ips.release('a');
  assert.equal(ips.allocate('c'), '127.10.0.4');
  assert.equal(ips.allocate('d', '127.10.0.2'), '127.10.0.2');
  assert.equal(ips.allocate('e', '127.10.0.3'), '127.10.0.5', 'a taken preferred address is not shared');
  assert.equal(ips.allocate('f', '10.0.0.1'), '127.10.0.6', 'an address outside the range is not used');
  assert.equal(ipFromOffset(0x1ff), '127.10.1.255');
  assert.equal(offsetFromIp('127.10.1.255'), 0x1ff);
  assert.equal(offsetFromIp('127.10.0.1'), undefined);
  // Clusters on one machine start in a /24 block of their own, stable for their state dir.
  const block = addressBlockFor('/var/lib/ferry/a');
  assert.equal(block, addressBlockFor('/var/lib/ferry/a'));
  assert.ok(block >= 1 && block <= 254);
  assert.notEqual(addressBlockFor('/tmp/ferry-node-test-1'), addressBlockFor('/tmp/ferry-node-test-2'));
  assert.equal(new PodIpAllocator((7 << 8) | 2).allocate('x'), '127.10.7.2');
});

test('readiness: thresholds of successes and failures', () => {
  const t = probeThresholds({ successThreshold: 2, failureThreshold: 2 });
  const run = (results: boolean[]) => results.reduce((s, r) => nextProbeState(s, r, t), initialProbeState).ready;
  assert.equal(run([true]), false);
  assert.equal(run([true, true]), true);
  assert.equal(run([true, true, false]), true);
  assert.equal(run([true, true, false, false]), false);
  assert.equal(run([true, false, true]), false);
  assert.deepEqual(probeThresholds({}), { initialDelayMs: 0, periodMs: 10_000, timeoutMs: 1_000, successThreshold: 1, failureThreshold: 3 });
});

test('buildPathMap: mounts (with subPath), devices and the termination message file', () => {
  const c = container('c', {
    volumeMounts: [{ name: 'data', mountPath: '/data' }, { name: 'scratch', mountPath: '/scratch', subPath: 'tmp' }],
    volumeDevices: [{ name: 'block', devicePath: '/dev/cdi-block-volume' }],
    terminationMessagePath: '/dev/msg',
  });
  const hostPaths = new Map([['data', '/s/volumes/pv-1'], ['scratch', '/s/pods/p/volumes/scratch'], ['block', '/s/volumes/pv-2']]);
  assert.deepEqual(buildPathMap(c, hostPaths, '/s/pods/p/c/0.termination-log'), {
    ok: true,
    map: { '/data': '/s/volumes/pv-1', '/scratch': '/s/pods/p/volumes/scratch/tmp', '/dev/cdi-block-volume': '/s/volumes/pv-2', '/dev/msg': '/s/pods/p/c/0.termination-log' },
  });
  assert.equal(buildPathMap(container('c', { volumeMounts: [{ name: 'x', mountPath: '/x' }] }), hostPaths, '/t').ok, false);
});

test('sameStatus: times compared at seconds whatever their form; empty and absent alike', () => {
  assert.ok(sameStatus({ t: new Date('2026-01-01T00:00:00.123Z'), l: {} }, { t: '2026-01-01T00:00:00Z' }));
  assert.ok(!sameStatus({ phase: 'Running' }, { phase: 'Pending' }));
});
