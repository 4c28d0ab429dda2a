// What exists from the first start, as on a fresh kubeadm cluster: the namespaces default,
// kube-system, kube-public and kube-node-lease, and the volume-snapshot CRDs. Each is created
// only when missing, so a restart changes nothing.
import { defaultCustomResourceDefinition } from '../schema/index.ts';
import { builtinCustomResourceDefinitions } from '../resources/index.ts';
import { StoreError } from '../storage/index.ts';
import type { KubeObject } from '../types.ts';
import type { ServerContext } from './context.ts';
import { establishCrdStatus } from './crd.ts';
import { rfc3339, setCreateMeta } from './handlers/write-common.ts';
import { apiVersionOf } from './registry.ts';

export const INITIAL_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

export async function bootstrapCluster(ctx: ServerContext): Promise<void> {
  for (const name of INITIAL_NAMESPACES) {
    await createIfMissing(ctx, '', 'namespaces', 'v1', {
      metadata: { name },
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' },
    });
  }
  for (const crd of builtinCustomResourceDefinitions()) {
    defaultCustomResourceDefinition(crd);
    establishCrdStatus(crd, undefined, rfc3339(ctx.now()));
    await createIfMissing(ctx, 'apiextensions.k8s.io', 'customresourcedefinitions', 'v1', crd);
  }
}

async function createIfMissing(ctx: ServerContext, group: string, resource: string, version: string, input: KubeObject): Promise<void> {
  const served = ctx.registry.lookup(group, version, resource);
  if (served === undefined) throw new Error(`bootstrap: ${resource} is not a served kind`);
  const name = input.metadata.name ?? '';
  if (ctx.store.get({ resource: served.storageResource, namespace: '', name }) !== undefined) return;
  const obj = structuredClone(input);
  obj.apiVersion = apiVersionOf(group, version);
  obj.kind = served.kind;
  setCreateMeta(served, obj, ctx.now());
  served.prepareForCreate?.(obj);
  served.defaults(obj);
  try {
    await ctx.store.create({ resource: served.storageResource, namespace: '', name }, obj);
  } catch (err) {
    if (!(err instanceof StoreError && err.code === 'EEXISTS')) throw err;
  }
}
