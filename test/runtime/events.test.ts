// Events on the real API server: the recorder aggregates repeats of the same (object, reason,
// message) into one Event whose count and lastTimestamp grow, as client-go's recorder does; a
// different reason is another Event; `kubectl describe` lists an object's events with the
// repeat count, and the field selectors kubectl uses find them.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CoreV1Api } from '@kubernetes/client-node';
import { EventRecorder } from '../../src/runtime/events.ts';
import { startTestServer, type TestServer } from '../cluster/apiserver/harness.ts';

let t: TestServer;
let now = Date.parse('2026-12-05T10:00:00Z');

before(async () => {
  t = await startTestServer();
});

after(async () => {
  await t?.close();
});

test('repeats are one Event with a growing count; kubectl describe shows them', async () => {
  const core = t.kubeconfig.makeApiClient(CoreV1Api);
  const cm = await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'evented' }, data: { a: '1' } } });
  const recorder = new EventRecorder({ kubeConfig: t.kubeconfig, component: 'ferry-test', clock: { now: () => now, setTimer: (fn, ms) => { const h = setTimeout(fn, ms); return () => clearTimeout(h); } } });
  const subject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: cm.metadata };
  for (let i = 0; i < 3; i++) {
    await recorder.record(subject, 'Warning', 'SyncFailed', 'the same thing failed again');
    now += 5_000;
  }
  await recorder.record(subject, 'Normal', 'Synced', 'it worked in the end');

  const list = await core.listNamespacedEvent({ namespace: 'default', fieldSelector: 'involvedObject.kind=ConfigMap,involvedObject.name=evented' });
  assert.equal(list.items.length, 2, 'one Event per reason and message');
  const failed = list.items.find((e) => e.reason === 'SyncFailed');
  assert.equal(failed?.count, 3);
  assert.equal(failed?.type, 'Warning');
  assert.equal(failed?.involvedObject.uid, cm.metadata?.uid);
  assert.equal(failed?.source?.component, 'ferry-test');
  assert.equal(new Date(failed!.firstTimestamp!).toISOString(), '2026-12-05T10:00:00.000Z');
  assert.equal(new Date(failed!.lastTimestamp!).toISOString(), '2026-12-05T10:00:10.000Z');

  const described = await t.kubectl(['describe', 'configmap', 'evented']);
  assert.equal(described.code, 0, described.stderr);
  assert.match(described.stdout, /^Events:\n\s+Type\s+Reason\s+Age\s+From\s+Message/m);
  assert.match(described.stdout, /Warning\s+SyncFailed\s+\S+ \(x3 over \S+\)\s+ferry-test\s+the same thing failed again/);
  assert.match(described.stdout, /Normal\s+Synced\s+\S+\s+ferry-test\s+it worked in the end/);
});
