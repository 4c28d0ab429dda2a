// `npm run bench`: runs every benchmark in this folder, one after another (they compete for the
// same two cores otherwise), each timing Ferry and the reference tool in the same run and printing
// its own table with ratios. `npm run bench -- store http-source` runs only the named ones.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const wanted = new Set(process.argv.slice(2));
const benches = readdirSync(here)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts' && !f.startsWith('_'))
  .map((f) => f.slice(0, -3))
  .filter((name) => wanted.size === 0 || wanted.has(name))
  .sort();

let failed = 0;
for (const name of benches) {
  process.stdout.write(`\n=== bench/${name}.ts ===\n`);
  const result = spawnSync(process.execPath, [join(here, `${name}.ts`)], { stdio: 'inherit' });
  if (result.status !== 0) {
    failed++;
    process.stdout.write(`bench/${name}.ts exited with ${result.status ?? result.signal}\n`);
  }
}
process.exit(failed ? 1 : 0);
