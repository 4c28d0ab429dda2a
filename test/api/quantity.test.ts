import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatDecimalQuantity, parseQuantity, roundUp, MiB } from '../../src/api/index.ts';

test('parseQuantity reads Kubernetes quantities as whole bytes, rounding up like Quantity.Value()', () => {
  const table: [string, bigint | undefined][] = [
    ['1Gi', 1073741824n],
    ['64Mi', 67108864n],
    ['500M', 500000000n],
    ['1.5Gi', 1610612736n],
    ['1e3', 1000n],
    ['2E', 2000000000000000000n],
    ['1Ei', 1152921504606846976n],
    ['100m', 1n], // 0.1 rounds up
    ['0', 0n],
    ['-1Mi', -1048576n],
    ['.5Ki', 512n],
    ['12', 12n],
    ['1GB', undefined],
    ['', undefined],
    ['Gi', undefined],
  ];
  for (const [text, want] of table) assert.equal(parseQuantity(text), want, text);
});

test('formatDecimalQuantity writes the canonical DecimalSI form', () => {
  const table: [bigint, string][] = [
    [1126170624n, '1126170624'],
    [2000000n, '2M'],
    [1000n, '1k'],
    [0n, '0'],
    [1500n, '1500'],
    [3000000000000000000n, '3E'],
  ];
  for (const [n, want] of table) assert.equal(formatDecimalQuantity(n), want, String(n));
});

test('roundUp aligns to the block size', () => {
  assert.equal(roundUp(1n, MiB), MiB);
  assert.equal(roundUp(MiB, MiB), MiB);
  assert.equal(roundUp(MiB + 1n, MiB), 2n * MiB);
});
