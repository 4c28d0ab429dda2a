// A container's log as the kubelet serves it (GET /containerLogs): which file (the current
// instance, or with `previous` the one before), the errors a real kubelet answers, `tailLines`,
// `limitBytes`, and `follow` (the file is read as it grows until that instance has exited).
// `timestamps` is accepted but lines carry no timestamps: the runner's log files are raw output.
import { open, stat } from 'node:fs/promises';
import type { V1Pod } from '@kubernetes/client-node';
import type { PodRuntime } from './pod-runtime.ts';
import { containerLogPath } from './pod-paths.ts';
import { podIdentity } from './pod-runtime.ts';

export interface LogRequest {
  container?: string;
  follow: boolean;
  previous: boolean;
  tailLines?: number;
  limitBytes?: number;
  signal: AbortSignal;
}

export class ContainerLogError extends Error {
  readonly code: 'ENOTFOUND' | 'EBADREQUEST';
  readonly httpStatus: number;
  constructor(code: 'ENOTFOUND' | 'EBADREQUEST', message: string) {
    super(message);
    this.name = 'ContainerLogError';
    this.code = code;
    this.httpStatus = code === 'ENOTFOUND' ? 404 : 400;
  }
}

interface StatusLike {
  name?: string;
  restartCount?: number;
  containerID?: string;
  state?: { waiting?: { reason?: string }; running?: unknown; terminated?: unknown };
  lastState?: { terminated?: unknown };
}

export interface LogSelection {
  path: string;
  /** True while the selected instance may still write (follow waits for it). */
  live: () => boolean;
}

/** Picks the log file for a request, or throws the kubelet's error for it. */
export function selectContainerLog(stateDir: string, pod: V1Pod, runtime: PodRuntime | undefined, req: LogRequest): LogSelection {
  const podName = pod.metadata?.name ?? '';
  const specs = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
  let container = req.container;
  if (!container) {
    if (specs.length !== 1) {
      throw new ContainerLogError('EBADREQUEST', `a container name must be specified for pod ${podName}, choose one of: [${(pod.spec?.containers ?? []).map((c) => c.name).join(' ')}]`);
    }
    container = specs[0]?.name ?? '';
  }
  if (!specs.some((c) => c.name === container)) throw new ContainerLogError('EBADREQUEST', `container ${container} is not valid for pod ${podName}`);
  const rec = runtime?.records.get(container);
  const statuses = [...((pod.status?.initContainerStatuses ?? []) as StatusLike[]), ...((pod.status?.containerStatuses ?? []) as StatusLike[])];
  const status = statuses.find((s) => s.name === container);
  const restartCount = rec?.restartCount ?? status?.restartCount ?? 0;
  const hasRun = rec ? Boolean(rec.running || rec.lastExit) : Boolean(status?.state?.running || status?.state?.terminated || status?.lastState?.terminated);
  const id = podIdentity(pod);
  if (req.previous) {
    const hadPrevious = rec ? Boolean(rec.running ? rec.lastExit : rec.previousExit ?? (rec.waiting && rec.lastExit)) : Boolean(status?.lastState?.terminated);
    if (!hadPrevious || restartCount === 0) throw new ContainerLogError('EBADREQUEST', `previous terminated container "${container}" in pod "${podName}" not found`);
    return { path: containerLogPath(stateDir, id, container, restartCount - 1), live: () => false };
  }
  if (!hasRun) {
    const reason = rec?.waiting?.reason ?? status?.state?.waiting?.reason ?? 'ContainerCreating';
    throw new ContainerLogError('EBADREQUEST', `container "${container}" in pod "${podName}" is waiting to start: ${reason}`);
  }
  const runningId = rec?.running?.containerID;
  return { path: containerLogPath(stateDir, id, container, restartCount), live: () => runningId !== undefined && rec?.running?.containerID === runningId };
}

function tail(buf: Buffer, lines: number): Buffer {
  if (lines <= 0) return Buffer.alloc(0);
  let end = buf.length;
  if (end > 0 && buf[end - 1] === 0x0a) end--;
  let count = 0;
  for (let i = end - 1; i >= 0; i--) {
    if (buf[i] === 0x0a && ++count === lines) return buf.subarray(i + 1);
  }
  return buf;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });

/** Streams the selected log: what is there now (tailed, limited), then, with follow, what comes. */
export async function* readContainerLog(selection: LogSelection, req: LogRequest): AsyncGenerator<Uint8Array> {
  let remaining = req.limitBytes ?? Number.POSITIVE_INFINITY;
  const fh = await open(selection.path, 'r').catch(() => undefined);
  if (!fh) return;
  try {
    const size = (await fh.stat()).size;
    let first: Buffer = Buffer.alloc(size);
    await fh.read(first, 0, size, 0);
    if (req.tailLines !== undefined) first = tail(first, req.tailLines);
    let position = size;
    const emit = (chunk: Buffer): Buffer | undefined => {
      if (remaining <= 0) return undefined;
      const out = chunk.length > remaining ? chunk.subarray(0, remaining) : chunk;
      remaining -= out.length;
      return out;
    };
    const head = emit(first);
    if (head?.length) yield head;
    if (!req.follow) return;
    for (;;) {
      if (req.signal.aborted || remaining <= 0) return;
      const live = selection.live();
      const { size: now } = await stat(selection.path);
      if (now > position) {
        const chunk = Buffer.alloc(now - position);
        await fh.read(chunk, 0, chunk.length, position);
        position = now;
        const out = emit(chunk);
        if (out?.length) yield out;
        continue;
      }
      if (!live) return;
      await sleep(200, req.signal);
    }
  } finally {
    await fh.close();
  }
}
