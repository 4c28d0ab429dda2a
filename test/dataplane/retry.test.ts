// Specification tables of the pure decisions: which codes retry, how long to wait, which status
// maps to which code.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DATA_PLANE_ERROR_CODES, DataPlaneError, isRetryable, redactUrl } from '../../src/dataplane/errors.ts';
import { DEFAULT_RETRY_POLICY, decideRetry, parseRetryAfter, realSleep } from '../../src/dataplane/retry.ts';
import { classifyStatus } from '../../src/dataplane/sources/http-failures.ts';

test('only ETRANSIENT is retryable', () => {
  assert.deepEqual(DATA_PLANE_ERROR_CODES.filter(isRetryable), ['ETRANSIENT']);
  assert.equal(new DataPlaneError('ENOTFOUND', 'x').retryable, false);
  assert.equal(new DataPlaneError('ETRANSIENT', 'x').retryable, true);
  const cause = new Error('root');
  assert.equal(new DataPlaneError('EINTERNAL', 'x', { cause }).cause, cause);
});

test('decideRetry: exponential with jitter, Retry-After, caps, attempts', () => {
  const p = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 100, maxDelayMs: 1000, maxAttempts: 5 };
  const transient = new DataPlaneError('ETRANSIENT', 'x');
  const half = (): number => 0.5;
  const cases: [unknown, number, () => number, ReturnType<typeof decideRetry>][] = [
    [transient, 1, half, { retry: true, delayMs: 75 }],
    [transient, 2, half, { retry: true, delayMs: 150 }],
    [transient, 3, () => 0, { retry: true, delayMs: 200 }],
    [transient, 3, () => 1, { retry: true, delayMs: 400 }],
    [transient, 4, () => 1, { retry: true, delayMs: 800 }],
    [transient, 5, half, { retry: false }],
    [new DataPlaneError('ETRANSIENT', 'x', { retryAfterMs: 600 }), 1, half, { retry: true, delayMs: 600 }],
    [new DataPlaneError('ETRANSIENT', 'x', { retryAfterMs: 60_000 }), 1, half, { retry: true, delayMs: 1000 }],
    [new DataPlaneError('ENOTFOUND', 'x'), 1, half, { retry: false }],
    [new Error('plain'), 1, half, { retry: false }],
  ];
  for (const [err, attempts, random, want] of cases) assert.deepEqual(decideRetry(p, err, attempts, random), want);
  const big = { ...p, maxAttempts: 100 };
  assert.deepEqual(decideRetry(big, transient, 40, half), { retry: true, delayMs: 750 }, 'capped, then jittered');
});

test('parseRetryAfter', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  assert.equal(parseRetryAfter('7', now), 7000);
  assert.equal(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now), 30_000);
  assert.equal(parseRetryAfter('Wed, 31 Dec 2025 00:00:00 GMT', now), 0);
  assert.equal(parseRetryAfter('soon', now), undefined);
  assert.equal(parseRetryAfter(undefined, now), undefined);
});

test('classifyStatus', () => {
  const table: [number, string | undefined][] = [
    [200, undefined], [206, undefined], [302, undefined],
    [400, 'EINVALIDSOURCE'], [401, 'EUNAUTHORIZED'], [403, 'EUNAUTHORIZED'], [404, 'ENOTFOUND'], [410, 'ENOTFOUND'],
    [408, 'ETRANSIENT'], [416, 'EPROTOCOL'], [429, 'ETRANSIENT'],
    [500, 'ETRANSIENT'], [501, 'EPROTOCOL'], [502, 'ETRANSIENT'], [503, 'ETRANSIENT'], [504, 'ETRANSIENT'], [599, 'ETRANSIENT'],
  ];
  for (const [status, code] of table) assert.equal(classifyStatus(status, DEFAULT_RETRY_POLICY), code, String(status));
});

test('redactUrl strips credentials and query strings', () => {
  assert.equal(redactUrl('https://user:pw@host:8443/a/b.img?X-Amz-Signature=abc'), 'https://host:8443/a/b.img?…');
  assert.equal(redactUrl('http://host/x'), 'http://host/x');
  assert.equal(redactUrl('::bad'), '<invalid URL>');
});

test('realSleep resolves, and rejects with the reason when aborted', async () => {
  await realSleep(1, new AbortController().signal);
  const ctl = new AbortController();
  const p = realSleep(60_000, ctl.signal);
  ctl.abort(new Error('stop'));
  await assert.rejects(p, /stop/);
});
