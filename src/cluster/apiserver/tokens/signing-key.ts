// The key service-account tokens are signed with: ES256, created on first start and kept in the
// state dir (mode 0600) so that tokens stay valid across restarts. The key id is what
// kube-apiserver derives: base64url(sha256(DER of the public key)).
import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exportPKCS8, generateKeyPair, importPKCS8 } from 'jose';
import { writeAtomic } from '../server/pki.ts';

export const SIGNING_ALGORITHM = 'ES256';
const KEY_FILE = 'service-account-signing.key';

export interface SigningKey {
  privateKey: Awaited<ReturnType<typeof importPKCS8>>;
  /** PEM of the public key (SPKI). */
  publicKeyPem: string;
  keyId: string;
  /** Verification key for jose. */
  publicKey: KeyObject;
}

export async function loadOrCreateSigningKey(stateDir: string): Promise<SigningKey> {
  const path = join(stateDir, KEY_FILE);
  let pem: string;
  try {
    pem = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    const pair = await generateKeyPair(SIGNING_ALGORITHM, { extractable: true });
    pem = await exportPKCS8(pair.privateKey);
    await writeAtomic(path, pem, 0o600);
  }
  const privateKey = await importPKCS8(pem, SIGNING_ALGORITHM);
  const publicKey = createPublicKey(pem);
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return {
    privateKey,
    publicKey,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    keyId: createHash('sha256').update(der).digest('base64url'),
  };
}
