// The volume side of the PV controller: a volume's phase follows its claim (decideVolumePhase);
// a volume whose claim is gone is Released, and with the Delete policy the driver removes it
// from disk and deletes the PV. A Bound volume whose claim has not caught up sends the claim back
// to the claim queue.
import type { V1PersistentVolume } from '@kubernetes/client-node';
import { kube, toKubeError } from '../../../kube/errors.ts';
import { type Result, done } from '../../../runtime/reconciler.ts';
import { decideVolumePhase } from './binding.ts';
import type { StorageContext } from './context.ts';
import { annotations, hostpathProvisioner } from './names.ts';

export async function reconcileVolume(ctx: StorageContext, name: string): Promise<Result> {
  const pv = ctx.pvs.get(name);
  if (!pv || pv.metadata?.deletionTimestamp) return done;
  const ref = pv.spec?.claimRef;
  const claim = ref?.name ? ctx.claims.get(ref.name, ref.namespace) : undefined;
  const decision = decideVolumePhase(pv, claim);
  if (decision.phase === 'reclaim-delete') return reclaim(ctx, pv);
  if (pv.status?.phase !== decision.phase) {
    await kube(ctx.core.replacePersistentVolumeStatus({ name, body: { ...pv, status: { ...pv.status, phase: decision.phase } } }));
  }
  if (decision.phase === 'Bound' && claim && claim.status?.phase !== 'Bound') {
    ctx.claimQueue().add(`${claim.metadata?.namespace}/${claim.metadata?.name}`);
  }
  return done;
}

async function reclaim(ctx: StorageContext, pv: V1PersistentVolume): Promise<Result> {
  const name = pv.metadata!.name!;
  const ours = pv.metadata?.annotations?.[annotations.provisionedBy] === hostpathProvisioner || pv.spec?.csi?.driver === hostpathProvisioner;
  if (!ours) {
    if (pv.status?.phase !== 'Failed') {
      await kube(
        ctx.core.replacePersistentVolumeStatus({
          name,
          body: { ...pv, status: { phase: 'Failed', message: `error getting deleter volume plugin for volume "${name}": no deletable volume plugin matched` } },
        }),
      );
    }
    return done;
  }
  if (pv.status?.phase !== 'Released') {
    await kube(ctx.core.replacePersistentVolumeStatus({ name, body: { ...pv, status: { ...pv.status, phase: 'Released' } } }));
  }
  await ctx.volumes.remove(pv.spec?.csi?.volumeHandle ?? name);
  try {
    await ctx.core.deletePersistentVolume({ name });
  } catch (err) {
    const e = toKubeError(err);
    if (e.code !== 'ENOTFOUND') throw e;
  }
  ctx.logger?.info({ pv: name }, 'reclaimed volume');
  return done;
}
