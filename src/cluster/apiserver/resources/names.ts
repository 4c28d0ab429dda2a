// Name validators of k8s.io/apimachinery/pkg/util/validation, with their messages.

import type { FieldError } from '../types.ts';
import { invalid } from './field-errors.ts';

const dns1123LabelPattern = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const dns1123SubdomainPattern = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export function validateDns1123Label(field: string, value: string): FieldError[] {
  const errors: FieldError[] = [];
  if (value.length > 63) errors.push(invalid(field, value, 'must be no more than 63 characters'));
  if (!dns1123LabelPattern.test(value)) {
    errors.push(
      invalid(
        field,
        value,
        "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
      ),
    );
  }
  return errors;
}

export function validateDns1123Subdomain(field: string, value: string): FieldError[] {
  const errors: FieldError[] = [];
  if (value.length > 253) errors.push(invalid(field, value, 'must be no more than 253 characters'));
  if (!dns1123SubdomainPattern.test(value)) {
    errors.push(
      invalid(
        field,
        value,
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
      ),
    );
  }
  return errors;
}
