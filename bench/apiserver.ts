// Benchmark of the embedded API server: N creates of a CRD kind over HTTPS (undici keep-alive
// pool, C concurrent requests) while W watchers stream the kind; reports durable creates per
// second, write-to-event latency at every watcher (from the moment the create is sent to the
// moment each watcher has parsed its ADDED event; with C requests in flight this includes
// queueing, so by Little's law its median is about C / throughput), the wait for the event after
// the create's acknowledgement, and the server's peak RSS (VmHWM of the
// server process, run as a child). Goal on 2 cores: >= 1,000 creates/s, p99 < 50 ms, RSS < 500 MiB.
// Each writer concurrency is a run of its own on a fresh server: 16 requests in flight is the
// load the goals are read at (throughput above 1,000/s with little queueing); 50 shows the
// throughput ceiling, where latency from send is mostly the wait behind the other requests.
//
//   node_modules/node/bin/node bench/apiserver.ts [--objects 10000] [--watchers 50] [--concurrency 16,50]
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { Agent, Pool, request } from 'undici';

const { values } = parseArgs({
  options: {
    objects: { type: 'string', default: '10000' },
    watchers: { type: 'string', default: '50' },
    concurrency: { type: 'string', default: '16,50' },
  },
});
const OBJECTS = Number(values.objects);
const WATCHERS = Number(values.watchers);
const CONCURRENCIES = values.concurrency.split(',').map(Number);

const NODE = join(import.meta.dirname, '..', 'node_modules', 'node', 'bin', 'node');
const CLI = join(import.meta.dirname, '..', 'src', 'cli', 'main.ts');

const CRD = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'samples.bench.ferry.dev' },
  spec: {
    group: 'bench.ferry.dev',
    scope: 'Namespaced',
    names: { plural: 'samples', kind: 'Sample' },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: { spec: { type: 'object', properties: { index: { type: 'integer' }, payload: { type: 'string' } } } },
          },
        },
      },
    ],
  },
};

async function startServer(stateDir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(NODE, [CLI, 'cluster', 'up', '--state-dir', stateDir, '--port', '0', '--apiserver-only'], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, FERRY_LOG_LEVEL: 'warn' },
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const match = /^Ferry cluster is up at (\S+)$/m.exec(out);
      if (match !== null) resolve(match[1]!);
    });
    child.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  return { child, url };
}

const INDEX = /"index":(\d+)/;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** The watcher thread: opens W watches, records each ADDED event's latency, posts them all. */
async function runWatchers(data: {
  url: string;
  ca: string;
  token: string;
  rv: string;
  objects: number;
  watchers: number;
  sentAt: Float64Array;
  ackedAt: Float64Array;
}): Promise<void> {
  const agent = new Agent({ connect: { ca: data.ca }, connections: data.watchers + 1 });
  const headers = { authorization: `Bearer ${data.token}`, accept: 'application/json' };
  const latencies = new Float64Array(data.objects * data.watchers);
  const receivedAt = new Float64Array(data.objects * data.watchers);
  const indexes = new Int32Array(data.objects * data.watchers);
  let seen = 0;
  const abort = new AbortController();
  const done = Promise.withResolvers<void>();
  if (data.objects * data.watchers === 0) done.resolve();
  const streams: Promise<void>[] = [];
  for (let w = 0; w < data.watchers; w++) {
    const res = await request(`${data.url}/apis/bench.ferry.dev/v1/namespaces/default/samples?watch=true&resourceVersion=${data.rv}`, {
      headers,
      dispatcher: agent,
      signal: abort.signal,
    });
    if (res.statusCode !== 200) throw new Error(`watch: ${res.statusCode}`);
    streams.push(
      (async () => {
        let buffer = '';
        try {
          for await (const chunk of res.body) {
            buffer += (chunk as Buffer).toString('utf8');
            let nl: number;
            while ((nl = buffer.indexOf('\n')) >= 0) {
              const line = buffer.slice(0, nl);
              buffer = buffer.slice(nl + 1);
              // Only what is measured is read (type and spec.index), not the whole event.
              if (!line.startsWith('{"type":"ADDED"')) continue;
              const index = Number(INDEX.exec(line)?.[1]);
              const now = performance.timeOrigin + performance.now();
              latencies[seen] = now - data.sentAt[index]!;
              receivedAt[seen] = now;
              indexes[seen] = index;
              if (++seen === latencies.length) done.resolve();
            }
          }
        } catch (err) {
          if (!abort.signal.aborted) throw err;
        }
      })(),
    );
  }
  parentPort!.postMessage('watching');
  await done.promise;
  abort.abort();
  await Promise.allSettled(streams);
  await agent.close();
  parentPort!.postMessage({ latencies, receivedAt, indexes });
}

type Row = [string, string, string];

async function main(): Promise<void> {
  const runs: Row[][] = [];
  for (const concurrency of CONCURRENCIES) runs.push(await run(concurrency));
  const rows = runs[0]!.map((row, i) => [row[0], ...runs.map((r) => r[i]![1]), row[2]]);
  const width = Math.max(...rows.map((r) => r[0]!.length));
  for (const row of rows) {
    const values = row.slice(1, -1).map((v) => v!.padStart(10)).join('  ');
    process.stdout.write(`${row[0]!.padEnd(width)}  ${values}  ${row[row.length - 1]}\n`);
  }
}

async function run(CONCURRENCY: number): Promise<Row[]> {
  const root = await mkdtemp(join(tmpdir(), 'ferry-bench-'));
  const stateDir = join(root, 'state');
  const { child, url } = await startServer(stateDir);
  const ca = await readFile(join(stateDir, 'pki', 'ca.crt'), 'utf8');
  const token = (await readFile(join(stateDir, 'pki', 'admin.token'), 'utf8')).trim();
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json' };
  const pool = new Pool(url, { connections: CONCURRENCY, pipelining: 1, connect: { ca } });
  try {
    const crd = await pool.request({ method: 'POST', path: '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', headers, body: JSON.stringify(CRD) });
    if (crd.statusCode !== 201) throw new Error(`CRD create: ${crd.statusCode} ${await crd.body.text()}`);
    await crd.body.dump();
    const list = await pool.request({ method: 'GET', path: '/apis/bench.ferry.dev/v1/samples', headers });
    const rv = ((await list.body.json()) as { metadata: { resourceVersion: string } }).metadata.resourceVersion;

    // Send times by object index, shared with the watcher thread (absolute ms since the epoch,
    // comparable across threads); the watchers run in their own thread so that their parsing
    // and the creates do not delay each other inside one event loop.
    const sentAt = new Float64Array(new SharedArrayBuffer(OBJECTS * 8));
    const ackedAt = new Float64Array(new SharedArrayBuffer(OBJECTS * 8));
    const watcherThread = new Worker(new URL(import.meta.url), {
      workerData: { url, ca, token, rv, objects: OBJECTS, watchers: WATCHERS, sentAt, ackedAt },
    });
    const watching = Promise.withResolvers<void>();
    const watcherResult = new Promise<{ latencies: Float64Array; receivedAt: Float64Array; indexes: Int32Array }>((resolve, reject) => {
      watcherThread.on('message', (m: 'watching' | { latencies: Float64Array; receivedAt: Float64Array; indexes: Int32Array }) => (m === 'watching' ? watching.resolve() : resolve(m)));
      watcherThread.once('error', reject);
    });
    // Creates start once every watch is open.
    await watching.promise;
    const clientDelay = monitorEventLoopDelay({ resolution: 10 });
    clientDelay.enable();
    const payload = 'x'.repeat(200);
    let next = 0;
    const start = performance.now();
    const workers = Array.from({ length: CONCURRENCY }, async () => {
      while (next < OBJECTS) {
        const i = next++;
        const body = JSON.stringify({ apiVersion: 'bench.ferry.dev/v1', kind: 'Sample', metadata: { name: `s-${i}` }, spec: { index: i, payload } });
        sentAt[i] = performance.timeOrigin + performance.now();
        const res = await pool.request({ method: 'POST', path: '/apis/bench.ferry.dev/v1/namespaces/default/samples', headers, body });
        if (res.statusCode !== 201) throw new Error(`create ${i}: ${res.statusCode} ${await res.body.text()}`);
        await res.body.dump();
        ackedAt[i] = performance.timeOrigin + performance.now();
      }
    });
    await Promise.all(workers);
    const elapsed = (performance.now() - start) / 1000;
    const result = await watcherResult;
    const latencies = Array.from(result.latencies).sort((a, b) => a - b);
    // After the acknowledgement: how long a watcher still waits for an event whose write is
    // durable and answered (0 when the event came first, as it does: events go out at commit).
    const afterAck = Array.from(result.receivedAt, (t, k) => Math.max(0, t - ackedAt[result.indexes[k]!]!)).sort((a, b) => a - b);

    const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
    const hwmKiB = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? NaN);
    const rows: Row[] = [
      ['objects created', String(OBJECTS), ''],
      ['watchers', String(WATCHERS), ''],
      ['concurrent requests', String(CONCURRENCY), ''],
      ['creates/s (durable)', (OBJECTS / elapsed).toFixed(0), '>= 1000'],
      ['write-to-event p50 (ms)', percentile(latencies, 50).toFixed(1), ''],
      ['write-to-event p99 (ms)', percentile(latencies, 99).toFixed(1), '< 50'],
      ['write-to-event max (ms)', percentile(latencies, 100).toFixed(1), ''],
      ['ack-to-event p99 (ms)', percentile(afterAck, 99).toFixed(1), ''],
      ['events received', String(latencies.length), String(OBJECTS * WATCHERS)],
      ['server peak RSS (MiB)', (hwmKiB / 1024).toFixed(0), '< 500'],
      ['bench client loop delay max (ms)', (clientDelay.max / 1e6).toFixed(1), 'inflates latencies'],
    ];
    return [['metric', 'value', 'goal'], ...rows];
  } finally {
    await pool.close();
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    await rm(root, { recursive: true, force: true });
  }
}

if (isMainThread) await main();
else await runWatchers(workerData);
