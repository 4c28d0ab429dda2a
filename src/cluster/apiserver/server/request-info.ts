// Turns a request's method, path and query into what the pipeline authorizes and dispatches
// on, the way k8s.io/apiserver's RequestInfoFactory does: verb, API group/version, resource,
// subresource, namespace, name. Non-resource paths (/version, /healthz, /openapi/...) get
// isResourceRequest false and keep their path.

export type ResourceVerb =
  | 'get'
  | 'list'
  | 'watch'
  | 'create'
  | 'update'
  | 'patch'
  | 'delete'
  | 'deletecollection';

export interface ResourceRequestInfo {
  isResourceRequest: true;
  verb: ResourceVerb;
  /** '' for the core group. */
  group: string;
  version: string;
  resource: string;
  subresource: string;
  namespace: string;
  name: string;
  path: string;
  /** The request came through the legacy `/watch/` path prefix. */
  legacyWatchPath: boolean;
}

export interface NonResourceRequestInfo {
  isResourceRequest: false;
  /** Lower-case HTTP method, as RBAC names non-resource verbs. */
  verb: string;
  path: string;
}

export type RequestInfo = ResourceRequestInfo | NonResourceRequestInfo;

/** Subresources of a namespace reached as /api/v1/namespaces/<name>/<sub>. */
const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

export function resolveRequestInfo(method: string, path: string, query: URLSearchParams): RequestInfo {
  const lowerMethod = method.toLowerCase();
  const nonResource: NonResourceRequestInfo = { isResourceRequest: false, verb: lowerMethod, path };
  const parts = path.split('/').filter((p) => p !== '').map(decodeSegment);
  let rest: string[];
  let group: string;
  let version: string;
  if (parts[0] === 'api' && parts.length >= 3) {
    group = '';
    version = parts[1]!;
    rest = parts.slice(2);
  } else if (parts[0] === 'apis' && parts.length >= 4) {
    group = parts[1]!;
    version = parts[2]!;
    rest = parts.slice(3);
  } else {
    return nonResource;
  }
  let legacyWatchPath = false;
  if (rest[0] === 'watch') {
    legacyWatchPath = true;
    rest = rest.slice(1);
  }
  let namespace = '';
  if (rest[0] === 'namespaces' && rest.length > 1) {
    namespace = rest[1]!;
    if (rest.length > 2 && !NAMESPACE_SUBRESOURCES.has(rest[2]!)) rest = rest.slice(2);
  }
  if (rest.length === 0 || rest.length > 3) return nonResource;
  const resource = rest[0]!;
  const name = rest[1] ?? '';
  const subresource = rest[2] ?? '';
  let verb: ResourceVerb;
  switch (lowerMethod) {
    case 'get':
    case 'head':
      verb = legacyWatchPath || isTrue(query.get('watch')) ? 'watch' : name === '' ? 'list' : 'get';
      break;
    case 'post':
      verb = 'create';
      break;
    case 'put':
      verb = 'update';
      break;
    case 'patch':
      verb = 'patch';
      break;
    case 'delete':
      verb = name === '' ? 'deletecollection' : 'delete';
      break;
    default:
      return nonResource;
  }
  // A namespace's own path names it twice (/api/v1/namespaces/foo): it is cluster-scoped.
  if (resource === 'namespaces' && group === '') namespace = '';
  // A watch of one object (/watch/namespaces/ns/pods/name) is a watch filtered by name.
  return { isResourceRequest: true, verb, group, version, resource, subresource, namespace, name, path, legacyWatchPath };
}

function isTrue(value: string | null): boolean {
  return value === 'true' || value === '1';
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
