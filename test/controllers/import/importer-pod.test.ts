// renderImporterPod against the shape of CDI's importer pod (makeImporterPodSpec/makeImportEnv).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { V1EnvVar, V1PersistentVolumeClaim } from '@kubernetes/client-node';
import type { DataVolume } from '../../../src/api/index.ts';
import { importSourceOf, isInsecureRegistry, renderImporterPod, type ImporterPodInput } from '../../../src/controllers/import/index.ts';
import { renderScratchClaim } from '../../../src/controllers/import/scratch.ts';

function dv(source: DataVolume['spec']['source']): DataVolume {
  return { apiVersion: 'cdi.kubevirt.io/v1beta1', kind: 'DataVolume', metadata: { name: 'disk', namespace: 'vms', uid: 'dv-uid' }, spec: { source } };
}

function claim(opts: { block?: boolean; annotations?: Record<string, string>; labels?: Record<string, string> } = {}): V1PersistentVolumeClaim {
  return {
    metadata: {
      name: 'disk',
      namespace: 'vms',
      uid: 'pvc-uid',
      labels: opts.labels ?? { app: 'containerized-data-importer' },
      annotations: { 'cdi.kubevirt.io/storage.contentType': 'kubevirt', ...(opts.annotations ?? {}) },
      ownerReferences: [{ apiVersion: 'cdi.kubevirt.io/v1beta1', kind: 'DataVolume', name: 'disk', uid: 'dv-uid', controller: true }],
    },
    spec: { resources: { requests: { storage: '1Gi' } }, ...(opts.block ? { volumeMode: 'Block' } : {}) },
  };
}

function input(source: DataVolume['spec']['source'], extra: Partial<ImporterPodInput> = {}, pvc = claim()): ImporterPodInput {
  const spec = importSourceOf(dv(source));
  assert.ok(spec);
  return { pvc, source: spec, workerImage: 'ferry.dev/ferry:latest', imagePullPolicy: 'IfNotPresent', filesystemOverhead: '0.055', ...extra };
}

const envOf = (vars: V1EnvVar[] | undefined): Record<string, V1EnvVar> => Object.fromEntries((vars ?? []).map((v) => [v.name, v]));
const valueOf = (vars: V1EnvVar[] | undefined, name: string): string | undefined => envOf(vars)[name]?.value;

test('an http importer pod has CDI\'s name, labels, owner, restart policy, port, termination message and volume', () => {
  const pod = renderImporterPod(input({ http: { url: 'https://example.com/disk.qcow2' } }));
  assert.equal(pod.metadata?.name, 'importer-disk');
  assert.equal(pod.metadata?.namespace, 'vms');
  assert.deepEqual(pod.metadata?.labels, { app: 'containerized-data-importer', 'cdi.kubevirt.io': 'importer', 'prometheus.cdi.kubevirt.io': 'true' });
  assert.deepEqual(pod.metadata?.ownerReferences, [
    { apiVersion: 'v1', kind: 'PersistentVolumeClaim', name: 'disk', uid: 'pvc-uid', blockOwnerDeletion: true, controller: true },
  ]);
  assert.equal(pod.spec?.restartPolicy, 'OnFailure');
  const c = pod.spec?.containers[0];
  assert.equal(c?.name, 'importer');
  assert.deepEqual(c?.command, ['ferry', 'worker', 'import']);
  assert.deepEqual(c?.ports, [{ name: 'metrics', containerPort: 8443, protocol: 'TCP' }]);
  assert.equal(c?.terminationMessagePath, '/dev/termination-log');
  assert.equal(c?.terminationMessagePolicy, 'FallbackToLogsOnError');
  assert.deepEqual(c?.volumeMounts, [{ name: 'cdi-data-vol', mountPath: '/data' }]);
  assert.equal(c?.volumeDevices, undefined);
  assert.deepEqual(pod.spec?.volumes, [{ name: 'cdi-data-vol', persistentVolumeClaim: { claimName: 'disk', readOnly: false } }]);
  assert.equal(c?.securityContext?.runAsNonRoot, true);
  assert.equal(pod.spec?.securityContext?.fsGroup, 107);
});

test('the importer env is CDI\'s makeImportEnv, in its order', () => {
  const pod = renderImporterPod(input({ http: { url: 'https://example.com/disk.qcow2' } }, { importProxy: { HTTPProxy: 'http://proxy:3128', noProxy: '.cluster.local' } }));
  const names = pod.spec?.containers[0]?.env?.map((e) => e.name);
  assert.deepEqual(names, [
    'IMPORTER_SOURCE', 'IMPORTER_ENDPOINT', 'IMPORTER_CONTENTTYPE', 'IMPORTER_IMAGE_SIZE', 'OWNER_UID', 'FILESYSTEM_OVERHEAD',
    'INSECURE_TLS', 'IMPORTER_DISK_ID', 'IMPORTER_UUID', 'IMPORTER_PULL_METHOD', 'IMPORTER_BACKING_FILE', 'IMPORTER_THUMBPRINT',
    'http_proxy', 'https_proxy', 'no_proxy', 'IMPORTER_CURRENT_CHECKPOINT', 'IMPORTER_PREVIOUS_CHECKPOINT',
    'IMPORTER_FINAL_CHECKPOINT', 'PREALLOCATION', 'CACHE_MODE',
  ]);
  const env = pod.spec?.containers[0]?.env;
  assert.equal(valueOf(env, 'IMPORTER_SOURCE'), 'http');
  assert.equal(valueOf(env, 'IMPORTER_ENDPOINT'), 'https://example.com/disk.qcow2');
  assert.equal(valueOf(env, 'IMPORTER_CONTENTTYPE'), 'kubevirt');
  assert.equal(valueOf(env, 'IMPORTER_IMAGE_SIZE'), '1Gi');
  // CDI's getOwnerUID: the claim's one owner, the DataVolume (the progress metric's label).
  assert.equal(valueOf(env, 'OWNER_UID'), 'dv-uid');
  assert.equal(valueOf(env, 'FILESYSTEM_OVERHEAD'), '0.055');
  assert.equal(valueOf(env, 'INSECURE_TLS'), 'false');
  assert.equal(valueOf(env, 'http_proxy'), 'http://proxy:3128');
  assert.equal(valueOf(env, 'https_proxy'), '');
  assert.equal(valueOf(env, 'no_proxy'), '.cluster.local');
  assert.equal(valueOf(env, 'PREALLOCATION'), 'false');
});

test('secretRef, certConfigMap, extraHeaders, secretExtraHeaders and checksum of an http source', () => {
  const pod = renderImporterPod(input({
    http: {
      url: 'https://example.com/disk.img',
      secretRef: 'creds',
      certConfigMap: 'ca',
      extraHeaders: ['X-First: 1', 'X-Second: 2'],
      secretExtraHeaders: ['hdr-a', 'hdr-b'],
      checksum: 'sha256:abcd',
    },
  }));
  const c = pod.spec?.containers[0];
  const env = envOf(c?.env);
  assert.deepEqual(env['IMPORTER_ACCESS_KEY_ID'], { name: 'IMPORTER_ACCESS_KEY_ID', valueFrom: { secretKeyRef: { name: 'creds', key: 'accessKeyId' } } });
  assert.deepEqual(env['IMPORTER_SECRET_KEY'], { name: 'IMPORTER_SECRET_KEY', valueFrom: { secretKeyRef: { name: 'creds', key: 'secretKey' } } });
  assert.equal(env['IMPORTER_CERT_DIR']?.value, '/certs');
  assert.equal(env['IMPORTER_EXTRA_HEADER_0']?.value, 'X-First: 1');
  assert.equal(env['IMPORTER_EXTRA_HEADER_1']?.value, 'X-Second: 2');
  assert.equal(env['IMPORTER_CHECKSUM']?.value, 'sha256:abcd');
  assert.deepEqual(c?.volumeMounts, [
    { name: 'cdi-data-vol', mountPath: '/data' },
    { name: 'cdi-cert-vol', mountPath: '/certs' },
    { name: 'cdi-secret-extra-headers-vol-0', mountPath: '/extraheaders/0' },
    { name: 'cdi-secret-extra-headers-vol-1', mountPath: '/extraheaders/1' },
  ]);
  assert.deepEqual(pod.spec?.volumes?.slice(1), [
    { name: 'cdi-cert-vol', configMap: { name: 'ca' } },
    { name: 'cdi-secret-extra-headers-vol-0', secret: { secretName: 'hdr-a' } },
    { name: 'cdi-secret-extra-headers-vol-1', secret: { secretName: 'hdr-b' } },
  ]);
});

test('a Block claim is a volume device at /dev/cdi-block-volume with no filesystem overhead', () => {
  const pod = renderImporterPod(input({ http: { url: 'http://h/disk.img' } }, {}, claim({ block: true })));
  const c = pod.spec?.containers[0];
  assert.deepEqual(c?.volumeDevices, [{ name: 'cdi-data-vol', devicePath: '/dev/cdi-block-volume' }]);
  assert.equal(c?.volumeMounts, undefined);
  assert.equal(valueOf(c?.env, 'FILESYSTEM_OVERHEAD'), '0');
});

test('gcs credentials are a mounted Secret named by GOOGLE_APPLICATION_CREDENTIALS, not key refs', () => {
  const pod = renderImporterPod(input({ gcs: { url: 'gs://bucket/disk.img', secretRef: 'gcs-creds' } }));
  const c = pod.spec?.containers[0];
  const env = envOf(c?.env);
  assert.equal(env['IMPORTER_SOURCE']?.value, 'gcs');
  assert.equal(env['IMPORTER_ACCESS_KEY_ID'], undefined);
  assert.equal(env['GOOGLE_APPLICATION_CREDENTIALS']?.value, '/google/credentials.json');
  assert.deepEqual(c?.volumeMounts?.[1], { name: 'cdi-secret-vol', mountPath: '/google' });
  assert.deepEqual(pod.spec?.volumes?.[1], { name: 'cdi-secret-vol', secret: { secretName: 'gcs-creds' } });
});

test('s3 and registry sources; a registry in insecureRegistries gets INSECURE_TLS=true', () => {
  const s3 = renderImporterPod(input({ s3: { url: 'http://s3.local/bucket/disk.img', secretRef: 's3-creds' } }));
  assert.equal(valueOf(s3.spec?.containers[0]?.env, 'IMPORTER_SOURCE'), 's3');
  assert.ok(envOf(s3.spec?.containers[0]?.env)['IMPORTER_SECRET_KEY']?.valueFrom);
  const registry = renderImporterPod(input(
    { registry: { url: 'docker://registry.local:5000/disks/fedora:40', pullMethod: 'pod' } },
    { insecureRegistries: ['registry.local:5000'] },
  ));
  const env = registry.spec?.containers[0]?.env;
  assert.equal(valueOf(env, 'IMPORTER_SOURCE'), 'registry');
  assert.equal(valueOf(env, 'IMPORTER_ENDPOINT'), 'docker://registry.local:5000/disks/fedora:40');
  assert.equal(valueOf(env, 'IMPORTER_PULL_METHOD'), 'pod');
  assert.equal(valueOf(env, 'INSECURE_TLS'), 'true');
});

test('claim annotations reach the pod: content type, preallocation, priority class; resources and pull secrets', () => {
  const pod = renderImporterPod(input(
    { http: { url: 'http://h/a.tar' } },
    { resources: { limits: { cpu: '750m', memory: '600M' } }, imagePullSecrets: [{ name: 'pull' }] },
    claim({ annotations: { 'cdi.kubevirt.io/storage.contentType': 'archive', 'cdi.kubevirt.io/storage.preallocation.requested': 'true', 'cdi.kubevirt.io/storage.pod.priorityclassname': 'high' } }),
  ));
  const c = pod.spec?.containers[0];
  assert.equal(valueOf(c?.env, 'IMPORTER_CONTENTTYPE'), 'archive');
  assert.equal(valueOf(c?.env, 'PREALLOCATION'), 'true');
  assert.equal(pod.spec?.priorityClassName, 'high');
  assert.deepEqual(c?.resources, { limits: { cpu: '750m', memory: '600M' } });
  assert.deepEqual(pod.spec?.imagePullSecrets, [{ name: 'pull' }]);
});

test('isInsecureRegistry matches host and port exactly, for registry sources only', () => {
  const cases: [DataVolume['spec']['source'], string[], boolean][] = [
    [{ registry: { url: 'docker://reg:5000/a:b' } }, ['reg:5000'], true],
    [{ registry: { url: 'docker://reg:5000/a:b' } }, ['reg'], false],
    [{ registry: { url: 'docker://reg/a@sha256:00' } }, ['http://reg/'], true],
    [{ registry: { url: 'docker://reg/a' } }, [], false],
    [{ http: { url: 'http://reg:5000/a' } }, ['reg:5000'], false],
  ];
  for (const [source, list, expected] of cases) {
    const spec = importSourceOf(dv(source));
    assert.ok(spec);
    assert.equal(isInsecureRegistry(spec, list), expected, JSON.stringify([source, list]));
  }
});

test('a claim that requires scratch space gets the scratch claim at /scratch; the scratch claim is CDI\'s', () => {
  const pod = renderImporterPod(input({ http: { url: 'http://example.com/disk.qcow2.gz' } }, { scratchClaimName: 'disk-scratch' }));
  assert.deepEqual(pod.spec?.volumes?.find((v) => v.name === 'cdi-scratch-vol'), { name: 'cdi-scratch-vol', persistentVolumeClaim: { claimName: 'disk-scratch', readOnly: false } });
  assert.deepEqual(pod.spec?.containers[0]?.volumeMounts?.find((m) => m.name === 'cdi-scratch-vol'), { name: 'cdi-scratch-vol', mountPath: '/scratch' });

  const target = claim();
  target.spec = { ...target.spec, storageClassName: 'fast', resources: { requests: { storage: '10Gi' } } };
  const owner = { metadata: { name: 'importer-disk', uid: 'pod-uid' } };
  const scratch = renderScratchClaim(target, owner, 'scratchy');
  assert.equal(scratch.metadata?.name, `${target.metadata?.name}-scratch`);
  assert.deepEqual(scratch.metadata?.ownerReferences, [{ apiVersion: 'v1', kind: 'Pod', name: 'importer-disk', uid: 'pod-uid', blockOwnerDeletion: true, controller: true }]);
  assert.deepEqual(scratch.spec, { accessModes: ['ReadWriteOnce'], volumeMode: 'Filesystem', resources: { requests: { storage: '10Gi' } }, storageClassName: 'scratchy' });
  assert.equal(renderScratchClaim(target, owner, '').spec?.storageClassName, 'fast', 'without a scratch class, the claim\'s own');
});

test('CACHE_MODE is TRYNONE once the claim requires direct I/O, empty otherwise', () => {
  const env = (annotations: Record<string, string>) => renderImporterPod(input({ http: { url: 'http://h/disk.qcow2' } }, {}, claim({ annotations }))).spec?.containers[0]?.env;
  assert.equal(valueOf(env({}), 'CACHE_MODE'), '');
  assert.equal(valueOf(env({ 'cdi.kubevirt.io/storage.import.requiresDirectIo': 'true' }), 'CACHE_MODE'), 'TRYNONE');
});
