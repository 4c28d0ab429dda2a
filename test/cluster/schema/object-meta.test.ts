// Messages from k8s.io/apimachinery/pkg/api/validation/objectmeta.go and
// pkg/util/validation/validation.go (RegexError's double spaces included).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateObjectMeta } from '../../../src/cluster/apiserver/schema/index.ts';

const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const QNAME_MSG =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const LABEL_VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

const namespaced = { namespaced: true, nameValidator: 'dns1123Subdomain' } as const;
const cluster = { namespaced: false, nameValidator: 'dns1123Subdomain' } as const;

test('valid metadata', () => {
  assert.deepEqual(validateObjectMeta({ name: 'dv-1.a', namespace: 'default', labels: { 'app.kubernetes.io/name': 'cdi', empty: '' }, annotations: { 'cdi.kubevirt.io/storage.import.endpoint': 'http://x' } }, namespaced), []);
  assert.deepEqual(validateObjectMeta({ generateName: 'dv-' , namespace: 'ns' }, namespaced), []);
  assert.deepEqual(validateObjectMeta({ name: 'pv1' }, cluster), []);
});

test('name and generateName', () => {
  assert.deepEqual(validateObjectMeta({ namespace: 'ns' }, namespaced), [
    { type: 'FieldValueRequired', field: 'metadata.name', message: 'Required value: name or generateName is required' },
  ]);
  assert.deepEqual(validateObjectMeta({ name: 'Bad_Name', namespace: 'ns' }, namespaced), [
    { type: 'FieldValueInvalid', field: 'metadata.name', message: `Invalid value: "Bad_Name": ${SUBDOMAIN_MSG}` },
  ]);
  assert.deepEqual(validateObjectMeta({ name: 'a'.repeat(254), namespace: 'ns' }, namespaced).map((e) => e.message.split(': ').slice(2).join(': ')), [
    'must be no more than 253 characters',
  ]);
  assert.deepEqual(validateObjectMeta({ generateName: 'Bad-', namespace: 'ns' }, namespaced), [
    { type: 'FieldValueInvalid', field: 'metadata.generateName', message: `Invalid value: "Bad-": ${SUBDOMAIN_MSG}` },
  ]);
});

test('DNS label and path segment names', () => {
  assert.deepEqual(validateObjectMeta({ name: 'a.b' }, { namespaced: false, nameValidator: 'dns1123Label' }), [
    { type: 'FieldValueInvalid', field: 'metadata.name', message: `Invalid value: "a.b": ${LABEL_MSG}` },
  ]);
  assert.deepEqual(validateObjectMeta({ name: 'a/b%c' }, { namespaced: false, nameValidator: 'pathSegment' }), [
    { type: 'FieldValueInvalid', field: 'metadata.name', message: `Invalid value: "a/b%c": may not contain '/'` },
    { type: 'FieldValueInvalid', field: 'metadata.name', message: `Invalid value: "a/b%c": may not contain '%'` },
  ]);
  assert.deepEqual(validateObjectMeta({ name: '..' }, { namespaced: false, nameValidator: 'pathSegment' }), [
    { type: 'FieldValueInvalid', field: 'metadata.name', message: `Invalid value: "..": may not be '..'` },
  ]);
  assert.deepEqual(validateObjectMeta({ name: 'Weird Name:1' }, { namespaced: false, nameValidator: 'pathSegment' }), []);
});

test('namespace required, invalid, or forbidden per scope', () => {
  assert.deepEqual(validateObjectMeta({ name: 'a' }, namespaced), [{ type: 'FieldValueRequired', field: 'metadata.namespace', message: 'Required value' }]);
  assert.deepEqual(validateObjectMeta({ name: 'a', namespace: 'Bad' }, namespaced), [
    { type: 'FieldValueInvalid', field: 'metadata.namespace', message: `Invalid value: "Bad": ${LABEL_MSG}` },
  ]);
  assert.deepEqual(validateObjectMeta({ name: 'a', namespace: 'ns' }, cluster), [
    { type: 'FieldValueForbidden', field: 'metadata.namespace', message: 'Forbidden: not allowed on this type' },
  ]);
});

test('labels: keys are qualified names, values label values', () => {
  assert.deepEqual(validateObjectMeta({ name: 'a', labels: { 'bad key': 'ok', good: 'bad value', ['x'.repeat(64)]: 'v', 'Example.com/a': 'v' } }, cluster), [
    { type: 'FieldValueInvalid', field: 'metadata.labels', message: `Invalid value: "Example.com/a": prefix part ${SUBDOMAIN_MSG}` },
    { type: 'FieldValueInvalid', field: 'metadata.labels', message: `Invalid value: "bad key": ${QNAME_MSG}` },
    { type: 'FieldValueInvalid', field: 'metadata.labels', message: `Invalid value: "bad value": ${LABEL_VALUE_MSG}` },
    { type: 'FieldValueInvalid', field: 'metadata.labels', message: `Invalid value: "${'x'.repeat(64)}": name part must be no more than 63 characters` },
  ]);
  assert.deepEqual(validateObjectMeta({ name: 'a', labels: { a: 'v'.repeat(64) } }, cluster), [
    { type: 'FieldValueInvalid', field: 'metadata.labels', message: `Invalid value: "${'v'.repeat(64)}": must be no more than 63 characters` },
  ]);
});

test('annotations: qualified keys (case-insensitive) and 256 KiB in total', () => {
  assert.deepEqual(validateObjectMeta({ name: 'a', annotations: { 'Example.COM/Key': 'x' } }, cluster), []);
  assert.deepEqual(validateObjectMeta({ name: 'a', annotations: { a: 'x'.repeat(256 * 1024 - 1) } }, cluster), []);
  assert.deepEqual(validateObjectMeta({ name: 'a', annotations: { a: 'x'.repeat(256 * 1024) } }, cluster), [
    { type: 'FieldValueTooLong', field: 'metadata.annotations', message: 'Too long: may not be more than 262144 bytes' },
  ]);
});

test('owner references and finalizers', () => {
  const errs = validateObjectMeta({
    name: 'a',
    ownerReferences: [
      { apiVersion: 'cdi.kubevirt.io/v1beta1', kind: 'DataVolume', name: 'dv', uid: 'u1', controller: true },
      { apiVersion: 'v1', kind: 'Pod', name: 'p', uid: '', controller: true },
    ],
    finalizers: ['cdi.kubevirt.io/dataVolumeFinalizer', 'bad finalizer'],
  }, cluster);
  assert.deepEqual(errs.map((e) => e.field), ['metadata.ownerReferences.uid', 'metadata.ownerReferences', 'metadata.finalizers']);
  assert.equal(errs[0]?.message, 'Invalid value: "": uid must not be empty');
  assert.equal(errs[2]?.message, `Invalid value: "bad finalizer": ${QNAME_MSG}`);
  assert.match(errs[1]?.message ?? '', /Only one reference can have Controller set to true\. Found "true" in references for DataVolume\/dv and Pod\/p$/);
});
