import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyDefaultStorageClass } from '../../../src/cluster/apiserver/resources/index.ts';
import { created, kind, object } from './helpers.ts';

test('a bare Pod gets exactly the defaults and admission fields of a real server', () => {
  const pod = created(kind('', 'pods'), object({ spec: { containers: [{ name: 'c', image: 'busybox:1.36', ports: [{ containerPort: 80 }] }] } }));
  assert.deepEqual(pod['spec'], {
    containers: [
      {
        name: 'c',
        image: 'busybox:1.36',
        ports: [{ containerPort: 80, protocol: 'TCP' }],
        terminationMessagePath: '/dev/termination-log',
        terminationMessagePolicy: 'File',
        imagePullPolicy: 'IfNotPresent',
        resources: {},
      },
    ],
    restartPolicy: 'Always',
    terminationGracePeriodSeconds: 30,
    dnsPolicy: 'ClusterFirst',
    securityContext: {},
    schedulerName: 'default-scheduler',
    enableServiceLinks: true,
    serviceAccountName: 'default',
    serviceAccount: 'default',
    tolerations: [
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    ],
    priority: 0,
    preemptionPolicy: 'PreemptLowerPriority',
  });
  assert.deepEqual(pod['status'], { phase: 'Pending', qosClass: 'BestEffort' });
});

test('image pull policy: Always for :latest and untagged images, IfNotPresent otherwise', () => {
  const cases: [string, string][] = [
    ['busybox', 'Always'],
    ['busybox:latest', 'Always'],
    ['registry:5000/ns/img', 'Always'],
    ['registry:5000/ns/img:v1', 'IfNotPresent'],
    ['quay.io/x/y@sha256:abc', 'IfNotPresent'],
  ];
  for (const [image, policy] of cases) {
    const pod = created(kind('', 'pods'), object({ spec: { containers: [{ name: 'c', image }] } }));
    const spec = pod['spec'] as { containers: { imagePullPolicy: string }[] };
    assert.equal(spec.containers[0]?.imagePullPolicy, policy, image);
  }
});

test('pod volumes, probes and QoS', () => {
  const pod = created(
    kind('', 'pods'),
    object({
      spec: {
        containers: [
          {
            name: 'c',
            image: 'i:1',
            resources: { limits: { cpu: '1', memory: '1Gi' } },
            readinessProbe: { httpGet: { port: 8080 } },
          },
        ],
        volumes: [{ name: 'a' }, { name: 'b', secret: { secretName: 's' } }, { name: 'c', persistentVolumeClaim: { claimName: 'p' } }],
      },
    }),
  );
  const spec = pod['spec'] as Record<string, unknown>;
  assert.deepEqual(spec['volumes'], [
    { name: 'a', emptyDir: {} },
    { name: 'b', secret: { secretName: 's', defaultMode: 420 } },
    { name: 'c', persistentVolumeClaim: { claimName: 'p' } },
  ]);
  const container = (spec['containers'] as Record<string, unknown>[])[0];
  assert.deepEqual(container?.['readinessProbe'], {
    httpGet: { port: 8080, path: '/', scheme: 'HTTP' },
    timeoutSeconds: 1,
    periodSeconds: 10,
    successThreshold: 1,
    failureThreshold: 3,
  });
  assert.deepEqual(container?.['resources'], { limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '1', memory: '1Gi' } });
  assert.equal((pod['status'] as Record<string, unknown>)['qosClass'], 'Guaranteed');

  const burstable = created(kind('', 'pods'), object({ spec: { containers: [{ name: 'c', image: 'i:1', resources: { requests: { memory: '1Gi' } } }] } }));
  assert.equal((burstable['status'] as Record<string, unknown>)['qosClass'], 'Burstable');
});

test('PVC and PV defaults and initial status', () => {
  const claim = created(kind('', 'persistentvolumeclaims'), object({ spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }));
  assert.deepEqual(claim['spec'], { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, volumeMode: 'Filesystem' });
  assert.deepEqual(claim['status'], { phase: 'Pending' });

  const volume = created(kind('', 'persistentvolumes'), object({ spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/x' } } }));
  assert.deepEqual(volume['spec'], {
    capacity: { storage: '1Gi' },
    accessModes: ['ReadWriteOnce'],
    hostPath: { path: '/x', type: '' },
    persistentVolumeReclaimPolicy: 'Retain',
    volumeMode: 'Filesystem',
  });
  const status = volume['status'] as Record<string, unknown>;
  assert.equal(status['phase'], 'Pending');
  assert.match(String(status['lastPhaseTransitionTime']), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
});

test('a bare Service gets type, affinity, protocol, targetPort and IP family defaults', () => {
  const service = created(kind('', 'services'), object({ spec: { selector: { app: 'a' }, ports: [{ port: 80 }] } }));
  assert.deepEqual(service['spec'], {
    selector: { app: 'a' },
    ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }],
    type: 'ClusterIP',
    sessionAffinity: 'None',
    internalTrafficPolicy: 'Cluster',
    ipFamilyPolicy: 'SingleStack',
    ipFamilies: ['IPv4'],
  });
  const nodePort = created(kind('', 'services'), object({ spec: { type: 'NodePort', ports: [{ port: 80, targetPort: 'http' }] } }));
  const spec = nodePort['spec'] as Record<string, unknown>;
  assert.equal(spec['externalTrafficPolicy'], 'Cluster');
  assert.deepEqual(spec['ports'], [{ port: 80, targetPort: 'http', protocol: 'TCP' }]);
});

test('Namespace: name label, kubernetes finalizer, phase Active', () => {
  const namespace = created(kind('', 'namespaces'), object({}, { name: 'team-a' }));
  assert.deepEqual(namespace.metadata.labels, { 'kubernetes.io/metadata.name': 'team-a' });
  assert.deepEqual(namespace['spec'], { finalizers: ['kubernetes'] });
  assert.deepEqual(namespace['status'], { phase: 'Active' });
});

test('StorageClass, Secret, CSIDriver, RoleBinding and webhook defaults', () => {
  const storageClass = created(kind('storage.k8s.io', 'storageclasses'), object({ provisioner: 'p' }));
  assert.deepEqual({ ...storageClass, metadata: {} }, { metadata: {}, provisioner: 'p', reclaimPolicy: 'Delete', volumeBindingMode: 'Immediate' });

  const secret = created(kind('', 'secrets'), object({ stringData: { user: 'admin' } }));
  assert.equal(secret['type'], 'Opaque');
  assert.deepEqual(secret['data'], { user: 'YWRtaW4=' });
  assert.equal(secret['stringData'], undefined);

  const driver = created(kind('storage.k8s.io', 'csidrivers'), object({ spec: {} }));
  assert.deepEqual(driver['spec'], {
    attachRequired: true,
    podInfoOnMount: false,
    storageCapacity: false,
    fsGroupPolicy: 'ReadWriteOnceWithFSType',
    volumeLifecycleModes: ['Persistent'],
    requiresRepublish: false,
    seLinuxMount: false,
  });

  const binding = created(
    kind('rbac.authorization.k8s.io', 'rolebindings'),
    object({ roleRef: { kind: 'Role', name: 'r' }, subjects: [{ kind: 'User', name: 'u' }, { kind: 'ServiceAccount', name: 's', namespace: 'n' }] }),
  );
  assert.deepEqual(binding['roleRef'], { kind: 'Role', name: 'r', apiGroup: 'rbac.authorization.k8s.io' });
  assert.deepEqual(binding['subjects'], [
    { kind: 'User', name: 'u', apiGroup: 'rbac.authorization.k8s.io' },
    { kind: 'ServiceAccount', name: 's', namespace: 'n', apiGroup: '' },
  ]);

  const webhooks = created(
    kind('admissionregistration.k8s.io', 'mutatingwebhookconfigurations'),
    object({ webhooks: [{ name: 'a.b.c', clientConfig: { service: { name: 's', namespace: 'n' } }, rules: [{ operations: ['CREATE'] }] }] }),
  );
  assert.deepEqual(webhooks['webhooks'], [
    {
      name: 'a.b.c',
      clientConfig: { service: { name: 's', namespace: 'n', port: 443 } },
      rules: [{ operations: ['CREATE'], scope: '*' }],
      failurePolicy: 'Fail',
      matchPolicy: 'Equivalent',
      namespaceSelector: {},
      objectSelector: {},
      timeoutSeconds: 10,
      reinvocationPolicy: 'Never',
    },
  ]);
});

test('CRD defaults and storedVersions', () => {
  const crd = created(
    kind('apiextensions.k8s.io', 'customresourcedefinitions'),
    object({ spec: { group: 'a.io', names: { kind: 'Thing', plural: 'things' }, scope: 'Namespaced', versions: [{ name: 'v1', served: true, storage: true }] } }),
  );
  const spec = crd['spec'] as Record<string, unknown>;
  assert.deepEqual(spec['names'], { kind: 'Thing', plural: 'things', singular: 'thing', listKind: 'ThingList' });
  assert.deepEqual(spec['conversion'], { strategy: 'None' });
  assert.deepEqual((crd['status'] as Record<string, unknown>)['storedVersions'], ['v1']);
});

test('a status written without a phase gets the default phase', () => {
  const claim = { metadata: { name: 'c' }, spec: {}, status: { capacity: { storage: '1Gi' } } };
  kind('', 'persistentvolumeclaims').defaults(claim);
  assert.deepEqual(claim.status, { capacity: { storage: '1Gi' }, phase: 'Pending' });
  const volume = { metadata: { name: 'v' }, spec: {} };
  kind('', 'persistentvolumes').defaults(volume);
  assert.deepEqual((volume as Record<string, unknown>)['status'], { phase: 'Pending' });
  const namespace = { metadata: { name: 'n' }, status: {} };
  kind('', 'namespaces').defaults(namespace);
  assert.deepEqual(namespace.status, { phase: 'Active' });
});

test('PVC dataSource and dataSourceRef mirror each other on create', () => {
  const pvcs = kind('', 'persistentvolumeclaims');
  const base = { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } };
  const fromSnapshot = created(pvcs, object({ spec: { ...base, dataSource: { apiGroup: 'snapshot.storage.k8s.io', kind: 'VolumeSnapshot', name: 's' } } }));
  assert.deepEqual((fromSnapshot['spec'] as Record<string, unknown>)['dataSourceRef'], { kind: 'VolumeSnapshot', name: 's', apiGroup: 'snapshot.storage.k8s.io' });
  const populated = created(pvcs, object({ spec: { ...base, dataSourceRef: { apiGroup: 'cdi.kubevirt.io', kind: 'VolumeImportSource', name: 'v' } } }));
  assert.deepEqual((populated['spec'] as Record<string, unknown>)['dataSource'], { kind: 'VolumeImportSource', name: 'v', apiGroup: 'cdi.kubevirt.io' });
  const crossNamespace = created(pvcs, object({ spec: { ...base, dataSourceRef: { kind: 'PersistentVolumeClaim', name: 'v', namespace: 'other' } } }));
  assert.equal((crossNamespace['spec'] as Record<string, unknown>)['dataSource'], undefined);
  const mismatch = object({ spec: { ...base, dataSource: { kind: 'PersistentVolumeClaim', name: 'a' }, dataSourceRef: { kind: 'PersistentVolumeClaim', name: 'b' } } });
  assert.deepEqual(pvcs.validate(mismatch, undefined).map((e) => [e.field, e.type]), [['spec.dataSource', 'FieldValueInvalid']]);
  assert.match(pvcs.validate(mismatch, undefined)[0]?.message ?? '', /must match dataSourceRef$/);
});

test('DefaultStorageClass admission: the newest default class, only when the claim names none', () => {
  const annotations = { 'storageclass.kubernetes.io/is-default-class': 'true' };
  const classes = [
    object({ provisioner: 'p' }, { name: 'old', creationTimestamp: '2026-01-01T00:00:00Z', annotations }),
    object({ provisioner: 'p' }, { name: 'new', creationTimestamp: '2026-01-02T00:00:00Z', annotations }),
    object({ provisioner: 'p' }, { name: 'newest-not-default', creationTimestamp: '2026-01-03T00:00:00Z' }),
  ];
  const claim = object({ spec: {} });
  assert.equal(applyDefaultStorageClass(claim, classes), true);
  assert.equal((claim['spec'] as Record<string, unknown>)['storageClassName'], 'new');
  const explicitNone = object({ spec: { storageClassName: '' } });
  assert.equal(applyDefaultStorageClass(explicitNone, classes), false);
  assert.equal((explicitNone['spec'] as Record<string, unknown>)['storageClassName'], '');
  assert.equal(applyDefaultStorageClass(object({ spec: {} }), classes.slice(2)), false);
});
