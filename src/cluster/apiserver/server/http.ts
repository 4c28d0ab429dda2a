// HTTP plumbing of the request pipeline: request bodies (size-limited), response writing, and
// the content negotiation kube-apiserver does (JSON always; Table when the client asks for it).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { decodeProtobufObject, PROTOBUF } from './protobuf.ts';
import { ApiError, badRequest, notAcceptable, type StatusObject } from './status.ts';

/** kube-apiserver refuses request bodies over 3 MiB (apiserver.MaxRequestBodyBytes). */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) {
      throw new ApiError(413, 'RequestEntityTooLarge', `Request entity too large: limit is ${MAX_BODY_BYTES}`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** The media type of a request body without parameters, lower-cased. */
export function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0]!.trim().toLowerCase();
}

/** Decodes a JSON (or YAML) request body into an object; 400 on malformed input. */
export function decodeObjectBody(body: Buffer, contentType: string | undefined): Record<string, unknown> {
  const type = mediaType(contentType);
  if (type === PROTOBUF) return decodeProtobufObject(body);
  if (type === 'application/cbor') {
    throw new ApiError(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml`,
    );
  }
  const text = body.toString('utf8');
  let value: unknown;
  try {
    value = type === 'application/yaml' || type === 'application/apply-patch+yaml' ? parseYaml(text) : JSON.parse(text);
  } catch (err) {
    throw badRequest(`error decoding request body: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw badRequest('Object \'Kind\' is missing in \'' + text.slice(0, 200) + '\'');
  }
  return value as Record<string, unknown>;
}

export type ResponseFormat = 'object' | 'table' | 'partialMetadata';

export interface Negotiated {
  format: ResponseFormat;
}

/**
 * Picks the answer's format from Accept: the first acceptable entry wins, as in kube-apiserver.
 * Table and PartialObjectMetadata(List) are JSON transformations; protobuf and CBOR are not
 * spoken here, so a client accepting only those gets 406 and falls back.
 */
export function negotiate(accept: string | undefined): Negotiated {
  if (accept === undefined || accept.trim() === '') return { format: 'object' };
  const entries = accept.split(',').map((e) => e.trim()).filter((e) => e !== '');
  for (const entry of entries) {
    const [typeRaw, ...paramParts] = entry.split(';');
    const type = typeRaw!.trim().toLowerCase();
    const params = new Map<string, string>();
    for (const p of paramParts) {
      const [k, v] = p.split('=');
      if (k !== undefined && v !== undefined) params.set(k.trim().toLowerCase(), v.trim());
    }
    if (type !== 'application/json' && type !== 'application/*' && type !== '*/*' && type !== 'application/yaml') continue;
    const as = params.get('as');
    if (as === undefined) return { format: 'object' };
    const g = params.get('g');
    const v = params.get('v');
    if (g !== 'meta.k8s.io' || (v !== 'v1' && v !== 'v1beta1')) continue;
    if (as === 'Table') return { format: 'table' };
    if (as === 'PartialObjectMetadata' || as === 'PartialObjectMetadataList') return { format: 'partialMetadata' };
  }
  throw notAcceptable(['application/json', 'application/yaml']);
}

export interface WriteOptions {
  warnings?: string[];
}

export function writeJson(res: ServerResponse, code: number, body: unknown, opts: WriteOptions = {}): void {
  const payload = JSON.stringify(body);
  const headers: Record<string, string | string[] | number> = {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(payload),
    'Cache-Control': 'no-cache, private',
  };
  if (opts.warnings !== undefined && opts.warnings.length > 0) headers['Warning'] = opts.warnings.map(warningHeader);
  res.writeHead(code, headers);
  res.end(payload);
}

export function writeStatus(res: ServerResponse, status: StatusObject, opts: WriteOptions = {}): void {
  writeJson(res, status.code, status, opts);
}

/** RFC 7234 warning, as kube-apiserver sends them: `299 - "<text>"`. */
export function warningHeader(text: string): string {
  return `299 - ${JSON.stringify(text)}`;
}
