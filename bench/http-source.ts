/**
 * Loopback throughput of Ferry's HTTP source against `curl -s -o file`, in one run.
 *
 *   node bench/http-source.ts [sizeMiB=1024] [parallel=1,4]
 *
 * Makes a file (half random, half zeros) in a temp dir, serves it with the fault server (no
 * faults), downloads it with curl and with the HTTP source (writing to a file, like a sink
 * would), checks the copies, and prints MB/s and the ratio to curl.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, open, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHttpSource } from '../src/dataplane/sources/http.ts';
import { recycleChunk } from '../src/dataplane/sources/socket-exchange.ts';
import { startFaultServer } from '../test/fixtures/fault-server.ts';

const MiB = 1024 * 1024;

// Child mode: serve a file and print its URL. The server runs in its own process so that it does
// not share an event loop with the client under test (curl gets a whole process too).
if (process.argv[2] === '--serve') {
  const server = await startFaultServer({ body: process.argv[3] ?? '' });
  process.stdout.write(server.url + '\n');
  process.stdin.resume();
  process.stdin.on('end', () => void server.close().then(() => process.exit(0)));
} else {
  await main();
}

async function startServerProcess(path: string): Promise<{ url: string; close: () => Promise<void> }> {
  const child = spawn(process.execPath, [import.meta.filename, '--serve', path], { stdio: ['pipe', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`server exited ${code}`)));
    child.stdout.once('data', (d: Buffer) => resolve(String(d).trim()));
  });
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        child.removeAllListeners('exit');
        child.once('exit', () => resolve());
        child.stdin.end();
      }),
  };
}

async function main(): Promise<void> {
  const sizeMiB = Number(process.argv[2] ?? 1024);
  const parallels = (process.argv[3] ?? '1,4').split(',').map(Number);

  async function makeImage(path: string, size: number): Promise<void> {
    const fh = await open(path, 'w');
    try {
      const block = 16 * MiB;
      for (let off = 0; off < size / 2; off += block) await fh.write(randomBytes(Math.min(block, size / 2 - off)));
      await fh.truncate(size); // second half: zeros
    } finally {
      await fh.close();
    }
  }

  async function timeIt(fn: () => Promise<void>): Promise<number> {
    const t0 = process.hrtime.bigint();
    await fn();
    return Number(process.hrtime.bigint() - t0) / 1e9;
  }

  /** Runs curl under /usr/bin/time; resolves with its CPU seconds (user + system). */
  function curl(url: string, out: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const p = spawn('/usr/bin/time', ['-f', '%U %S', 'curl', '-s', '-f', '-o', out, url], { stdio: ['ignore', 'inherit', 'pipe'] });
      let stderr = '';
      p.stderr.on('data', (d: Buffer) => (stderr += String(d)));
      p.on('error', reject);
      p.on('exit', (code) => {
        const [user = NaN, sys = NaN] = (stderr.trim().split('\n').pop() ?? '').split(' ').map(Number);
        if (code === 0) resolve(user + sys);
        else reject(new Error(`curl exited ${code}: ${stderr}`));
      });
    });
  }

  /**
   * Writes like a sink would: batches of about 4 MiB with writev, one write in flight while
   * reading on, slabs recycled.
   */
  async function ferry(url: string, out: string, parallel: number): Promise<number> {
    const source = createHttpSource({ url, parallel });
    const fh = await open(out, 'w');
    try {
      const signal = new AbortController().signal;
      let batch: Uint8Array[] = [];
      let batched = 0;
      let position = 0;
      let inFlight: Promise<unknown> = Promise.resolve();
      const flush = async (): Promise<void> => {
        await inFlight;
        const written = batch;
        // As the sink does: a chunk's slab goes back to the source once it is on disk.
        inFlight = fh.writev(written, position).then(() => written.forEach(recycleChunk));
        position += batched;
        batch = [];
        batched = 0;
      };
      for await (const chunk of source.stream(0, signal)) {
        batch.push(chunk);
        batched += chunk.length;
        if (batched >= 4 * MiB) await flush();
      }
      await flush();
      await inFlight;
      return source.bytesFetched();
    } finally {
      await fh.close();
      await source.close();
    }
  }

  async function sameFile(a: string, b: string): Promise<boolean> {
    const [fa, fb] = await Promise.all([open(a), open(b)]);
    try {
      const ba = Buffer.allocUnsafe(16 * MiB);
      const bb = Buffer.allocUnsafe(16 * MiB);
      for (;;) {
        const [ra, rb] = await Promise.all([fa.read(ba, 0, ba.length), fb.read(bb, 0, bb.length)]);
        if (ra.bytesRead !== rb.bytesRead || !ba.subarray(0, ra.bytesRead).equals(bb.subarray(0, rb.bytesRead))) return false;
        if (ra.bytesRead === 0) return true;
      }
    } finally {
      await Promise.all([fa.close(), fb.close()]);
    }
  }

  // Outputs go to BENCH_DIR (default: the temp dir). On a small shared machine, /dev/shm removes
  // disk writeback from the noise while keeping curl and Ferry on equal terms.
  const dir = await mkdtemp(join(process.env.BENCH_DIR ?? tmpdir(), 'ferry-bench-'));
  try {
    const size = sizeMiB * MiB;
    const image = join(dir, 'image.raw');
    await makeImage(image, size);
    const server = await startServerProcess(image);
    try {
      const mb = size / 1e6;
      // Loopback on a shared machine is noisy: interleave the contenders and keep each one's median.
      const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
      const curlRates: number[] = [];
      const ferryRates = new Map<number, number[]>(parallels.map((p) => [p, []]));
      // CPU seconds of the client alone: steadier than wall time when the machine is shared.
      const cpu = new Map<string, number[]>([['curl', []], ...parallels.map((p): [string, number[]] => [`ferry-${p}`, []])]);
      let allIdentical = true;
      let maxFetched = 0;
      for (let round = 0; round < rounds; round++) {
        const curlOut = join(dir, 'curl.out');
        let curlCpu = 0;
        curlRates.push(mb / (await timeIt(async () => void (curlCpu = await curl(server.url, curlOut)))));
        cpu.get('curl')?.push(curlCpu);
        await rm(curlOut);
        for (const parallel of parallels) {
          const out = join(dir, `ferry-${parallel}.out`);
          let fetched = 0;
          const before = process.cpuUsage();
          const secs = await timeIt(async () => {
            fetched = await ferry(server.url, out, parallel);
          });
          const used = process.cpuUsage(before);
          cpu.get(`ferry-${parallel}`)?.push((used.user + used.system) / 1e6);
          ferryRates.get(parallel)?.push(mb / secs);
          maxFetched = Math.max(maxFetched, fetched / size);
          if (round === 0) allIdentical &&= (await stat(out)).size === size && (await sameFile(image, out));
          await rm(out);
        }
      }
      const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
      const curlRate = median(curlRates);
      console.log(`${sizeMiB} MiB, ${rounds} rounds, medians (MB/s)`);
      console.log(`curl -o file:            ${curlRate.toFixed(0)}   [${curlRates.map((r) => r.toFixed(0)).join(', ')}]`);
      for (const [parallel, rates] of ferryRates) {
        const rate = median(rates);
        console.log(
          `ferry http, parallel=${parallel}: ${rate.toFixed(0)}   [${rates.map((r) => r.toFixed(0)).join(', ')}]  ratio to curl ${(rate / curlRate).toFixed(2)}`,
        );
      }
      const gib = size / 2 ** 30;
      console.log(`client CPU s/GiB (median): ${[...cpu].map(([k, v]) => `${k} ${(median(v) / gib).toFixed(2)}`).join(', ')}`);
      console.log(`copies identical: ${allIdentical}; bytes fetched at most ${maxFetched.toFixed(3)} x size`);
    } finally {
      await server.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
