// The registry of the kinds the embedded API server serves itself: one ResourceType per kind
// (discovery facts, schema name, defaults, validation, field selectors, printers), their
// OpenAPI v3 definitions, and the CRDs a real cluster installs for volume snapshots.

import { customResourceDefinitionResource } from './apiextensions.ts';
import { reviewResources, leaseResource, priorityClassResource } from './cluster-kinds.ts';
import {
  configMapResource,
  namespaceResource,
  nodeResource,
  secretResource,
  serviceAccountResource,
} from './core.ts';
import { coreEventResource, eventsV1EventResource } from './events.ts';
import { podResource } from './pods.ts';
import { rbacResources } from './rbac.ts';
import { endpointSliceResource, endpointsResource, serviceResource } from './services.ts';
import { csiDriverResource, csiNodeResource, storageClassResource } from './storage.ts';
import type { ResourceType } from './types.ts';
import { persistentVolumeClaimResource, persistentVolumeResource } from './volumes.ts';
import { apiServiceResource, webhookResources } from './webhooks.ts';

export type { NameValidation, PrinterColumn, ResourceType, StoredAs } from './types.ts';
export { coreEventToEventsV1, eventsV1ToCoreEvent } from './events.ts';
export { builtinSchemas } from './schemas.ts';
export { builtinCustomResourceDefinitions } from './snapshot-crds.ts';
export { compareQuantities, formatQuantity, parseQuantity } from './quantity.ts';
export { applyDefaultStorageClass, isDefaultStorageClass } from './storage.ts';

export const builtinResources: readonly ResourceType[] = [
  namespaceResource,
  configMapResource,
  secretResource,
  serviceAccountResource,
  serviceResource,
  endpointsResource,
  podResource,
  persistentVolumeResource,
  persistentVolumeClaimResource,
  coreEventResource,
  nodeResource,
  endpointSliceResource,
  eventsV1EventResource,
  storageClassResource,
  csiDriverResource,
  csiNodeResource,
  leaseResource,
  customResourceDefinitionResource,
  ...rbacResources,
  ...webhookResources,
  apiServiceResource,
  priorityClassResource,
  ...reviewResources,
];

/** The registered kind serving `resource` in `group`/`version`, if any. */
export function findBuiltinResource(group: string, version: string, resource: string): ResourceType | undefined {
  return builtinResources.find((r) => r.group === group && r.version === version && r.resource === resource);
}
