// Where a GCS object is, from spec.source.gcs.url: pure, and free of the source's dependencies,
// so that the controller can find a public object to probe its size.
import { DataPlaneError, redactUrl } from '../errors.ts';

export const GCS_ENDPOINT = 'https://storage.googleapis.com';

export interface GcsLocation {
  bucket: string;
  object: string;
  /** The XML API URL of the object. */
  objectUrl: string;
}

function invalid(url: string, why: string): DataPlaneError {
  return new DataPlaneError('EINVALIDSOURCE', `invalid GCS URL ${redactUrl(url)}: ${why}; expected gs://bucket/object or https://storage.googleapis.com/bucket/object (spec.source.gcs.url)`);
}

/** Where the object is. Pure; the table test is its specification. */
export function parseGcsUrl(url: string, endpoint?: string): GcsLocation {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw invalid(url, 'not a URL');
  }
  let bucket: string;
  let segments: string[];
  let base: string;
  if (u.protocol === 'gs:') {
    bucket = u.hostname;
    segments = u.pathname.split('/').slice(1);
    base = endpoint ?? GCS_ENDPOINT;
  } else if (u.protocol === 'https:' || u.protocol === 'http:') {
    const parts = u.pathname.split('/').slice(1);
    bucket = parts[0] ?? '';
    segments = parts.slice(1);
    base = endpoint ?? (u.hostname === 'storage.cloud.google.com' ? GCS_ENDPOINT : u.origin);
  } else {
    throw invalid(url, `unsupported scheme ${u.protocol}`);
  }
  const object = segments.map((s) => decodeURIComponent(s)).join('/');
  if (bucket === '') throw invalid(url, 'no bucket');
  if (object === '') throw invalid(url, 'no object name');
  const objectUrl = `${base.replace(/\/+$/, '')}/${encodeURIComponent(bucket)}/${object.split('/').map(encodeURIComponent).join('/')}`;
  return { bucket, object, objectUrl };
}
