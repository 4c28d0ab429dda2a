/**
 * The importer's last word: a JSON termination message (DESIGN.md §3, controller -> worker),
 * read by the controller from the pod status. Kubernetes keeps at most 4096 bytes of it, so the
 * message text is cut to fit.
 */
import { writeFile } from 'node:fs/promises';

export interface TerminationMessage {
  outcome: 'Succeeded' | 'Failed';
  /** A DataPlaneError code (EUNSAFEIMAGE, ETOOLARGE, ...) when Failed. */
  code?: string;
  /** Whether retrying (restarting the pod) may help, when Failed. */
  retryable?: boolean;
  message: string;
  format?: string;
  virtualSize?: number;
  bytesWritten?: number;
  checksum?: string;
  /** CDI's PreallocationApplied marker, when preallocation was done. */
  preallocationApplied?: boolean;
  /** CDI's ScratchSpaceRequired: run me again with a scratch volume at /scratch. */
  scratchSpaceRequired?: boolean;
}

const KUBERNETES_LIMIT = 4096;

export function renderTerminationMessage(message: TerminationMessage): string {
  let text = JSON.stringify(message);
  if (text.length > KUBERNETES_LIMIT) {
    const excess = text.length - KUBERNETES_LIMIT + 3;
    text = JSON.stringify({ ...message, message: message.message.slice(0, Math.max(0, message.message.length - excess)) + '...' });
  }
  return text;
}

export async function writeTerminationMessage(path: string, message: TerminationMessage): Promise<void> {
  await writeFile(path, renderTerminationMessage(message));
}
