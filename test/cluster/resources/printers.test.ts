import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../../src/cluster/apiserver/types.ts';
import { kind, object } from './helpers.ts';

const now = new Date('2026-01-01T01:00:00Z');
const hourAgo = '2026-01-01T00:00:00Z';

function pod(status: Record<string, unknown>, extra: Partial<KubeObject> = {}, spec: Record<string, unknown> = {}): KubeObject {
  return object({ spec: { containers: [{ name: 'c', image: 'i' }], ...spec }, status, ...extra }, { name: 'p', creationTimestamp: hourAgo });
}

function running(ready: boolean): Record<string, unknown> {
  return { name: 'c', ready, restartCount: 0, state: { running: { startedAt: hourAgo } } };
}

test('pod columns are the real ones, wide columns at priority 1', () => {
  const columns = kind('', 'pods').printerColumns;
  assert.deepEqual(columns.map((c) => [c.name, c.priority]), [
    ['Name', 0], ['Ready', 0], ['Status', 0], ['Restarts', 0], ['Age', 0],
    ['IP', 1], ['Node', 1], ['Nominated Node', 1], ['Readiness Gates', 1],
  ]);
  assert.equal(columns[0]?.format, 'name');
});

test('pod STATUS, READY and RESTARTS as kubectl shows them', () => {
  const cells = (p: KubeObject): unknown[] => kind('', 'pods').cells(p, now).slice(1, 4);
  const table: [string, KubeObject, unknown[]][] = [
    ['pending', pod({ phase: 'Pending' }), ['0/1', 'Pending', '0']],
    ['running', pod({ phase: 'Running', containerStatuses: [running(true)] }), ['1/1', 'Running', '0']],
    [
      'completed',
      pod({ phase: 'Succeeded', containerStatuses: [{ name: 'c', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } }] }),
      ['0/1', 'Completed', '0'],
    ],
    [
      'OOMKilled, restarted 5 minutes ago',
      pod({
        phase: 'Running',
        containerStatuses: [
          {
            name: 'c',
            ready: false,
            restartCount: 2,
            state: { terminated: { exitCode: 137, reason: 'OOMKilled' } },
            lastState: { terminated: { exitCode: 137, finishedAt: '2026-01-01T00:55:00Z' } },
          },
        ],
      }),
      ['0/1', 'OOMKilled', '2 (5m ago)'],
    ],
    [
      'ErrImagePull',
      pod({ phase: 'Pending', containerStatuses: [{ name: 'c', ready: false, restartCount: 0, state: { waiting: { reason: 'ErrImagePull' } } }] }),
      ['0/1', 'ErrImagePull', '0'],
    ],
    [
      'exit code without a reason',
      pod({ phase: 'Failed', containerStatuses: [{ name: 'c', ready: false, restartCount: 0, state: { terminated: { exitCode: 3 } } }] }),
      ['0/1', 'ExitCode:3', '0'],
    ],
    ['terminating', pod({ phase: 'Running', containerStatuses: [running(true)] }, { metadata: { name: 'p', creationTimestamp: hourAgo, deletionTimestamp: hourAgo } }), ['1/1', 'Terminating', '0']],
    ['evicted', pod({ phase: 'Failed', reason: 'Evicted' }), ['0/1', 'Evicted', '0']],
    [
      'init container running',
      pod(
        { phase: 'Pending', initContainerStatuses: [{ name: 'init', ready: false, restartCount: 0, state: { running: {} } }] },
        {},
        { initContainers: [{ name: 'init', image: 'i' }] },
      ),
      ['0/1', 'Init:0/1', '0'],
    ],
    [
      'init container failed',
      pod(
        { phase: 'Pending', initContainerStatuses: [{ name: 'init', ready: false, restartCount: 1, state: { terminated: { exitCode: 1, reason: 'Error' } } }] },
        {},
        { initContainers: [{ name: 'init', image: 'i' }] },
      ),
      ['0/1', 'Init:Error', '1'],
    ],
    [
      'init container image pull',
      pod(
        { phase: 'Pending', initContainerStatuses: [{ name: 'init', ready: false, restartCount: 0, state: { waiting: { reason: 'ImagePullBackOff' } } }] },
        {},
        { initContainers: [{ name: 'init', image: 'i' }] },
      ),
      ['0/1', 'Init:ImagePullBackOff', '0'],
    ],
    [
      'scheduling gated',
      pod({ phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] }),
      ['0/1', 'SchedulingGated', '0'],
    ],
  ];
  for (const [name, p, expected] of table) assert.deepEqual(cells(p), expected, name);
});

test('pod wide cells: IP, node, nominated node, readiness gates', () => {
  const p = pod(
    { phase: 'Running', podIPs: [{ ip: '10.0.0.5' }], conditions: [{ type: 'example.com/gate', status: 'True' }], containerStatuses: [running(true)] },
    {},
    { nodeName: 'node-1', readinessGates: [{ conditionType: 'example.com/gate' }, { conditionType: 'other' }] },
  );
  assert.deepEqual(kind('', 'pods').cells(p, now), ['p', '1/1', 'Running', '0', '60m', '10.0.0.5', 'node-1', '<none>', '1/2']);
});

test('PVC rows: pending, bound, terminating', () => {
  const pvcs = kind('', 'persistentvolumeclaims');
  assert.deepEqual(pvcs.printerColumns.map((c) => c.name), [
    'Name', 'Status', 'Volume', 'Capacity', 'Access Modes', 'StorageClass', 'VolumeAttributesClass', 'Age', 'VolumeMode',
  ]);
  const pending = object(
    { spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, storageClassName: 'local', volumeMode: 'Filesystem' }, status: { phase: 'Pending' } },
    { name: 'data', creationTimestamp: hourAgo },
  );
  assert.deepEqual(pvcs.cells(pending, now), ['data', 'Pending', '', '', '', 'local', '<unset>', '60m', 'Filesystem']);
  const bound = object(
    {
      spec: { accessModes: ['ReadWriteOnce'], volumeName: 'pv-1', storageClassName: 'local', volumeMode: 'Block' },
      status: { phase: 'Bound', accessModes: ['ReadWriteMany', 'ReadWriteOnce'], capacity: { storage: '1024Mi' } },
    },
    { name: 'data', creationTimestamp: hourAgo, deletionTimestamp: hourAgo },
  );
  assert.deepEqual(pvcs.cells(bound, now), ['data', 'Terminating', 'pv-1', '1Gi', 'RWO,RWX', 'local', '<unset>', '60m', 'Block']);
});

test('PV row', () => {
  const pvs = kind('', 'persistentvolumes');
  assert.deepEqual(pvs.printerColumns.map((c) => c.name), [
    'Name', 'Capacity', 'Access Modes', 'Reclaim Policy', 'Status', 'Claim', 'StorageClass', 'VolumeAttributesClass', 'Reason', 'Age', 'VolumeMode',
  ]);
  const pv = object(
    {
      spec: { capacity: { storage: '5Gi' }, accessModes: ['ReadWriteOnce'], persistentVolumeReclaimPolicy: 'Delete', claimRef: { namespace: 'ns', name: 'data' }, storageClassName: 'local', volumeMode: 'Filesystem' },
      status: { phase: 'Bound' },
    },
    { name: 'pv-1', creationTimestamp: hourAgo },
  );
  assert.deepEqual(pvs.cells(pv, now), ['pv-1', '5Gi', 'RWO', 'Delete', 'Bound', 'ns/data', 'local', '<unset>', '', '60m', 'Filesystem']);
});

test('StorageClass row marks the default class', () => {
  const classes = kind('storage.k8s.io', 'storageclasses');
  const sc = object(
    { provisioner: 'ferry.hostpath', reclaimPolicy: 'Delete', volumeBindingMode: 'WaitForFirstConsumer', allowVolumeExpansion: true },
    { name: 'local', creationTimestamp: hourAgo, annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
  );
  assert.deepEqual(classes.cells(sc, now), ['local (default)', 'ferry.hostpath', 'Delete', 'WaitForFirstConsumer', true, '60m']);
  const plain = object({ provisioner: 'p' }, { name: 'other', creationTimestamp: hourAgo });
  assert.deepEqual(classes.cells(plain, now), ['other', 'p', 'Delete', 'Immediate', false, '60m']);
});

test('namespace, secret, configmap, service, endpoints, lease rows', () => {
  assert.deepEqual(kind('', 'namespaces').cells(object({ status: { phase: 'Active' } }, { name: 'ns', creationTimestamp: hourAgo }), now), ['ns', 'Active', '60m']);
  assert.deepEqual(kind('', 'secrets').cells(object({ type: 'Opaque', data: { a: '', b: '' } }, { name: 's', creationTimestamp: hourAgo }), now), ['s', 'Opaque', 2, '60m']);
  assert.deepEqual(kind('', 'configmaps').cells(object({ data: { a: '' }, binaryData: { b: '' } }, { name: 'c', creationTimestamp: hourAgo }), now), ['c', 2, '60m']);
  const service = object(
    { spec: { type: 'NodePort', clusterIP: '10.96.0.10', ports: [{ port: 80, protocol: 'TCP', nodePort: 30080 }, { port: 53, protocol: 'UDP' }], selector: { b: '2', a: '1' } } },
    { name: 'svc', creationTimestamp: hourAgo },
  );
  assert.deepEqual(kind('', 'services').cells(service, now), ['svc', 'NodePort', '10.96.0.10', '<none>', '80:30080/TCP,53/UDP', '60m', 'a=1,b=2']);
  const endpoints = object(
    { subsets: [{ addresses: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }], ports: [{ port: 80 }, { port: 443 }] }] },
    { name: 'svc', creationTimestamp: hourAgo },
  );
  assert.deepEqual(kind('', 'endpoints').cells(endpoints, now), ['svc', '10.0.0.1:80,10.0.0.2:80,10.0.0.1:443 + 1 more...', '60m']);
  assert.deepEqual(kind('coordination.k8s.io', 'leases').cells(object({ spec: { holderIdentity: 'ferry-1' } }, { name: 'l', creationTimestamp: hourAgo }), now), ['l', 'ferry-1', '60m']);
});

test('event rows: last seen, object, source, count', () => {
  const events = kind('', 'events');
  assert.deepEqual(events.printerColumns.filter((c) => c.priority === 0).map((c) => c.name), ['Last Seen', 'Type', 'Reason', 'Object', 'Message']);
  const event = object(
    {
      involvedObject: { kind: 'PersistentVolumeClaim', name: 'data', namespace: 'ns', fieldPath: '' },
      reason: 'Provisioning',
      message: ' waiting \n',
      type: 'Normal',
      source: { component: 'ferry', host: 'node-1' },
      firstTimestamp: '2026-01-01T00:30:00Z',
      lastTimestamp: '2026-01-01T00:58:00Z',
      count: 4,
    },
    { name: 'data.1', namespace: 'ns', creationTimestamp: hourAgo },
  );
  assert.deepEqual(events.cells(event, now), ['2m', 'Normal', 'Provisioning', 'persistentvolumeclaim/data', '', 'ferry, node-1', 'waiting', '30m', 4, 'data.1']);
  const v1 = object(
    { regarding: { kind: 'Pod', name: 'p' }, note: 'hi', reason: 'Started', type: 'Normal', eventTime: '2026-01-01T00:59:00.000000Z', reportingController: 'kubelet', reportingInstance: 'n' },
    { name: 'e', namespace: 'ns', creationTimestamp: hourAgo },
  );
  assert.deepEqual(kind('events.k8s.io', 'events').cells(v1, now), ['60s', 'Normal', 'Started', 'pod/p', '', 'kubelet, n', 'hi', '60s', 1, 'e']);
});

test('node row: status, roles, version, addresses', () => {
  const node = object(
    {
      spec: { unschedulable: true },
      status: {
        conditions: [{ type: 'Ready', status: 'True' }],
        addresses: [{ type: 'InternalIP', address: '192.168.1.2' }],
        nodeInfo: { kubeletVersion: 'v1.34.0', osImage: 'Debian', kernelVersion: '6.1', containerRuntimeVersion: 'ferry://1' },
      },
    },
    { name: 'n1', creationTimestamp: hourAgo, labels: { 'node-role.kubernetes.io/control-plane': '' } },
  );
  assert.deepEqual(kind('', 'nodes').cells(node, now), [
    'n1', 'Ready,SchedulingDisabled', 'control-plane', '60m', 'v1.34.0', '192.168.1.2', '<none>', 'Debian', '6.1', 'ferry://1',
  ]);
});

test('kinds without a printer get the default Name / Created At table', () => {
  const crds = kind('apiextensions.k8s.io', 'customresourcedefinitions');
  assert.deepEqual(crds.printerColumns.map((c) => [c.name, c.type]), [['Name', 'string'], ['Created At', 'date']]);
  assert.deepEqual(crds.cells(object({}, { name: 'things.a.io', creationTimestamp: '2026-01-01T00:00:00.000Z' }), now), ['things.a.io', '2026-01-01T00:00:00Z']);
});
