// The webhook server's certificate, without cert-manager: a CA and a serving certificate made at
// start (ECDSA P-256, @peculiar/x509 over WebCrypto), the CA then registered as the webhook
// configurations' caBundle. Or, with a certificate directory (a mounted Secret shared by
// replicas), the files found there: ca.crt, tls.crt, tls.key.
import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';

export interface ServingCertificate {
  caPem: string;
  certPem: string;
  keyPem: string;
}

const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const dayMs = 24 * 60 * 60 * 1000;

function pem(der: ArrayBuffer, label: string): string {
  const b64 = Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n');
  return `-----BEGIN ${label}-----\n${b64}${b64.endsWith('\n') ? '' : '\n'}-----END ${label}-----\n`;
}

/** A fresh CA and a certificate it signed for `hosts` (DNS names or IP addresses), valid a year. */
export async function generateServingCertificate(hosts: readonly string[], now = new Date()): Promise<ServingCertificate> {
  const crypto = globalThis.crypto;
  x509.cryptoProvider.set(crypto);
  const notBefore = new Date(now.getTime() - dayMs);
  const notAfter = new Date(now.getTime() + 365 * dayMs);
  const caKeys = await crypto.subtle.generateKey(algorithm, true, ['sign', 'verify']);
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    name: 'CN=ferry-webhook-ca',
    keys: caKeys,
    signingAlgorithm: algorithm,
    notBefore,
    notAfter,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });
  const keys = await crypto.subtle.generateKey(algorithm, true, ['sign', 'verify']);
  const cert = await x509.X509CertificateGenerator.create({
    subject: `CN=${hosts[0] ?? 'ferry-webhook'}`,
    issuer: ca.subject,
    publicKey: keys.publicKey,
    signingKey: caKeys.privateKey,
    signingAlgorithm: algorithm,
    notBefore,
    notAfter,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(hosts.map((h) => ({ type: isIP(h) === 0 ? ('dns' as const) : ('ip' as const), value: h }))),
      await x509.AuthorityKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });
  const key = await crypto.subtle.exportKey('pkcs8', keys.privateKey);
  return { caPem: ca.toString('pem') + '\n', certPem: cert.toString('pem') + '\n', keyPem: pem(key, 'PRIVATE KEY') };
}

/** Reads ca.crt, tls.crt and tls.key from a directory (a mounted kubernetes.io/tls Secret). */
export async function loadServingCertificate(dir: string): Promise<ServingCertificate> {
  const [caPem, certPem, keyPem] = await Promise.all(['ca.crt', 'tls.crt', 'tls.key'].map((f) => readFile(join(dir, f), 'utf8')));
  return { caPem: caPem!, certPem: certPem!, keyPem: keyPem! };
}

/** The names the serving certificate covers: loopback (embedded mode) and the Service's DNS names. */
export function webhookHosts(serviceName: string, namespace: string): string[] {
  return ['127.0.0.1', 'localhost', serviceName, `${serviceName}.${namespace}`, `${serviceName}.${namespace}.svc`, `${serviceName}.${namespace}.svc.cluster.local`];
}
