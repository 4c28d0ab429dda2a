import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WorkQueue } from '../../src/runtime/workqueue.ts';
import { ManualClock } from '../../src/runtime/clock.ts';
import { backoffDelay, defaultBackoff } from '../../src/runtime/backoff.ts';
import { runWorkers, requeueAfter, done, TerminalError } from '../../src/runtime/reconciler.ts';

test('a key waiting in the queue is there once', async () => {
  const q = new WorkQueue();
  q.add('a');
  q.add('b');
  q.add('a');
  assert.equal(q.len(), 2);
  assert.equal(await q.get(), 'a');
  assert.equal(await q.get(), 'b');
  assert.equal(q.len(), 0);
});

test('a key being processed is not handed out again until done, then comes back once', async () => {
  const q = new WorkQueue();
  q.add('a');
  const first = await q.get();
  assert.equal(first, 'a');
  q.add('a');
  q.add('a');
  assert.equal(q.len(), 0, 'the dirty key must wait for done()');
  q.done('a');
  assert.equal(q.len(), 1);
  assert.equal(await q.get(), 'a');
});

test('get waits for an add, and shutdown releases waiters', async () => {
  const q = new WorkQueue();
  const pending = q.get();
  q.add('x');
  assert.equal(await pending, 'x');
  const waiting = q.get();
  q.shutdown();
  assert.equal(await waiting, undefined);
  q.add('y');
  assert.equal(q.len(), 0, 'adds after shutdown are ignored');
});

test('addAfter delays the add; the earlier of two delayed adds wins', async () => {
  const clock = new ManualClock();
  const q = new WorkQueue({ clock });
  q.addAfter('k', 100);
  q.addAfter('k', 500);
  clock.advance(99);
  assert.equal(q.len(), 0);
  clock.advance(1);
  assert.equal(q.len(), 1);
  assert.equal(clock.pendingTimers(), 0, 'the later delayed add was dropped');
});

test('backoff doubles from 5 ms per consecutive failure, is capped, and forget resets it', () => {
  const table: [number, number][] = [
    [0, 0],
    [1, 5],
    [2, 10],
    [3, 20],
    [10, 2560],
    [40, 15 * 60 * 1000],
  ];
  for (const [failures, want] of table) assert.equal(backoffDelay(defaultBackoff, failures), want, `failures=${failures}`);

  const clock = new ManualClock();
  const q = new WorkQueue({ clock });
  assert.equal(q.addRateLimited('k'), 5);
  assert.equal(q.addRateLimited('k'), 10);
  assert.equal(q.failures('k'), 2);
  q.forget('k');
  assert.equal(q.failures('k'), 0);
  assert.equal(q.addRateLimited('k'), 5);
});

test('runWorkers: never one key twice at once, errors retried with backoff, terminal errors recorded', async () => {
  const q = new WorkQueue<string>();
  const controller = new AbortController();
  const active = new Set<string>();
  let overlap = false;
  const calls = new Map<string, number>();
  const terminal: string[] = [];
  const reconciler = {
    name: 'test',
    async reconcile(key: string) {
      if (active.has(key)) overlap = true;
      active.add(key);
      const n = (calls.get(key) ?? 0) + 1;
      calls.set(key, n);
      await new Promise((r) => setImmediate(r));
      active.delete(key);
      if (key === 'flaky' && n < 3) throw new Error('transient');
      if (key === 'broken') throw new TerminalError('will not heal');
      if (key === 'again' && n === 1) return requeueAfter(1);
      return done;
    },
  };
  for (const k of ['a', 'flaky', 'broken', 'again']) q.add(k);
  q.add('a');
  const running = runWorkers(q, reconciler, { workers: 3, signal: controller.signal, onTerminal: (k) => terminal.push(k) });
  // Re-add while processing to exercise the dirty path.
  setImmediate(() => q.add('a'));
  const deadline = Date.now() + 5000;
  while ((calls.get('flaky') ?? 0) < 3 || (calls.get('again') ?? 0) < 2) {
    if (Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 5));
  }
  controller.abort();
  await running;
  assert.equal(overlap, false, 'a key ran twice at once');
  assert.equal(calls.get('flaky'), 3, 'two failures then success');
  assert.equal(calls.get('broken'), 1, 'terminal errors are not retried');
  assert.deepEqual(terminal, ['broken']);
  assert.equal(calls.get('again'), 2, 'requeueAfter runs the key again');
  assert.ok((calls.get('a') ?? 0) >= 1);
});
