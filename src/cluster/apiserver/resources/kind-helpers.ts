// Shorthands for declaring a kind: most kinds differ from the defaults in a few fields.

import type { KubeObject } from '../types.ts';
import { defaultCells, defaultColumns } from './printing.ts';
import { standardVerbs } from './types.ts';
import type { ResourceType } from './types.ts';

export type KindOptions = Partial<Omit<ResourceType, 'group' | 'version' | 'kind' | 'resource' | 'schemaName'>>;

/**
 * A kind with the common defaults: all standard verbs, no subresources, no status, no server
 * defaults or extra validation, and the server's default table (Name, Created At).
 */
export function defineKind(
  group: string,
  kind: string,
  resource: string,
  schemaName: string,
  options: KindOptions,
): ResourceType {
  return {
    group,
    version: 'v1',
    resource,
    kind,
    listKind: `${kind}List`,
    singular: kind.toLowerCase(),
    namespaced: true,
    shortNames: [],
    categories: [],
    verbs: [...standardVerbs],
    subresources: [],
    schemaName,
    hasStatus: false,
    hasGeneration: false,
    nameValidation: 'dns1123Subdomain',
    defaults: () => undefined,
    validate: () => [],
    fieldSelectors: {},
    printerColumns: defaultColumns(),
    cells: (obj: KubeObject) => defaultCells(obj),
    ...options,
  };
}
