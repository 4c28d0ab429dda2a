// Authentication and authorization, each behind one small interface: the static admin token is
// here; service-account tokens (tokens/) and RBAC (authz/) implement the same interfaces.
import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { RequestInfo } from './request-info.ts';

export interface UserInfo {
  username: string;
  uid?: string;
  groups: string[];
  extra?: Record<string, string[]>;
}

/** Who sent the request: a user, or undefined when this authenticator does not know the caller. */
export interface Authenticator {
  authenticate(headers: IncomingHttpHeaders): UserInfo | undefined | Promise<UserInfo | undefined>;
}

export type AuthorizationDecision = { allowed: true } | { allowed: false; reason: string };

export interface Authorizer {
  authorize(user: UserInfo, info: RequestInfo): AuthorizationDecision | Promise<AuthorizationDecision>;
}

export const ADMIN_USER: UserInfo = { username: 'admin', groups: ['system:masters', 'system:authenticated'] };

/** Static bearer tokens (the admin token in the kubeconfig). */
export class StaticTokenAuthenticator implements Authenticator {
  readonly #tokens: Map<string, UserInfo>;

  constructor(tokens: Map<string, UserInfo>) {
    this.#tokens = tokens;
  }

  authenticate(headers: IncomingHttpHeaders): UserInfo | undefined {
    const token = bearerToken(headers);
    if (token === undefined) return undefined;
    const presented = Buffer.from(token);
    for (const [known, user] of this.#tokens) {
      const expected = Buffer.from(known);
      if (expected.length === presented.length && timingSafeEqual(expected, presented)) return user;
    }
    return undefined;
  }
}

/** Tries each authenticator in turn; the first that knows the caller wins. */
export class UnionAuthenticator implements Authenticator {
  readonly #members: Authenticator[];

  constructor(members: Authenticator[]) {
    this.#members = members;
  }

  async authenticate(headers: IncomingHttpHeaders): Promise<UserInfo | undefined> {
    for (const member of this.#members) {
      const user = await member.authenticate(headers);
      if (user !== undefined) return user;
    }
    return undefined;
  }
}

export function bearerToken(headers: IncomingHttpHeaders): string | undefined {
  const header = headers.authorization;
  if (header === undefined) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

/** The Forbidden message kube-apiserver writes (k8s.io/apiserver/pkg/endpoints/handlers/responsewriters). */
export function forbiddenMessage(user: UserInfo, info: RequestInfo, reason: string): string {
  const suffix = reason === '' ? '' : `: ${reason}`;
  if (!info.isResourceRequest) {
    return `forbidden: User "${user.username}" cannot ${info.verb} path "${info.path}"${suffix}`;
  }
  const resource = info.subresource === '' ? info.resource : `${info.resource}/${info.subresource}`;
  const what = info.group === '' ? info.resource : `${info.resource}.${info.group}`;
  const subject = info.name === '' ? what : `${what} "${info.name}"`;
  const scope = info.namespace === '' ? 'at the cluster scope' : `in the namespace "${info.namespace}"`;
  return `${subject} is forbidden: User "${user.username}" cannot ${info.verb} resource "${resource}" in API group "${info.group}" ${scope}${suffix}`;
}
