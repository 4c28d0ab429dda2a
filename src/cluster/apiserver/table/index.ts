// Table rendering for the embedded API server (kubectl get's `as=Table` responses).
export { humanDuration, translateTimestampSince } from './duration.ts';
export { evaluateJSONPath, JSONPathError, parseJSONPath, type PathStep } from './jsonpath.ts';
export {
  cellForValue,
  CREATION_TIMESTAMP_DESCRIPTION,
  crdPrinterColumns,
  DEFAULT_CRD_COLUMNS,
  NAME_COLUMN_DESCRIPTION,
  type CrdTable,
  type CustomResourceColumnDefinition,
  type PrinterColumn,
} from './printer-columns.ts';
export { renderTable, unrecognizedIncludeObjectMessage, type IncludeObject, type Table, type TableInput, type TableListMeta } from './render.ts';
export { formatGoValue } from './cell-text.ts';
