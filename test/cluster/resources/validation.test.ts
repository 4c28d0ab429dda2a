import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FieldError, KubeObject } from '../../../src/cluster/apiserver/types.ts';
import { created, kind, object } from './helpers.ts';

/** "field: message", the way kubectl prints each cause. */
function messages(errors: FieldError[]): string[] {
  return errors.map((e) => `${e.field}: ${e.message}`);
}

function claim(spec: Record<string, unknown>, status: Record<string, unknown> = { phase: 'Pending' }): KubeObject {
  return object({ spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, volumeMode: 'Filesystem', ...spec }, status });
}

test('PVC: required access modes and storage request', () => {
  const pvcs = kind('', 'persistentvolumeclaims');
  assert.deepEqual(messages(pvcs.validate(object({ spec: { resources: {} } }), undefined)), [
    'spec.accessModes: Required value: at least 1 access mode is required',
    'spec.resources[storage]: Required value',
  ]);
  assert.deepEqual(pvcs.validate(claim({}), undefined), []);
});

test('PVC: spec is immutable but for volumeName once, and requests/volumeAttributesClassName when bound', () => {
  const pvcs = kind('', 'persistentvolumeclaims');
  const immutableMessage = 'spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims';
  const table: [string, KubeObject, KubeObject, string[]][] = [
    ['binder sets volumeName', claim({ volumeName: 'pv-1' }), claim({}), []],
    ['volumeName cannot change once set', claim({ volumeName: 'pv-2' }), claim({ volumeName: 'pv-1' }), [immutableMessage]],
    ['storage class is immutable', claim({ storageClassName: 'b' }), claim({ storageClassName: 'a' }), [immutableMessage]],
    ['pending claim cannot grow', claim({ resources: { requests: { storage: '2Gi' } } }), claim({}), [immutableMessage]],
    [
      'bound claim can grow',
      claim({ volumeName: 'pv', resources: { requests: { storage: '2Gi' } } }, { phase: 'Bound', capacity: { storage: '1Gi' } }),
      claim({ volumeName: 'pv' }, { phase: 'Bound', capacity: { storage: '1Gi' } }),
      [],
    ],
    [
      'bound claim cannot shrink below its capacity',
      claim({ volumeName: 'pv', resources: { requests: { storage: '512Mi' } } }, { phase: 'Bound', capacity: { storage: '1Gi' } }),
      claim({ volumeName: 'pv' }, { phase: 'Bound', capacity: { storage: '1Gi' } }),
      ['spec.resources.requests.storage: Forbidden: field can not be less than status.capacity'],
    ],
  ];
  for (const [name, next, old, expected] of table) assert.deepEqual(messages(pvcs.validate(next, old)), expected, name);
});

test('Pod: containers, names and images are required; volume mounts must name a volume', () => {
  const pods = kind('', 'pods');
  assert.deepEqual(messages(pods.validate(object({ spec: {} }), undefined)), ['spec.containers: Required value']);
  const bad = object({
    spec: {
      containers: [
        { name: 'a', image: 'i', volumeMounts: [{ name: 'missing', mountPath: '/m' }] },
        { name: 'a' },
        { name: 'Bad_Name', image: 'i' },
      ],
      restartPolicy: 'Sometimes',
    },
  });
  assert.deepEqual(messages(pods.validate(bad, undefined)), [
    'spec.containers[0].volumeMounts[0].name: Not found: "missing"',
    'spec.containers[1].name: Duplicate value: "a"',
    'spec.containers[1].image: Required value',
    `spec.containers[2].name: Invalid value: "Bad_Name": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`,
    'spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
  ]);
});

test('Pod updates may change images and tolerations, nothing else of the spec', () => {
  const pods = kind('', 'pods');
  const old = created(pods, object({ spec: { containers: [{ name: 'c', image: 'i:1' }] } }));
  const newImage = structuredClone(old);
  (newImage['spec'] as { containers: { image: string }[] }).containers[0]!.image = 'i:2';
  assert.deepEqual(pods.validate(newImage, old), []);
  const newNode = structuredClone(old);
  (newNode['spec'] as Record<string, unknown>)['nodeName'] = 'node-1';
  const errors = pods.validate(newNode, old);
  assert.equal(errors.length, 1);
  assert.equal(errors[0]?.type, 'FieldValueForbidden');
  assert.equal(errors[0]?.field, 'spec');
  assert.match(errors[0]?.message ?? '', /^Forbidden: pod updates may not change fields other than `spec.containers\[\*\].image`,`spec.initContainers\[\*\].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` \(only additions to existing tolerations\),`spec.terminationGracePeriodSeconds` \(allow it to be set to 1 if it was previously negative\)/);
});

test('Secret and ConfigMap keys, immutable data, secret type', () => {
  const secrets = kind('', 'secrets');
  assert.deepEqual(messages(secrets.validate(object({ type: 'Opaque', data: { 'bad key': '' } }), undefined)), [
    `data[bad key]: Invalid value: "bad key": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')`,
  ]);
  assert.deepEqual(messages(secrets.validate(object({ type: 'kubernetes.io/tls' }), object({ type: 'Opaque' }))), [
    'type: Invalid value: "kubernetes.io/tls": field is immutable',
  ]);
  const configMaps = kind('', 'configmaps');
  assert.deepEqual(messages(configMaps.validate(object({ data: { a: '1' }, binaryData: { a: 'MQ==' } }), undefined)), [
    'binaryData[a]: Invalid value: "a": duplicate of key present in data',
  ]);
  assert.deepEqual(messages(configMaps.validate(object({ immutable: true, data: { a: '2' } }), object({ immutable: true, data: { a: '1' } }))), [
    'data: Forbidden: field is immutable when `immutable` is set',
  ]);
});

test('StorageClass: provisioner required; parameters, provisioner, reclaimPolicy, binding mode immutable', () => {
  const classes = kind('storage.k8s.io', 'storageclasses');
  assert.deepEqual(messages(classes.validate(object({}), undefined)), ['provisioner: Required value']);
  const old = created(classes, object({ provisioner: 'p', parameters: { a: '1' } }));
  const changed = object({ provisioner: 'q', parameters: { a: '2' }, reclaimPolicy: 'Retain', volumeBindingMode: 'WaitForFirstConsumer' });
  assert.deepEqual(messages(classes.validate(changed, old)), [
    'parameters: Forbidden: updates to parameters are forbidden.',
    'provisioner: Forbidden: updates to provisioner are forbidden.',
    'reclaimPolicy: Forbidden: updates to reclaimPolicy are forbidden.',
    'volumeBindingMode: Invalid value: "WaitForFirstConsumer": field is immutable',
  ]);
});

test('PV: a volume source, capacity and access modes; the source is immutable', () => {
  const pvs = kind('', 'persistentvolumes');
  assert.deepEqual(messages(pvs.validate(object({ spec: {} }), undefined)), [
    'spec.accessModes: Required value',
    'spec.capacity: Required value',
    'spec: Required value: must specify a volume type',
  ]);
  const old = object({ spec: { accessModes: ['ReadWriteOnce'], capacity: { storage: '1Gi' }, hostPath: { path: '/a' } } });
  const moved = object({ spec: { accessModes: ['ReadWriteOnce'], capacity: { storage: '1Gi' }, hostPath: { path: '/b' } } });
  assert.deepEqual(messages(pvs.validate(moved, old)), [
    'spec.persistentvolumesource: Forbidden: spec.persistentvolumesource is immutable after creation',
  ]);
});

test('CRD: name is plural.group, exactly one storage version with a schema', () => {
  const crds = kind('apiextensions.k8s.io', 'customresourcedefinitions');
  const crd = object(
    { spec: { group: 'a.io', names: { kind: 'Thing', plural: 'things', listKind: 'ThingList' }, scope: 'Namespaced', versions: [{ name: 'v1', served: true, storage: false }] } },
    { name: 'wrong.a.io' },
  );
  assert.deepEqual(messages(crds.validate(crd, undefined)).map((m) => m.replace(/Invalid value: \[.*\]: /, 'Invalid value: [...]: ')), [
    'metadata.name: Invalid value: "wrong.a.io": must be spec.names.plural+"."+spec.group',
    'spec.versions: Invalid value: [...]: must have exactly one version marked as storage version',
    'spec.versions[0].schema.openAPIV3Schema: Required value: schemas are required',
  ]);
});

test('RoleBinding roleRef cannot change; webhooks need sideEffects and review versions', () => {
  const bindings = kind('rbac.authorization.k8s.io', 'rolebindings');
  const old = object({ roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'a' } });
  const next = object({ roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'b' } });
  assert.deepEqual(bindings.validate(next, old).map((e) => [e.field, e.type]), [['roleRef', 'FieldValueInvalid']]);
  assert.match(bindings.validate(next, old)[0]?.message ?? '', /cannot change roleRef$/);

  const webhooks = kind('admissionregistration.k8s.io', 'validatingwebhookconfigurations');
  assert.deepEqual(messages(webhooks.validate(object({ webhooks: [{ name: 'v.ferry.io', clientConfig: { url: 'https://x' } }] }), undefined)), [
    'webhooks[0].sideEffects: Required value: must specify one of None, NoneOnDryRun',
    'webhooks[0].admissionReviewVersions: Required value: must specify one of v1, v1beta1',
  ]);
});
