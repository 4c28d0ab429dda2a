// Non-resource paths: health, version, discovery and OpenAPI. Documents derived from the
// registry are cached per registry generation (CRD changes invalidate them).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Schema } from '../types.ts';
import { apiGroup, apiGroupList, apiResourceList, apiVersions } from './discovery.ts';
import { writeJson } from './http.ts';
import { buildGroupVersionDocument, buildOpenApiIndex, buildSwaggerV2, contentHash } from './openapi.ts';
import type { ResourceRegistry, ServedResource } from './registry.ts';
import { notAcceptable, pathNotFound } from './status.ts';
import { SERVER_VERSION } from './version.ts';

export interface NonResourceOptions {
  registry: ResourceRegistry;
  builtinSchemas: Record<string, Schema>;
  schemaOf(served: ServedResource): Schema | undefined;
  serverAddress(): string;
}

const HEALTH_PATHS = ['/healthz', '/livez', '/readyz'];

export class NonResourceHandler {
  readonly #opts: NonResourceOptions;
  #cacheGeneration = -1;
  #documents = new Map<string, { body: string; hash: string } | undefined>();

  constructor(opts: NonResourceOptions) {
    this.#opts = opts;
  }

  async handle(req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams): Promise<void> {
    const { registry } = this.#opts;
    if (req.method !== 'GET' && req.method !== 'HEAD') throw pathNotFound();
    if (HEALTH_PATHS.some((p) => path === p || path.startsWith(`${p}/`))) {
      const body = query.has('verbose') ? `[+]ping ok\n[+]etcd ok\n${path.slice(1)} check passed\n` : 'ok';
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff', 'Content-Length': Buffer.byteLength(body) });
      res.end(body);
      return;
    }
    const parts = path.split('/').filter((p) => p !== '');
    if (path === '/version') return writeJson(res, 200, SERVER_VERSION);
    if (path === '/api') return writeJson(res, 200, apiVersions(this.#opts.serverAddress()));
    if (path === '/apis') return writeJson(res, 200, apiGroupList(registry));
    if (parts[0] === 'api' && parts.length === 2) return writeFound(res, apiResourceList(registry, '', parts[1]!));
    if (parts[0] === 'apis' && parts.length === 2) return writeFound(res, apiGroup(registry, parts[1]!));
    if (parts[0] === 'apis' && parts.length === 3) return writeFound(res, apiResourceList(registry, parts[1]!, parts[2]!));
    if (path === '/openapi/v2') return this.#openApiV2(req, res);
    if (path === '/openapi/v3') {
      const index = buildOpenApiIndex(registry, (p) => this.#document(p)?.hash ?? '');
      return writeJson(res, 200, index);
    }
    if (parts[0] === 'openapi' && parts[1] === 'v3' && parts.length >= 4) {
      if (!acceptsJson(req.headers.accept)) throw notAcceptable(['application/json']);
      const doc = this.#document(parts.slice(2).join('/'));
      if (doc === undefined) throw pathNotFound();
      res.writeHead(200, {
        'Content-Type': 'application/json',
        'Content-Length': Buffer.byteLength(doc.body),
        ETag: `"${doc.hash}"`,
        'Cache-Control': query.has('hash') ? 'public, immutable' : 'no-cache, private',
      });
      res.end(doc.body);
      return;
    }
    throw pathNotFound();
  }

  /** One group/version document (`api/v1`, `apis/<group>/<version>`), cached. */
  #document(path: string): { body: string; hash: string } | undefined {
    const { registry } = this.#opts;
    if (this.#cacheGeneration !== registry.generation) {
      this.#documents = new Map();
      this.#cacheGeneration = registry.generation;
    }
    if (this.#documents.has(path)) return this.#documents.get(path);
    const parts = path.split('/');
    let doc: Record<string, unknown> | undefined;
    if (parts[0] === 'api' && parts.length === 2) {
      doc = buildGroupVersionDocument(registry, '', parts[1]!, this.#opts.schemaOf, this.#opts.builtinSchemas);
    } else if (parts[0] === 'apis' && parts.length === 3) {
      doc = buildGroupVersionDocument(registry, parts[1]!, parts[2]!, this.#opts.schemaOf, this.#opts.builtinSchemas);
    }
    const entry = doc === undefined ? undefined : (() => {
      const body = JSON.stringify(doc);
      return { body, hash: contentHash(body) };
    })();
    this.#documents.set(path, entry);
    return entry;
  }

  #openApiV2(req: IncomingMessage, res: ServerResponse): void {
    // client-go asks for protobuf first; answering 406 makes it fall back or carry on without.
    if (!acceptsJson(req.headers.accept)) throw notAcceptable(['application/json']);
    const components: Record<string, Schema> = { ...this.#opts.builtinSchemas };
    writeJson(res, 200, buildSwaggerV2(components));
  }
}

function writeFound(res: ServerResponse, body: unknown): void {
  if (body === undefined) throw pathNotFound();
  writeJson(res, 200, body);
}

function acceptsJson(accept: string | undefined): boolean {
  if (accept === undefined || accept.trim() === '') return true;
  return accept.split(',').some((e) => {
    const type = e.split(';')[0]!.trim().toLowerCase();
    return type === 'application/json' || type === '*/*' || type === 'application/*';
  });
}
