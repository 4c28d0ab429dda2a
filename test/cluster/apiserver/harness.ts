// Test harness: a real API server on 127.0.0.1 port 0 in a temp state dir, the real kubectl
// (with the kubeconfig the server wrote and a private HOME for its caches), raw HTTPS requests
// through undici, and client-node configured from the same kubeconfig.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import pino from 'pino';
import { Agent, request } from 'undici';
import { startApiServer, type ApiServerHandle } from '../../../src/cluster/apiserver/index.ts';
import { loadKubeConfig } from '../../../src/kube/config.ts';

export interface TestServer {
  server: ApiServerHandle;
  stateDir: string;
  home: string;
  kubeconfig: k8s.KubeConfig;
  agent: Agent;
  kubectl(args: string[], stdin?: string): Promise<CommandResult>;
  http(method: string, path: string, opts?: HttpOptions): Promise<HttpResult>;
  close(): Promise<void>;
}

export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface HttpOptions {
  body?: unknown;
  contentType?: string;
  accept?: string;
  token?: string | null;
}

export interface HttpResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: any;
}

export async function startTestServer(opts: { bookmarkIntervalMs?: number; watchWindow?: number } = {}): Promise<TestServer> {
  const root = await mkdtemp(join(tmpdir(), 'ferry-apiserver-'));
  const stateDir = join(root, 'state');
  const home = join(root, 'home');
  const server = await startApiServer({
    stateDir,
    port: 0,
    logger: pino({ level: 'silent' }),
    ...(opts.bookmarkIntervalMs === undefined ? {} : { bookmarkIntervalMs: opts.bookmarkIntervalMs }),
    ...(opts.watchWindow === undefined ? {} : { watchWindow: opts.watchWindow }),
  });
  const kubeconfig = loadKubeConfig(server.kubeconfigPath);
  const agent = new Agent({ connect: { ca: server.caPem } });
  return {
    server,
    stateDir,
    home,
    kubeconfig,
    agent,
    kubectl: (args, stdin) => runKubectl(server.kubeconfigPath, home, args, stdin),
    http: (method, path, httpOpts = {}) => httpRequest(server, agent, method, path, httpOpts),
    async close() {
      await server.close();
      await agent.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

export function runKubectl(kubeconfigPath: string, home: string, args: string[], stdin?: string): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('kubectl', args, {
      env: { ...process.env, KUBECONFIG: kubeconfigPath, HOME: home },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin ?? '');
  });
}

async function httpRequest(server: ApiServerHandle, agent: Agent, method: string, path: string, opts: HttpOptions): Promise<HttpResult> {
  const headers: Record<string, string> = { accept: opts.accept ?? 'application/json' };
  if (opts.token !== null) headers['authorization'] = `Bearer ${opts.token ?? server.adminToken}`;
  let body: string | undefined;
  if (opts.body !== undefined) {
    body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
    headers['content-type'] = opts.contentType ?? 'application/json';
  }
  const res = await request(`${server.url}${path}`, { method: method as 'GET', headers, body, dispatcher: agent });
  const text = await res.body.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.statusCode, headers: res.headers, text, json };
}

/** Waits until `check` returns a value (polling the observed state, never asserting on timing). */
export async function eventually<T>(check: () => T | undefined | Promise<T | undefined>, what: string, limitMs = 20_000): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export const WIDGET_CRD = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'widgets.example.com' },
  spec: {
    group: 'example.com',
    scope: 'Namespaced',
    names: { plural: 'widgets', singular: 'widget', kind: 'Widget', shortNames: ['wd'], categories: ['all'] },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        subresources: { status: {} },
        additionalPrinterColumns: [
          { name: 'Size', type: 'integer', jsonPath: '.spec.size' },
          { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
          { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
        ],
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: {
                type: 'object',
                required: ['size'],
                properties: {
                  size: { type: 'integer', minimum: 1, description: 'How big the widget is.' },
                  color: { type: 'string', default: 'blue', enum: ['blue', 'red'] },
                },
              },
              status: { type: 'object', properties: { phase: { type: 'string' } } },
            },
          },
        },
      },
      {
        name: 'v1beta1',
        served: true,
        storage: false,
        schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
      },
    ],
  },
};
