// Behaviour of apiextensions-apiserver pkg/registry/customresource/tableconvertor: Name first with
// format "name", the columns in order, a default Age column only when none are defined, date
// cells rendered as ages, missing values as null.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crdPrinterColumns, JSONPathError, NAME_COLUMN_DESCRIPTION, renderTable, cellForValue } from '../../../src/cluster/apiserver/table/index.ts';
import type { KubeObject } from '../../../src/cluster/apiserver/types.ts';

const now = new Date('2026-01-01T12:00:00Z');

const dv: KubeObject = {
  apiVersion: 'cdi.kubevirt.io/v1beta1',
  kind: 'DataVolume',
  metadata: { name: 'fedora', namespace: 'default', creationTimestamp: '2026-01-01T11:55:00Z', resourceVersion: '42' },
  spec: { source: { blank: {} } },
  status: { phase: 'Succeeded', progress: '100.0%', restartCount: 0, conditions: [{ type: 'Ready', status: 'True' }] },
};

// CDI's DataVolume columns (cdi.kubevirt.io_datavolumes.yaml).
const cdiColumns = [
  { name: 'Phase', type: 'string', description: 'The phase the data volume is in', jsonPath: '.status.phase' },
  { name: 'Progress', type: 'string', description: 'Transfer progress in percentage if known, N/A otherwise', jsonPath: '.status.progress' },
  { name: 'Restarts', type: 'integer', description: 'The number of times the transfer has been restarted.', jsonPath: '.status.restartCount' },
  { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
];

test('CDI DataVolume columns: Name, then the defined columns; date rendered as an age', () => {
  const t = crdPrinterColumns(cdiColumns);
  assert.deepEqual(t.columns.map((c) => [c.name, c.type, c.format, c.priority]), [
    ['Name', 'string', 'name', 0],
    ['Phase', 'string', '', 0],
    ['Progress', 'string', '', 0],
    ['Restarts', 'integer', '', 0],
    ['Age', 'date', '', 0],
  ]);
  assert.equal(t.columns[0]?.description, NAME_COLUMN_DESCRIPTION);
  assert.equal(t.columns[4]?.description, 'Custom resource definition column (in JSONPath format): .metadata.creationTimestamp');
  assert.deepEqual(t.cells(dv, now), ['fedora', 'Succeeded', '100.0%', 0, '5m']);
});

test('no columns defined: Name and Age', () => {
  const t = crdPrinterColumns([]);
  assert.deepEqual(t.columns.map((c) => c.name), ['Name', 'Age']);
  assert.equal(t.columns[1]?.type, 'date');
  assert.match(t.columns[1]?.description ?? '', /^CreationTimestamp is a timestamp/);
  assert.deepEqual(t.cells(dv, now), ['fedora', '5m']);
});

test('missing values are null cells; filters select condition status', () => {
  const t = crdPrinterColumns([
    { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
    { name: 'Bound', type: 'string', jsonPath: '.status.conditions[?(@.type=="Bound")].status', priority: 1 },
  ]);
  assert.deepEqual(t.cells(dv, now), ['fedora', 'True', null]);
  assert.equal(t.columns[2]?.priority, 1);
});

test('cellForValue converts by column type like cellForJSONValue', () => {
  const cases: [string, unknown, unknown][] = [
    ['integer', 3, 3],
    ['integer', 3.7, 3],
    ['integer', '3', null],
    ['number', 2, 2],
    ['boolean', true, true],
    ['boolean', 'true', null],
    ['string', 'x', 'x'],
    ['string', 5, '5'],
    ['string', 0.5, '0.5'],
    ['string', { b: 1, a: [true] }, '{"a":[true],"b":1}'],
    ['date', '2026-01-01T11:00:00Z', '60m'],
    ['date', 'garbage', '<invalid>'],
    ['date', 5, null],
    ['string', null, null],
  ];
  for (const [type, value, want] of cases) assert.deepEqual(cellForValue(type, value, now), want, `${type} ${JSON.stringify(value)}`);
});

test('an unparsable jsonPath is rejected like the table convertor does', () => {
  assert.throws(() => crdPrinterColumns([{ name: 'X', type: 'string', jsonPath: '.a[' }]), (e: unknown) => e instanceof JSONPathError && e.message === 'unrecognized column definition ".a["');
});

test('renderTable: includeObject Metadata gives PartialObjectMetadata rows', () => {
  const t = crdPrinterColumns(cdiColumns);
  const table = renderTable({ columns: t.columns, rows: [{ cells: t.cells(dv, now), object: dv }], includeObject: 'Metadata', listMeta: { resourceVersion: '42' } });
  assert.equal(table.kind, 'Table');
  assert.equal(table.apiVersion, 'meta.k8s.io/v1');
  assert.deepEqual(table.metadata, { resourceVersion: '42' });
  assert.deepEqual(table.rows[0]?.object, { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: dv.metadata });
  assert.deepEqual(Object.keys(table.columnDefinitions[0] ?? {}), ['name', 'type', 'format', 'description', 'priority']);
});

test('renderTable: None gives null objects, Object the whole object, list meta carries continue', () => {
  const none = renderTable({ columns: [], rows: [{ cells: ['a'], object: dv }], includeObject: 'None', listMeta: { resourceVersion: '7', continue: 'tok', remainingItemCount: 3 } });
  assert.equal(none.rows[0]?.object, null);
  assert.deepEqual(none.metadata, { resourceVersion: '7', continue: 'tok', remainingItemCount: 3 });
  const full = renderTable({ columns: [], rows: [{ cells: ['a'], object: dv }], includeObject: 'Object', listMeta: { resourceVersion: '7', continue: '' } });
  assert.equal(full.rows[0]?.object, dv);
  assert.deepEqual(full.metadata, { resourceVersion: '7' });
});
