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

test('ferry demo names a malformed flag as given, before any work', async () => {
  for (const [flag, value] of [['--size-mib', 'abc'], ['--timeout', '0']]) {
    const program = buildProgram().exitOverride();
    await assert.rejects(program.parseAsync(['node', 'ferry', 'demo', flag!, value!]), {
      message: `${flag} must be a positive whole number, not ${JSON.stringify(value)}`,
    });
  }
});
