// The authentication.k8s.io/v1 TokenRequest protobuf message, as kubectl create token sends it.
import { decodeKubernetesProtobuf, OBJECT_META, type MessageSchema } from './k8s-protobuf.ts';

const BOUND_OBJECT_REFERENCE: MessageSchema = { 1: ['kind', 'string'], 2: ['apiVersion', 'string'], 3: ['name', 'string'], 4: ['uid', 'string'] };
const TOKEN_REQUEST_SPEC: MessageSchema = { 1: ['audiences', 'string', true], 3: ['boundObjectRef', BOUND_OBJECT_REFERENCE], 4: ['expirationSeconds', 'int'] };
const TOKEN_REQUEST: MessageSchema = { 1: ['metadata', OBJECT_META], 2: ['spec', TOKEN_REQUEST_SPEC] };

export function decodeTokenRequestProtobuf(body: Buffer): Record<string, unknown> {
  return decodeKubernetesProtobuf(body, TOKEN_REQUEST);
}
