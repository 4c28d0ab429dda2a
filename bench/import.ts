/**
 * Import benchmark: a 4 GiB image (the size; --size-mib changes it), half random data
 * and half zeros, served over loopback HTTP by a plain static server with Range support.
 * Ferry's importer (`ferry worker import`, a child process, as in a pod) against the reference
 * tools, in one run:
 *   raw    vs  curl -o file
 *   raw.gz vs  curl | gunzip > file
 *   qcow2  vs  curl -o scratch && qemu-img convert -O raw scratch file   (CDI's scratch method)
 * Prints MB/s (image bytes / wall time), the ratio Ferry/reference, and the worker's peak RSS
 * (VmHWM of the node process; qemu-img is a separate process). Best of N runs each.
 *
 * Targets are written under --dir (default /dev/shm when present): memory, so the figures compare
 * the pipelines rather than this machine's disk. On a real disk, note that Ferry fsyncs the image
 * before reporting success and the reference commands do not; the "+sync" column adds
 * `sync <file>` to them for a like-for-like comparison.
 *
 * CPU time (user+sys of every process of a run: curl, gunzip, qemu-img, Ferry's worker and its
 * qemu-img) is measured with GNU time (`/usr/bin/time`) when present: on a noisy machine it is
 * steadier than wall time.
 *
 * Then the raw image once more, with the connection dropped half-way: bytes fetched / image size.
 *
 * Usage: node bench/import.ts [--size-mib 4096] [--runs 2] [--dir /dev/shm] [--only raw,qcow2,drop] [--no-sync]
 */
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, open, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parseArgs } from 'node:util';
import { startFaultServer } from '../test/fixtures/fault-server.ts';
import { serveDirectory } from '../test/workers/static-server.ts';

const execFileAsync = promisify(execFile);
const MiB = 1 << 20;
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const node = path.join(repo, 'node_modules/node/bin/node');
const cli = path.join(repo, 'src/cli/main.ts');

const { values } = parseArgs({
  options: {
    'size-mib': { type: 'string', default: '4096' },
    runs: { type: 'string', default: '2' },
    dir: { type: 'string', default: existsSync('/dev/shm') ? '/dev/shm' : tmpdir() },
    /** Comma-separated case names (raw, raw4, gz, qcow2); default all. */
    only: { type: 'string' },
    /** Skip the reference+sync runs. */
    'no-sync': { type: 'boolean', default: false },
  },
});
const GNU_TIME = '/usr/bin/time';
const hasTime = existsSync(GNU_TIME);
const sizeMiB = Number(values['size-mib']);
const runs = Number(values.runs);
const cache = path.join(tmpdir(), `ferry-bench-${sizeMiB}`);
const work = path.join(values.dir, 'ferry-bench-work');

/** Alternating 16 MiB regions: random, zeros, random, ... */
async function makeImages(): Promise<void> {
  await mkdir(cache, { recursive: true });
  const raw = path.join(cache, 'disk.raw');
  if (!existsSync(raw)) {
    const fh = await open(raw + '.tmp', 'w');
    await fh.truncate(sizeMiB * MiB);
    for (let off = 0; off < sizeMiB * MiB; off += 32 * MiB) await fh.write(randomBytes(16 * MiB), 0, 16 * MiB, off);
    await fh.close();
    await execFileAsync('mv', [raw + '.tmp', raw]);
  }
  if (!existsSync(raw + '.gz')) await execFileAsync('sh', ['-c', `gzip -1 -c '${raw}' > '${raw}.gz.tmp' && mv '${raw}.gz.tmp' '${raw}.gz'`]);
  if (!existsSync(path.join(cache, 'disk.qcow2'))) await execFileAsync('qemu-img', ['convert', '-f', 'raw', '-O', 'qcow2', raw, path.join(cache, 'disk.qcow2')]);
}

async function fresh(): Promise<string> {
  await rm(work, { recursive: true, force: true });
  await mkdir(work, { recursive: true });
  return work;
}

interface Timing {
  seconds: number;
  /** user+sys seconds of the process tree, when GNU time is available. */
  cpu?: number;
}

/** `argv` under GNU time writing "user sys" to `out`, or argv itself without it. */
function timed(argv: string[], out: string): string[] {
  return hasTime ? [GNU_TIME, '-o', out, '-f', '%U %S', ...argv] : argv;
}

async function readCpu(out: string): Promise<number | undefined> {
  if (!hasTime) return undefined;
  const m = /([\d.]+) ([\d.]+)\s*$/.exec(await readFile(out, 'utf8'));
  return m === null ? undefined : Number(m[1]) + Number(m[2]);
}

async function timeShell(script: string): Promise<Timing> {
  const dir = await fresh();
  const cpuFile = path.join(dir, 'cpu.txt');
  const [cmd, ...args] = timed(['sh', '-c', script], cpuFile);
  const start = performance.now();
  await execFileAsync(cmd!, args, { cwd: dir, maxBuffer: 16 * MiB });
  const seconds = (performance.now() - start) / 1000;
  const cpu = await readCpu(cpuFile);
  return cpu === undefined ? { seconds } : { seconds, cpu };
}

/** The node process: the child itself, or GNU time's only child. */
async function workerPid(pid: number): Promise<number | undefined> {
  if (!hasTime) return pid;
  try {
    const children = (await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8')).trim();
    return children === '' ? undefined : Number(children.split(' ')[0]);
  } catch {
    return undefined;
  }
}

async function vmHwm(pid: number): Promise<number | undefined> {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(await readFile(`/proc/${pid}/status`, 'utf8'));
    return m === null ? undefined : Number(m[1]) * 1024;
  } catch {
    return undefined;
  }
}

async function timeFerry(url: string, extraEnv: Record<string, string> = {}): Promise<Timing & { peakRss: number }> {
  const dir = await fresh();
  const data = path.join(dir, 'data');
  await mkdir(data);
  const env = {
    PATH: process.env.PATH ?? '',
    IMPORTER_SOURCE: 'http',
    IMPORTER_ENDPOINT: url,
    FERRY_PATH_MAP: JSON.stringify({ '/data': data, '/dev/termination-log': path.join(dir, 'termination-log') }),
    ...extraEnv,
  };
  const cpuFile = path.join(dir, 'cpu.txt');
  const [cmd, ...args] = timed([node, cli, 'worker', 'import'], cpuFile);
  const start = performance.now();
  const child = spawn(cmd!, args, { env, stdio: ['ignore', 'ignore', 'inherit'] });
  let peakRss = 0;
  let worker: number | undefined;
  const poll = setInterval(() => {
    void (async () => {
      worker ??= await workerPid(child.pid!);
      const v = worker === undefined ? undefined : await vmHwm(worker);
      if (v !== undefined) peakRss = Math.max(peakRss, v);
    })();
  }, 50);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearInterval(poll);
  const seconds = (performance.now() - start) / 1000;
  const message = JSON.parse(await readFile(path.join(dir, 'termination-log'), 'utf8')) as { outcome: string; message: string };
  if (code !== 0 || message.outcome !== 'Succeeded') throw new Error(`ferry worker import failed: ${message.message}`);
  const out = await stat(path.join(data, 'disk.img'));
  if (out.size !== sizeMiB * MiB) throw new Error(`disk.img has ${out.size} bytes`);
  const cpu = await readCpu(cpuFile);
  return cpu === undefined ? { seconds, peakRss } : { seconds, cpu, peakRss };
}

function best<T extends { seconds: number }>(xs: T[]): T {
  return xs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Best CPU seconds of the runs, or '-' without GNU time. */
function cpuCell(xs: Timing[]): string {
  const cpus = xs.flatMap((x) => (x.cpu === undefined ? [] : [x.cpu]));
  return cpus.length === 0 ? '-' : Math.min(...cpus).toFixed(2);
}

async function main(): Promise<void> {
  process.stderr.write(`preparing ${sizeMiB} MiB images in ${cache}...\n`);
  await makeImages();
  const server = await serveDirectory(cache);
  const bytes = sizeMiB * MiB;
  const cases: { id: string; name: string; file: string; reference: string; script: (u: string) => string; env?: Record<string, string> }[] = [
    { id: 'raw', name: 'raw', file: 'disk.raw', reference: 'curl -o', script: (u: string) => `curl -sf -o out.img '${u}'` },
    {
      id: 'raw4',
      name: 'raw, 4 ranges',
      file: 'disk.raw',
      reference: 'curl -o',
      script: (u: string) => `curl -sf -o out.img '${u}'`,
      env: { FERRY_HTTP_PARALLEL: '4' },
    },
    { id: 'gz', name: 'raw.gz', file: 'disk.raw.gz', reference: 'curl | gunzip', script: (u: string) => `curl -sf '${u}' | gunzip > out.img` },
    {
      id: 'qcow2',
      name: 'qcow2',
      file: 'disk.qcow2',
      reference: 'curl -o + qemu-img convert',
      script: (u: string) => `curl -sf -o scratch.qcow2 '${u}' && qemu-img convert -f qcow2 -O raw scratch.qcow2 out.img`,
    },
  ];
  const only = values.only?.split(',');
  const sync = values['no-sync'] !== true;
  const rows: string[][] = [
    ['image', 'reference', 'ref MB/s', 'ref+sync MB/s', 'ferry MB/s', 'ratio', 'ratio vs +sync', 'median ratio', 'ref CPU s', 'ferry CPU s', 'ferry peak RSS'],
  ];
  try {
    for (const c of cases.filter((x) => only === undefined || only.includes(x.id))) {
      const url = server.url(c.file);
      const ref: Timing[] = [];
      const refSync: Timing[] = [];
      const ferry: (Timing & { peakRss: number })[] = [];
      // Interleaved, so that a noisy neighbour hurts both sides alike.
      for (let i = 0; i < runs; i++) {
        ref.push(await timeShell(c.script(url)));
        if (sync) refSync.push(await timeShell(`${c.script(url)} && sync out.img`));
        ferry.push(await timeFerry(url, c.env ?? {}));
      }
      const r = best(ref);
      const f = best(ferry);
      const peak = Math.max(...ferry.map((x) => x.peakRss));
      const mbps = (seconds: number): string => (bytes / 1e6 / seconds).toFixed(0);
      rows.push([
        c.name,
        c.reference,
        mbps(r.seconds),
        sync ? mbps(best(refSync).seconds) : '-',
        mbps(f.seconds),
        (r.seconds / f.seconds).toFixed(2),
        sync ? (best(refSync).seconds / f.seconds).toFixed(2) : '-',
        (median(ref.map((x) => x.seconds)) / median(ferry.map((x) => x.seconds))).toFixed(2),
        cpuCell(ref),
        cpuCell(ferry),
        `${(peak / MiB).toFixed(0)} MiB`,
      ]);
      process.stderr.write(`${c.name} done\n`);
    }
  } finally {
    await server.close();
    await rm(work, { recursive: true, force: true });
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  if (rows.length > 1) for (const row of rows) console.log(row.map((cell, i) => cell.padEnd(widths[i]!)).join('  '));
  if (rows.length > 1) console.log(`\n${sizeMiB} MiB image (half random, half zeros), loopback HTTP; ratio = reference time / Ferry time (>1: Ferry faster); best of ${runs}; targets in ${values.dir}`);
  if (only === undefined || only.includes('drop')) await midBodyDrop();
}

/**
 * The connection dropped once half-way through the body: Ferry resumes with a Range request
 * from the last verified byte; bytes the server sent over the image size show what was fetched
 * twice (goal: at most 1.05 x).
 */
async function midBodyDrop(): Promise<void> {
  const bytes = sizeMiB * MiB;
  const server = await startFaultServer({ body: path.join(cache, 'disk.raw'), faults: { dropAfterBytes: Math.floor(bytes / 2) } });
  try {
    const run = await timeFerry(server.url);
    const gets = server.requests.filter((r) => r.method === 'GET').length;
    console.log(
      `raw, connection dropped at 50%: ${(bytes / 1e6 / run.seconds).toFixed(0)} MB/s, ${gets} GETs, ` +
        `bytes fetched ${(server.bytesSent() / bytes).toFixed(3)} x the image (goal <= 1.05), peak RSS ${(run.peakRss / MiB).toFixed(0)} MiB`,
    );
  } finally {
    await server.close();
    await rm(work, { recursive: true, force: true });
  }
}

await main();
