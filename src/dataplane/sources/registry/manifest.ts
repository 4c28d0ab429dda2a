/**
 * Manifests of the OCI image spec and Docker's schema 2, parsed into what the importer needs: an
 * index (resolved to one platform's manifest) or an image manifest (its layers). Pure functions.
 */
import { createHash } from 'node:crypto';
import { DataPlaneError } from '../../errors.ts';

export const MediaType = {
  OciIndex: 'application/vnd.oci.image.index.v1+json',
  OciManifest: 'application/vnd.oci.image.manifest.v1+json',
  DockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  DockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  DockerManifestV1: 'application/vnd.docker.distribution.manifest.v1+json',
  DockerManifestV1Signed: 'application/vnd.docker.distribution.manifest.v1+prettyjws',
} as const;

/** The Accept header of a manifest GET: every kind Ferry reads, the preferred first. */
export const MANIFEST_ACCEPT = [MediaType.OciIndex, MediaType.OciManifest, MediaType.DockerManifestList, MediaType.DockerManifest].join(', ');

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: Platform;
}

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

export type ParsedManifest =
  | { kind: 'index'; mediaType: string; manifests: Descriptor[] }
  | { kind: 'image'; mediaType: string; layers: Descriptor[] };

export const DEFAULT_PLATFORM = 'linux/amd64';

/** `os/arch[/variant]` -> Platform. */
export function parsePlatform(text: string): Platform {
  const [os, architecture, variant, ...extra] = text.split('/');
  if (os === undefined || os === '' || architecture === undefined || architecture === '' || extra.length > 0) {
    throw new DataPlaneError('EINVALIDSOURCE', `invalid platform ${JSON.stringify(text)}: expected os/architecture[/variant], e.g. linux/amd64`);
  }
  return { os, architecture, ...(variant === undefined || variant === '' ? {} : { variant }) };
}

export function formatPlatform(p: Platform): string {
  return `${p.os}/${p.architecture}${p.variant === undefined ? '' : `/${p.variant}`}`;
}

export function digestOf(bytes: Uint8Array, algorithm: 'sha256' | 'sha512' = 'sha256'): string {
  return `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`;
}

function asDescriptor(v: unknown, where: string): Descriptor {
  const d = v as Partial<Descriptor> | null;
  if (d === null || typeof d !== 'object' || typeof d.digest !== 'string' || typeof d.size !== 'number') {
    throw new DataPlaneError('EPROTOCOL', `${where}: a descriptor without digest or size`);
  }
  const p = d.platform as Partial<Platform> | undefined;
  return {
    mediaType: typeof d.mediaType === 'string' ? d.mediaType : '',
    digest: d.digest,
    size: d.size,
    ...(p !== undefined && typeof p.os === 'string' && typeof p.architecture === 'string'
      ? { platform: { os: p.os, architecture: p.architecture, ...(typeof p.variant === 'string' ? { variant: p.variant } : {}) } }
      : {}),
  };
}

/**
 * Parses a manifest body. The kind comes from the Content-Type, else from the body's own
 * `mediaType`, else from its shape (OCI allows both fields to be absent).
 */
export function parseManifest(body: Uint8Array, contentType: string | undefined, where: string): ParsedManifest {
  let json: { mediaType?: unknown; manifests?: unknown; layers?: unknown; schemaVersion?: unknown };
  try {
    json = JSON.parse(Buffer.from(body).toString('utf8')) as typeof json;
  } catch (cause) {
    throw new DataPlaneError('EPROTOCOL', `${where}: the manifest is not JSON`, { cause });
  }
  const declared = (contentType ?? '').split(';')[0]?.trim() ?? '';
  const mediaType = typeof json.mediaType === 'string' ? json.mediaType : declared;
  if (json.schemaVersion === 1 || mediaType === MediaType.DockerManifestV1 || mediaType === MediaType.DockerManifestV1Signed) {
    throw new DataPlaneError(
      'EUNSUPPORTEDFORMAT',
      `${where}: Docker schema 1 manifests are not supported; push the image again with a current tool (schema 2 or OCI)`,
    );
  }
  if (Array.isArray(json.manifests) || mediaType === MediaType.OciIndex || mediaType === MediaType.DockerManifestList) {
    const list = Array.isArray(json.manifests) ? json.manifests : [];
    return { kind: 'index', mediaType, manifests: list.map((m) => asDescriptor(m, where)) };
  }
  if (Array.isArray(json.layers)) {
    return { kind: 'image', mediaType, layers: json.layers.map((l) => asDescriptor(l, where)) };
  }
  throw new DataPlaneError('EPROTOCOL', `${where}: neither an image index nor an image manifest (media type ${mediaType || 'none'})`);
}

/**
 * The index entry for `want`: same os and architecture, and the same variant when one is asked
 * for. Undefined when none matches (the caller lists what the index offers).
 */
export function choosePlatformManifest(manifests: readonly Descriptor[], want: Platform): Descriptor | undefined {
  return manifests.find(
    (m) =>
      m.platform !== undefined &&
      m.platform.os === want.os &&
      m.platform.architecture === want.architecture &&
      (want.variant === undefined || m.platform.variant === want.variant),
  );
}
