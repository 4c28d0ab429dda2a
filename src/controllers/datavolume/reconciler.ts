// The DataVolume reconciler: the one place that turns a DataVolume into a populated claim.
// Per key (level-based; running it twice does no harm):
// 1. No DataVolume, or one being deleted: nothing to do (its claim and pod go with it through
//    owner references). A Succeeded one whose TTL has passed is garbage collected first (gc.ts),
//    before anything could take its handed-over claim back.
// 2. A source kind without a populate step here: left alone.
// 3. The claim: found, taken over, or created (claim-sync.ts).
// 4. The populate step drives the worker (blank.ts for the blank source).
// 5. The status is computed (computeDataVolumeStatus) and written only when it changed; the
//    events it asks for are recorded.
// 6. A Succeeded DataVolume is garbage collected when its TTL has passed (gc.ts).
import type { V1PersistentVolumeClaim } from '@kubernetes/client-node';
import type { DataVolume } from '../../api/index.ts';
import { splitKey } from '../../runtime/manager.ts';
import { type Reconciler, type Result, done, requeueAfter } from '../../runtime/reconciler.ts';
import { settingsInForce, type ControllerContext } from '../context.ts';
import { computeDataVolumeStatus, isWaitForFirstConsumer, type TransferPodObservation } from '../decisions/index.ts';
import { syncClaim } from './claim-sync.ts';
import { collectIfFinished } from './gc.ts';
import { populateStepFor } from './steps.ts';
import { writeDataVolumeStatus } from './status-writer.ts';

let reconcileCounter = 0;

function minDelay(...delays: (number | undefined)[]): number | undefined {
  const set = delays.filter((d): d is number => d !== undefined);
  return set.length ? Math.min(...set) : undefined;
}

export class DataVolumeReconciler implements Reconciler {
  readonly name = 'datavolume';
  readonly #ctx: ControllerContext;

  constructor(ctx: ControllerContext) {
    this.#ctx = ctx;
  }

  async reconcile(key: string, signal: AbortSignal): Promise<Result> {
    const ctx = this.#ctx;
    const reconcileID = `dv-${++reconcileCounter}`;
    const { namespace, name } = splitKey(key);
    const cached = ctx.caches.dataVolumes.get(name, namespace);
    if (!cached || cached.metadata.deletionTimestamp) return done;
    const step = populateStepFor(cached);
    if (!step) {
      ctx.logger.debug({ dataVolume: key, reconcileID }, 'no populate step for this source kind');
      return done;
    }
    const settings = settingsInForce(ctx);
    const ttlSeconds = settings.settings.dataVolumeTTLSeconds;
    const early = await collectIfFinished(ctx, cached, ctx.caches.claims.get(name, namespace), ttlSeconds, reconcileID);
    if (early.deleted || early.collecting) return done;
    const claim = await syncClaim({ ctx, dv: cached, step, settings, signal, reconcileID });
    let dv: DataVolume = claim.dv;
    const syncError = 'syncError' in claim ? claim.syncError : undefined;
    let pvc: V1PersistentVolumeClaim | undefined = syncError ? undefined : claim.pvc;
    let pod: TransferPodObservation | undefined;
    let stepDelay: number | undefined;
    if (pvc && !syncError) {
      const observed = await step.sync({ ctx, dv, pvc, settings, signal, reconcileID });
      pod = observed.pod;
      pvc = observed.pvc ?? pvc;
      stepDelay = observed.requeueAfterMs;
    }
    const storageClass = pvc ? ctx.caches.storageClasses.get(pvc.spec?.storageClassName ?? '') : undefined;
    const status = computeDataVolumeStatus({
      dv,
      ...(pvc ? { pvc } : {}),
      ...(pod ? { pod } : {}),
      operation: step.operation,
      wffc: isWaitForFirstConsumer(storageClass),
      honorWaitForFirstConsumer: settings.settings.honorWaitForFirstConsumer,
      ...(syncError ? { syncError } : {}),
      now: new Date(ctx.clock.now()),
    });
    dv = await writeDataVolumeStatus(ctx, dv, status, reconcileID);
    const gc = await collectIfFinished(ctx, dv, pvc, ttlSeconds, reconcileID);
    if (gc.deleted || gc.collecting) return done;
    const delay = minDelay(gc.requeueAfterMs, stepDelay, 'requeueAfterMs' in claim ? claim.requeueAfterMs : undefined);
    return delay === undefined ? done : requeueAfter(delay);
  }
}
