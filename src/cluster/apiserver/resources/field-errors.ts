// Constructors of field errors with the wording of k8s.io/apimachinery/pkg/util/validation/field
// (ErrorBody), and the shared validators the kinds use.

import type { FieldError } from '../types.ts';
import { deepEqual } from './object-access.ts';

/** Go's %#v for the values the errors quote: strings quoted, numbers and booleans bare. */
function formatValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === undefined || value === null) return 'null';
  return JSON.stringify(value);
}

export function required(field: string, detail = ''): FieldError {
  return { type: 'FieldValueRequired', field, message: detail ? `Required value: ${detail}` : 'Required value' };
}

export function invalid(field: string, value: unknown, detail: string): FieldError {
  return { type: 'FieldValueInvalid', field, message: `Invalid value: ${formatValue(value)}: ${detail}` };
}

export function forbidden(field: string, detail: string): FieldError {
  return { type: 'FieldValueForbidden', field, message: `Forbidden: ${detail}` };
}

export function duplicate(field: string, value: unknown): FieldError {
  return { type: 'FieldValueDuplicate', field, message: `Duplicate value: ${formatValue(value)}` };
}

export function notSupported(field: string, value: unknown, supported: readonly string[]): FieldError {
  const list = supported.map((s) => JSON.stringify(s)).join(', ');
  return { type: 'FieldValueNotSupported', field, message: `Unsupported value: ${formatValue(value)}: supported values: ${list}` };
}

/** ValidateImmutableField: `field is immutable` when the value changed on update. */
export function immutable(field: string, value: unknown, old: unknown): FieldError[] {
  return deepEqual(value, old) ? [] : [invalid(field, value, 'field is immutable')];
}

const configKeyPattern = /^[-._a-zA-Z0-9]+$/;

/** IsConfigMapKey: the keys of ConfigMap and Secret data. */
export function validateConfigKey(field: string, key: string): FieldError[] {
  const errors: FieldError[] = [];
  if (key.length > 253) errors.push(invalid(field, key, 'must be no more than 253 characters'));
  if (!configKeyPattern.test(key)) {
    errors.push(
      invalid(
        field,
        key,
        "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
      ),
    );
  }
  if (key === '.') errors.push(invalid(field, key, "must not be '.'"));
  else if (key === '..') errors.push(invalid(field, key, "must not be '..'"));
  else if (key.startsWith('..')) errors.push(invalid(field, key, "must not start with '..'"));
  return errors;
}
