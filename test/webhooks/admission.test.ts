// The admission webhooks over HTTPS, served by the real controller against the real embedded
// API server: AdmissionReviews are POSTed as the API server would post them (the embedded
// server does not call webhooks yet), verified with the CA the controller registered.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Agent, request } from 'undici';
import { ensureCertificateSecret, type AdmissionReview } from '../../src/webhooks/index.ts';
import type { FerryController } from '../../src/controllers/index.ts';
import { startTestCluster, waitFor, type TestCluster } from '../controllers/harness.ts';

let cluster: TestCluster;
let controller: FerryController;
let agent: Agent;

before(async () => {
  cluster = await startTestCluster({ node: false });
  controller = await cluster.startController({ webhook: { port: 0, registration: 'url' } });
  agent = new Agent({ connect: { ca: controller.webhook!.caPem } });
});

after(async () => {
  await agent?.close();
  await cluster?.close();
});

let uid = 0;

async function review(path: string, operation: 'CREATE' | 'UPDATE', object: unknown, oldObject?: unknown): Promise<NonNullable<AdmissionReview['response']>> {
  const body: AdmissionReview = {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: `review-${++uid}`,
      kind: { group: 'cdi.kubevirt.io', version: 'v1beta1', kind: 'DataVolume' },
      resource: { group: 'cdi.kubevirt.io', version: 'v1beta1', resource: 'datavolumes' },
      namespace: 'default',
      operation,
      object,
      ...(oldObject ? { oldObject } : {}),
    },
  };
  const res = await request(`${controller.webhook!.url}${path}`, {
    method: 'POST', dispatcher: agent, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  assert.equal(res.statusCode, 200);
  const answer = (await res.body.json()) as AdmissionReview;
  assert.equal(answer.response?.uid, body.request?.uid);
  return answer.response!;
}

const validate = (o: unknown, old?: unknown) => review('/datavolume-validate', old ? 'UPDATE' : 'CREATE', o, old);

function dv(name: string, spec: Record<string, unknown>, annotations?: Record<string, string>) {
  return { apiVersion: 'cdi.kubevirt.io/v1beta1', kind: 'DataVolume', metadata: { name, namespace: 'default', ...(annotations ? { annotations } : {}) }, spec };
}
const blankPvc = { source: { blank: {} }, pvc: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } };

async function setGates(gates: string[]): Promise<void> {
  await cluster.kubectlOk(['patch', 'cdi', 'cdi', '--type', 'merge', '-p', JSON.stringify({ spec: { config: { featureGates: gates } } })]);
}

test('the controller registered both webhook configurations with its CA and URL', async () => {
  const v = JSON.parse(await cluster.kubectlOk(['get', 'validatingwebhookconfiguration', 'cdi-api-datavolume-validate', '-o', 'json']));
  const hook = v.webhooks[0];
  assert.equal(hook.name, 'datavolume-validate.cdi.kubevirt.io');
  assert.equal(hook.clientConfig.url, `${controller.webhook!.url}/datavolume-validate`);
  assert.equal(Buffer.from(hook.clientConfig.caBundle, 'base64').toString(), controller.webhook!.caPem);
  assert.deepEqual(hook.rules[0].operations, ['CREATE', 'UPDATE']);
  const m = JSON.parse(await cluster.kubectlOk(['get', 'mutatingwebhookconfiguration', 'cdi-api-datavolume-mutate', '-o', 'json']));
  assert.equal(m.webhooks[0].clientConfig.url, `${controller.webhook!.url}/datavolume-mutate`);
});

test('validation answers with CDI messages', async () => {
  const table: [string, ReturnType<typeof dv>, string | undefined][] = [
    ['a valid blank DataVolume', dv('ok', blankPvc), undefined],
    ['no source', dv('nosrc', { pvc: blankPvc.pvc }), ' Data volume should have either Source or SourceRef, or be externally populated'],
    ['pvc and storage', dv('both', { ...blankPvc, storage: {} }), ' Duplicate storage definition, both target storage and target pvc defined'],
    ['two access modes', dv('modes', { source: { blank: {} }, pvc: { accessModes: ['ReadWriteOnce', 'ReadWriteMany'], resources: { requests: { storage: '1Gi' } } } }), ' PVC multiple accessModes'],
    ['no size for blank', dv('nosize', { source: { blank: {} }, pvc: { accessModes: ['ReadWriteOnce'] } }), ' PVC size is missing'],
    ['a name over 253 characters', dv('a'.repeat(254), blankPvc), ' Name cannot be longer than 253 characters'],
  ];
  for (const [what, object, message] of table) {
    const answer = await validate(object);
    assert.equal(answer.allowed, message === undefined, what);
    if (message !== undefined) {
      assert.equal(answer.status?.message, message, what);
      assert.equal(answer.status?.code, 422, what);
    }
  }
});

test('the spec is immutable on update', async () => {
  const old = dv('imm', blankPvc);
  const changed = dv('imm', { ...blankPvc, pvc: { ...blankPvc.pvc, resources: { requests: { storage: '2Gi' } } } });
  const answer = await validate(changed, old);
  assert.equal(answer.allowed, false);
  assert.equal(answer.status?.message, ' Cannot update DataVolume Spec');
  assert.equal((await validate(dv('imm', blankPvc, { a: 'b' }), old)).allowed, true);
});

test('adoption walkthrough at admission: existing claim refused unless the annotation or the gate allow it', async () => {
  await cluster.kubectlOk(['apply', '-f', '-'], `apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: dv1
  namespace: default
spec:
  accessModes: [ReadWriteOnce]
  storageClassName: ferry-hostpath
  resources:
    requests:
      storage: 16Mi
`);
  const refused = await validate(dv('dv1', blankPvc));
  assert.equal(refused.allowed, false);
  assert.equal(refused.status?.message, ' Destination PVC default/dv1 already exists');
  assert.equal((await validate(dv('dv1', blankPvc, { 'cdi.kubevirt.io/allowClaimAdoption': 'true' }))).allowed, true);
  await setGates(['HonorWaitForFirstConsumer', 'DataVolumeClaimAdoption']);
  await waitFor('the gate to be in force', async () => (await validate(dv('dv1', blankPvc))).allowed);
  const overridden = await validate(dv('dv1', blankPvc, { 'cdi.kubevirt.io/allowClaimAdoption': 'false' }));
  assert.equal(overridden.allowed, false);
  assert.equal(overridden.status?.message, ' Destination PVC default/dv1 already exists');
  await setGates(['HonorWaitForFirstConsumer']);
});

test('mutation marks the DataVolume for garbage collection unless the TTL disables it', async () => {
  const answer = await review('/datavolume-mutate', 'CREATE', dv('m', blankPvc));
  assert.equal(answer.allowed, true);
  assert.equal(answer.patchType, 'JSONPatch');
  assert.deepEqual(JSON.parse(Buffer.from(answer.patch!, 'base64').toString()), [
    { op: 'add', path: '/metadata/annotations', value: { 'cdi.kubevirt.io/storage.deleteAfterCompletion': 'true' } },
  ]);
  const kept = await review('/datavolume-mutate', 'CREATE', dv('m', blankPvc, { 'cdi.kubevirt.io/storage.deleteAfterCompletion': 'false' }));
  assert.equal(kept.patch, undefined);
  await cluster.kubectlOk(['patch', 'cdiconfig', 'config', '--type', 'merge', '-p', '{"spec":{"dataVolumeTTLSeconds":-1}}']);
  const off = await review('/datavolume-mutate', 'CREATE', dv('m', blankPvc));
  assert.equal(off.patch, undefined);
});

test('a malformed review is answered 400 with the reason', async () => {
  const res = await request(`${controller.webhook!.url}/datavolume-validate`, { method: 'POST', dispatcher: agent, body: '{"kind":"Nope"}' });
  assert.equal(res.statusCode, 400);
  assert.match(await res.body.text(), /AdmissionReview/);
});

test('replicas share the webhook certificate kept in a Secret (first one creates it)', async () => {
  const hosts = ['ferry-webhook.ferry-system.svc'];
  const [one, two] = await Promise.all([
    ensureCertificateSecret(cluster.core, 'ferry-system', 'ferry-webhook-tls', hosts),
    ensureCertificateSecret(cluster.core, 'ferry-system', 'ferry-webhook-tls', hosts),
  ]);
  assert.equal(one.caPem, two.caPem);
  assert.equal(one.keyPem, two.keyPem);
  const again = await ensureCertificateSecret(cluster.core, 'ferry-system', 'ferry-webhook-tls', hosts);
  assert.equal(again.certPem, one.certPem);
  const secret = await cluster.core.readNamespacedSecret({ namespace: 'ferry-system', name: 'ferry-webhook-tls' });
  assert.equal(secret.type, 'kubernetes.io/tls');
});

test('the deploy/ manifests (namespace, RBAC, settings, webhooks) are accepted by the API server', async () => {
  // In a cluster these are applied before the controller registers itself; here the embedded
  // registration (clientConfig.url) is removed first, as apply cannot turn a url into a service.
  await cluster.kubectlOk(['delete', 'validatingwebhookconfiguration', 'cdi-api-datavolume-validate']);
  await cluster.kubectlOk(['delete', 'mutatingwebhookconfiguration', 'cdi-api-datavolume-mutate']);
  const files = ['namespace', 'rbac', 'cdi-defaults', 'webhooks'].flatMap((f) => ['-f', `deploy/${f}.yaml`]);
  await cluster.kubectlOk(['apply', ...files]);
  const role = JSON.parse(await cluster.kubectlOk(['get', 'clusterrole', 'ferry-controller', '-o', 'json']));
  assert.ok(role.rules.some((r: { resources: string[] }) => r.resources.includes('datavolumes/status')));
  const hook = JSON.parse(await cluster.kubectlOk(['get', 'validatingwebhookconfiguration', 'cdi-api-datavolume-validate', '-o', 'json']));
  assert.deepEqual(hook.webhooks[0].clientConfig.service, { namespace: 'ferry-system', name: 'ferry-webhook', path: '/datavolume-validate', port: 443 });
});
