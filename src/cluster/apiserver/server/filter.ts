// List and watch filtering: label selectors and the field selectors each kind supports
// (metadata.name and metadata.namespace everywhere, plus the kind's own), with the real
// server's 400 messages for a malformed or unsupported selector.
import {
  findUnsupportedField,
  matchesFields,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
  unsupportedFieldSelectorError,
  type FieldSelector,
  type LabelSelector,
} from '../selectors/index.ts';
import type { KubeObject } from '../types.ts';
import type { ServedResource } from './registry.ts';
import { badRequest } from './status.ts';

export type ObjectFilter = (obj: KubeObject) => boolean;


export function fieldsOf(served: ServedResource, obj: KubeObject): Record<string, string> {
  const fields: Record<string, string> = {
    'metadata.name': obj.metadata.name ?? '',
  };
  if (served.namespaced) fields['metadata.namespace'] = obj.metadata.namespace ?? '';
  for (const [label, get] of Object.entries(served.fieldSelectors)) fields[label] = get(obj);
  return fields;
}

/** Builds the filter of a list/watch request; undefined when it selects everything. */
export function filterFromQuery(served: ServedResource, query: URLSearchParams): ObjectFilter | undefined {
  const labelText = query.get('labelSelector') ?? '';
  const fieldText = query.get('fieldSelector') ?? '';
  let labels: LabelSelector | undefined;
  let fields: FieldSelector | undefined;
  if (labelText.trim() !== '') {
    try {
      labels = parseLabelSelector(labelText);
    } catch (err) {
      throw badRequest(err instanceof Error ? err.message : String(err));
    }
  }
  if (fieldText.trim() !== '') {
    try {
      fields = parseFieldSelector(fieldText);
    } catch (err) {
      throw badRequest(err instanceof Error ? err.message : String(err));
    }
    const supported = ['metadata.name', 'metadata.namespace', ...Object.keys(served.fieldSelectors)];
    const unsupported = findUnsupportedField(fields, supported);
    if (unsupported !== undefined) throw badRequest(unsupportedFieldSelectorError(unsupported, supported).message);
  }
  if (labels === undefined && fields === undefined) return undefined;
  return (obj) =>
    (labels === undefined || matchesLabels(labels, obj.metadata.labels ?? {})) &&
    (fields === undefined || matchesFields(fields, fieldsOf(served, obj)));
}

