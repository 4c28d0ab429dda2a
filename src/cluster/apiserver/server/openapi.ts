// The OpenAPI documents kubectl reads: /openapi/v3 (an index of one document per group/version,
// addressed with a content hash so that clients' caches follow CRD changes), each document with
// `paths` (the operations, carrying x-kubernetes-group-version-kind and the fieldValidation
// query parameter that `kubectl --validate=strict` looks for) and `components.schemas` (the
// kinds' schemas and everything they reference); and /openapi/v2 in JSON, from the same schemas.
import { createHash } from 'node:crypto';
import type { Schema } from '../types.ts';
import type { ResourceRegistry, ServedResource } from './registry.ts';
import { refTo } from './schemas.ts';
import { SERVER_VERSION } from './version.ts';

const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';
const LIST_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta';
const STATUS = 'io.k8s.apimachinery.pkg.apis.meta.v1.Status';
const DELETE_OPTIONS = 'io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions';
const PATCH = 'io.k8s.apimachinery.pkg.apis.meta.v1.Patch';

interface Parameter {
  name: string;
  in: 'query' | 'path';
  description: string;
  required?: boolean;
  schema: Schema;
  uniqueItems?: boolean;
}

const q = (name: string, description: string, type: Schema['type'] = 'string'): Parameter => ({
  name,
  in: 'query',
  description,
  schema: { type },
  uniqueItems: true,
});

const DRY_RUN = q('dryRun', 'When present, indicates that modifications should not be persisted. Valid values are: - All: all dry run stages will be processed');
const FIELD_MANAGER = q('fieldManager', 'fieldManager is a name associated with the actor or entity that is making these changes.');
const FIELD_VALIDATION = q(
  'fieldValidation',
  'fieldValidation instructs the server on how to handle objects in the request (POST/PUT/PATCH) containing unknown or duplicate fields. Valid values are: - Ignore - Warn - Strict',
);
const FORCE = q('force', 'Force is going to "force" Apply requests.', 'boolean');
const LIST_PARAMS: Parameter[] = [
  q('allowWatchBookmarks', 'allowWatchBookmarks requests watch events with type "BOOKMARK".', 'boolean'),
  q('continue', 'The continue option should be set when retrieving more results from the server.'),
  q('fieldSelector', 'A selector to restrict the list of returned objects by their fields. Defaults to everything.'),
  q('labelSelector', 'A selector to restrict the list of returned objects by their labels. Defaults to everything.'),
  q('limit', 'limit is a maximum number of responses to return for a list call.', 'integer'),
  q('resourceVersion', 'resourceVersion sets a constraint on what resource versions a request may be served from.'),
  q('resourceVersionMatch', 'resourceVersionMatch determines how resourceVersion is applied to list calls.'),
  q('sendInitialEvents', '`sendInitialEvents=true` may be set together with `watch=true`.', 'boolean'),
  q('timeoutSeconds', 'Timeout for the list/watch call.', 'integer'),
  q('watch', 'Watch for changes to the described resources and return them as a stream of add, update, and remove notifications.', 'boolean'),
];

const json = (schema: Schema): Record<string, unknown> => ({
  'application/json': { schema },
  'application/yaml': { schema },
});

function response(schema: Schema, code = '200'): Record<string, unknown> {
  return { [code]: { description: code === '201' ? 'Created' : 'OK', content: json(schema) }, '401': { description: 'Unauthorized' } };
}

/** The OpenAPI v3 document of one group/version, as kube-apiserver serves it. */
export function buildGroupVersionDocument(
  registry: ResourceRegistry,
  group: string,
  version: string,
  schemaOf: (served: ServedResource) => Schema | undefined,
  builtinSchemas: Record<string, Schema>,
): Record<string, unknown> | undefined {
  const view = registry.groupVersion(group, version);
  if (view === undefined) return undefined;
  const paths: Record<string, unknown> = {};
  const components: Record<string, Schema> = {};
  for (const served of view.resources) {
    const { objectName, listName } = addKindSchemas(served, schemaOf, builtinSchemas, components);
    addPaths(paths, served, objectName, listName);
  }
  for (const name of [STATUS, DELETE_OPTIONS, PATCH, OBJECT_META, LIST_META]) {
    const s = builtinSchemas[name];
    if (s !== undefined) components[name] = s;
  }
  closeOverRefs(components, builtinSchemas);
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: SERVER_VERSION.gitVersion },
    paths,
    components: { schemas: components },
  };
}

function addKindSchemas(
  served: ServedResource,
  schemaOf: (served: ServedResource) => Schema | undefined,
  builtinSchemas: Record<string, Schema>,
  components: Record<string, Schema>,
): { objectName: string; listName: string } {
  const gvk = [{ group: served.group, version: served.version, kind: served.kind }];
  if (served.custom === undefined) {
    const listName = `${served.schemaName}List`;
    components[served.schemaName] = builtinSchemas[served.schemaName] ?? { type: 'object', 'x-kubernetes-group-version-kind': gvk };
    if (builtinSchemas[listName] !== undefined) components[listName] = builtinSchemas[listName];
    return { objectName: served.schemaName, listName: builtinSchemas[listName] !== undefined ? listName : served.schemaName };
  }
  const name = served.custom.componentName;
  const user = schemaOf(served) ?? { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
  components[name] = {
    ...user,
    type: 'object',
    properties: {
      ...user.properties,
      apiVersion: {
        type: 'string',
        description:
          'APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources',
      },
      kind: {
        type: 'string',
        description:
          'Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds',
      },
      metadata: {
        description: "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata",
        allOf: [{ $ref: refTo(OBJECT_META) }],
      },
    },
    'x-kubernetes-group-version-kind': gvk,
  };
  const listName = `${name}List`;
  components[listName] = {
    type: 'object',
    description: `${served.kind}List is a list of ${served.kind}`,
    required: ['items'],
    properties: {
      apiVersion: { type: 'string' },
      items: { type: 'array', items: { $ref: refTo(name) } },
      kind: { type: 'string' },
      metadata: { allOf: [{ $ref: refTo(LIST_META) }] },
    },
    'x-kubernetes-group-version-kind': [{ group: served.group, version: served.version, kind: served.listKind }],
  };
  return { objectName: name, listName };
}

function addPaths(paths: Record<string, unknown>, served: ServedResource, objectName: string, listName: string): void {
  const prefix = served.group === '' ? `/api/${served.version}` : `/apis/${served.group}/${served.version}`;
  const gvk = { group: served.group, version: served.version, kind: served.kind };
  const base = served.namespaced ? `${prefix}/namespaces/{namespace}/${served.resource}` : `${prefix}/${served.resource}`;
  const scopeParams: Parameter[] = served.namespaced
    ? [{ name: 'namespace', in: 'path', required: true, description: 'object name and auth scope, such as for teams and projects', schema: { type: 'string' }, uniqueItems: true }]
    : [];
  const nameParam: Parameter = { name: 'name', in: 'path', required: true, description: `name of the ${served.kind}`, schema: { type: 'string' }, uniqueItems: true };
  const op = (action: string, verb: string, extra: Record<string, unknown>): Record<string, unknown> => ({
    description: `${verb} ${served.kind}`,
    operationId: `${verb}${served.kind}`,
    tags: [served.group === '' ? `core_${served.version}` : `${served.group}_${served.version}`],
    ...extra,
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': gvk,
  });
  const verbs = new Set(served.verbs);
  const collection: Record<string, unknown> = { parameters: [...scopeParams] };
  if (verbs.has('list')) collection['get'] = op('list', 'list', { parameters: LIST_PARAMS, responses: response({ $ref: refTo(listName) }) });
  if (verbs.has('create')) {
    collection['post'] = op('post', 'create', {
      parameters: [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION],
      requestBody: { content: { '*/*': { schema: { $ref: refTo(objectName) } } }, required: true },
      responses: response({ $ref: refTo(objectName) }, '201'),
    });
  }
  if (verbs.has('deletecollection')) {
    collection['delete'] = op('deletecollection', 'deletecollection', { parameters: [...LIST_PARAMS, DRY_RUN], responses: response({ $ref: refTo(STATUS) }) });
  }
  paths[base] = collection;
  const item: Record<string, unknown> = { parameters: [nameParam, ...scopeParams] };
  const itemOps = (target: Record<string, unknown>, schemaRef: string, kindVerbs: Set<string>): void => {
    if (kindVerbs.has('get')) target['get'] = op('get', 'read', { responses: response({ $ref: refTo(schemaRef) }) });
    if (kindVerbs.has('update')) {
      target['put'] = op('put', 'replace', {
        parameters: [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION],
        requestBody: { content: { '*/*': { schema: { $ref: refTo(schemaRef) } } }, required: true },
        responses: response({ $ref: refTo(schemaRef) }),
      });
    }
    if (kindVerbs.has('patch')) {
      const patchTypes = served.custom === undefined
        ? ['application/apply-patch+yaml', 'application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json']
        : ['application/apply-patch+yaml', 'application/json-patch+json', 'application/merge-patch+json'];
      target['patch'] = op('patch', 'patch', {
        parameters: [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION, FORCE],
        requestBody: { content: Object.fromEntries(patchTypes.map((t) => [t, { schema: { $ref: refTo(PATCH) } }])), required: true },
        responses: response({ $ref: refTo(schemaRef) }),
      });
    }
    if (kindVerbs.has('delete')) {
      target['delete'] = op('delete', 'delete', {
        parameters: [DRY_RUN, q('gracePeriodSeconds', 'The duration in seconds before the object should be deleted.', 'integer'), q('propagationPolicy', 'Whether and how garbage collection will be performed.')],
        requestBody: { content: { '*/*': { schema: { $ref: refTo(DELETE_OPTIONS) } } } },
        responses: response({ $ref: refTo(STATUS) }),
      });
    }
  };
  itemOps(item, objectName, verbs);
  paths[`${base}/{name}`] = item;
  if (served.subresources.includes('status')) {
    const status: Record<string, unknown> = { parameters: [nameParam, ...scopeParams] };
    itemOps(status, objectName, new Set(['get', 'update', 'patch']));
    paths[`${base}/{name}/status`] = status;
  }
}

/** Adds every schema that the ones present reference, transitively. */
function closeOverRefs(components: Record<string, Schema>, builtinSchemas: Record<string, Schema>): void {
  const queue = Object.keys(components);
  const prefix = '#/components/schemas/';
  while (queue.length > 0) {
    const name = queue.pop()!;
    walkRefs(components[name], (ref) => {
      if (!ref.startsWith(prefix)) return;
      const target = ref.slice(prefix.length);
      if (components[target] === undefined && builtinSchemas[target] !== undefined) {
        components[target] = builtinSchemas[target];
        queue.push(target);
      }
    });
  }
}

function walkRefs(node: unknown, onRef: (ref: string) => void): void {
  if (Array.isArray(node)) {
    for (const item of node) walkRefs(item, onRef);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  for (const [key, value] of Object.entries(node)) {
    if (key === '$ref' && typeof value === 'string') onRef(value);
    else walkRefs(value, onRef);
  }
}

/** The /openapi/v3 index: one entry per group/version plus the legacy roots. */
export function buildOpenApiIndex(registry: ResourceRegistry, hashOf: (path: string) => string): Record<string, unknown> {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  const add = (path: string): void => {
    paths[path] = { serverRelativeURL: `/openapi/v3/${path}?hash=${hashOf(path)}` };
  };
  const versions = new Set<string>();
  for (const r of registry.all()) versions.add(r.group === '' ? `api/${r.version}` : `apis/${r.group}/${r.version}`);
  for (const path of [...versions].sort()) add(path);
  return { paths };
}

/** The Swagger 2.0 document (/openapi/v2): every served kind's schema, refs rewritten to #/definitions/. */
export function buildSwaggerV2(components: Record<string, Schema>): Record<string, unknown> {
  const text = JSON.stringify(components).replaceAll('#/components/schemas/', '#/definitions/');
  return {
    swagger: '2.0',
    info: { title: 'Kubernetes', version: SERVER_VERSION.gitVersion },
    paths: {},
    definitions: JSON.parse(text) as unknown,
  };
}

export function contentHash(body: string): string {
  return createHash('sha512').update(body).digest('hex').toUpperCase();
}
