// A CRD's additionalPrinterColumns as the apiextensions-apiserver serves them
// (pkg/registry/customresource/tableconvertor): Name first, then the columns, each cell the first
// JSONPath result converted by the column type; `date` cells are rendered as ages by the server.
import type { KubeObject } from '../types.ts';
import { formatGoValue } from './cell-text.ts';
import { translateTimestampSince } from './duration.ts';
import { evaluateJSONPath, JSONPathError, parseJSONPath, type PathStep } from './jsonpath.ts';

/** metav1.TableColumnDefinition. */
export interface PrinterColumn {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

/** apiextensions/v1 CustomResourceColumnDefinition. */
export interface CustomResourceColumnDefinition {
  name: string;
  type: string;
  format?: string;
  description?: string;
  priority?: number;
  jsonPath: string;
}

/** metav1.ObjectMeta's documentation of `name`, the Name column's description. */
export const NAME_COLUMN_DESCRIPTION =
  'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names';

/** metav1.ObjectMeta's documentation of `creationTimestamp`, the default Age column's description. */
export const CREATION_TIMESTAMP_DESCRIPTION =
  'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata';

/** What the server serves when a version defines no columns (serveDefaultColumnsIfEmpty). */
export const DEFAULT_CRD_COLUMNS: readonly CustomResourceColumnDefinition[] = [
  { name: 'Age', type: 'date', description: CREATION_TIMESTAMP_DESCRIPTION, jsonPath: '.metadata.creationTimestamp' },
];

export interface CrdTable {
  columns: PrinterColumn[];
  cells(obj: KubeObject, now: Date): unknown[];
}

/** Throws JSONPathError (code JSONPathInvalid) `unrecognized column definition "<path>"` for an unparsable path. */
export function crdPrinterColumns(definitions: readonly CustomResourceColumnDefinition[]): CrdTable {
  const defs = definitions.length > 0 ? definitions : DEFAULT_CRD_COLUMNS;
  const columns: PrinterColumn[] = [{ name: 'Name', type: 'string', format: 'name', description: NAME_COLUMN_DESCRIPTION, priority: 0 }];
  const paths: PathStep[][] = [];
  for (const d of defs) {
    try {
      paths.push(parseJSONPath(d.jsonPath));
    } catch (err) {
      if (err instanceof JSONPathError) throw new JSONPathError(`unrecognized column definition ${JSON.stringify(d.jsonPath)}`);
      throw err;
    }
    columns.push({
      name: d.name,
      type: d.type,
      format: d.format ?? '',
      description: d.description !== undefined && d.description !== '' ? d.description : `Custom resource definition column (in JSONPath format): ${d.jsonPath}`,
      priority: d.priority ?? 0,
    });
  }
  return {
    columns,
    cells(obj: KubeObject, now: Date): unknown[] {
      const cells: unknown[] = [obj.metadata.name ?? ''];
      defs.forEach((d, i) => {
        const results = evaluateJSONPath(paths[i] ?? [], obj);
        cells.push(results.length === 0 ? null : cellForValue(d.type, results[0], now));
      });
      return cells;
    },
  };
}

/** tableconvertor cellForJSONValue, with `string` columns printed as jsonpath prints them. */
export function cellForValue(type: string, value: unknown, now: Date): unknown {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'string':
      return formatGoValue(value);
    case 'integer':
      return typeof value === 'number' ? Math.trunc(value) : null;
    case 'number':
      return typeof value === 'number' ? value : null;
    case 'boolean':
      return typeof value === 'boolean' ? value : null;
    case 'date':
      if (typeof value !== 'string') return null;
      return Number.isNaN(Date.parse(value)) ? '<invalid>' : translateTimestampSince(value, now);
    default:
      return null;
  }
}
