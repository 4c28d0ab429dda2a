// Running one readiness probe against a container: `exec` (the command run as the container's
// processes are, exit 0 = success), `httpGet` (a status in 200..399) and `tcpSocket` (the
// connection opens), against the pod's own address. Every probe gives up after its timeout.
import { execFile } from 'node:child_process';
import { connect } from 'node:net';
import { request } from 'node:http';
import type { V1Container, V1Probe } from '@kubernetes/client-node';
import { resolveArgv } from './argv.ts';

export interface ProbeTarget {
  container: V1Container;
  podIP: string;
  env: Record<string, string>;
  cwd: string;
  execPath: string;
}

/** A probe port: a number, or the name of one of the container's ports. */
export function resolveProbePort(port: number | string | undefined, container: V1Container): number | undefined {
  if (typeof port === 'number') return port;
  if (port === undefined) return undefined;
  if (/^\d+$/.test(port)) return Number(port);
  return container.ports?.find((p) => p.name === port)?.containerPort;
}

function execProbe(argv: string[], t: ProbeTarget, timeoutMs: number): Promise<boolean> {
  const [file, ...args] = argv;
  if (!file) return Promise.resolve(false);
  return new Promise((resolve) => {
    execFile(file, args, { env: t.env, cwd: t.cwd, timeout: timeoutMs, killSignal: 'SIGKILL' }, (err) => resolve(!err));
  });
}

function httpProbe(host: string, port: number, path: string, scheme: string, timeoutMs: number, headers: Record<string, string>): Promise<boolean> {
  if (scheme.toUpperCase() === 'HTTPS') return Promise.resolve(false);
  return new Promise((resolve) => {
    const req = request({ host, port, path: path || '/', method: 'GET', timeout: timeoutMs, headers: { 'User-Agent': 'kube-probe/1.32', ...headers } }, (res) => {
      res.resume();
      const code = res.statusCode ?? 0;
      resolve(code >= 200 && code < 400);
    });
    req.on('timeout', () => req.destroy(new Error('probe timed out')));
    req.on('error', () => resolve(false));
    req.end();
  });
}

function tcpProbe(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: timeoutMs });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

export async function runProbe(probe: V1Probe, t: ProbeTarget, timeoutMs: number): Promise<boolean> {
  if (probe.exec?.command?.length) {
    return execProbe(resolveArgv({ command: probe.exec.command, env: t.env, execPath: t.execPath }), t, timeoutMs);
  }
  if (probe.httpGet) {
    const port = resolveProbePort(probe.httpGet.port as number | string, t.container);
    if (port === undefined) return false;
    const headers: Record<string, string> = {};
    for (const h of probe.httpGet.httpHeaders ?? []) headers[h.name] = h.value;
    return httpProbe(probe.httpGet.host || t.podIP, port, probe.httpGet.path ?? '/', probe.httpGet.scheme ?? 'HTTP', timeoutMs, headers);
  }
  if (probe.tcpSocket) {
    const port = resolveProbePort(probe.tcpSocket.port as number | string, t.container);
    if (port === undefined) return false;
    return tcpProbe(probe.tcpSocket.host || t.podIP, port, timeoutMs);
  }
  return false;
}
