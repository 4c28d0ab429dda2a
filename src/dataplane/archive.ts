/**
 * contentType: archive: a tar stream (already decompressed by the decoder stack) extracted into a
 * Filesystem volume's directory. Entries that could write outside that directory are refused
 * with EUNSAFEIMAGE naming the entry:
 * - absolute names and names with a `..` component;
 * - symbolic and hard links whose target, resolved from the link's own directory, leaves it, or
 *   has a ".." after a name (that name may be a link to "." and make the ".." climb higher);
 * - any entry whose parent path passes through a symbolic link already extracted (a link to
 *   `.` would otherwise make a later `..` target escape while looking harmless on paper).
 * Other entry types (devices, fifos) are skipped: a volume has no use for them.
 */
import { Readable, addAbortSignal } from 'node:stream';
import { createWriteStream } from 'node:fs';
import { link, lstat, mkdir, symlink } from 'node:fs/promises';
import { finished } from 'node:stream/promises';
import path from 'node:path';
import tar from 'tar-stream';
import { DataPlaneError } from './errors.ts';

export interface ExtractResult {
  entries: number;
  bytesWritten: number;
}

function unsafe(name: string, why: string): DataPlaneError {
  return new DataPlaneError('EUNSAFEIMAGE', `archive entry "${name}" is refused: ${why}`);
}

/** The entry's path relative to the root, normalised; throws when it would leave the root. */
export function safeRelativePath(name: string): string {
  if (name.startsWith('/') || /^[A-Za-z]:[\\/]/.test(name)) throw unsafe(name, 'absolute path');
  const parts = name.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) throw unsafe(name, 'its path contains ".."');
  return parts.join('/');
}

/** Throws unless `target`, read from the directory holding `entry`, stays under the root. */
export function checkLinkTarget(entry: string, target: string, kind: 'symlink' | 'hardlink'): void {
  if (target.startsWith('/')) throw unsafe(entry, `${kind} to absolute path ${target}`);
  // ".." only as a prefix: after a name that may itself be a link (to "." say), a ".." could
  // climb higher than the text suggests.
  const parts = target.split('/').filter((p) => p !== '' && p !== '.');
  const firstName = parts.findIndex((p) => p !== '..');
  if (firstName >= 0 && parts.slice(firstName).includes('..')) {
    throw unsafe(entry, `${kind} to ${target} goes up after a name (".." is only accepted as a prefix)`);
  }
  const base = kind === 'symlink' ? path.posix.dirname(entry) : '.';
  const resolved = path.posix.normalize(path.posix.join(base, target));
  if (resolved === '..' || resolved.startsWith('../')) throw unsafe(entry, `${kind} to ${target} points outside the volume`);
}

/** Refuses a path whose existing ancestors include a symbolic link. */
async function checkNoSymlinkAncestor(root: string, rel: string, name: string): Promise<void> {
  const parts = rel.split('/');
  let current = root;
  for (const part of parts.slice(0, -1)) {
    current = path.join(current, part);
    try {
      if ((await lstat(current)).isSymbolicLink()) throw unsafe(name, `its parent ${path.relative(root, current)} is a symbolic link`);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
  }
}

export async function extractTar(
  input: AsyncIterable<Uint8Array>,
  root: string,
  signal: AbortSignal,
): Promise<ExtractResult> {
  const extract = tar.extract();
  const feed = addAbortSignal(signal, Readable.from(input, { objectMode: false }));
  let feedError: unknown;
  feed.on('error', (err) => {
    feedError = err;
    extract.destroy(err);
  });
  feed.pipe(extract);
  let entries = 0;
  let bytesWritten = 0;
  try {
    for await (const entry of extract) {
      const header = entry.header;
      const rel = safeRelativePath(header.name);
      if (rel === '') {
        entry.resume();
        continue;
      }
      await checkNoSymlinkAncestor(root, rel, header.name);
      const dest = path.join(root, rel);
      entries++;
      switch (header.type) {
        case 'directory':
          await mkdir(dest, { recursive: true, mode: (header.mode ?? 0o755) | 0o700 });
          entry.resume();
          break;
        case 'file':
        case 'contiguous-file': {
          await mkdir(path.dirname(dest), { recursive: true });
          const out = createWriteStream(dest, { mode: (header.mode ?? 0o644) | 0o600 });
          for await (const chunk of entry) {
            bytesWritten += (chunk as Buffer).byteLength;
            if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
          }
          out.end();
          await finished(out);
          break;
        }
        case 'symlink':
          checkLinkTarget(rel, header.linkname ?? '', 'symlink');
          await mkdir(path.dirname(dest), { recursive: true });
          await symlink(header.linkname ?? '', dest);
          entry.resume();
          break;
        case 'link': {
          const target = header.linkname ?? '';
          checkLinkTarget(rel, target, 'hardlink');
          const targetRel = safeRelativePath(target);
          await checkNoSymlinkAncestor(root, targetRel + '/x', header.name);
          await mkdir(path.dirname(dest), { recursive: true });
          await link(path.join(root, targetRel), dest);
          entry.resume();
          break;
        }
        default:
          entries--;
          entry.resume();
      }
    }
  } catch (err) {
    extract.destroy();
    if (feedError !== undefined) throw signal.aborted ? signal.reason : feedError;
    if (err instanceof DataPlaneError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOSPC') throw new DataPlaneError('ENOSPACE', `the volume ran out of space extracting the archive`, { cause: err });
    if (code === undefined || typeof code !== 'string' || !code.startsWith('E')) {
      throw new DataPlaneError('EUNSUPPORTEDFORMAT', `the archive is not a valid tar: ${(err as Error).message}`, { cause: err });
    }
    throw new DataPlaneError('EINTERNAL', `extracting the archive failed: ${(err as Error).message}`, { cause: err });
  } finally {
    feed.destroy();
  }
  return { entries, bytesWritten };
}
