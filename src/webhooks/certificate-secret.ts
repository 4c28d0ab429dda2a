// The webhook certificate shared by every controller replica in a cluster, without cert-manager:
// kept in a kubernetes.io/tls Secret in the controller's namespace (ca.crt, tls.crt, tls.key).
// The first replica to start generates it and creates the Secret; the others (and later starts)
// read it, so that one caBundle in the webhook configurations is right for all of them.
import type { CoreV1Api } from '@kubernetes/client-node';
import { kube, orUndefined, toKubeError } from '../kube/errors.ts';
import { generateServingCertificate, type ServingCertificate } from './certificate.ts';

const decode = (v: string | undefined): string => Buffer.from(v ?? '', 'base64').toString('utf8');
const encode = (v: string): string => Buffer.from(v).toString('base64');

export async function ensureCertificateSecret(
  core: CoreV1Api,
  namespace: string,
  name: string,
  hosts: readonly string[],
): Promise<ServingCertificate> {
  const read = async (): Promise<ServingCertificate | undefined> => {
    const secret = await orUndefined(core.readNamespacedSecret({ namespace, name }));
    const data = secret?.data;
    if (!data?.['ca.crt'] || !data['tls.crt'] || !data['tls.key']) return undefined;
    return { caPem: decode(data['ca.crt']), certPem: decode(data['tls.crt']), keyPem: decode(data['tls.key']) };
  };
  const existing = await read();
  if (existing) return existing;
  const generated = await generateServingCertificate(hosts);
  try {
    await kube(core.createNamespacedSecret({
      namespace,
      body: {
        apiVersion: 'v1',
        kind: 'Secret',
        type: 'kubernetes.io/tls',
        metadata: { name, namespace },
        data: { 'ca.crt': encode(generated.caPem), 'tls.crt': encode(generated.certPem), 'tls.key': encode(generated.keyPem) },
      },
    }));
    return generated;
  } catch (err) {
    // Another replica created it first: use theirs.
    if (toKubeError(err).code !== 'EEXISTS') throw err;
    // Their create may be acknowledged a moment after ours was refused: look a few times.
    let theirs = await read();
    for (let tries = 0; !theirs && tries < 20; tries++) {
      await new Promise((r) => setTimeout(r, 100));
      theirs = await read();
    }
    if (!theirs) throw new Error(`the Secret ${namespace}/${name} exists but lacks ca.crt, tls.crt or tls.key`, { cause: err });
    return theirs;
  }
}
