// Writes a computed DataVolume status through the status subresource, only when it changed, and
// records the events computeDataVolumeStatus asked for. The write carries the resourceVersion
// read, so a status computed from a stale view is rejected (409) and recomputed.
import { CDI_API_VERSION, type DataVolume, type DataVolumeStatus } from '../../api/index.ts';
import { kube } from '../../kube/errors.ts';
import { mergePatch } from '../../kube/patch.ts';
import { cdiResource, type ControllerContext } from '../context.ts';
import type { DataVolumeStatusResult } from '../decisions/index.ts';

export async function writeDataVolumeStatus(
  ctx: ControllerContext,
  dv: DataVolume,
  result: DataVolumeStatusResult,
  reconcileID: string,
): Promise<DataVolume> {
  if (!result.changed) return dv;
  const namespace = dv.metadata.namespace ?? '';
  const name = dv.metadata.name ?? '';
  const updated = (await kube(
    ctx.custom.patchNamespacedCustomObjectStatus(
      {
        ...cdiResource.dataVolumes,
        namespace,
        name,
        body: { metadata: { resourceVersion: dv.metadata.resourceVersion }, status: result.status satisfies DataVolumeStatus },
      },
      mergePatch,
    ),
  )) as DataVolume;
  if (dv.status?.phase !== result.phase) {
    ctx.logger.info({ dataVolume: `${namespace}/${name}`, from: dv.status?.phase ?? '', to: result.phase, reconcileID }, 'phase changed');
  }
  const subject = { apiVersion: CDI_API_VERSION, kind: 'DataVolume', metadata: updated.metadata };
  for (const event of result.events) await ctx.events.record(subject, event.type, event.reason, event.message);
  return updated;
}
