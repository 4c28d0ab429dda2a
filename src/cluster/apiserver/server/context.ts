// What every stage of the request pipeline shares: the store, the registry of served kinds,
// the schema resolver, authentication, authorization, admission, the endpoints served outside
// the generic handlers, the clock and the logger. Built once by startApiServer.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Store, StoreKey } from '../storage/index.ts';
import type { Schema } from '../types.ts';
import type { AdmissionChain } from './admission.ts';
import type { Authenticator, Authorizer, UserInfo } from './auth.ts';
import type { Negotiated } from './http.ts';
import type { PodLogProvider } from './pod-logs.ts';
import type { ResourceRegistry, ServedResource } from './registry.ts';
import type { ResourceRequestInfo } from './request-info.ts';
import type { SchemaResolver } from './schemas.ts';

export interface ServerContext {
  store: Store;
  registry: ResourceRegistry;
  /** Resolves `#/components/schemas/<name>` over built-in and CRD schemas. */
  resolve: SchemaResolver;
  /** The object schema of a served kind (built-in definition or CRD version schema). */
  schemaOf(served: ServedResource): Schema | undefined;
  admission: AdmissionChain;
  /** The pipeline's authentication and authorization. */
  authenticator: Authenticator;
  authorizer: Authorizer;
  /** Requests answered by a component rather than the generic handlers (reviews, TokenRequest); first match wins. */
  endpoints: ResourceEndpoint[];
  podLogs: { provider: PodLogProvider | undefined };
  now(): Date;
  logger: Logger;
  /** Period of BOOKMARK events on watches that allow them. */
  bookmarkIntervalMs: number;
}

/**
 * A resource request served by a component of its own, checked before the generic handlers:
 * `matches` looks only at the request info and served kind; `handle` answers the request.
 */
export interface ResourceEndpoint {
  readonly name: string;
  matches(rr: Pick<ResourceRequest, 'info' | 'served'>): boolean;
  handle(rr: ResourceRequest): Promise<void>;
}

/** One resource request after authentication, request-info resolution and authorization. */
export interface ResourceRequest {
  ctx: ServerContext;
  info: ResourceRequestInfo;
  served: ServedResource;
  user: UserInfo;
  query: URLSearchParams;
  req: IncomingMessage;
  res: ServerResponse;
  negotiated: Negotiated;
  /** Aborted when the client goes away or the server closes. */
  signal: AbortSignal;
}

export function storeKey(served: ServedResource, namespace: string, name: string): StoreKey {
  return { resource: served.storageResource, namespace: served.namespaced ? namespace : '', name };
}
