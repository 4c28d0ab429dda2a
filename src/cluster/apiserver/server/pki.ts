// The state dir's PKI: a CA and a serving certificate (SANs 127.0.0.1, localhost, ::1), made at
// first start with @peculiar/x509 (ECDSA P-256) and reused afterwards, plus the admin bearer
// token. Files live under <stateDir>/pki/, private material with mode 0600.
import { randomBytes, webcrypto } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';

export interface ServerPki {
  caPem: string;
  certPem: string;
  keyPem: string;
  adminToken: string;
}

const EC_KEY: webcrypto.EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' };
const SIGNING: webcrypto.EcdsaParams = { name: 'ECDSA', hash: 'SHA-256' };
const TEN_YEARS_MS = 10 * 365 * 24 * 3600 * 1000;

/** Loads the PKI from `<stateDir>/pki`, creating whatever part is missing. */
export async function loadOrCreatePki(stateDir: string): Promise<ServerPki> {
  const dir = join(stateDir, 'pki');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const files = {
    ca: join(dir, 'ca.crt'),
    caKey: join(dir, 'ca.key'),
    cert: join(dir, 'apiserver.crt'),
    key: join(dir, 'apiserver.key'),
    token: join(dir, 'admin.token'),
  };
  let caPem = await readOptional(files.ca);
  let certPem = await readOptional(files.cert);
  let keyPem = await readOptional(files.key);
  if (caPem === undefined || certPem === undefined || keyPem === undefined) {
    const made = await makeCertificates();
    // The CA key is written first and the serving cert last: a crash in between leaves a set
    // that is regenerated whole at the next start (readOptional of cert/key misses).
    await writeAtomic(files.caKey, made.caKeyPem, 0o600);
    await writeAtomic(files.ca, made.caPem, 0o644);
    await writeAtomic(files.key, made.keyPem, 0o600);
    await writeAtomic(files.cert, made.certPem, 0o644);
    ({ caPem, certPem, keyPem } = made);
  }
  let adminToken = (await readOptional(files.token))?.trim();
  if (adminToken === undefined || adminToken === '') {
    adminToken = randomBytes(32).toString('base64url');
    await writeAtomic(files.token, `${adminToken}\n`, 0o600);
  }
  return { caPem, certPem, keyPem, adminToken };
}

async function makeCertificates(): Promise<{ caPem: string; caKeyPem: string; certPem: string; keyPem: string }> {
  const crypto = webcrypto;
  x509.cryptoProvider.set(crypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
  const notBefore = new Date(Date.now() - 60_000);
  const notAfter = new Date(Date.now() + TEN_YEARS_MS);
  const caKeys = await crypto.subtle.generateKey(EC_KEY, true, ['sign', 'verify']);
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: 'CN=ferry-ca',
    notBefore,
    notAfter,
    keys: caKeys,
    signingAlgorithm: SIGNING,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });
  const serverKeys = await crypto.subtle.generateKey(EC_KEY, true, ['sign', 'verify']);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: 'CN=ferry-apiserver',
    issuer: ca.subject,
    notBefore,
    notAfter,
    publicKey: serverKeys.publicKey,
    signingKey: caKeys.privateKey,
    signingAlgorithm: SIGNING,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        { type: 'ip', value: '127.0.0.1' },
        { type: 'ip', value: '::1' },
        { type: 'dns', value: 'localhost' },
      ]),
      await x509.AuthorityKeyIdentifierExtension.create(ca),
    ],
  });
  return {
    caPem: ca.toString('pem') + '\n',
    caKeyPem: await privateKeyPem(crypto, caKeys.privateKey),
    certPem: cert.toString('pem') + '\n',
    keyPem: await privateKeyPem(crypto, serverKeys.privateKey),
  };
}

async function privateKeyPem(crypto: webcrypto.Crypto, key: webcrypto.CryptoKey): Promise<string> {
  const der = Buffer.from(await crypto.subtle.exportKey('pkcs8', key));
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN PRIVATE KEY-----\n${lines.join('\n')}\n-----END PRIVATE KEY-----\n`;
}

function randomSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = bytes[0]! & 0x7f; // positive INTEGER
  return bytes.toString('hex');
}

async function readOptional(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Writes via a temp file and rename, so a crash never leaves a half-written file. */
export async function writeAtomic(file: string, content: string, mode: number): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}`;
  await writeFile(tmp, content, { mode });
  await rename(tmp, file);
}
