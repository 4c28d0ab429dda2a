// How stored objects are shown to a client: at the requested version (custom resources are
// stored at their storage version), as a Table or as PartialObjectMetadata when negotiated.
import { renderTable, unrecognizedIncludeObjectMessage, type IncludeObject } from '../table/index.ts';
import type { KubeObject } from '../types.ts';
import type { ResourceRequest } from './context.ts';
import { apiVersionOf, type ServedResource } from './registry.ts';
import { badRequest } from './status.ts';

export interface ListMeta {
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

/** The object with the apiVersion/kind of the version it is served at (a shallow copy when they differ). */
export function atServedVersion(obj: KubeObject, served: ServedResource): KubeObject {
  const apiVersion = apiVersionOf(served.group, served.version);
  if (obj.apiVersion === apiVersion && obj.kind === served.kind) return obj;
  return { ...obj, apiVersion, kind: served.kind };
}

function includeObjectOf(query: URLSearchParams): IncludeObject {
  const value = query.get('includeObject') ?? 'Metadata';
  if (value === 'None' || value === 'Metadata' || value === 'Object') return value;
  throw badRequest(unrecognizedIncludeObjectMessage(value));
}

function partialMetadata(obj: KubeObject): KubeObject {
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata };
}

/** The body answering a request for one object. */
export function presentObject(rr: ResourceRequest, obj: KubeObject, withColumns = true): unknown {
  const served = atServedVersion(obj, rr.served);
  switch (rr.negotiated.format) {
    case 'object':
      return served;
    case 'partialMetadata':
      return partialMetadata(served);
    case 'table':
      return tableOf(rr, [served], { resourceVersion: obj.metadata.resourceVersion ?? '' }, withColumns);
  }
}

/** The body answering a list. */
export function presentList(rr: ResourceRequest, items: KubeObject[], meta: ListMeta): unknown {
  const served = items.map((o) => atServedVersion(o, rr.served));
  switch (rr.negotiated.format) {
    case 'object':
      return {
        kind: rr.served.listKind,
        apiVersion: apiVersionOf(rr.served.group, rr.served.version),
        metadata: meta,
        items: served,
      };
    case 'partialMetadata':
      return { kind: 'PartialObjectMetadataList', apiVersion: 'meta.k8s.io/v1', metadata: meta, items: served.map(partialMetadata) };
    case 'table':
      return tableOf(rr, served, meta, true);
  }
}

function tableOf(rr: ResourceRequest, objects: KubeObject[], listMeta: ListMeta, withColumns: boolean): unknown {
  const now = rr.ctx.now();
  const includeObject = includeObjectOf(rr.query);
  const table = renderTable({
    columns: rr.served.printerColumns,
    rows: objects.map((object) => ({ cells: rr.served.cells(object, now), object })),
    includeObject,
    listMeta,
  });
  // A watch sends the column definitions with its first event only, as kube-apiserver does.
  if (!withColumns) table.columnDefinitions = [];
  return table;
}
