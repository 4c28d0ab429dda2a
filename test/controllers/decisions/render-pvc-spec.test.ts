import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CDIConfig } from '../../../src/api/index.ts';
import { renderPvcSpec, requiredSpaceWithOverhead, type RenderPvcSpecInput } from '../../../src/controllers/decisions/index.ts';
import { dataVolume, httpSource, profile, storageClass } from './fixtures.ts';

const local = storageClass('local', { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } });
const fast = storageClass('fast');
const virt = storageClass('virt', { annotations: { 'storageclass.kubevirt.io/is-default-virt-class': 'true' } });
const rwoFsBlock = [{ accessModes: ['ReadWriteOnce'], volumeMode: 'Filesystem' }, { accessModes: ['ReadWriteMany'], volumeMode: 'Block' }];
const config = (global: string, perClass: Record<string, string> = {}): CDIConfig => ({
  metadata: { name: 'config' }, spec: {}, status: { filesystemOverhead: { global, storageClass: perClass } },
});
const blank = { blank: {} };
const size = (s: string) => ({ resources: { requests: { storage: s } } });

test('requiredSpaceWithOverhead aligns to 1 MiB and divides by (1 - overhead), rounding up, as CDI', () => {
  const table: [bigint, number, bigint][] = [
    [1073741824n, 0.055, 1136234735n], // 1Gi at the default 5.5%
    [1073741824n, 0, 1073741824n],
    [1n, 0, 1048576n], // aligned up to 1 MiB
    [1073741824n, 0.1, 1193046472n],
  ];
  for (const [bytes, overhead, want] of table) assert.equal(requiredSpaceWithOverhead(bytes, overhead), want, `${bytes} ${overhead}`);
});

interface Row {
  name: string;
  input: Partial<RenderPvcSpecInput> & Pick<RenderPvcSpecInput, 'dv'>;
  spec?: Record<string, unknown>;
  error?: { code: string; message: string };
}

const rows: Row[] = [
  {
    name: 'pvc API is used as given, even without a StorageClass',
    input: { dv: dataVolume({ source: blank, pvc: { accessModes: ['ReadWriteMany'], ...size('1Gi'), volumeMode: 'Block' } }), storageClasses: [] },
    spec: { accessModes: ['ReadWriteMany'], resources: { requests: { storage: '1Gi' } }, volumeMode: 'Block' },
  },
  {
    name: 'pvc API import without a size: the image\'s virtual size plus overhead (Ferry)',
    input: { dv: dataVolume({ source: httpSource, pvc: { accessModes: ['ReadWriteOnce'], storageClassName: 'local' } }), imageVirtualSize: 1073741824, cdiConfig: config('0.055') },
    spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'local', resources: { requests: { storage: '1136234735' } } },
  },
  {
    name: 'pvc API import without a size, Block: the virtual size itself',
    input: { dv: dataVolume({ source: httpSource, pvc: { accessModes: ['ReadWriteOnce'], volumeMode: 'Block' } }), imageVirtualSize: 1073741824, cdiConfig: config('0.055') },
    spec: { accessModes: ['ReadWriteOnce'], volumeMode: 'Block', resources: { requests: { storage: '1073741824' } } },
  },
  {
    name: 'pvc API import without a size, image not probed yet',
    input: { dv: dataVolume({ source: httpSource, pvc: { accessModes: ['ReadWriteOnce'] } }) },
    error: { code: 'SizeUnknown', message: 'Datavolume Spec is not valid - missing storage size; the image size is not known yet' },
  },
  {
    name: 'storage API: class, modes from the profile, overhead on Filesystem',
    input: { dv: dataVolume({ source: blank, storage: size('1Gi') }), storageProfile: profile('local', rwoFsBlock), cdiConfig: config('0.055') },
    spec: { storageClassName: 'local', accessModes: ['ReadWriteOnce'], volumeMode: 'Filesystem', resources: { requests: { storage: '1136234735' } } },
  },
  {
    name: 'per-class overhead wins over the global one',
    input: { dv: dataVolume({ source: blank, storage: size('1Gi') }), storageProfile: profile('local', rwoFsBlock), cdiConfig: config('0.055', { local: '0' }) },
    spec: { storageClassName: 'local', accessModes: ['ReadWriteOnce'], volumeMode: 'Filesystem', resources: { requests: { storage: '1073741824' } } },
  },
  {
    name: 'no CDIConfig: no overhead',
    input: { dv: dataVolume({ source: blank, storage: size('1Gi') }), storageProfile: profile('local', rwoFsBlock) },
    spec: { storageClassName: 'local', accessModes: ['ReadWriteOnce'], volumeMode: 'Filesystem', resources: { requests: { storage: '1073741824' } } },
  },
  {
    name: 'CDIConfig without status: the spec overhead (default 0.055) is derived',
    input: { dv: dataVolume({ source: blank, storage: size('1Gi') }), storageProfile: profile('local', rwoFsBlock), cdiConfig: { metadata: { name: 'config' }, spec: {} } },
    spec: { storageClassName: 'local', accessModes: ['ReadWriteOnce'], volumeMode: 'Filesystem', resources: { requests: { storage: '1136234735' } } },
  },
  {
    name: 'Block: no overhead, size kept as written',
    input: { dv: dataVolume({ source: blank, storage: { ...size('1Gi'), volumeMode: 'Block' } }), storageProfile: profile('local', rwoFsBlock), cdiConfig: config('0.055') },
    spec: { storageClassName: 'local', accessModes: ['ReadWriteMany'], volumeMode: 'Block', resources: { requests: { storage: '1Gi' } } },
  },
  {
    name: 'volumeMode FromStorageProfile takes the profile\'s first set',
    input: { dv: dataVolume({ source: blank, storage: { ...size('1Gi'), volumeMode: 'FromStorageProfile' } }), storageProfile: profile('local', [{ accessModes: ['ReadWriteOnce'], volumeMode: 'Block' }]) },
    spec: { storageClassName: 'local', accessModes: ['ReadWriteOnce'], volumeMode: 'Block', resources: { requests: { storage: '1Gi' } } },
  },
  {
    name: 'access modes given: volume mode of the matching set',
    input: { dv: dataVolume({ source: blank, storage: { ...size('1Gi'), accessModes: ['ReadWriteMany'] } }), storageProfile: profile('local', rwoFsBlock) },
    spec: { storageClassName: 'local', accessModes: ['ReadWriteMany'], volumeMode: 'Block', resources: { requests: { storage: '1Gi' } } },
  },
  {
    name: 'volume mode given: access modes of the matching set',
    input: { dv: dataVolume({ source: blank, storage: { ...size('1Gi'), volumeMode: 'Block' } }), storageProfile: profile('local', rwoFsBlock) },
    spec: { storageClassName: 'local', accessModes: ['ReadWriteMany'], volumeMode: 'Block', resources: { requests: { storage: '1Gi' } } },
  },
  {
    name: 'the default virt class is preferred for disk images',
    input: { dv: dataVolume({ source: blank, storage: size('1Gi') }), storageClasses: [local, virt], storageProfile: profile('virt', rwoFsBlock) },
    spec: { storageClassName: 'virt', accessModes: ['ReadWriteOnce'], volumeMode: 'Filesystem', resources: { requests: { storage: '1073741824' } } },
  },
  {
    name: 'archives use the Kubernetes default class, Filesystem',
    input: { dv: dataVolume({ source: httpSource, contentType: 'archive', storage: { ...size('1Gi'), accessModes: ['ReadWriteOnce'] } }), storageClasses: [local, virt], storageProfile: profile('local', rwoFsBlock) },
    spec: { storageClassName: 'local', accessModes: ['ReadWriteOnce'], volumeMode: 'Filesystem', resources: { requests: { storage: '1073741824' } } },
  },
  {
    name: 'a named class is used, not the default',
    input: { dv: dataVolume({ source: blank, storage: { ...size('1Gi'), storageClassName: 'fast' } }), storageClasses: [local, fast], storageProfile: profile('fast', rwoFsBlock) },
    spec: { storageClassName: 'fast', accessModes: ['ReadWriteOnce'], volumeMode: 'Filesystem', resources: { requests: { storage: '1073741824' } } },
  },
  {
    name: 'import without a size: derived from the image\'s virtual size',
    input: { dv: dataVolume({ source: httpSource, storage: {} }), storageProfile: profile('local', rwoFsBlock), imageVirtualSize: 1073741824, cdiConfig: config('0.055') },
    spec: { storageClassName: 'local', accessModes: ['ReadWriteOnce'], volumeMode: 'Filesystem', resources: { requests: { storage: '1136234735' } } },
  },
  {
    name: 'clone without a size: left to the clone controller',
    input: { dv: dataVolume({ source: { pvc: { namespace: 'src', name: 'golden' } }, storage: {} }), storageProfile: profile('local', rwoFsBlock) },
    spec: { storageClassName: 'local', accessModes: ['ReadWriteOnce'], volumeMode: 'Filesystem', resources: { requests: {} } },
  },
  {
    name: 'import without a size, image not probed yet',
    input: { dv: dataVolume({ source: httpSource, storage: {} }), storageProfile: profile('local', rwoFsBlock) },
    error: { code: 'SizeUnknown', message: 'Datavolume Spec is not valid - missing storage size; the image size is not known yet' },
  },
  {
    name: 'blank without a size',
    input: { dv: dataVolume({ source: blank, storage: {} }), storageProfile: profile('local', rwoFsBlock) },
    error: { code: 'SizeUnknown', message: 'Datavolume Spec is not valid - missing storage size' },
  },
  {
    name: 'no access modes anywhere: CDI\'s message',
    input: { dv: dataVolume({ source: blank, storage: size('1Gi') }), storageProfile: profile('local', []) },
    error: { code: 'NoAccessModes', message: 'no accessMode defined DV nor on StorageProfile for local StorageClass' },
  },
  {
    name: 'no StorageClass at all and no access modes',
    input: { dv: dataVolume({ source: blank, storage: size('1Gi') }), storageClasses: [] },
    error: { code: 'StorageClassNotFound', message: 'DataVolume.storage spec is missing accessMode and no storageClass to choose profile' },
  },
  {
    name: 'the named class does not exist',
    input: { dv: dataVolume({ source: blank, storage: { ...size('1Gi'), storageClassName: 'nope' } }) },
    error: { code: 'StorageClassNotFound', message: 'DataVolume.storage spec is missing accessMode and no storageClass to choose profile' },
  },
  {
    name: 'no StorageClass but access modes given: the spec stands on its own',
    input: { dv: dataVolume({ source: blank, storage: { ...size('1Gi'), accessModes: ['ReadWriteOnce'] } }), storageClasses: [] },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1073741824' } } },
  },
  {
    name: 'archive on Block is refused',
    input: { dv: dataVolume({ source: httpSource, contentType: 'archive', storage: { ...size('1Gi'), volumeMode: 'Block' } }) },
    error: { code: 'ArchiveOnBlock', message: 'DataVolume with ContentType Archive cannot have block volumeMode' },
  },
];

test('renderPvcSpec', async (t) => {
  for (const row of rows) {
    await t.test(row.name, () => {
      const got = renderPvcSpec({ storageClasses: [local], ...row.input });
      if (row.error) {
        assert.ok('error' in got, 'expected an error');
        assert.deepEqual(got.error, { reason: 'ErrClaimNotValid', ...row.error });
      } else {
        assert.ok('spec' in got, `unexpected error ${JSON.stringify(got)}`);
        assert.deepEqual(got.spec, row.spec);
      }
    });
  }
});

test('renderPvcSpec does not modify the DataVolume', () => {
  const dv = dataVolume({ source: blank, storage: size('1Gi') });
  const before = structuredClone(dv);
  renderPvcSpec({ dv, storageClasses: [local], storageProfile: profile('local', rwoFsBlock), cdiConfig: config('0.055') });
  assert.deepEqual(dv, before);
});

test('of several default classes the newest wins, then the first by name', () => {
  const def = { 'storageclass.kubernetes.io/is-default-class': 'true' };
  const older = storageClass('a-older', { annotations: def, created: '2025-01-01T00:00:00Z' });
  const newer = storageClass('z-newer', { annotations: def, created: '2025-06-01T00:00:00Z' });
  const tieB = storageClass('b', { annotations: def, created: '2025-06-01T00:00:00Z' });
  const dv = dataVolume({ source: blank, storage: { ...size('1Gi'), accessModes: ['ReadWriteOnce'] } });
  const render = (classes: typeof older[]) => {
    const got = renderPvcSpec({ dv, storageClasses: classes });
    assert.ok('spec' in got);
    return got.spec.storageClassName;
  };
  assert.equal(render([older, newer]), 'z-newer');
  assert.equal(render([newer, tieB]), 'b');
});
