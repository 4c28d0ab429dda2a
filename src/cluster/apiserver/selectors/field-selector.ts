// Field selectors (k8s.io/apimachinery/pkg/fields ParseSelector): comma-separated `a=b`, `a==b`,
// `a!=b` terms; `\`, `,` and `=` in values are escaped with a backslash. Error texts are the
// server's (returned to clients as 400 BadRequest).

export interface FieldRequirement {
  field: string;
  operator: '=' | '!=';
  value: string;
}

export interface FieldSelector {
  requirements: FieldRequirement[];
}

export class FieldSelectorError extends Error {
  readonly code: 'FieldSelectorInvalid' | 'FieldLabelNotSupported';
  /** The HTTP status and Status reason the server answers with. */
  readonly status = 400;
  readonly reason = 'BadRequest';
  constructor(code: 'FieldSelectorInvalid' | 'FieldLabelNotSupported', message: string) {
    super(message);
    this.name = 'FieldSelectorError';
    this.code = code;
  }
}

/** Splits on commas not preceded by an escaping backslash. */
function splitTerms(text: string): string[] {
  if (text.length === 0) return [];
  const terms: string[] = [];
  let start = 0;
  let inSlash = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inSlash) inSlash = false;
    else if (c === '\\') inSlash = true;
    else if (c === ',') {
      terms.push(text.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(text.slice(start));
  return terms;
}

/** The first operator found scanning left to right; at one position "!=" and "==" win over "=". */
function splitTerm(term: string): [string, string, string] | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const op of ['!=', '==', '=']) {
      if (term.startsWith(op, i)) return [term.slice(0, i), op, term.slice(i + op.length)];
    }
  }
  return undefined;
}

/** fields.UnescapeValue. Go prints an unescaped rune with %v, i.e. as its code point number. */
export function unescapeFieldValue(s: string): string {
  if (!/[\\,=]/.test(s)) return s;
  let out = '';
  let inSlash = false;
  for (const c of s) {
    if (inSlash) {
      if (c === '\\' || c === ',' || c === '=') out += c;
      else throw new FieldSelectorError('FieldSelectorInvalid', `invalid field selector: invalid escape sequence: \\${c}`);
      inSlash = false;
      continue;
    }
    if (c === '\\') inSlash = true;
    else if (c === ',' || c === '=') throw new FieldSelectorError('FieldSelectorInvalid', `invalid field selector: unescaped character in value: ${c.codePointAt(0)}`);
    else out += c;
  }
  if (inSlash) throw new FieldSelectorError('FieldSelectorInvalid', 'invalid field selector: invalid escape sequence: \\');
  return out;
}

/** fields.EscapeValue. */
export function escapeFieldValue(s: string): string {
  return s.replace(/[\\,=]/g, (c) => `\\${c}`);
}

/** Parses `?fieldSelector=`; terms come back sorted (as the server sorts them). Throws FieldSelectorError. */
export function parseFieldSelector(text: string): FieldSelector {
  const parts = splitTerms(text).sort();
  const requirements: FieldRequirement[] = [];
  for (const part of parts) {
    if (part === '') continue;
    const split = splitTerm(part);
    if (split === undefined) throw new FieldSelectorError('FieldSelectorInvalid', `invalid selector: '${text}'; can't understand '${part}'`);
    const [field, op, rhs] = split;
    requirements.push({ field, operator: op === '!=' ? '!=' : '=', value: unescapeFieldValue(rhs) });
  }
  return { requirements };
}

/** An absent field matches as "" (the server's field sets always carry every supported field). */
export function matchesFields(sel: FieldSelector, fields: Record<string, string>): boolean {
  return sel.requirements.every((r) => {
    const v = fields[r.field] ?? '';
    return r.operator === '=' ? v === r.value : v !== r.value;
  });
}

/** The fields every kind supports (runtime.DefaultMetaV1FieldSelectorConversion). */
export const DEFAULT_SELECTABLE_FIELDS: readonly string[] = ['metadata.name', 'metadata.namespace'];

/** The first field of `sel` not in `supported`, or undefined when all are supported. */
export function findUnsupportedField(sel: FieldSelector, supported: readonly string[]): string | undefined {
  return sel.requirements.find((r) => !supported.includes(r.field))?.field;
}

/**
 * The 400 for a field the kind cannot be selected by. Kinds with only the default fields answer
 * with DefaultMetaV1FieldSelectorConversion's text; kinds with their own conversion func (pods,
 * events, CRDs with selectableFields ...) with `field label not supported: <field>`.
 */
export function unsupportedFieldSelectorError(field: string, supported: readonly string[]): FieldSelectorError {
  const onlyDefaults = supported.length === 2 && DEFAULT_SELECTABLE_FIELDS.every((f) => supported.includes(f));
  const message = onlyDefaults
    ? `${JSON.stringify(field)} is not a known field selector: only "metadata.name", "metadata.namespace"`
    : `field label not supported: ${field}`;
  return new FieldSelectorError('FieldLabelNotSupported', message);
}

/** Selector.String: terms joined by ",", values escaped. */
export function fieldSelectorString(sel: FieldSelector): string {
  return sel.requirements.map((r) => `${r.field}${r.operator}${escapeFieldValue(r.value)}`).join(',');
}
