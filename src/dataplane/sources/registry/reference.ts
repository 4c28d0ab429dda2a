/**
 * Parsing `spec.source.registry.url` (`docker://host[:port]/repo[:tag][@digest]`) into what the
 * distribution API needs. Pure; the table test is its specification.
 *
 * Like docker and containers/image: a first path component without '.' or ':' (and not
 * `localhost`) is a Docker Hub repository (`docker://fedora` = `docker.io/library/fedora`), whose
 * API lives at registry-1.docker.io; the tag defaults to `latest`; a digest wins over a tag.
 */
import { DataPlaneError } from '../../errors.ts';

export interface ImageReference {
  /** host[:port] the API is reached at. */
  registry: string;
  /** Repository path, e.g. `library/fedora` or `vm/disks`. */
  repository: string;
  /** A tag or a digest (`sha256:...`): what GET /v2/<repo>/manifests/<reference> takes. */
  reference: string;
  /** The digest when pulled by digest (then the manifest bytes are checked against it). */
  digest?: string;
  /** `docker://host/repo:tag` as the user wrote it, normalized; for messages. */
  display: string;
}

const DOCKER_HUB = 'docker.io';
const DOCKER_HUB_API = 'registry-1.docker.io';
const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;

function invalid(url: string, why: string): DataPlaneError {
  const shown = url.replace(/^([^/]*\/\/)[^/@]*@/, '$1'); // never echo credentials
  return new DataPlaneError(
    'EINVALIDSOURCE',
    `invalid registry URL ${JSON.stringify(shown)}: ${why}; expected docker://host[:port]/repository[:tag] or @sha256:<digest> (spec.source.registry.url)`,
  );
}

export function parseImageReference(url: string): ImageReference {
  const m = /^([a-z][a-z0-9+.-]*):\/\/(.*)$/i.exec(url.trim());
  if (m === null) throw invalid(url, 'no scheme');
  const scheme = (m[1] ?? '').toLowerCase();
  if (scheme !== 'docker') throw invalid(url, `unsupported scheme ${scheme}:// (only docker:// is supported)`);
  let rest = m[2] ?? '';
  if (rest.includes('@') && rest.indexOf('@') < rest.indexOf('/')) throw invalid(url, 'credentials do not belong in the URL (use secretRef)');

  let digest: string | undefined;
  const at = rest.lastIndexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) throw invalid(url, `malformed digest ${JSON.stringify(digest)}`);
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw invalid(url, `malformed tag ${JSON.stringify(tag)}`);
  }

  const parts = rest.split('/');
  let registry: string;
  const first = parts[0] ?? '';
  if (parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost')) {
    registry = first;
    parts.shift();
  } else {
    registry = DOCKER_HUB;
    if (parts.length === 1) parts.unshift('library');
  }
  if (parts.length === 0 || parts.some((p) => !COMPONENT.test(p))) {
    throw invalid(url, `malformed repository ${JSON.stringify(parts.join('/'))} (lower-case letters, digits, '.', '_', '-')`);
  }
  const repository = parts.join('/');
  const shown = `docker://${registry}/${repository}${tag === undefined ? '' : `:${tag}`}${digest === undefined ? '' : `@${digest}`}`;
  return {
    registry: registry === DOCKER_HUB ? DOCKER_HUB_API : registry,
    repository,
    reference: digest ?? tag ?? 'latest',
    ...(digest === undefined ? {} : { digest }),
    display: digest === undefined && tag === undefined ? `${shown}:latest` : shown,
  };
}
