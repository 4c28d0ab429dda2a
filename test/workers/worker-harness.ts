// Runs `ferry worker import` the way the pod runner does: a subprocess with env, its mounts mapped
// through FERRY_PATH_MAP into a fresh pod directory, the JSON termination message as the outcome.
import { execFile } from 'node:child_process';
import { mkdir, readFile, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const node = path.join(repo, 'node_modules/node/bin/node');
const cli = path.join(repo, 'src/cli/main.ts');
let n = 0;

export interface Pod {
  data: string;
  block: string;
  termination: string;
  progress: string;
}

export async function runWorkerIn(root: string, env: Record<string, string>, mode: 'Filesystem' | 'Block' = 'Filesystem'): Promise<{ exitCode: number; message: Record<string, unknown>; pod: Pod; stdout: string }> {
  const podDir = path.join(root, `pod-${process.pid}-${n++}`);
  const pod: Pod = {
    data: path.join(podDir, 'data'),
    block: path.join(podDir, 'block.img'),
    termination: path.join(podDir, 'termination-log'),
    progress: path.join(podDir, 'progress.json'),
  };
  await mkdir(pod.data, { recursive: true });
  const pathMap: Record<string, string> = { '/dev/termination-log': pod.termination, '/data': pod.data };
  if (mode === 'Block') {
    await writeFile(pod.block, Buffer.alloc(0));
    await truncate(pod.block, 16 << 20);
    pathMap['/dev/cdi-block-volume'] = pod.block;
  }
  let exitCode = 0;
  let stdout = '';
  try {
    ({ stdout } = await execFileAsync(node, [cli, 'worker', 'import'], {
      env: { PATH: process.env.PATH ?? '', FERRY_PATH_MAP: JSON.stringify(pathMap), FERRY_PROGRESS_FILE: pod.progress, ...env },
      timeout: 60_000,
    }));
  } catch (err) {
    exitCode = (err as { code: number }).code;
    stdout = (err as { stdout: string }).stdout;
  }
  const message = JSON.parse(await readFile(pod.termination, 'utf8')) as Record<string, unknown>;
  return { exitCode, message, pod, stdout };
}

