// kubectl sends some built-in kinds as Kubernetes protobuf (`application/vnd.kubernetes.protobuf`):
// TokenRequest (kubectl create token) and SelfSubjectAccessReview (kubectl auth can-i). This
// decodes such a body into the JSON object it stands for, by a field table of the message: the
// "k8s\0" magic, the runtime.Unknown envelope {typeMeta{apiVersion, kind}, raw}, then the
// message. Fields not in the table are skipped. The answer is JSON, which client-go accepts.

export type FieldType = 'string' | 'int' | 'bool' | MessageSchema;

/** field number -> [JSON name, type, repeated?] */
export type MessageSchema = { [field: number]: [string, FieldType, boolean?] };

class Reader {
  readonly #buf: Buffer;
  #pos = 0;

  constructor(buf: Buffer) {
    this.#buf = buf;
  }

  get done(): boolean {
    return this.#pos >= this.#buf.length;
  }

  varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (this.#pos >= this.#buf.length) throw new Error('truncated varint');
      const byte = this.#buf[this.#pos++]!;
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7n;
    }
  }

  bytes(): Buffer {
    const length = Number(this.varint());
    if (this.#pos + length > this.#buf.length) throw new Error('truncated field');
    const out = this.#buf.subarray(this.#pos, this.#pos + length);
    this.#pos += length;
    return out;
  }

  skip(wireType: number): void {
    if (wireType === 0) this.varint();
    else if (wireType === 2) this.bytes();
    else if (wireType === 1) this.#pos += 8;
    else if (wireType === 5) this.#pos += 4;
    else throw new Error(`unsupported wire type ${wireType}`);
  }
}

export function decodeMessage(buf: Buffer, schema: MessageSchema): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const r = new Reader(buf);
  while (!r.done) {
    const tag = Number(r.varint());
    const field = tag >> 3;
    const wireType = tag & 7;
    const entry = schema[field];
    if (entry === undefined) {
      r.skip(wireType);
      continue;
    }
    const [name, type, repeated] = entry;
    let value: unknown;
    if (type === 'int' && wireType === 0) value = Number(BigInt.asIntN(64, r.varint()));
    else if (type === 'bool' && wireType === 0) value = r.varint() !== 0n;
    else if (type === 'string' && wireType === 2) value = r.bytes().toString('utf8');
    else if (typeof type === 'object' && wireType === 2) value = decodeMessage(r.bytes(), type);
    else {
      r.skip(wireType);
      continue;
    }
    if (repeated === true) out[name] = [...((out[name] as unknown[] | undefined) ?? []), value];
    else out[name] = value;
  }
  return out;
}

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);
const TYPE_META: MessageSchema = { 1: ['apiVersion', 'string'], 2: ['kind', 'string'] };
const UNKNOWN: MessageSchema = { 1: ['typeMeta', TYPE_META] };

/** ObjectMeta fields a request body of these kinds may carry. */
export const OBJECT_META: MessageSchema = { 1: ['name', 'string'], 2: ['generateName', 'string'], 3: ['namespace', 'string'] };

/** Decodes an enveloped protobuf object whose message is `schema` (field 1 is metadata). */
export function decodeKubernetesProtobuf(body: Buffer, schema: MessageSchema): Record<string, unknown> {
  if (!body.subarray(0, 4).equals(MAGIC)) throw new Error('missing the k8s protobuf magic');
  const envelope = body.subarray(4);
  const typeMeta = (decodeMessage(envelope, UNKNOWN)['typeMeta'] ?? {}) as Record<string, unknown>;
  const raw = rawOf(envelope);
  return { ...typeMeta, metadata: {}, ...decodeMessage(raw, schema) };
}

/** Field 2 (raw bytes) of runtime.Unknown. */
function rawOf(envelope: Buffer): Buffer {
  const r = new Reader(envelope);
  while (!r.done) {
    const tag = Number(r.varint());
    if (tag >> 3 === 2 && (tag & 7) === 2) return r.bytes();
    r.skip(tag & 7);
  }
  return Buffer.alloc(0);
}

export const PROTOBUF = 'application/vnd.kubernetes.protobuf';
