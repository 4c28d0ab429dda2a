// What kube-apiserver's table printers share (pkg/printers/internalversion/printers.go): ages,
// the Name and Age columns, and the default table of kinds without a printer of their own
// (Name, Created At).

import { CREATION_TIMESTAMP_DESCRIPTION, NAME_COLUMN_DESCRIPTION, translateTimestampSince } from '../table/index.ts';
import type { KubeObject } from '../types.ts';
import type { PrinterColumn } from './types.ts';

/** translateTimestampSince of a field read from an untyped object. */
export function timestampSince(timestamp: unknown, now: Date): string {
  return translateTimestampSince(typeof timestamp === 'string' ? timestamp : undefined, now);
}

export function column(name: string, description: string, options: Partial<PrinterColumn> = {}): PrinterColumn {
  return { name, type: 'string', format: '', description, priority: 0, ...options };
}

export function nameColumn(): PrinterColumn {
  return column('Name', NAME_COLUMN_DESCRIPTION, { format: 'name' });
}

export function ageColumn(): PrinterColumn {
  return column('Age', CREATION_TIMESTAMP_DESCRIPTION);
}

export function age(obj: KubeObject, now: Date): string {
  return timestampSince(obj.metadata.creationTimestamp, now);
}

/** The columns of the server's default table convertor (kinds without a printer). */
export function defaultColumns(): PrinterColumn[] {
  return [nameColumn(), column('Created At', CREATION_TIMESTAMP_DESCRIPTION, { type: 'date' })];
}

/** Cells of the default table: the name and the creation time in RFC 3339 (UTC, seconds). */
export function defaultCells(obj: KubeObject): unknown[] {
  const created = obj.metadata.creationTimestamp;
  const at = created ? new Date(created) : undefined;
  const formatted = at && !Number.isNaN(at.getTime()) ? `${at.toISOString().slice(0, 19)}Z` : null;
  return [obj.metadata.name ?? '', formatted];
}

/** labels.FormatLabels: "a=b,c=d" sorted by key, "<none>" when empty. */
export function formatLabels(labels: Record<string, unknown> | undefined): string {
  const keys = Object.keys(labels ?? {}).sort();
  if (keys.length === 0) return '<none>';
  return keys.map((k) => `${k}=${String(labels?.[k])}`).join(',');
}

const accessModeAbbreviations: [string, string][] = [
  ['ReadWriteOnce', 'RWO'],
  ['ReadOnlyMany', 'ROX'],
  ['ReadWriteMany', 'RWX'],
  ['ReadWriteOncePod', 'RWOP'],
];

/** helper.GetAccessModesAsString: "RWO,RWX", in this fixed order, each once. */
export function accessModesAsString(modes: unknown[]): string {
  return accessModeAbbreviations
    .filter(([mode]) => modes.includes(mode))
    .map(([, abbreviation]) => abbreviation)
    .join(',');
}
