// Shared by the storage tests: a temp state dir removed afterwards, and small object builders.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeObject } from '../../../src/cluster/apiserver/types.ts';
import type { StoreKey } from '../../../src/cluster/apiserver/storage/index.ts';

export async function withTempDir<T>(run: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'ferry-store-test-'));
  try {
    return await run(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export function podKey(name: string, namespace = 'default'): StoreKey {
  return { resource: 'core/pods', namespace, name };
}

export function pod(name: string, namespace = 'default', extra: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace, uid: `uid-${namespace}-${name}` }, ...extra };
}
