// Cases from k8s.io/apimachinery/pkg/util/duration/duration_test.go (TestHumanDuration) and the
// boundaries of its branches.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { humanDuration, translateTimestampSince } from '../../../src/cluster/apiserver/table/index.ts';

const s = 1000;
const m = 60 * s;
const h = 60 * m;
const d = 24 * h;
const y = 365 * d;

const cases: [number, string][] = [
  [-2 * s, '<invalid>'],
  [-1999, '0s'], // int(-1.999) = -1: within the 2 s of tolerated clock skew
  [-1 * s, '0s'],
  [0, '0s'],
  [1 * s, '1s'],
  [59 * s, '59s'],
  [60 * s, '60s'],
  [119 * s, '119s'],
  [2 * m, '2m'],
  [2 * m + 3 * s, '2m3s'],
  [9 * m + 59 * s, '9m59s'],
  [10 * m, '10m'],
  [10 * m + 30 * s, '10m'],
  [179 * m, '179m'],
  [3 * h, '3h'],
  [3 * h + 5 * m, '3h5m'],
  [7 * h + 59 * m, '7h59m'],
  [8 * h, '8h'],
  [8 * h + 59 * m, '8h'],
  [47 * h, '47h'],
  [48 * h, '2d'],
  [48 * h + 23 * h, '2d23h'],
  [7 * d + 23 * h, '7d23h'],
  [8 * d, '8d'],
  [2 * y - 1 * d, '729d'],
  [2 * y, '2y'],
  [2 * y + 10 * d, '2y10d'],
  [8 * y - 1 * d, '7y364d'],
  [8 * y, '8y'],
  [100 * y, '100y'],
];

test('humanDuration matches duration.HumanDuration', () => {
  for (const [ms, want] of cases) assert.equal(humanDuration(ms), want, `humanDuration(${ms})`);
});

test('translateTimestampSince', () => {
  const now = new Date('2026-01-01T12:00:00Z');
  assert.equal(translateTimestampSince(undefined, now), '<unknown>');
  assert.equal(translateTimestampSince('', now), '<unknown>');
  assert.equal(translateTimestampSince('2026-01-01T11:57:57Z', now), '2m3s');
  assert.equal(translateTimestampSince('2025-12-30T12:00:00Z', now), '2d');
  assert.equal(translateTimestampSince('not a time', now), '<invalid>');
});
