// The Kubernetes protobuf bodies kubectl sends for TokenRequest and SelfSubjectAccessReview,
// encoded here field by field, decode into the JSON objects they stand for, through the server's
// one protobuf decoder.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeProtobufObject } from '../../../src/cluster/apiserver/server/protobuf.ts';

function varint(n: number): Buffer {
  const out: number[] = [];
  let v = n;
  while (v >= 0x80) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return Buffer.from(out);
}
const str = (field: number, value: string | Buffer): Buffer => {
  const bytes = typeof value === 'string' ? Buffer.from(value) : value;
  return Buffer.concat([varint((field << 3) | 2), varint(bytes.length), bytes]);
};
const int = (field: number, value: number): Buffer => Buffer.concat([varint(field << 3), varint(value)]);
const envelope = (apiVersion: string, kind: string, raw: Buffer): Buffer =>
  Buffer.concat([Buffer.from('k8s\0', 'binary'), str(1, Buffer.concat([str(1, apiVersion), str(2, kind)])), str(2, raw), str(3, ''), str(4, '')]);

test('protobuf: a TokenRequest with audiences, expiration and a bound pod', () => {
  const spec = Buffer.concat([str(1, 'api'), str(1, 'vault'), int(4, 1200), str(3, Buffer.concat([str(1, 'Pod'), str(2, 'v1'), str(3, 'worker'), str(4, 'u-1')]))]);
  const body = envelope('authentication.k8s.io/v1', 'TokenRequest', Buffer.concat([str(1, Buffer.concat([str(1, 'robot')])), str(2, spec)]));
  assert.deepEqual(decodeProtobufObject(body), {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenRequest',
    metadata: { name: 'robot' },
    spec: { audiences: ['api', 'vault'], expirationSeconds: 1200, boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'worker', uid: 'u-1' } },
  });
});

test('protobuf: unknown fields are skipped; a body without the magic is refused', () => {
  const raw = Buffer.concat([int(9, 7), str(2, Buffer.concat([str(1, Buffer.concat([str(2, 'list'), str(5, 'pods'), str(1, 'ns')])), int(15, 1)]))]);
  assert.deepEqual(decodeProtobufObject(envelope('authorization.k8s.io/v1', 'SelfSubjectAccessReview', raw)), {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SelfSubjectAccessReview',
    metadata: {},
    spec: { resourceAttributes: { verb: 'list', resource: 'pods', namespace: 'ns' } },
  });
  assert.throws(() => decodeProtobufObject(Buffer.from('{}')), { code: 'UnsupportedMediaType', message: /does not start with the Kubernetes protobuf magic number/ });
});
