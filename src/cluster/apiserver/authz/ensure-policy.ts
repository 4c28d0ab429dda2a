// Creates the default RBAC policy objects that are missing, at every start (as kube-apiserver's
// rbac/bootstrap-roles post-start hook does); objects a user changed are left alone.
import type { ServerContext } from '../server/context.ts';
import { setCreateMeta } from '../server/handlers/write-common.ts';
import { StoreError } from '../storage/index.ts';
import { bootstrapPolicy } from './bootstrap-policy.ts';

const RESOURCES: Record<string, string> = { ClusterRole: 'clusterroles', ClusterRoleBinding: 'clusterrolebindings' };

export async function ensureBootstrapPolicy(ctx: Pick<ServerContext, 'store' | 'registry' | 'now'>): Promise<void> {
  for (const obj of bootstrapPolicy()) {
    const served = ctx.registry.lookup('rbac.authorization.k8s.io', 'v1', RESOURCES[obj.kind ?? '']!);
    if (served === undefined) throw new Error(`bootstrap policy: ${obj.kind ?? ''} is not served`);
    const name = obj.metadata.name ?? '';
    const key = { resource: served.storageResource, namespace: '', name };
    if (ctx.store.get(key) !== undefined) continue;
    setCreateMeta(served, obj, ctx.now());
    try {
      await ctx.store.create(key, obj);
    } catch (err) {
      if (!(err instanceof StoreError && err.code === 'EEXISTS')) throw err;
    }
  }
}
