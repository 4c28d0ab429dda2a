// The authorization.k8s.io/v1 access review protobuf messages, as kubectl auth can-i sends them.
import { decodeKubernetesProtobuf, OBJECT_META, type MessageSchema } from '../tokens/index.ts';

const RESOURCE_ATTRIBUTES: MessageSchema = {
  1: ['namespace', 'string'],
  2: ['verb', 'string'],
  3: ['group', 'string'],
  4: ['version', 'string'],
  5: ['resource', 'string'],
  6: ['subresource', 'string'],
  7: ['name', 'string'],
};
const NON_RESOURCE_ATTRIBUTES: MessageSchema = { 1: ['path', 'string'], 2: ['verb', 'string'] };
/** SelfSubjectAccessReviewSpec; SubjectAccessReviewSpec adds user (3), groups (4), uid (6). */
const REVIEW_SPEC: MessageSchema = {
  1: ['resourceAttributes', RESOURCE_ATTRIBUTES],
  2: ['nonResourceAttributes', NON_RESOURCE_ATTRIBUTES],
  3: ['user', 'string'],
  4: ['groups', 'string', true],
  6: ['uid', 'string'],
};
const SELF_REVIEW_SPEC: MessageSchema = { 1: ['resourceAttributes', RESOURCE_ATTRIBUTES], 2: ['nonResourceAttributes', NON_RESOURCE_ATTRIBUTES] };

export function decodeAccessReviewProtobuf(body: Buffer, self: boolean): Record<string, unknown> {
  return decodeKubernetesProtobuf(body, { 1: ['metadata', OBJECT_META], 2: ['spec', self ? SELF_REVIEW_SPEC : REVIEW_SPEC] });
}
