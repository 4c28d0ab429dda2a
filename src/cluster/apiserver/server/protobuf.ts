// Request bodies in Kubernetes protobuf (`application/vnd.kubernetes.protobuf`): kubectl's
// typed clients send them for `create namespace|configmap|secret|serviceaccount|role|
// clusterrole|rolebinding|clusterrolebinding|token` and `auth can-i`, and cannot fall back to
// JSON. The one decoder of the server: it decodes the envelope (magic "k8s\0" +
// runtime.Unknown) and the kinds those commands send, by field tables taken from
// k8s.io/api's generated.proto; any other kind is a 415. Answers are always JSON (clients
// accept it). Empty strings and zero numbers are dropped, as the JSON encoding's omitempty does.
import { ApiError } from './status.ts';

/** `bytes` become base64 text as in JSON; `raw` stays a Buffer (the envelope's payload). */
type Scalar = 'string' | 'bytes' | 'raw' | 'int' | 'bool' | 'time';

interface Field {
  name: string;
  type: Scalar | Message | MapOf;
  repeated?: boolean;
}

interface MapOf {
  map: Scalar | Message;
}

type Message = { [field: number]: Field };

const time: Scalar = 'time';

const TYPE_META: Message = { 1: { name: 'apiVersion', type: 'string' }, 2: { name: 'kind', type: 'string' } };
const UNKNOWN: Message = { 1: { name: 'typeMeta', type: TYPE_META }, 2: { name: 'raw', type: 'raw' } };

const OWNER_REFERENCE: Message = {
  1: { name: 'kind', type: 'string' },
  3: { name: 'name', type: 'string' },
  4: { name: 'uid', type: 'string' },
  5: { name: 'apiVersion', type: 'string' },
  6: { name: 'controller', type: 'bool' },
  7: { name: 'blockOwnerDeletion', type: 'bool' },
};

const OBJECT_META: Message = {
  1: { name: 'name', type: 'string' },
  2: { name: 'generateName', type: 'string' },
  3: { name: 'namespace', type: 'string' },
  4: { name: 'selfLink', type: 'string' },
  5: { name: 'uid', type: 'string' },
  6: { name: 'resourceVersion', type: 'string' },
  7: { name: 'generation', type: 'int' },
  8: { name: 'creationTimestamp', type: time },
  9: { name: 'deletionTimestamp', type: time },
  10: { name: 'deletionGracePeriodSeconds', type: 'int' },
  11: { name: 'labels', type: { map: 'string' } },
  12: { name: 'annotations', type: { map: 'string' } },
  13: { name: 'ownerReferences', type: OWNER_REFERENCE, repeated: true },
  14: { name: 'finalizers', type: 'string', repeated: true },
};

const OBJECT_REFERENCE: Message = {
  1: { name: 'kind', type: 'string' },
  2: { name: 'namespace', type: 'string' },
  3: { name: 'name', type: 'string' },
  4: { name: 'uid', type: 'string' },
  5: { name: 'apiVersion', type: 'string' },
  6: { name: 'resourceVersion', type: 'string' },
  7: { name: 'fieldPath', type: 'string' },
};

const meta: Field = { name: 'metadata', type: OBJECT_META };

const RESOURCE_ATTRIBUTES: Message = {
  1: { name: 'namespace', type: 'string' },
  2: { name: 'verb', type: 'string' },
  3: { name: 'group', type: 'string' },
  4: { name: 'version', type: 'string' },
  5: { name: 'resource', type: 'string' },
  6: { name: 'subresource', type: 'string' },
  7: { name: 'name', type: 'string' },
};
const NON_RESOURCE_ATTRIBUTES: Message = { 1: { name: 'path', type: 'string' }, 2: { name: 'verb', type: 'string' } };

const POLICY_RULE: Message = {
  1: { name: 'verbs', type: 'string', repeated: true },
  2: { name: 'apiGroups', type: 'string', repeated: true },
  3: { name: 'resources', type: 'string', repeated: true },
  4: { name: 'resourceNames', type: 'string', repeated: true },
  5: { name: 'nonResourceURLs', type: 'string', repeated: true },
};
const LABEL_SELECTOR: Message = {
  1: { name: 'matchLabels', type: { map: 'string' } },
  2: {
    name: 'matchExpressions',
    type: { 1: { name: 'key', type: 'string' }, 2: { name: 'operator', type: 'string' }, 3: { name: 'values', type: 'string', repeated: true } },
    repeated: true,
  },
};
const ROLE_BINDING: Message = {
  1: meta,
  2: {
    name: 'subjects',
    type: { 1: { name: 'kind', type: 'string' }, 2: { name: 'apiGroup', type: 'string' }, 3: { name: 'name', type: 'string' }, 4: { name: 'namespace', type: 'string' } },
    repeated: true,
  },
  3: { name: 'roleRef', type: { 1: { name: 'apiGroup', type: 'string' }, 2: { name: 'kind', type: 'string' }, 3: { name: 'name', type: 'string' } } },
};

/** Object messages by `<apiVersion>/<kind>`. */
const KINDS: Record<string, Message> = {
  'v1/Namespace': {
    1: meta,
    2: { name: 'spec', type: { 1: { name: 'finalizers', type: 'string', repeated: true } } },
    3: { name: 'status', type: { 1: { name: 'phase', type: 'string' } } },
  },
  'v1/ConfigMap': {
    1: meta,
    2: { name: 'data', type: { map: 'string' } },
    3: { name: 'binaryData', type: { map: 'bytes' } },
    4: { name: 'immutable', type: 'bool' },
  },
  'v1/Secret': {
    1: meta,
    2: { name: 'data', type: { map: 'bytes' } },
    3: { name: 'type', type: 'string' },
    4: { name: 'stringData', type: { map: 'string' } },
    5: { name: 'immutable', type: 'bool' },
  },
  'v1/ServiceAccount': {
    1: meta,
    2: { name: 'secrets', type: OBJECT_REFERENCE, repeated: true },
    3: { name: 'imagePullSecrets', type: { 1: { name: 'name', type: 'string' } }, repeated: true },
    4: { name: 'automountServiceAccountToken', type: 'bool' },
  },
  'rbac.authorization.k8s.io/v1/Role': { 1: meta, 2: { name: 'rules', type: POLICY_RULE, repeated: true } },
  'rbac.authorization.k8s.io/v1/ClusterRole': {
    1: meta,
    2: { name: 'rules', type: POLICY_RULE, repeated: true },
    3: { name: 'aggregationRule', type: { 1: { name: 'clusterRoleSelectors', type: LABEL_SELECTOR, repeated: true } } },
  },
  'rbac.authorization.k8s.io/v1/RoleBinding': ROLE_BINDING,
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': ROLE_BINDING,
  'authorization.k8s.io/v1/SelfSubjectAccessReview': {
    1: meta,
    2: {
      name: 'spec',
      type: { 1: { name: 'resourceAttributes', type: RESOURCE_ATTRIBUTES }, 2: { name: 'nonResourceAttributes', type: NON_RESOURCE_ATTRIBUTES } },
    },
  },
  'authorization.k8s.io/v1/SubjectAccessReview': {
    1: meta,
    2: {
      name: 'spec',
      type: {
        1: { name: 'resourceAttributes', type: RESOURCE_ATTRIBUTES },
        2: { name: 'nonResourceAttributes', type: NON_RESOURCE_ATTRIBUTES },
        3: { name: 'user', type: 'string' },
        4: { name: 'groups', type: 'string', repeated: true },
        6: { name: 'uid', type: 'string' },
      },
    },
  },
  'authorization.k8s.io/v1/LocalSubjectAccessReview': {
    1: meta,
    2: {
      name: 'spec',
      type: {
        1: { name: 'resourceAttributes', type: RESOURCE_ATTRIBUTES },
        2: { name: 'nonResourceAttributes', type: NON_RESOURCE_ATTRIBUTES },
        3: { name: 'user', type: 'string' },
        4: { name: 'groups', type: 'string', repeated: true },
        6: { name: 'uid', type: 'string' },
      },
    },
  },
  'authentication.k8s.io/v1/TokenRequest': {
    1: meta,
    2: {
      name: 'spec',
      type: {
        1: { name: 'audiences', type: 'string', repeated: true },
        3: { name: 'boundObjectRef', type: { 1: { name: 'kind', type: 'string' }, 2: { name: 'apiVersion', type: 'string' }, 3: { name: 'name', type: 'string' }, 4: { name: 'uid', type: 'string' } } },
        4: { name: 'expirationSeconds', type: 'int' },
      },
    },
  },
  'authentication.k8s.io/v1/TokenReview': {
    1: meta,
    2: { name: 'spec', type: { 1: { name: 'token', type: 'string' }, 2: { name: 'audiences', type: 'string', repeated: true } } },
  },
};

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

export const PROTOBUF = 'application/vnd.kubernetes.protobuf';

/** Decodes a protobuf request body into the object's JSON form; 415 for kinds not listed above. */
export function decodeProtobufObject(body: Buffer): Record<string, unknown> {
  if (body.length < 4 || !body.subarray(0, 4).equals(MAGIC)) throw unsupported('the body does not start with the Kubernetes protobuf magic number');
  const envelope = decodeMessage(body.subarray(4), UNKNOWN) as { typeMeta?: { apiVersion?: string; kind?: string }; raw?: Buffer };
  const apiVersion = envelope.typeMeta?.apiVersion ?? '';
  const kind = envelope.typeMeta?.kind ?? '';
  const message = KINDS[`${apiVersion}/${kind}`];
  if (message === undefined) throw unsupported(`${kind} (${apiVersion}) is not accepted in protobuf by this server; send JSON`);
  const obj = decodeMessage(envelope.raw ?? Buffer.alloc(0), message);
  // Every kind here has metadata (field 1); an empty one is still an object, as in JSON.
  return { apiVersion, kind, metadata: {}, ...obj };
}

function unsupported(why: string): ApiError {
  return new ApiError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml (${why})`,
  );
}

class Reader {
  readonly buf: Buffer;
  pos = 0;
  constructor(buf: Buffer) {
    this.buf = buf;
  }
  get done(): boolean {
    return this.pos >= this.buf.length;
  }
  varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (this.pos >= this.buf.length) throw unsupported('truncated varint');
      const byte = this.buf[this.pos++]!;
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7n;
      if (shift > 70n) throw unsupported('varint too long');
    }
  }
  bytes(): Buffer {
    const length = Number(this.varint());
    if (this.pos + length > this.buf.length) throw unsupported('truncated field');
    const out = this.buf.subarray(this.pos, this.pos + length);
    this.pos += length;
    return out;
  }
  skip(wireType: number): void {
    switch (wireType) {
      case 0:
        this.varint();
        return;
      case 1:
        this.pos += 8;
        return;
      case 2:
        this.bytes();
        return;
      case 5:
        this.pos += 4;
        return;
      default:
        throw unsupported(`wire type ${wireType}`);
    }
  }
}

function decodeMessage(buf: Buffer, message: Message): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const reader = new Reader(buf);
  while (!reader.done) {
    const tag = Number(reader.varint());
    const number = tag >>> 3;
    const wireType = tag & 7;
    const field = message[number];
    if (field === undefined) {
      reader.skip(wireType);
      continue;
    }
    const value = decodeField(reader, wireType, field);
    if (typeof field.type === 'object' && 'map' in field.type) {
      const [k, v] = value as [string, unknown];
      const map = (out[field.name] ??= {}) as Record<string, unknown>;
      map[k] = v;
    } else if (field.repeated === true) {
      ((out[field.name] ??= []) as unknown[]).push(value);
    } else if (value !== undefined) {
      out[field.name] = value;
    }
  }
  return out;
}

function decodeField(reader: Reader, wireType: number, field: Field): unknown {
  const type = field.type;
  if (typeof type === 'string') return decodeScalar(reader, wireType, type, field.repeated === true);
  if ('map' in type) {
    const entry = decodeMessage(reader.bytes(), { 1: { name: 'key', type: 'string' }, 2: { name: 'value', type: type.map } });
    const fallback = type.map === 'string' || type.map === 'bytes' ? '' : {};
    return [entry['key'] ?? '', entry['value'] ?? fallback];
  }
  return decodeMessage(reader.bytes(), type);
}

function decodeScalar(reader: Reader, wireType: number, type: Scalar, keepEmpty: boolean): unknown {
  switch (type) {
    case 'string': {
      const text = reader.bytes().toString('utf8');
      return text === '' && !keepEmpty ? undefined : text;
    }
    case 'bytes':
      return reader.bytes().toString('base64');
    case 'raw':
      return reader.bytes();
    case 'bool':
      return reader.varint() !== 0n;
    case 'int': {
      if (wireType !== 0) {
        reader.skip(wireType);
        return undefined;
      }
      const n = BigInt.asIntN(64, reader.varint());
      return n === 0n ? undefined : Number(n);
    }
    case 'time': {
      const t = decodeMessage(reader.bytes(), { 1: { name: 'seconds', type: 'int' }, 2: { name: 'nanos', type: 'int' } });
      const seconds = (t['seconds'] as number | undefined) ?? 0;
      if (seconds === 0) return undefined;
      return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    }
  }
}
