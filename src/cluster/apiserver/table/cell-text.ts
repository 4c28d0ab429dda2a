// How client-go jsonpath prints one result: maps and lists as compact JSON (Go sorts map keys),
// everything else with Go's fmt.Sprint.
import { goFloat } from '../schema/field-errors.ts';

export function formatGoValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : goFloat(value);
  if (typeof value === 'boolean') return String(value);
  if (value === null || value === undefined) return '<nil>';
  return sortedJSON(value);
}

export function sortedJSON(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return v;
    const rec = v as Record<string, unknown>;
    return Object.fromEntries(Object.keys(rec).sort().map((k) => [k, rec[k]]));
  });
}
