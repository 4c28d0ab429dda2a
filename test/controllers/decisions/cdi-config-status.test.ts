import assert from 'node:assert/strict';
import { test } from 'node:test';
import { computeCDIConfigStatus, DefaultPodResourceRequirements, isValidOverhead } from '../../../src/controllers/decisions/index.ts';
import { storageClass } from './fixtures.ts';

const classes = [
  storageClass('local', { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } }),
  storageClass('fast'),
];

test('isValidOverhead: a decimal in [0, 1) with at most three decimals', () => {
  const table: [string | undefined, boolean][] = [
    ['0', true], ['0.055', true], ['0.5', true], ['0.999', true],
    ['1', false], ['0.0555', false], ['-0.1', false], ['abc', false], ['', false], [undefined, false],
  ];
  for (const [value, want] of table) assert.equal(isValidOverhead(value), want, String(value));
});

test('an empty spec: CDI\'s defaults in force', () => {
  const got = computeCDIConfigStatus({}, { storageClasses: classes });
  assert.deepEqual(got.status, {
    scratchSpaceStorageClass: 'local',
    defaultPodResourceRequirements: DefaultPodResourceRequirements,
    filesystemOverhead: { global: '0.055', storageClass: { fast: '0.055', local: '0.055' } },
    preallocation: false,
  });
  assert.deepEqual(got.settings, {
    featureGates: [],
    honorWaitForFirstConsumer: false,
    dataVolumeClaimAdoption: false,
    dataVolumeTTLSeconds: 0,
    insecureRegistries: [],
  });
  assert.deepEqual(got.problems, []);
});

test('spec values override, invalid ones are reported and ignored', () => {
  const got = computeCDIConfigStatus(
    {
      uploadProxyURLOverride: 'https://upload.example.com',
      scratchSpaceStorageClass: 'fast',
      filesystemOverhead: { global: '0.1', storageClass: { fast: '0', local: '7' } },
      podResourceRequirements: { limits: { memory: '2G' } },
      preallocation: true,
      featureGates: ['HonorWaitForFirstConsumer', 'DataVolumeClaimAdoption'],
      dataVolumeTTLSeconds: -1,
      insecureRegistries: ['registry.local:5000'],
      importProxy: { HTTPProxy: 'http://proxy:3128' },
    },
    { storageClasses: classes, uploadProxyURL: 'https://discovered', importProxy: { HTTPProxy: 'http://cluster-proxy' } },
  );
  assert.deepEqual(got.status, {
    scratchSpaceStorageClass: 'fast',
    defaultPodResourceRequirements: { limits: { cpu: '750m', memory: '2G' }, requests: { cpu: '100m', memory: '60M' } },
    filesystemOverhead: { global: '0.1', storageClass: { fast: '0', local: '0.1' } },
    preallocation: true,
    uploadProxyURL: 'https://upload.example.com',
    importProxy: { HTTPProxy: 'http://proxy:3128' },
  });
  assert.deepEqual(got.settings, {
    featureGates: ['HonorWaitForFirstConsumer', 'DataVolumeClaimAdoption'],
    honorWaitForFirstConsumer: true,
    dataVolumeClaimAdoption: true,
    dataVolumeTTLSeconds: -1,
    insecureRegistries: ['registry.local:5000'],
  });
  assert.deepEqual(got.problems, ['filesystemOverhead.storageClass[local] "7" is not a decimal in [0, 1); using 0.1']);
});

test('scratch space: a missing class falls back to the default one, or none', () => {
  const missing = computeCDIConfigStatus({ scratchSpaceStorageClass: 'gone' }, { storageClasses: classes });
  assert.equal(missing.status.scratchSpaceStorageClass, 'local');
  assert.deepEqual(missing.problems, ['scratchSpaceStorageClass "gone" does not exist']);
  assert.equal(computeCDIConfigStatus({}, { storageClasses: [storageClass('fast')] }).status.scratchSpaceStorageClass, '');
  const upload = computeCDIConfigStatus({}, { uploadProxyURL: 'https://discovered' });
  assert.equal(upload.status.uploadProxyURL, 'https://discovered');
  assert.equal(computeCDIConfigStatus({ filesystemOverhead: { global: '2' } }, {}).status.filesystemOverhead?.global, '0.055');
});
