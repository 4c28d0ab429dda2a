// The agent's side of the process launcher (launcher-main.ts): start() runs the launcher once;
// launch() asks it to start a process and answers with its pid, and with its exit later. If the
// launcher dies, the processes it started are watched by pid until they are gone (their exit
// status is then unknown: reported as a failure), and the next launch starts a new launcher.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface LaunchSpec {
  argv: string[];
  env: Record<string, string>;
  cwd: string;
  /** stdout and stderr, appended. */
  logPath: string;
}

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export type LaunchResult = { pid: number; exited: Promise<ProcessExit> } | { error: string };

interface Pending {
  started: (result: LaunchResult) => void;
  exited?: (exit: ProcessExit) => void;
  pid?: number;
}

type LauncherMessage = { id: number; pid?: number; error?: string; exit?: ProcessExit };

const launcherMain = fileURLToPath(new URL('./launcher-main.ts', import.meta.url));

/** How often a process whose launcher died is checked for. */
const orphanPollMs = 500;

export class ProcessLauncher {
  #child: ChildProcess | undefined;
  #nextId = 1;
  readonly #pending = new Map<number, Pending>();
  #closed = false;

  #ensureChild(): ChildProcess {
    if (this.#child && this.#child.connected) return this.#child;
    const child = spawn(process.execPath, [launcherMain], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.on('message', (m: LauncherMessage) => this.#onMessage(m));
    child.once('exit', () => this.#onLauncherExit(child));
    // The launcher never keeps the agent's process alive on its own.
    child.unref();
    child.channel?.unref();
    this.#child = child;
    return child;
  }

  #onMessage(m: LauncherMessage): void {
    const p = this.#pending.get(m.id);
    if (!p) return;
    if (m.error !== undefined) {
      this.#pending.delete(m.id);
      p.started({ error: m.error });
    } else if (m.pid !== undefined) {
      p.pid = m.pid;
      p.started({ pid: m.pid, exited: new Promise((resolve) => (p.exited = resolve)) });
    } else if (m.exit) {
      this.#pending.delete(m.id);
      p.exited?.(m.exit);
    }
  }

  /** The launcher died: what it started is watched by pid; what it had not started yet failed. */
  #onLauncherExit(child: ChildProcess): void {
    if (this.#child === child) this.#child = undefined;
    for (const [id, p] of this.#pending) {
      this.#pending.delete(id);
      if (p.pid === undefined) {
        p.started({ error: 'the process launcher ended before the process started' });
        continue;
      }
      const pid = p.pid;
      const timer = setInterval(() => {
        try {
          process.kill(pid, 0);
        } catch {
          clearInterval(timer);
          p.exited?.({ code: null, signal: null });
        }
      }, orphanPollMs);
      timer.unref();
    }
  }

  launch(spec: LaunchSpec): Promise<LaunchResult> {
    if (this.#closed) return Promise.resolve({ error: 'the node agent is stopping' });
    const [file, ...args] = spec.argv;
    if (!file) return Promise.resolve({ error: 'container has no command to run' });
    const id = this.#nextId++;
    return new Promise((started) => {
      this.#pending.set(id, { started });
      this.#ensureChild().send({ id, file, args, cwd: spec.cwd, env: spec.env, logPath: spec.logPath });
    });
  }

  /** Ends the launcher; the processes it started are left to whoever stops them. */
  close(): void {
    this.#closed = true;
    this.#child?.disconnect();
    this.#child = undefined;
  }
}
