// Shared by the import end-to-end tests (test/e2e/import-*.test.ts): DataVolume manifests, where
// a claim's volume lies on the embedded node, byte-for-byte comparison with qemu-img's raw, and
// watching a DataVolume's status while it moves.
import assert from 'node:assert/strict';
import { open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { DataVolume } from '../../../src/api/index.ts';
import type { TestCluster } from '../harness.ts';

export interface HttpDataVolumeOptions {
  /** The requested size; omitted with the `storage` API, the image's virtual size is probed. */
  size?: string;
  api?: 'pvc' | 'storage';
  volumeMode?: 'Filesystem' | 'Block';
  annotations?: Record<string, string>;
  checksum?: string;
}

/**
 * A DataVolume importing `url`, with the `storage` API by default (the StorageClass comes from
 * the profile), and kept after it succeeds (deleteAfterCompletion "false") so that the test can
 * read its final status.
 */
export function httpDataVolumeYaml(name: string, url: string, opts: HttpDataVolumeOptions = {}): string {
  const annotations = Object.entries({ 'cdi.kubevirt.io/storage.deleteAfterCompletion': 'false', ...(opts.annotations ?? {}) })
    .map(([k, v]) => `    ${k}: "${v}"\n`).join('');
  const api = opts.api ?? 'storage';
  const size = opts.size === undefined ? '' : `    resources:\n      requests:\n        storage: ${opts.size}\n`;
  return `apiVersion: cdi.kubevirt.io/v1beta1
kind: DataVolume
metadata:
  name: ${name}
${annotations ? `  annotations:\n${annotations}` : ''}spec:
  source:
    http:
      url: "${url}"
${opts.checksum ? `      checksum: "${opts.checksum}"\n` : ''}  ${api}:
    accessModes: [ReadWriteOnce]
${opts.volumeMode ? `    volumeMode: ${opts.volumeMode}\n` : ''}${size}`;
}

/**
 * A DataVolume whose `spec.source` is `source` (YAML lines indented under it, e.g.
 * `    s3:\n      url: ...\n`), kept after it succeeds; without `size`, the `storage` API omits it.
 */
export function sourceDataVolumeYaml(name: string, source: string, opts: { size?: string; contentType?: 'kubevirt' | 'archive' } = {}): string {
  const size = opts.size === undefined ? '' : `    resources:\n      requests:\n        storage: ${opts.size}\n`;
  return `apiVersion: cdi.kubevirt.io/v1beta1
kind: DataVolume
metadata:
  name: ${name}
  annotations:
    cdi.kubevirt.io/storage.deleteAfterCompletion: "false"
spec:
${opts.contentType ? `  contentType: ${opts.contentType}\n` : ''}  source:
${source}  storage:
    accessModes: [ReadWriteOnce]
${size}`;
}

/** The file backing a claim's volume on the embedded node (a directory for Filesystem, a file for Block). */
export async function volumePathOf(cluster: TestCluster, namespace: string, claim: string): Promise<string> {
  const pvc = await cluster.core.readNamespacedPersistentVolumeClaim({ namespace, name: claim });
  assert.ok(pvc.spec?.volumeName, `claim ${claim} is bound to a volume`);
  return join(cluster.stateDir, 'volumes', pvc.spec.volumeName);
}

/**
 * `actual` holds exactly `reference` (qemu-img convert -O raw of the source) followed only by
 * zeros: the importer resizes the image to the volume's usable size.
 */
export async function assertSameDisk(actual: string, reference: string): Promise<void> {
  const [a, r] = await Promise.all([stat(actual), stat(reference)]);
  assert.ok(a.size >= r.size, `${actual} (${a.size} bytes) holds at least the ${r.size} bytes of the image`);
  const fa = await open(actual, 'r');
  const fr = await open(reference, 'r');
  try {
    const chunk = 1 << 20;
    const ba = Buffer.alloc(chunk);
    const br = Buffer.alloc(chunk);
    for (let offset = 0; offset < a.size; offset += chunk) {
      const { bytesRead: na } = await fa.read(ba, 0, chunk, offset);
      const { bytesRead: nr } = offset < r.size ? await fr.read(br, 0, Math.min(chunk, r.size - offset), offset) : { bytesRead: 0 };
      for (let i = 0; i < na; i++) {
        const expected = i < nr ? br[i] : 0;
        if (ba[i] !== expected) assert.fail(`byte ${offset + i} of ${actual} is ${ba[i]}, expected ${expected}`);
      }
    }
  } finally {
    await fa.close();
    await fr.close();
  }
}

/** Calls `observe` with the DataVolume every 100 ms until `until` says stop; returns the last one. */
export async function watchDataVolume(
  cluster: TestCluster, namespace: string, name: string,
  observe: (dv: DataVolume) => void, until: (dv: DataVolume) => boolean, timeoutMs = 120_000,
): Promise<DataVolume> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const dv = await cluster.getDataVolume(namespace, name);
    if (dv) {
      observe(dv);
      if (until(dv)) return dv;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out watching DataVolume ${namespace}/${name}: ${JSON.stringify(dv?.status)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

export const condition = (dv: DataVolume, type: string) => dv.status?.conditions?.find((c) => c.type === type);
