// Storage engine benchmark: 10,000 durable creates with 50 writers in flight and 50 watchers.
// Prints creates/s, fsync count and the p99 latency from calling create to each watcher
// receiving the event. Goal on a 2-core machine: >= 2,000 creates/s.
// Usage: node bench/store.ts [--creates N] [--writers N] [--watchers N] [--dir PARENT]
// The state dir must be on a real disk (fsync on tmpfs costs nothing and proves nothing).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Store } from '../src/cluster/apiserver/storage/index.ts';

const { values } = parseArgs({
  options: {
    creates: { type: 'string', default: '10000' },
    writers: { type: 'string', default: '50' },
    watchers: { type: 'string', default: '50' },
    dir: { type: 'string', default: tmpdir() },
  },
});
const creates = Number(values.creates);
const writers = Number(values.writers);
const watchers = Number(values.watchers);

const dir = await mkdtemp(join(values.dir, 'ferry-bench-store-'));
try {
  const store = await Store.open(dir);
  const startedAt = new Float64Array(creates);
  const latencies = new Float64Array(creates * watchers);
  let received = 0;
  let allReceived: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (allReceived = resolve));
  const controller = new AbortController();
  for (let w = 0; w < watchers; w++) {
    store.watch('core/configmaps', { signal: controller.signal }, (e) => {
      const index = Number(e.key.name.slice(3));
      latencies[received++] = performance.now() - startedAt[index]!;
      if (received === creates * watchers) allReceived();
    });
  }

  let next = 0;
  async function writer(): Promise<void> {
    while (next < creates) {
      const index = next++;
      const name = `cm-${index}`;
      startedAt[index] = performance.now();
      await store.create(
        { resource: 'core/configmaps', namespace: 'bench', name },
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'bench', uid: `uid-${index}`, labels: { app: 'bench' } }, data: { index: String(index), payload: 'x'.repeat(200) } },
      );
    }
  }
  const t0 = performance.now();
  await Promise.all(Array.from({ length: writers }, writer));
  const elapsed = performance.now() - t0;
  if (watchers > 0) await done;
  controller.abort();
  const { fsyncs, records } = store.stats();
  await store.close();

  const sorted = latencies.subarray(0, received).sort();
  const p = (q: number) => (sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!);
  console.log(`creates:          ${creates} (${writers} writers in flight, ${watchers} watchers)`);
  console.log(`durable creates/s: ${Math.round(creates / (elapsed / 1000))}`);
  console.log(`fsyncs:           ${fsyncs} for ${records} records (${(records / fsyncs).toFixed(1)} per fsync)`);
  console.log(`write-to-event:   p50 ${p(0.5).toFixed(2)} ms, p99 ${p(0.99).toFixed(2)} ms (${received} deliveries)`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
