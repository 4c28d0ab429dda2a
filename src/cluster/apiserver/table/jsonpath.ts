// The subset of Kubernetes JSONPath (k8s.io/client-go/util/jsonpath) that printer columns and
// scale subresource paths use: `.a.b`, `['a.b']`, `[0]`, `[-1]`, `[1:3]`, `[*]`, `.*`, `..a`
// and filters `[?(@.type=="Ready")]` with ==, !=, <, <=, >, >= or bare existence `[?(@.x)]`.
// Evaluation allows missing keys (as the CRD table convertor does): a missing key yields nothing.

export type PathStep =
  | { kind: 'field'; name: string }
  | { kind: 'wildcard' }
  | { kind: 'recursive'; name: string }
  | { kind: 'index'; index: number }
  | { kind: 'slice'; start: number | undefined; end: number | undefined }
  | { kind: 'filter'; path: PathStep[]; op: FilterOp | undefined; literal: unknown };

type FilterOp = '==' | '!=' | '<' | '<=' | '>' | '>=';

export class JSONPathError extends Error {
  readonly code = 'JSONPathInvalid';
  constructor(message: string) {
    super(message);
    this.name = 'JSONPathError';
  }
}

/** Parses `.spec.a.b` (with or without the surrounding `{}` template braces). Throws JSONPathError. */
export function parseJSONPath(text: string): PathStep[] {
  let src = text.trim();
  if (src.startsWith('{') && src.endsWith('}')) src = src.slice(1, -1).trim();
  if (src.startsWith('$')) src = src.slice(1);
  const p = new StepParser(src);
  const steps = p.steps(() => false);
  if (!p.done()) throw new JSONPathError(`unrecognized character in action: ${src.slice(p.pos)}`);
  return steps;
}

class StepParser {
  pos = 0;
  readonly src: string;
  constructor(src: string) {
    this.src = src;
  }

  done(): boolean {
    return this.pos >= this.src.length;
  }

  steps(stopAt: (c: string) => boolean): PathStep[] {
    const out: PathStep[] = [];
    while (!this.done() && !stopAt(this.src[this.pos] ?? '')) {
      const c = this.src[this.pos];
      if (c === '.') {
        if (this.src[this.pos + 1] === '.') {
          this.pos += 2;
          out.push({ kind: 'recursive', name: this.identifier() });
        } else {
          this.pos++;
          if (this.src[this.pos] === '*') {
            this.pos++;
            out.push({ kind: 'wildcard' });
          } else if (!this.done() && this.src[this.pos] !== '[' && this.src[this.pos] !== '.') {
            out.push({ kind: 'field', name: this.identifier() });
          }
        }
      } else if (c === '[') {
        out.push(this.bracket());
      } else {
        throw new JSONPathError(`unrecognized character in action: ${this.src.slice(this.pos)}`);
      }
    }
    return out;
  }

  identifier(): string {
    const start = this.pos;
    while (!this.done() && !/[.[\]\s()=!<>,]/.test(this.src[this.pos] ?? '')) this.pos++;
    if (this.pos === start) throw new JSONPathError(`invalid field name at: ${this.src.slice(start)}`);
    return this.src.slice(start, this.pos);
  }

  bracket(): PathStep {
    const close = this.findClose();
    const inner = this.src.slice(this.pos + 1, close).trim();
    this.pos = close + 1;
    if (inner === '*') return { kind: 'wildcard' };
    const quoted = /^(['"])(.*)\1$/s.exec(inner);
    if (quoted) return { kind: 'field', name: quoted[2] ?? '' };
    if (inner.startsWith('?(') && inner.endsWith(')')) return parseFilter(inner.slice(2, -1).trim());
    if (/^-?\d+$/.test(inner)) return { kind: 'index', index: Number(inner) };
    const slice = /^(-?\d*):(-?\d*)(?::\d*)?$/.exec(inner);
    if (slice) {
      return { kind: 'slice', start: slice[1] ? Number(slice[1]) : undefined, end: slice[2] ? Number(slice[2]) : undefined };
    }
    throw new JSONPathError(`invalid array index ${inner}`);
  }

  findClose(): number {
    let depth = 0;
    let quote: string | undefined;
    for (let i = this.pos; i < this.src.length; i++) {
      const c = this.src[i];
      if (quote !== undefined) {
        if (c === quote) quote = undefined;
      } else if (c === '"' || c === "'") quote = c;
      else if (c === '[') depth++;
      else if (c === ']' && --depth === 0) return i;
    }
    throw new JSONPathError('unclosed array expect ]');
  }
}

function parseFilter(expr: string): PathStep {
  const m = /^@((?:\.[^\s=!<>]+|\[[^\]]*\])*)\s*(==|!=|<=|>=|<|>)?\s*(.*)$/s.exec(expr);
  if (!m) throw new JSONPathError(`unrecognized filter: ${expr}`);
  const path = parseJSONPath(m[1] ?? '');
  const op = m[2] as FilterOp | undefined;
  if (op === undefined) {
    if ((m[3] ?? '') !== '') throw new JSONPathError(`unrecognized filter: ${expr}`);
    return { kind: 'filter', path, op, literal: undefined };
  }
  return { kind: 'filter', path, op, literal: parseLiteral((m[3] ?? '').trim(), expr) };
}

function parseLiteral(text: string, expr: string): unknown {
  const q = /^(['"])(.*)\1$/s.exec(text);
  if (q) return q[2] ?? '';
  if (text === 'true' || text === 'false') return text === 'true';
  if (text === 'null' || text === 'nil') return null;
  if (text !== '' && !Number.isNaN(Number(text))) return Number(text);
  throw new JSONPathError(`unrecognized filter: ${expr}`);
}

/** All values the path selects in `root`, in document order. */
export function evaluateJSONPath(steps: readonly PathStep[], root: unknown): unknown[] {
  let current: unknown[] = [root];
  for (const step of steps) current = current.flatMap((v) => applyStep(step, v));
  return current;
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function applyStep(step: PathStep, v: unknown): unknown[] {
  switch (step.kind) {
    case 'field':
      return isMap(v) && Object.hasOwn(v, step.name) ? [v[step.name]] : [];
    case 'wildcard':
      return Array.isArray(v) ? v : isMap(v) ? Object.keys(v).sort().map((k) => v[k]) : [];
    case 'recursive':
      return collectRecursive(v, step.name);
    case 'index': {
      if (!Array.isArray(v)) return [];
      const i = step.index < 0 ? v.length + step.index : step.index;
      return i >= 0 && i < v.length ? [v[i]] : [];
    }
    case 'slice': {
      if (!Array.isArray(v)) return [];
      return v.slice(step.start ?? 0, step.end ?? v.length);
    }
    case 'filter': {
      const items = Array.isArray(v) ? v : [];
      return items.filter((item) => filterMatches(step, item));
    }
  }
}

function collectRecursive(v: unknown, name: string): unknown[] {
  const out: unknown[] = [];
  const visit = (x: unknown): void => {
    if (isMap(x)) {
      if (Object.hasOwn(x, name)) out.push(x[name]);
      for (const k of Object.keys(x).sort()) visit(x[k]);
    } else if (Array.isArray(x)) x.forEach(visit);
  };
  visit(v);
  return out;
}

function filterMatches(step: Extract<PathStep, { kind: 'filter' }>, item: unknown): boolean {
  const found = evaluateJSONPath(step.path, item);
  if (step.op === undefined) return found.length > 0;
  const left = found[0];
  if (found.length === 0) return false;
  const right = step.literal;
  switch (step.op) {
    case '==':
      return compareEqual(left, right);
    case '!=':
      return !compareEqual(left, right);
    default: {
      if (typeof left !== 'number' || typeof right !== 'number') return false;
      if (step.op === '<') return left < right;
      if (step.op === '<=') return left <= right;
      if (step.op === '>') return left > right;
      return left >= right;
    }
  }
}

function compareEqual(a: unknown, b: unknown): boolean {
  return a === b || (typeof a === 'number' && typeof b === 'number' && a === b);
}
