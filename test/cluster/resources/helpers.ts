// Shared by the registry tests: look kinds up and build bare objects.

import assert from 'node:assert/strict';
import { findBuiltinResource } from '../../../src/cluster/apiserver/resources/index.ts';
import type { ResourceType } from '../../../src/cluster/apiserver/resources/index.ts';
import type { KubeObject } from '../../../src/cluster/apiserver/types.ts';

export function kind(group: string, resource: string): ResourceType {
  const found = findBuiltinResource(group, 'v1', resource);
  assert.ok(found, `${resource}.${group} is not registered`);
  return found;
}

export function object(fields: Record<string, unknown>, metadata: KubeObject['metadata'] = {}): KubeObject {
  return { metadata: { name: 'x', creationTimestamp: '2026-01-01T00:00:00Z', ...metadata }, ...fields };
}

/** prepareForCreate then defaults, in the order the server's create handler applies them. */
export function created(type: ResourceType, obj: KubeObject): KubeObject {
  type.prepareForCreate?.(obj);
  type.defaults(obj);
  return obj;
}
