// The meta.k8s.io/v1 Table a list or get returns for
// `Accept: application/json;as=Table;v=v1;g=meta.k8s.io` (what kubectl get asks for), shaped as
// apiserver handlers/response.go asTable leaves it: rows' objects per `includeObject`.
import type { KubeObject } from '../types.ts';
import type { PrinterColumn } from './printer-columns.ts';

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export interface TableListMeta {
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

export interface TableInput {
  columns: PrinterColumn[];
  rows: { cells: unknown[]; object: KubeObject }[];
  includeObject: IncludeObject;
  listMeta: TableListMeta;
}

export interface Table {
  kind: 'Table';
  apiVersion: 'meta.k8s.io/v1';
  metadata: TableListMeta;
  columnDefinitions: PrinterColumn[];
  rows: { cells: unknown[]; object: unknown }[];
}

/** The error for an includeObject value the server does not know (400 BadRequest). */
export function unrecognizedIncludeObjectMessage(value: string): string {
  return `unrecognized includeObject value: ${JSON.stringify(value)}`;
}

export function renderTable(input: TableInput): Table {
  const metadata: TableListMeta = { resourceVersion: input.listMeta.resourceVersion };
  if (input.listMeta.continue !== undefined && input.listMeta.continue !== '') metadata.continue = input.listMeta.continue;
  if (input.listMeta.remainingItemCount !== undefined) metadata.remainingItemCount = input.listMeta.remainingItemCount;
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata,
    columnDefinitions: input.columns.map((c) => ({ name: c.name, type: c.type, format: c.format, description: c.description, priority: c.priority })),
    rows: input.rows.map((r) => ({ cells: r.cells, object: rowObject(r.object, input.includeObject) })),
  };
}

function rowObject(obj: KubeObject, include: IncludeObject): unknown {
  switch (include) {
    case 'None':
      return null;
    case 'Object':
      return obj;
    case 'Metadata':
      return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata };
  }
}
