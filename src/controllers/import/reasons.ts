// Why an import ended Failed: the worker's error code (src/dataplane/errors.ts, carried in its
// JSON termination message) turned into the reason a DataVolume's Running condition and its
// Warning event show (src/api), and a hint a person can act on.
import { ImportFailureReason } from '../../api/index.ts';

export { ImportFailureReason };

interface FailureExplanation {
  reason: ImportFailureReason;
  /** What to do, appended to the worker's own message (which says what failed and where). */
  hint: string;
}

const recreate = 'Ferry does not retry this import; fix it and recreate the DataVolume.';

/** Worker error codes that end an import for good, with what they mean to a user. */
const explanations: Readonly<Record<string, FailureExplanation>> = {
  ENOTFOUND: { reason: ImportFailureReason.SourceNotFound, hint: `Check the source URL (spec.source). ${recreate}` },
  EUNAUTHORIZED: {
    reason: ImportFailureReason.SourceUnauthorized,
    hint: `Check the credentials in the Secret named by spec.source.*.secretRef (keys accessKeyId and secretKey). ${recreate}`,
  },
  ETLS: {
    reason: ImportFailureReason.SourceTLS,
    hint: `Give the server's CA in a ConfigMap named by spec.source.*.certConfigMap. ${recreate}`,
  },
  ECHECKSUM: {
    reason: ImportFailureReason.ChecksumMismatch,
    hint: `The downloaded image differs from spec.source.http.checksum: check both. ${recreate}`,
  },
  ETOOLARGE: {
    reason: ImportFailureReason.ImageTooLarge,
    hint: `Ask for more storage (spec.storage.resources.requests.storage), or omit the size to size the claim from the image. ${recreate}`,
  },
  EUNSAFEIMAGE: {
    reason: ImportFailureReason.UnsafeImage,
    hint: `Images with a backing file or an external data file, and archives with entries outside the volume, are refused; flatten the image (qemu-img convert). ${recreate}`,
  },
  EUNSUPPORTEDFORMAT: {
    reason: ImportFailureReason.UnsupportedFormat,
    hint: `Supported: raw, qcow2, vmdk, vdi, vhd, vhdx, iso, optionally gz/xz/zst compressed. ${recreate}`,
  },
  ENODISK: {
    reason: ImportFailureReason.NoDiskInImage,
    hint: `A container disk image keeps its disk file under /disk/ in the image. ${recreate}`,
  },
  ESOURCECHANGED: {
    reason: ImportFailureReason.SourceChanged,
    hint: `The source was replaced while it was being read; recreate the DataVolume once it is stable.`,
  },
  ENOSPACE: { reason: ImportFailureReason.VolumeFull, hint: `Ask for more storage. ${recreate}` },
  EINVALIDSOURCE: { reason: ImportFailureReason.InvalidSource, hint: `Correct spec.source. ${recreate}` },
  EPROTOCOL: {
    reason: ImportFailureReason.SourceProtocol,
    hint: `The server's answer cannot be used for an import (see above). ${recreate}`,
  },
};

/** Codes that end an import for good even when a termination message does not say `retryable`. */
export const terminalFailureCodes: ReadonlySet<string> = new Set(Object.keys(explanations));

const allReasons: ReadonlySet<string> = new Set(Object.values(ImportFailureReason));

/** True for a reason this module gives a DataVolume that failed for good. */
export function isImportFailureReason(reason: string | undefined): boolean {
  return reason !== undefined && allReasons.has(reason);
}

/** The reason and the actionable message of a failure that will not heal. Pure. */
export function explainImportFailure(code: string | undefined, workerMessage: string | undefined): { reason: ImportFailureReason; message: string } {
  const explanation = code === undefined ? undefined : explanations[code];
  const what = (workerMessage ?? '').trim() || `the importer failed${code ? ` (${code})` : ''}`;
  if (!explanation) return { reason: ImportFailureReason.Failed, message: `${what}. ${recreate}` };
  return { reason: explanation.reason, message: `${what.replace(/\.$/, '')}. ${explanation.hint}` };
}
