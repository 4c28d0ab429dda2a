// User impersonation (kubectl --as / --as-group / --as-uid), as k8s.io/apiserver's
// WithImpersonation filter: each Impersonate-* header is a request the authenticated caller
// must be authorized to `impersonate` (users, serviceaccounts, groups, uids, userextras/<key>);
// when all are allowed the request proceeds as the impersonated user, who is always in
// system:authenticated, and a service account without explicit groups gets its own.
import type { IncomingMessage } from 'node:http';
import type { Authorizer, UserInfo } from './auth.ts';
import { forbiddenMessage } from './auth.ts';
import type { ResourceRequestInfo, ResourceVerb } from './request-info.ts';
import { ApiError, badRequest } from './status.ts';

const USER = 'impersonate-user';
const GROUP = 'impersonate-group';
const UID = 'impersonate-uid';
const EXTRA_PREFIX = 'impersonate-extra-';
const SERVICE_ACCOUNT_PREFIX = 'system:serviceaccount:';

/** One thing the caller asks to act as, and the authorization check it needs. */
export interface ImpersonationRequest {
  group: '' | 'authentication.k8s.io';
  resource: 'users' | 'serviceaccounts' | 'groups' | 'uids' | 'userextras';
  subresource: string;
  namespace: string;
  name: string;
}

export interface Impersonation {
  requests: ImpersonationRequest[];
  user: UserInfo;
}

/** Request headers by lower-case name, every value of a repeated header kept (IncomingMessage.headersDistinct). */
export type DistinctHeaders = Record<string, string[] | undefined>;

/** The impersonation the headers ask for, pure; undefined when they ask for none. */
export function impersonationOf(headers: DistinctHeaders): Impersonation | undefined {
  const username = single(headers[USER]);
  const groups = values(headers[GROUP]);
  const uid = single(headers[UID]);
  const extra: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!name.startsWith(EXTRA_PREFIX)) continue;
    extra[decodeURIComponent(name.slice(EXTRA_PREFIX.length)).toLowerCase()] = values(value);
  }
  const hasExtra = Object.keys(extra).length > 0;
  if (username === undefined) {
    if (groups.length > 0 || uid !== undefined || hasExtra) {
      throw badRequest(`requested ${describeUnpaired(groups, uid, extra)} without impersonating a user`);
    }
    return undefined;
  }
  const requests: ImpersonationRequest[] = [];
  let userGroups = [...groups];
  const serviceAccount = serviceAccountOf(username);
  if (serviceAccount !== undefined) {
    requests.push({ group: '', resource: 'serviceaccounts', subresource: '', ...serviceAccount });
    if (groups.length === 0) userGroups = ['system:serviceaccounts', `system:serviceaccounts:${serviceAccount.namespace}`];
  } else {
    requests.push({ group: '', resource: 'users', subresource: '', namespace: '', name: username });
  }
  for (const group of groups) requests.push({ group: '', resource: 'groups', subresource: '', namespace: '', name: group });
  for (const [key, list] of Object.entries(extra)) {
    for (const value of list) requests.push({ group: 'authentication.k8s.io', resource: 'userextras', subresource: key, namespace: '', name: value });
  }
  if (uid !== undefined) requests.push({ group: 'authentication.k8s.io', resource: 'uids', subresource: '', namespace: '', name: uid });
  if (username === 'system:anonymous') {
    if (!userGroups.includes('system:unauthenticated')) userGroups.push('system:unauthenticated');
  } else if (!userGroups.includes('system:authenticated')) {
    userGroups.push('system:authenticated');
  }
  const user: UserInfo = { username, groups: userGroups, ...(uid === undefined ? {} : { uid }), ...(hasExtra ? { extra } : {}) };
  return { requests, user };
}

/**
 * The user the request runs as: the caller, or whom it impersonates once every impersonation
 * is authorized (a 403 with kube-apiserver's message otherwise). The Impersonate-* headers are
 * removed, so that nothing downstream (the aggregator's proxy) passes them on.
 */
export async function actingUser(caller: UserInfo, req: IncomingMessage, authorizer: Authorizer): Promise<UserInfo> {
  if (!Object.keys(req.headers).some((name) => name.startsWith('impersonate-'))) return caller;
  const impersonation = impersonationOf(req.headersDistinct as DistinctHeaders);
  for (const name of Object.keys(req.headers)) if (name.startsWith('impersonate-')) delete req.headers[name];
  if (impersonation === undefined) return caller;
  for (const request of impersonation.requests) {
    const info: ResourceRequestInfo = {
      isResourceRequest: true,
      // An authorization-only verb: never dispatched.
      verb: 'impersonate' as ResourceVerb,
      group: request.group,
      version: 'v1',
      resource: request.resource,
      subresource: request.subresource,
      namespace: request.namespace,
      name: request.name,
      path: '',
      legacyWatchPath: false,
    };
    const decision = await authorizer.authorize(caller, info);
    if (!decision.allowed) {
      throw new ApiError(403, 'Forbidden', forbiddenMessage(caller, info, decision.reason), {
        name: request.name,
        ...(request.group === '' ? {} : { group: request.group }),
        kind: request.resource,
      });
    }
  }
  return impersonation.user;
}

function serviceAccountOf(username: string): { namespace: string; name: string } | undefined {
  if (!username.startsWith(SERVICE_ACCOUNT_PREFIX)) return undefined;
  const parts = username.slice(SERVICE_ACCOUNT_PREFIX.length).split(':');
  if (parts.length !== 2 || parts[0] === '' || parts[1] === '') return undefined;
  return { namespace: parts[0]!, name: parts[1]! };
}

function single(value: string[] | undefined): string | undefined {
  const first = value?.[0];
  return first === undefined || first === '' ? undefined : first;
}

function values(value: string[] | undefined): string[] {
  return (value ?? []).filter((v) => v !== '');
}

function describeUnpaired(groups: string[], uid: string | undefined, extra: Record<string, string[]>): string {
  const parts = [...groups.map((g) => `Group=${g}`), ...Object.entries(extra).flatMap(([k, vs]) => vs.map((v) => `UserExtra=${k}:${v}`))];
  if (uid !== undefined) parts.push(`UID=${uid}`);
  return parts.join(', ');
}
