// One container of a pod, run as a child process the way the kubelet runs a container:
// 1. stdout and stderr go to the container's log file (what `kubectl logs` reads);
// 2. the process runs in its own process group, so stopping it stops what it started (qemu-img);
// 3. past its memory limit (resident memory of the whole process tree) it is killed, exit 137,
//    reason OOMKilled;
// 4. on exit, the termination message is read from its file (at most 4096 bytes), falling back
//    to the log's tail when the policy says FallbackToLogsOnError and the container failed;
// 5. stop(grace) sends SIGTERM, then SIGKILL once the grace period has passed.
import { spawn, type ChildProcess } from 'node:child_process';
import { open, readFile } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';

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

export class ContainerProcess {
  readonly pid: number;
  readonly startedAt: Date;
  readonly exited: Promise<ContainerExit>;
  #child: ChildProcess;
  #oomKilled = false;
  #memoryTimer: NodeJS.Timeout | undefined;
  #done = false;

  private constructor(child: ChildProcess, spec: ContainerProcessSpec) {
    this.#child = child;
    this.pid = child.pid ?? -1;
    this.startedAt = new Date();
    const log = createWriteStream(spec.logPath, { flags: 'a' });
    child.stdout?.pipe(log, { end: false });
    child.stderr?.pipe(log, { end: false });
    if (spec.memoryLimitBytes) this.#watchMemory(spec.memoryLimitBytes, spec.memoryPollMs ?? 200);
    this.exited = new Promise((resolve) => {
      const finish = async (code: number | null, signal: NodeJS.Signals | null) => {
        this.#done = true;
        clearInterval(this.#memoryTimer);
        await new Promise<void>((r) => log.end(r));
        const exitCode = code ?? (signal === 'SIGKILL' ? 137 : signal === 'SIGTERM' ? 143 : 1);
        const reason: ContainerExitReason = this.#oomKilled ? 'OOMKilled' : exitCode === 0 ? 'Completed' : 'Error';
        const message = await terminationMessage(spec, exitCode !== 0);
        resolve({ exitCode: this.#oomKilled ? 137 : exitCode, ...(signal ? { signal } : {}), reason, message, startedAt: this.startedAt, finishedAt: new Date() });
      };
      child.on('exit', (code, signal) => void finish(code, signal));
      child.on('error', (err) => {
        if (this.#done) return;
        log.write(`failed to start container: ${err.message}\n`);
        void finish(127, null);
      });
    });
  }

  /** Starts the process; never throws for a missing executable (the exit reports it, as a runtime would). */
  static start(spec: ContainerProcessSpec): ContainerProcess {
    const [file, ...args] = spec.argv;
    if (!file) throw new Error('container has no command to run');
    const child = spawn(file, args, { cwd: spec.cwd, env: spec.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    return new ContainerProcess(child, spec);
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
    try {
      process.kill(-this.pid, signal);
    } catch {
      try {
        this.#child.kill(signal);
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
