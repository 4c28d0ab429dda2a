// core/v1 Event and events.k8s.io/v1 Event: one stored kind seen through two APIs, so one printer
// (printEvent) reads both shapes.

import type { FieldError, KubeObject } from '../types.ts';
import { invalid, required } from './field-errors.ts';
import { numberAt, objectAt, stringAt, stringPath } from './object-access.ts';
import { column, nameColumn, timestampSince } from './printing.ts';
import { describe } from './schemas.ts';
import { standardVerbs } from './types.ts';
import type { PrinterColumn, ResourceType } from './types.ts';

const coreEvent = 'io.k8s.api.core.v1.Event';

/** The fields printEvent reads, from either version. */
interface EventView {
  involvedObject: Record<string, unknown>;
  message: string;
  firstTimestamp: string;
  lastTimestamp: string;
  eventTime: string;
  count: number;
  series: Record<string, unknown> | undefined;
  sourceComponent: string;
  sourceHost: string;
  reportingController: string;
  reportingInstance: string;
}

function coreView(obj: KubeObject): EventView {
  const source = objectAt(obj, 'source');
  return {
    involvedObject: objectAt(obj, 'involvedObject'),
    message: stringAt(obj, 'message'),
    firstTimestamp: stringAt(obj, 'firstTimestamp'),
    lastTimestamp: stringAt(obj, 'lastTimestamp'),
    eventTime: stringAt(obj, 'eventTime'),
    count: numberAt(obj, 'count'),
    series: obj['series'] ? objectAt(obj, 'series') : undefined,
    sourceComponent: stringAt(source, 'component'),
    sourceHost: stringAt(source, 'host'),
    reportingController: stringAt(obj, 'reportingComponent'),
    reportingInstance: stringAt(obj, 'reportingInstance'),
  };
}

function eventsV1View(obj: KubeObject): EventView {
  const source = objectAt(obj, 'deprecatedSource');
  return {
    involvedObject: objectAt(obj, 'regarding'),
    message: stringAt(obj, 'note'),
    firstTimestamp: stringAt(obj, 'deprecatedFirstTimestamp'),
    lastTimestamp: stringAt(obj, 'deprecatedLastTimestamp'),
    eventTime: stringAt(obj, 'eventTime'),
    count: numberAt(obj, 'deprecatedCount'),
    series: obj['series'] ? objectAt(obj, 'series') : undefined,
    sourceComponent: stringAt(source, 'component'),
    sourceHost: stringAt(source, 'host'),
    reportingController: stringAt(obj, 'reportingController'),
    reportingInstance: stringAt(obj, 'reportingInstance'),
  };
}

function eventColumns(): PrinterColumn[] {
  return [
    column('Last Seen', describe(coreEvent, 'lastTimestamp')),
    column('Type', describe(coreEvent, 'type')),
    column('Reason', describe(coreEvent, 'reason')),
    column('Object', 'The object that this event is about.'),
    column('Subobject', describe('io.k8s.api.core.v1.ObjectReference', 'fieldPath'), { priority: 1 }),
    column('Source', 'The component reporting this event. Should be a short machine understandable string.', { priority: 1 }),
    column('Message', describe(coreEvent, 'message')),
    column('First Seen', describe(coreEvent, 'firstTimestamp'), { priority: 1 }),
    column('Count', describe(coreEvent, 'count'), { priority: 1 }),
    { ...nameColumn(), priority: 1 },
  ];
}

/** formatEventSource: "component, host", "<unknown>" without a component. */
function eventSource(view: EventView): string {
  const component = view.sourceComponent || view.reportingController;
  const instance = view.sourceHost || view.reportingInstance;
  if (!component) return '<unknown>';
  return instance ? `${component}, ${instance}` : component;
}

function eventCells(obj: KubeObject, view: EventView, now: Date): unknown[] {
  let firstSeen = timestampSince(view.firstTimestamp, now);
  if (!view.firstTimestamp) firstSeen = timestampSince(view.eventTime, now);
  let lastSeen = view.lastTimestamp ? timestampSince(view.lastTimestamp, now) : firstSeen;
  let count = view.count;
  if (view.series) {
    lastSeen = timestampSince(stringAt(view.series, 'lastObservedTime'), now);
    count = numberAt(view.series, 'count');
  } else if (count === 0) {
    count = 1;
  }
  const kind = stringAt(view.involvedObject, 'kind').toLowerCase();
  const name = stringAt(view.involvedObject, 'name');
  return [
    lastSeen,
    stringAt(obj, 'type'),
    stringAt(obj, 'reason'),
    name ? `${kind}/${name}` : kind,
    stringAt(view.involvedObject, 'fieldPath'),
    eventSource(view),
    view.message.trim(),
    firstSeen,
    count,
    obj.metadata.name ?? '',
  ];
}

function referenceSelectors(prefix: string, key: string): Record<string, (obj: KubeObject) => string> {
  const selectors: Record<string, (obj: KubeObject) => string> = {};
  for (const field of ['kind', 'namespace', 'name', 'uid', 'apiVersion', 'resourceVersion', 'fieldPath']) {
    selectors[`${prefix}.${field}`] = (o) => stringPath(o, key, field);
  }
  return selectors;
}

function validateInvolvedNamespace(obj: KubeObject, field: string, key: string): FieldError[] {
  const namespace = stringPath(obj, key, 'namespace');
  if (namespace && obj.metadata.namespace && namespace !== obj.metadata.namespace) {
    return [invalid(`${field}.namespace`, namespace, 'does not match event.namespace')];
  }
  return [];
}

export const coreEventResource: ResourceType = {
  group: '',
  version: 'v1',
  resource: 'events',
  kind: 'Event',
  listKind: 'EventList',
  singular: 'event',
  namespaced: true,
  shortNames: ['ev'],
  categories: [],
  verbs: [...standardVerbs],
  subresources: [],
  schemaName: coreEvent,
  hasStatus: false,
  hasGeneration: false,
  nameValidation: 'dns1123Subdomain',
  defaults: () => undefined,
  validate: (obj) => validateInvolvedNamespace(obj, 'involvedObject', 'involvedObject'),
  fieldSelectors: {
    ...referenceSelectors('involvedObject', 'involvedObject'),
    reason: (o) => stringAt(o, 'reason'),
    reportingComponent: (o) => stringAt(o, 'reportingComponent'),
    source: (o) => stringPath(o, 'source', 'component'),
    type: (o) => stringAt(o, 'type'),
  },
  printerColumns: eventColumns(),
  cells: (obj, now) => eventCells(obj, coreView(obj), now),
};

/** events.k8s.io/v1 field <-> core/v1 field (pkg/apis/events/v1 conversion). */
const renamedFields: [string, string][] = [
  ['regarding', 'involvedObject'],
  ['note', 'message'],
  ['deprecatedSource', 'source'],
  ['deprecatedFirstTimestamp', 'firstTimestamp'],
  ['deprecatedLastTimestamp', 'lastTimestamp'],
  ['deprecatedCount', 'count'],
  ['reportingController', 'reportingComponent'],
];

function renameFields(obj: KubeObject, apiVersion: string, pairs: [string, string][]): KubeObject {
  const out: KubeObject = { ...structuredClone(obj), apiVersion, kind: 'Event' };
  for (const [from, to] of pairs) {
    delete out[from];
    if (obj[from] !== undefined) out[to] = structuredClone(obj[from]);
  }
  return out;
}

export function eventsV1ToCoreEvent(obj: KubeObject): KubeObject {
  return renameFields(obj, 'v1', renamedFields);
}

export function coreEventToEventsV1(obj: KubeObject): KubeObject {
  return renameFields(obj, 'events.k8s.io/v1', renamedFields.map(([a, b]) => [b, a]));
}

export const eventsV1EventResource: ResourceType = {
  group: 'events.k8s.io',
  version: 'v1',
  resource: 'events',
  kind: 'Event',
  listKind: 'EventList',
  singular: 'event',
  namespaced: true,
  shortNames: ['ev'],
  categories: [],
  verbs: [...standardVerbs],
  subresources: [],
  schemaName: 'io.k8s.api.events.v1.Event',
  hasStatus: false,
  hasGeneration: false,
  nameValidation: 'dns1123Subdomain',
  defaults: () => undefined,
  validate(obj) {
    const errors = validateInvolvedNamespace(obj, 'regarding', 'regarding');
    for (const field of ['eventTime', 'reportingController', 'reportingInstance', 'action', 'reason']) {
      if (!stringAt(obj, field)) errors.push(required(field));
    }
    return errors;
  },
  fieldSelectors: {
    ...referenceSelectors('regarding', 'regarding'),
    reason: (o) => stringAt(o, 'reason'),
    reportingController: (o) => stringAt(o, 'reportingController'),
    type: (o) => stringAt(o, 'type'),
  },
  printerColumns: eventColumns(),
  cells: (obj, now) => eventCells(obj, eventsV1View(obj), now),
  storedAs: { group: '', version: 'v1', resource: 'events', toStored: eventsV1ToCoreEvent, fromStored: coreEventToEventsV1 },
};
