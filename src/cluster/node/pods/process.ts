// One container of a pod, run as a child process the way the kubelet runs a container:
// 1. stdout and stderr go to the container's log file (what `kubectl logs` reads);
// 2. the process runs in its own process group, so stopping it stops what it started (qemu-img);
// 3. past its memory limit (resident memory of the whole process tree) it is killed, exit 137,
//    reason OOMKilled;
// 4. on exit, the termination message is read from its file (at most 4096 bytes), falling back
//    to the log's tail when the policy says FallbackToLogsOnError and the container failed;
// 5. stop(grace) sends SIGTERM, then SIGKILL once the grace period has passed.
import { spawn } from 'node:child_process';
import { appendFile, open, readFile } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import type { ProcessExit, ProcessLauncher } from './launcher.ts';

export interface ContainerProcessSpec {
  argv: string[];
  env: Record<string, string>;
  cwd: string;
  logPath: string;
  terminationMessagePath: string;
  terminationMessagePolicy?: 'File' | 'FallbackToLogsOnError';
  memoryLimitBytes?: number;
  /** How often the memory of the process tree is sampled. */
  memoryPollMs?: number;
}

export type ContainerExitReason = 'Completed' | 'Error' | 'OOMKilled';

export interface ContainerExit {
  exitCode: number;
  signal?: string;
  reason: ContainerExitReason;
  message: string;
  startedAt: Date;
  finishedAt: Date;
}

const maxMessageBytes = 4096;

/** A started process, however it was started: its pid, and how it ends. */
interface ProcessHandle {
  pid: number;
  /** Resolves when it ends; `startError` when it never started. */
  ended: Promise<ProcessExit & { startError?: string }>;
  /** Flushes what the agent itself still writes to the log (direct spawns pipe through it). */
  closeLog(): Promise<void>;
}

export class ContainerProcess {
  readonly pid: number;
  readonly startedAt: Date;
  readonly exited: Promise<ContainerExit>;
  #oomKilled = false;
  #memoryTimer: NodeJS.Timeout | undefined;
  #done = false;

  private constructor(handle: ProcessHandle, spec: ContainerProcessSpec) {
    this.pid = handle.pid;
    this.startedAt = new Date();
    if (spec.memoryLimitBytes && handle.pid > 0) this.#watchMemory(spec.memoryLimitBytes, spec.memoryPollMs ?? 200);
    this.exited = handle.ended.then(async ({ code, signal, startError }) => {
      this.#done = true;
      clearInterval(this.#memoryTimer);
      await handle.closeLog();
      if (startError !== undefined) {
        await appendFile(spec.logPath, `failed to start container: ${startError}\n`).catch(() => undefined);
        return { exitCode: 127, reason: 'Error' as const, message: await terminationMessage(spec, true), startedAt: this.startedAt, finishedAt: new Date() };
      }
      const exitCode = code ?? (signal === 'SIGKILL' ? 137 : signal === 'SIGTERM' ? 143 : 1);
      const reason: ContainerExitReason = this.#oomKilled ? 'OOMKilled' : exitCode === 0 ? 'Completed' : 'Error';
      const message = await terminationMessage(spec, exitCode !== 0);
      return { exitCode: this.#oomKilled ? 137 : exitCode, ...(signal ? { signal } : {}), reason, message, startedAt: this.startedAt, finishedAt: new Date() };
    });
  }

  /**
   * Starts the process from this process; never throws for a missing executable (the exit
   * reports it, as a runtime would). Its output is piped to the log through this process.
   */
  static start(spec: ContainerProcessSpec): ContainerProcess {
    const [file, ...args] = spec.argv;
    if (!file) throw new Error('container has no command to run');
    const child = spawn(file, args, { cwd: spec.cwd, env: spec.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const log = createWriteStream(spec.logPath, { flags: 'a' });
    child.stdout?.pipe(log, { end: false });
    child.stderr?.pipe(log, { end: false });
    const ended = new Promise<ProcessExit & { startError?: string }>((resolve) => {
      child.once('exit', (code, signal) => resolve({ code, signal }));
      child.once('error', (err) => resolve({ code: null, signal: null, startError: err.message }));
    });
    return new ContainerProcess({ pid: child.pid ?? -1, ended, closeLog: () => new Promise<void>((r) => log.end(r)) }, spec);
  }

  /** Starts the process through the node's launcher (launcher.ts), which hands it the log file. */
  static async launch(spec: ContainerProcessSpec, launcher: ProcessLauncher): Promise<ContainerProcess> {
    const result = await launcher.launch({ argv: spec.argv, env: spec.env, cwd: spec.cwd, logPath: spec.logPath });
    const handle: ProcessHandle = 'error' in result
      ? { pid: -1, ended: Promise.resolve({ code: null, signal: null, startError: result.error }), closeLog: async () => undefined }
      : { pid: result.pid, ended: result.exited, closeLog: async () => undefined };
    return new ContainerProcess(handle, spec);
  }

  #watchMemory(limit: number, pollMs: number): void {
    this.#memoryTimer = setInterval(() => {
      void treeResidentBytes(this.pid).then((rss) => {
        if (rss > limit && !this.#done) {
          this.#oomKilled = true;
          this.#signalGroup('SIGKILL');
        }
      });
    }, pollMs);
    this.#memoryTimer.unref();
  }

  #signalGroup(signal: NodeJS.Signals): void {
    if (this.pid <= 0) return;
    try {
      process.kill(-this.pid, signal);
    } catch {
      try {
        process.kill(this.pid, signal);
      } catch {
        // Already gone.
      }
    }
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit. */
  async stop(graceMs: number): Promise<ContainerExit> {
    if (!this.#done) {
      this.#signalGroup('SIGTERM');
      const timer = setTimeout(() => this.#signalGroup('SIGKILL'), Math.max(0, graceMs));
      const exit = await this.exited;
      clearTimeout(timer);
      return exit;
    }
    return this.exited;
  }
}

async function terminationMessage(spec: ContainerProcessSpec, failed: boolean): Promise<string> {
  let message = '';
  try {
    const fh = await open(spec.terminationMessagePath, 'r');
    try {
      const buf = Buffer.alloc(maxMessageBytes);
      const { bytesRead } = await fh.read(buf, 0, maxMessageBytes, 0);
      message = buf.subarray(0, bytesRead).toString('utf8');
    } finally {
      await fh.close();
    }
  } catch {
    // No message written.
  }
  if (!message && failed && spec.terminationMessagePolicy === 'FallbackToLogsOnError') {
    try {
      const log = await readFile(spec.logPath, 'utf8');
      const lines = log.split('\n').slice(-81).join('\n');
      message = lines.slice(-2048);
    } catch {
      // No log.
    }
  }
  return message;
}

let pageBytes: number | undefined;

/** The page size statm counts in (4 KiB on x86_64, up to 64 KiB on arm64): this process's RSS both ways. */
async function pageSize(): Promise<number> {
  if (pageBytes === undefined) {
    const [statm, status] = await Promise.all([readFile('/proc/self/statm', 'latin1'), readFile('/proc/self/status', 'latin1')]);
    const pages = Number(statm.split(' ', 2)[1]);
    const kib = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1]);
    pageBytes = pages > 0 && kib > 0 ? 2 ** Math.round(Math.log2((kib * 1024) / pages)) : 4096;
  }
  return pageBytes;
}

/**
 * Resident memory of a process and all its descendants, from /proc: statm's resident pages, and
 * the children of each process's main thread (Node and qemu-img start their children from the
 * main thread). Two small reads per process: polled every few hundred milliseconds for every
 * container with a memory limit, so it must stay cheap.
 */
export async function treeResidentBytes(pid: number): Promise<number> {
  const page = await pageSize();
  let total = 0;
  const stack = [pid];
  const seen = new Set<number>();
  while (stack.length) {
    const p = stack.pop()!;
    if (seen.has(p)) continue;
    seen.add(p);
    try {
      const statm = await readFile(`/proc/${p}/statm`, 'latin1');
      total += Number(statm.split(' ', 2)[1] ?? 0) * page;
      const children = await readFile(`/proc/${p}/task/${p}/children`, 'latin1').catch(() => '');
      for (const c of children.split(' ')) if (c.trim() !== '') stack.push(Number(c));
    } catch {
      // The process ended while we looked.
    }
  }
  return total;
}
