// Builders of FieldError that print exactly as k8s.io/apimachinery/pkg/util/validation/field
// prints them (Error.ErrorBody): "<Type string>[: <bad value>][: <detail>]". The server puts
// these bodies in a 422's causes[].message and joins "<field>: <body>" into Status.message.
import type { FieldError, FieldErrorType } from '../types.ts';

/** The human form of each error type (field.ErrorType.String()). */
const TYPE_TEXT: Record<FieldErrorType, string> = {
  FieldValueNotFound: 'Not found',
  FieldValueRequired: 'Required value',
  FieldValueDuplicate: 'Duplicate value',
  FieldValueInvalid: 'Invalid value',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueForbidden: 'Forbidden',
  FieldValueTooLong: 'Too long',
  FieldValueTooMany: 'Too many',
  InternalError: 'Internal error',
  FieldValueTypeInvalid: 'Invalid value',
};

/** Go's strconv.Quote, close enough for JSON-decoded strings (JSON escaping differs only for control bytes). */
export function goQuote(s: string): string {
  return JSON.stringify(s);
}

/** Go's %v of a float64 (strconv 'g', shortest): exponent form when exp < -4 or exp >= 6, e.g. 1e+06. */
export function goFloat(n: number): string {
  if (!Number.isFinite(n)) return n > 0 ? '+Inf' : n < 0 ? '-Inf' : 'NaN';
  if (n === 0) return '0';
  const [mantissa = '0', expText = '0'] = n.toExponential().split('e');
  const exp = Number(expText);
  if (exp < -4 || exp >= 6) {
    const sign = exp < 0 ? '-' : '+';
    const abs = Math.abs(exp);
    return `${mantissa}e${sign}${abs < 10 ? '0' : ''}${abs}`;
  }
  return String(n);
}

/**
 * The bad value as ErrorBody prints it: strings quoted, numbers and booleans bare, null as "null",
 * anything else (Go prints %#v of a map or slice) as JSON: an approximation of Go syntax.
 */
export function goValue(value: unknown): string {
  if (value === null || value === undefined) return '"null"';
  if (typeof value === 'string') return goQuote(value);
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : goFloat(value);
  if (typeof value === 'boolean') return String(value);
  if (isPlainMap(value)) return goMapLiteral(value);
  return JSON.stringify(value);
}

function isPlainMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Go's %#v of a map[string]interface{} of scalars: `map[string]interface {}{"name":"a", "port":80}` (keys sorted). */
export function goMapLiteral(m: Record<string, unknown>): string {
  const parts = Object.keys(m).sort().map((k) => {
    const v = m[k];
    const text = typeof v === 'string' ? goQuote(v) : v === null || v === undefined ? 'interface {}(nil)' : typeof v === 'object' ? JSON.stringify(v) : String(v);
    return `${goQuote(k)}:${text}`;
  });
  return `map[string]interface {}{${parts.join(', ')}}`;
}

function make(type: FieldErrorType, field: string, valueText: string | undefined, detail: string): FieldError {
  let message = TYPE_TEXT[type];
  if (valueText !== undefined) message += `: ${valueText}`;
  if (detail.length > 0) message += `: ${detail}`;
  return { type, field, message };
}

export function requiredError(field: string, detail = ''): FieldError {
  return make('FieldValueRequired', field, undefined, detail);
}

export function forbiddenError(field: string, detail: string): FieldError {
  return make('FieldValueForbidden', field, undefined, detail);
}

export function invalidError(field: string, value: unknown, detail: string): FieldError {
  return make('FieldValueInvalid', field, goValue(value), detail);
}

export function typeInvalidError(field: string, value: unknown, detail: string): FieldError {
  return make('FieldValueTypeInvalid', field, goValue(value), detail);
}

export function duplicateError(field: string, value: unknown): FieldError {
  return make('FieldValueDuplicate', field, goValue(value), '');
}

export function notFoundError(field: string, value: unknown): FieldError {
  return make('FieldValueNotFound', field, goValue(value), '');
}

/** field.NotSupported: each supported value strconv.Quote'd, joined with ", ". */
export function notSupportedError(field: string, value: unknown, supported: readonly string[]): FieldError {
  const detail = supported.length > 0 ? `supported values: ${supported.map(goQuote).join(', ')}` : '';
  return make('FieldValueNotSupported', field, goValue(value), detail);
}

/** field.TooLong (apimachinery >= 1.32): the value is never printed. */
export function tooLongError(field: string, maxLength: number): FieldError {
  const detail = maxLength >= 0 ? `may not be more than ${maxLength} ${maxLength === 1 ? 'byte' : 'bytes'}` : 'value is too long';
  return make('FieldValueTooLong', field, undefined, detail);
}

/** field.TooMany: `Too many: <actual>: must have at most <max> items`. */
export function tooManyError(field: string, actual: number, max: number): FieldError {
  const detail = max >= 0 ? `must have at most ${max} items` : 'has too many items';
  return make('FieldValueTooMany', field, actual >= 0 ? String(actual) : undefined, detail);
}

/** "<field>: <message>" as joined into a Status message. */
export function formatFieldError(e: FieldError): string {
  return `${e.field}: ${e.message}`;
}

/** field.Path.Key: `metadata.labels[app]`. */
export function keyPath(base: string, key: string): string {
  return `${base}[${key}]`;
}

/** field.Path.Child on a possibly empty (root) path. */
export function childPath(base: string, name: string): string {
  return base === '' ? name : `${base}.${name}`;
}
