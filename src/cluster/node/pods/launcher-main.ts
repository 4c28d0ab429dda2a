// The node's process launcher, a small child of the node agent (launcher.ts) that starts the
// containers' processes on its behalf. fork() copies the page tables of the process that calls
// it: from the agent, which holds the whole embedded cluster (hundreds of MiB), each start
// blocked its event loop for 40 ms or more; from this process, which holds nothing, it is quick
// and blocks no one. Only Node's built-ins are loaded here, so that it stays small.
//
// Protocol (IPC, one JSON message each way per event):
//   in:  { id, file, args, cwd, env, logPath }
//   out: { id, pid } once started, or { id, error } when it could not start;
//        { id, exit: { code, signal } } when it ended.
// A container's stdout and stderr are its log file, opened here and handed to it.
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';

interface LaunchRequest {
  id: number;
  file: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  logPath: string;
}

const send = (message: unknown): void => {
  if (process.connected) process.send?.(message);
};

function launch(req: LaunchRequest): void {
  let log: number | undefined;
  try {
    log = openSync(req.logPath, 'a');
    const child = spawn(req.file, req.args, { cwd: req.cwd, env: req.env, detached: true, stdio: ['ignore', log, log] });
    let started = false;
    child.once('spawn', () => {
      started = true;
      send({ id: req.id, pid: child.pid });
    });
    child.once('error', (err) => {
      if (!started) send({ id: req.id, error: err.message });
    });
    child.once('exit', (code, signal) => {
      if (started) send({ id: req.id, exit: { code, signal } });
    });
  } catch (err) {
    send({ id: req.id, error: err instanceof Error ? err.message : String(err) });
  } finally {
    // The child holds its own copy of the descriptor from here on.
    if (log !== undefined) closeSync(log);
  }
}

process.on('message', (message) => launch(message as LaunchRequest));
// The agent went away: so does the launcher. The containers run on, as they would after a
// kubelet restart; the next agent finds them by their pid files (orphans.ts).
process.on('disconnect', () => process.exit(0));
