import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildProgram } from '../src/cli/main.ts';

test('ferry CLI lists its commands', () => {
  const program = buildProgram();
  const names = program.commands.map((c) => c.name());
  assert.ok(names.includes('cluster'), `commands were ${names.join(',')}`);
  const cluster = program.commands.find((c) => c.name() === 'cluster');
  assert.ok(cluster?.commands.some((c) => c.name() === 'up'));
});
