import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { StorageProfileSpec } from '../../../src/api/index.ts';
import {
  capabilitiesFor, computeStorageProfileStatus, FerryHostpathProvisioner, type StorageCapabilities,
} from '../../../src/controllers/decisions/index.ts';
import { storageClass } from './fixtures.ts';

test('capabilitiesFor knows Ferry\'s hostpath driver: RWO Filesystem and Block, CSI clone, a snapshot class', () => {
  assert.deepEqual(capabilitiesFor(FerryHostpathProvisioner), {
    claimPropertySets: [
      { accessModes: ['ReadWriteOnce'], volumeMode: 'Filesystem' },
      { accessModes: ['ReadWriteOnce'], volumeMode: 'Block' },
    ],
    cloneStrategy: 'csi-clone',
    snapshotClass: 'ferry-hostpath-snapclass',
  });
  assert.equal(capabilitiesFor('rook-ceph.rbd.csi.ceph.com')?.claimPropertySets[0]?.accessModes?.[0], 'ReadWriteMany');
  assert.equal(capabilitiesFor('example.com/unknown'), undefined);
  // Copies: changing one does not change the table.
  capabilitiesFor(FerryHostpathProvisioner)!.claimPropertySets.length = 0;
  assert.equal(capabilitiesFor(FerryHostpathProvisioner)!.claimPropertySets.length, 2);
});

interface Row {
  name: string;
  annotations?: Record<string, string>;
  spec?: StorageProfileSpec;
  capabilities?: StorageCapabilities;
  want: Record<string, unknown>;
  problems?: string[];
}

const rwo = [{ accessModes: ['ReadWriteOnce'], volumeMode: 'Filesystem' }];

const rows: Row[] = [
  {
    name: 'known provisioner: everything from the table',
    capabilities: capabilitiesFor(FerryHostpathProvisioner),
    want: {
      storageClass: 'sc', provisioner: 'p', cloneStrategy: 'csi-clone', snapshotClass: 'ferry-hostpath-snapclass',
      claimPropertySets: capabilitiesFor(FerryHostpathProvisioner)!.claimPropertySets,
    },
  },
  {
    name: 'unknown provisioner, no snapshot class: host-assisted copy, no property sets',
    want: { storageClass: 'sc', provisioner: 'p', cloneStrategy: 'copy' },
  },
  {
    name: 'unknown provisioner with a snapshot class in the spec: snapshot clone',
    spec: { snapshotClass: 'snaps' },
    want: { storageClass: 'sc', provisioner: 'p', cloneStrategy: 'snapshot', snapshotClass: 'snaps' },
  },
  {
    name: 'the spec wins over the table',
    spec: { cloneStrategy: 'copy', claimPropertySets: [{ accessModes: ['ReadWriteMany'], volumeMode: 'Block' }] },
    capabilities: capabilitiesFor(FerryHostpathProvisioner),
    want: {
      storageClass: 'sc', provisioner: 'p', cloneStrategy: 'copy', snapshotClass: 'ferry-hostpath-snapclass',
      claimPropertySets: [{ accessModes: ['ReadWriteMany'], volumeMode: 'Block' }],
    },
  },
  {
    name: 'the StorageClass clone-strategy annotation comes before the table',
    annotations: { 'cdi.kubevirt.io/clone-strategy': 'snapshot' },
    capabilities: { claimPropertySets: rwo, cloneStrategy: 'csi-clone' },
    want: { storageClass: 'sc', provisioner: 'p', cloneStrategy: 'snapshot', claimPropertySets: rwo },
  },
  {
    name: 'a property set with a volume mode but no access modes is rejected',
    spec: { claimPropertySets: [{ volumeMode: 'Block' }] },
    capabilities: { claimPropertySets: rwo },
    want: { storageClass: 'sc', provisioner: 'p', cloneStrategy: 'copy' },
    problems: ['must provide access mode for volume mode: Block'],
  },
];

test('computeStorageProfileStatus', async (t) => {
  for (const row of rows) {
    await t.test(row.name, () => {
      const sc = storageClass('sc', { provisioner: 'p', annotations: row.annotations ?? {} });
      const got = computeStorageProfileStatus(sc, row.spec, row.capabilities);
      assert.deepEqual(got.status, row.want);
      assert.deepEqual(got.problems, row.problems ?? []);
    });
  }
});
