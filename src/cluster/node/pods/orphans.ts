// Container processes run in their own process groups and outlive an agent that dies. Each start
// records "<pid> <starttime>" (starttime from /proc/<pid>/stat, so a reused pid is not mistaken
// for ours); a restarted agent kills the groups it finds still alive before running pods again.
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export async function processStartTime(pid: number): Promise<string | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19]; // field 22 of the whole line; the slice starts at field 3
  } catch {
    return undefined;
  }
}

export async function writePidFile(path: string, pid: number): Promise<void> {
  const start = await processStartTime(pid);
  await writeFile(path, `${pid} ${start ?? ''}\n`);
}

/** Kills the process group recorded in `path` if that very process still runs; true if it did. */
export async function killRecordedProcess(path: string): Promise<boolean> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return false;
  }
  const [pidText, start] = text.trim().split(' ');
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 1 || !start) return false;
  if ((await processStartTime(pid)) !== start) return false;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      return false;
    }
  }
  return true;
}

/** Kills every recorded container process under a pod directory. */
export async function killPodOrphans(podDirectory: string): Promise<number> {
  let killed = 0;
  let entries: string[];
  try {
    entries = await readdir(podDirectory);
  } catch {
    return 0;
  }
  for (const entry of entries) if (await killRecordedProcess(join(podDirectory, entry, 'pid'))) killed++;
  return killed;
}
