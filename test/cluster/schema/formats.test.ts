// The string formats kube-openapi's strfmt.Default checks for custom resources; unknown formats
// and numeric format hints (int32, int64, double) never reject a value.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stringMatchesFormat } from '../../../src/cluster/apiserver/schema/index.ts';

test('stringMatchesFormat', () => {
  const cases: [string, string, boolean][] = [
    ['date-time', '2026-01-01T12:00:00Z', true],
    ['date-time', '2026-01-01T12:00:00.123456+02:00', true],
    ['date-time', '2026-01-01', false],
    ['date-time', '2026-13-01T12:00:00Z', false],
    ['date', '2026-01-31', true],
    ['date', '2026-1-31', false],
    ['byte', 'aGVsbG8=', true],
    ['byte', '', true],
    ['byte', 'not base64!', false],
    ['uuid', '123e4567-e89b-12d3-a456-426614174000', true],
    ['uuid', '123e4567', false],
    ['ipv4', '10.0.0.1', true],
    ['ipv4', '10.0.0.256', false],
    ['ipv6', '::1', true],
    ['ipv6', '2001:db8::ff00:42:8329', true],
    ['ipv6', '2001:db8:::1', false],
    ['cidr', '10.0.0.0/8', true],
    ['cidr', 'fd00::/64', true],
    ['cidr', '10.0.0.0/33', false],
    ['hostname', 'node-1.example.com', true],
    ['hostname', '-bad', false],
    ['mac', '01:23:45:67:89:ab', true],
    ['mac', '01:23:45', false],
    ['uri', 'https://example.com/a', true],
    ['uri', 'no scheme', false],
    ['int32', 'anything', true],
    ['made-up', 'anything', true],
  ];
  for (const [format, value, want] of cases) assert.equal(stringMatchesFormat(format, value), want, `${format} ${value}`);
});
