// The `kubectl get pods` row of a real server (printPod in pkg/printers/internalversion):
// READY, the STATUS a person reads (reason, Init:N/M, Init:Error, waiting and terminated
// reasons, Completed, Terminating ...), RESTARTS with "(5m ago)", and the wide columns.

import type { KubeObject } from '../types.ts';
import { isObject, numberAt, objectAt, objectsAt, path, stringAt, stringPath } from './object-access.ts';
import type { JsonObject } from './object-access.ts';
import { age, ageColumn, column, nameColumn, timestampSince } from './printing.ts';
import { describe } from './schemas.ts';
import type { PrinterColumn } from './types.ts';

export function podColumns(): PrinterColumn[] {
  return [
    nameColumn(),
    column('Ready', 'The aggregate readiness state of this pod for accepting traffic.'),
    column('Status', 'The aggregate status of the containers in this pod.'),
    column(
      'Restarts',
      'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.',
    ),
    ageColumn(),
    column('IP', describe('io.k8s.api.core.v1.PodStatus', 'podIP'), { priority: 1 }),
    column('Node', describe('io.k8s.api.core.v1.PodSpec', 'nodeName'), { priority: 1 }),
    column('Nominated Node', describe('io.k8s.api.core.v1.PodStatus', 'nominatedNodeName'), { priority: 1 }),
    column('Readiness Gates', describe('io.k8s.api.core.v1.PodSpec', 'readinessGates'), { priority: 1 }),
  ];
}

function isRestartableInitContainer(container: JsonObject | undefined): boolean {
  return container !== undefined && container['restartPolicy'] === 'Always';
}

function conditionIsTrue(status: JsonObject, type: string): boolean {
  return objectsAt(status, 'conditions').some((c) => c['type'] === type && c['status'] === 'True');
}

function terminatedAt(containerStatus: JsonObject): number | undefined {
  const finishedAt = path(containerStatus, 'lastState', 'terminated', 'finishedAt');
  if (typeof finishedAt !== 'string') return undefined;
  const at = Date.parse(finishedAt);
  return Number.isNaN(at) ? undefined : at;
}

function exitReason(terminated: JsonObject, prefix: string): string {
  const reason = stringAt(terminated, 'reason');
  if (reason) return `${prefix}${reason}`;
  const signal = numberAt(terminated, 'signal');
  if (signal !== 0) return `${prefix}Signal:${signal}`;
  return `${prefix}ExitCode:${numberAt(terminated, 'exitCode')}`;
}

interface PodSummary {
  ready: string;
  status: string;
  restarts: string;
}

/** The READY, STATUS and RESTARTS cells of a pod. */
export function summarizePod(pod: KubeObject, now: Date): PodSummary {
  const spec = objectAt(pod, 'spec');
  const status = objectAt(pod, 'status');
  const initContainers = new Map(objectsAt(spec, 'initContainers').map((c) => [stringAt(c, 'name'), c]));
  let totalContainers = objectsAt(spec, 'containers').length;
  for (const c of initContainers.values()) if (isRestartableInitContainer(c)) totalContainers++;
  let readyContainers = 0;
  let restarts = 0;
  let restartableInitRestarts = 0;
  let lastRestart: number | undefined;
  let lastRestartableInitRestart: number | undefined;
  const later = (a: number | undefined, b: number | undefined): number | undefined =>
    a === undefined ? b : b === undefined ? a : Math.max(a, b);

  const phase = stringAt(status, 'phase');
  let reason = stringAt(status, 'reason') || phase;
  for (const condition of objectsAt(status, 'conditions')) {
    if (condition['type'] === 'PodScheduled' && condition['reason'] === 'SchedulingGated') reason = 'SchedulingGated';
  }

  const initStatuses = objectsAt(status, 'initContainerStatuses');
  let initializing = false;
  for (const [i, container] of initStatuses.entries()) {
    restarts += numberAt(container, 'restartCount');
    lastRestart = later(lastRestart, terminatedAt(container));
    const restartable = isRestartableInitContainer(initContainers.get(stringAt(container, 'name')));
    if (restartable) {
      restartableInitRestarts += numberAt(container, 'restartCount');
      lastRestartableInitRestart = later(lastRestartableInitRestart, terminatedAt(container));
    }
    const terminated = path(container, 'state', 'terminated');
    const waiting = path(container, 'state', 'waiting');
    if (isObject(terminated) && numberAt(terminated, 'exitCode') === 0) continue;
    if (restartable && container['started'] === true) {
      if (container['ready'] === true) readyContainers++;
      continue;
    }
    if (isObject(terminated)) {
      reason = exitReason(terminated, 'Init:');
    } else if (isObject(waiting) && stringAt(waiting, 'reason') && waiting['reason'] !== 'PodInitializing') {
      reason = `Init:${stringAt(waiting, 'reason')}`;
    } else {
      reason = `Init:${i}/${initContainers.size}`;
    }
    initializing = true;
    break;
  }

  if (!initializing || conditionIsTrue(status, 'Initialized')) {
    restarts = restartableInitRestarts;
    lastRestart = lastRestartableInitRestart;
    let hasRunning = false;
    const statuses = objectsAt(status, 'containerStatuses');
    for (let i = statuses.length - 1; i >= 0; i--) {
      const container = statuses[i] ?? {};
      restarts += numberAt(container, 'restartCount');
      lastRestart = later(lastRestart, terminatedAt(container));
      const waiting = path(container, 'state', 'waiting');
      const terminated = path(container, 'state', 'terminated');
      if (isObject(waiting) && stringAt(waiting, 'reason')) {
        reason = stringAt(waiting, 'reason');
      } else if (isObject(terminated)) {
        reason = exitReason(terminated, '');
      } else if (container['ready'] === true && isObject(path(container, 'state', 'running'))) {
        hasRunning = true;
        readyContainers++;
      }
    }
    if (reason === 'Completed' && hasRunning) reason = conditionIsTrue(status, 'Ready') ? 'Running' : 'NotReady';
  }

  const deleting = Boolean(pod.metadata.deletionTimestamp);
  if (deleting && stringAt(status, 'reason') === 'NodeLost') reason = 'Unknown';
  else if (deleting && phase !== 'Succeeded' && phase !== 'Failed') reason = 'Terminating';

  let restartsText = String(restarts);
  if (restarts !== 0 && lastRestart !== undefined) {
    restartsText = `${restarts} (${timestampSince(new Date(lastRestart).toISOString(), now)} ago)`;
  }
  return { ready: `${readyContainers}/${totalContainers}`, status: reason, restarts: restartsText };
}

export function podCells(pod: KubeObject, now: Date): unknown[] {
  const summary = summarizePod(pod, now);
  const spec = objectAt(pod, 'spec');
  const status = objectAt(pod, 'status');
  const podIP = stringAt(objectsAt(status, 'podIPs')[0], 'ip') || '<none>';
  const gates = objectsAt(spec, 'readinessGates');
  let readinessGates = '<none>';
  if (gates.length > 0) {
    const conditions = objectsAt(status, 'conditions');
    const trueCount = gates.filter((gate) => {
      const condition = conditions.find((c) => c['type'] === gate['conditionType']);
      return condition?.['status'] === 'True';
    }).length;
    readinessGates = `${trueCount}/${gates.length}`;
  }
  return [
    pod.metadata.name ?? '',
    summary.ready,
    summary.status,
    summary.restarts,
    age(pod, now),
    podIP,
    stringPath(pod, 'spec', 'nodeName') || '<none>',
    stringPath(pod, 'status', 'nominatedNodeName') || '<none>',
    readinessGates,
  ];
}
