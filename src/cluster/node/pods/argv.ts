// A container's command line as a host command line. The worker image's programs are this
// machine's: `ferry` (and `/usr/bin/ferry`) is Ferry's CLI run by this Node, `node` (the worker
// image contains node) is this Node; anything else is looked up on the host's PATH.
// `$(VAR)` references are expanded from the container's env as the kubelet does.
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** The repository root (this file is src/cluster/node/pods/argv.ts). */
export const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
export const ferryCliPath = join(repoRoot, 'src', 'cli', 'main.ts');

const ferryNames = new Set(['ferry', '/usr/bin/ferry', '/usr/local/bin/ferry']);
const nodeNames = new Set(['node', '/usr/bin/node', '/usr/local/bin/node']);

/**
 * Expands `$(NAME)` from env; `$$` is an escaped `$`; unknown references are kept as written
 * (kubernetes/third_party/forked/golang/expansion semantics, simplified to what workers use).
 */
export function expandReferences(text: string, env: Readonly<Record<string, string>>): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch !== '$' || i + 1 >= text.length) {
      out += ch;
      continue;
    }
    const next = text[i + 1];
    if (next === '$') {
      out += '$';
      i++;
      continue;
    }
    if (next === '(') {
      const close = text.indexOf(')', i + 2);
      if (close > 0) {
        const name = text.slice(i + 2, close);
        const value = env[name];
        out += value ?? `$(${name})`;
        i = close;
        continue;
      }
    }
    out += ch;
  }
  return out;
}

export interface ArgvInput {
  command?: string[];
  args?: string[];
  env: Readonly<Record<string, string>>;
  /** The Node binary that runs `node` and `ferry` (process.execPath). */
  execPath: string;
}

/** The host argv for a container of the worker image; its entrypoint is `ferry`. */
export function resolveArgv(input: ArgvInput): string[] {
  const command = input.command && input.command.length > 0 ? input.command : ['ferry'];
  const words = [...command, ...(input.args ?? [])].map((w) => expandReferences(w, input.env));
  const [first = 'ferry', ...rest] = words;
  if (ferryNames.has(first)) return [input.execPath, ferryCliPath, ...rest];
  if (nodeNames.has(first)) return [input.execPath, ...rest];
  return [first, ...rest];
}
