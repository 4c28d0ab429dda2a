// The controller's Prometheus metrics (prom-client) under the names CDI's controller exposes:
// controller-runtime's reconcile metrics (CDI is built on controller-runtime), client-go's
// leader-election gauge, and CDI's own kubevirt_cdi_* where Ferry computes the same thing.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Reconciler, Result } from '../runtime/reconciler.ts';
import { TerminalError } from '../runtime/reconciler.ts';
import { LeaderLeaseName } from '../api/names.ts';

export interface ControllerMetrics {
  registry: Registry;
  reconcileTotal: Counter<'controller' | 'result'>;
  reconcileErrors: Counter<'controller'>;
  reconcileTime: Histogram<'controller'>;
  leader: Gauge<'name'>;
  /** CDI: DataVolumes waiting for a default StorageClass (no claim could be rendered). */
  dataVolumePending: Gauge;
  /** CDI: StorageProfiles without claim property sets (no access/volume modes known). */
  incompleteStorageProfiles: Gauge;
}

/** Values read when Prometheus scrapes, so that a scrape never shows a stale figure. */
export interface ObservedState {
  isLeader(): boolean;
  pendingDataVolumes(): number;
  incompleteStorageProfiles(): number;
}

export function createControllerMetrics(observed: ObservedState): ControllerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    reconcileTotal: new Counter({
      name: 'controller_runtime_reconcile_total',
      help: 'Total number of reconciliations per controller',
      labelNames: ['controller', 'result'],
      registers: [registry],
    }),
    reconcileErrors: new Counter({
      name: 'controller_runtime_reconcile_errors_total',
      help: 'Total number of reconciliation errors per controller',
      labelNames: ['controller'],
      registers: [registry],
    }),
    reconcileTime: new Histogram({
      name: 'controller_runtime_reconcile_time_seconds',
      help: 'Length of time per reconciliation per controller',
      labelNames: ['controller'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [registry],
    }),
    leader: new Gauge({
      name: 'leader_election_master_status',
      help: 'Gauge of if the reporting system is master of the relevant lease, 0 indicates backup, 1 indicates master',
      labelNames: ['name'],
      registers: [registry],
      collect() {
        this.set({ name: LeaderLeaseName }, observed.isLeader() ? 1 : 0);
      },
    }),
    dataVolumePending: new Gauge({
      name: 'kubevirt_cdi_datavolume_pending',
      help: 'Number of DataVolumes pending for default storage class to be configured',
      registers: [registry],
      collect() {
        this.set(observed.pendingDataVolumes());
      },
    }),
    incompleteStorageProfiles: new Gauge({
      name: 'kubevirt_cdi_incomplete_storageprofiles',
      help: 'Total number of incomplete and hence unusable StorageProfiles',
      registers: [registry],
      collect() {
        this.set(observed.incompleteStorageProfiles());
      },
    }),
  };
}

/** The reconciler, counted and timed per outcome (controller-runtime's result labels). */
export function instrumented(reconciler: Reconciler, metrics: ControllerMetrics): Reconciler {
  const controller = reconciler.name;
  return {
    name: controller,
    async reconcile(key: string, signal: AbortSignal): Promise<Result> {
      const end = metrics.reconcileTime.startTimer({ controller });
      try {
        const result = await reconciler.reconcile(key, signal);
        metrics.reconcileTotal.inc({ controller, result: result.requeueAfterMs !== undefined ? 'requeue_after' : 'success' });
        return result;
      } catch (err) {
        metrics.reconcileTotal.inc({ controller, result: err instanceof TerminalError ? 'terminal_error' : 'error' });
        metrics.reconcileErrors.inc({ controller });
        throw err;
      } finally {
        end();
      }
    },
  };
}
