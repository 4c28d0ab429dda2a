#!/usr/bin/env node
// Entry point for `npx ferry`: runs the TypeScript CLI on Node 24 (which strips types natively).
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pinned = join(root, 'node_modules', 'node', 'bin', 'node');
const nodeBin = existsSync(pinned) ? pinned : process.execPath;
const result = spawnSync(nodeBin, [join(root, 'src', 'cli', 'main.ts'), ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(result.status ?? (result.signal ? 128 : 1));
