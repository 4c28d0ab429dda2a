// The generated CRDs on a real API server (the embedded one), driven by kubectl: they install,
// the server validates what the schemas say, and `kubectl get dv` shows CDI's columns.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../cluster/apiserver/harness.ts';

const crdDir = join(import.meta.dirname, '..', '..', 'deploy', 'crds');
const dataVolume = (name: string, spec: Record<string, unknown>) => ({
  apiVersion: 'cdi.kubevirt.io/v1beta1', kind: 'DataVolume', metadata: { name, namespace: 'default' }, spec,
});
const blank = { source: { blank: {} }, storage: { resources: { requests: { storage: '1Gi' } } } };

describe('deploy/crds on the embedded API server', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
    const res = await t.kubectl(['apply', '-f', crdDir]);
    assert.equal(res.code, 0, res.stderr);
  });
  after(async () => {
    await t.close();
  });

  test('a DataVolume is accepted and listed by its short names with Phase, Progress, Restarts, Age', async () => {
    const created = await t.kubectl(['create', '-f', '-'], JSON.stringify(dataVolume('dv1', blank)));
    assert.equal(created.code, 0, created.stderr);
    const current = await t.http('GET', '/apis/cdi.kubevirt.io/v1beta1/namespaces/default/datavolumes/dv1');
    const status = { phase: 'ImportInProgress', progress: '45.20%', restartCount: 2 };
    const put = await t.http('PUT', '/apis/cdi.kubevirt.io/v1beta1/namespaces/default/datavolumes/dv1/status', { body: { ...current.json, status } });
    assert.equal(put.status, 200, put.text);
    for (const name of ['dv', 'dvs', 'datavolumes']) {
      const got = await t.kubectl(['get', name]);
      assert.equal(got.code, 0, got.stderr);
      const [header, row] = got.stdout.trim().split('\n').map((line) => line.trim().split(/\s+/));
      assert.deepEqual(header, ['NAME', 'PHASE', 'PROGRESS', 'RESTARTS', 'AGE']);
      assert.deepEqual(row?.slice(0, 4), ['dv1', 'ImportInProgress', '45.20%', '2']);
    }
  });

  test('the server refuses what the schema forbids', async () => {
    const table: [string, Record<string, unknown>, RegExp][] = [
      ['dv-bad-content', { ...blank, contentType: 'tarball' }, /contentType/],
      ['dv-bad-prealloc', { ...blank, preallocation: 'yes' }, /preallocation/],
      ['dv-bad-size', { source: { blank: {} }, storage: { resources: { requests: { storage: 'lots' } } } }, /storage/],
    ];
    for (const [name, spec, field] of table) {
      const res = await t.kubectl(['create', '-f', '-'], JSON.stringify(dataVolume(name, spec)));
      assert.notEqual(res.code, 0, name);
      assert.match(res.stderr, field, name);
    }
  });

  test('every kind is served', async () => {
    const res = await t.kubectl(['get', 'storageprofiles,cdiconfigs,cdis,datasources,objecttransfers,volumeimportsources,volumeuploadsources,volumeclonesources', '-A']);
    assert.equal(res.code, 0, res.stderr);
  });
});
