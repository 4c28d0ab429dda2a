// The contract between the registry of built-in kinds and the API server that serves them.

import type { PrinterColumn } from '../table/index.ts';
import type { FieldError, KubeObject } from '../types.ts';

export type { PrinterColumn };

export type NameValidation = 'dns1123Subdomain' | 'dns1123Label' | 'pathSegment';

export interface ResourceType {
  group: string;
  version: string;
  resource: string;
  kind: string;
  listKind: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  /** As discovery lists them (sorted). */
  verbs: string[];
  /** e.g. ['status'] for PVCs; ['binding', 'eviction', 'log', 'status'] for pods. */
  subresources: string[];
  /** Key of the kind's definition in `builtinSchemas`. */
  schemaName: string;
  /** Status is written only through /status: main-resource writes keep the old status, /status writes keep the old spec. */
  hasStatus: boolean;
  /** metadata.generation starts at 1 and is bumped when anything but metadata and status changes. */
  hasGeneration: boolean;
  nameValidation: NameValidation;
  /** The server-side defaults a real server applies on create and update; mutates `obj` in place. */
  defaults(obj: KubeObject): void;
  /** The initial status a real server sets on create; mutates `obj` in place. */
  prepareForCreate?(obj: KubeObject): void;
  /** Validation beyond the schema, with the real messages; `old` is set on update. */
  validate(obj: KubeObject, old: KubeObject | undefined): FieldError[];
  /** Field selectors beyond metadata.name and metadata.namespace, with their value getters. */
  fieldSelectors: Record<string, (obj: KubeObject) => string>;
  /** The columns of `kubectl get` (server-side Table), and the cells of one object, in column order. */
  printerColumns: PrinterColumn[];
  cells(obj: KubeObject, now: Date): unknown[];
  /**
   * Set when a real server stores this kind as another one, so that both APIs see the same
   * objects: events.k8s.io/v1 Event is stored as core/v1 Event. `toStored` and `fromStored`
   * convert whole objects (apiVersion and kind included); metadata is shared unchanged.
   */
  storedAs?: StoredAs;
}

export interface StoredAs {
  group: string;
  version: string;
  resource: string;
  toStored(obj: KubeObject): KubeObject;
  fromStored(obj: KubeObject): KubeObject;
}

export const standardVerbs: readonly string[] = [
  'create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch',
];
