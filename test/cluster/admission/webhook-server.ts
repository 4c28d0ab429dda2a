// A real admission webhook for tests: HTTPS on 127.0.0.1 port 0 with a certificate from the
// test CA, answering AdmissionReviews by path, and recording every review it received.
//   /allow                 allowed
//   /deny                  denied with status {code: 403, reason: Forbidden, message: "widgets may not be red"}
//   /deny-bare             denied without a status
//   /label                 allowed with a JSONPatch adding metadata.labels["webhook.example.com/seen"] = "yes"
//   /warn                  allowed with a warning
//   /hang                  never answers (until the server closes)
//   /bad-uid               answers with another uid
import { once } from 'node:events';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { ServerResponse } from 'node:http';
import { createTestCA } from '../../fixtures/test-ca.ts';

export interface ReceivedReview {
  path: string;
  request: {
    uid: string;
    operation: string;
    name?: string;
    namespace?: string;
    kind: { group: string; version: string; kind: string };
    resource: { group: string; version: string; resource: string };
    requestKind: { group: string; version: string; kind: string };
    subResource?: string;
    userInfo: { username: string; groups?: string[] };
    object: { metadata?: { name?: string; labels?: Record<string, string> } } | null;
    oldObject: unknown;
    dryRun: boolean;
    options: unknown;
  };
}

export interface WebhookServer {
  url: string;
  port: number;
  /** base64 of the test CA, for clientConfig.caBundle. */
  caBundle: string;
  received: ReceivedReview[];
  close(): Promise<void>;
}

export async function startWebhookServer(hostnames: string[] = ['localhost', '127.0.0.1']): Promise<WebhookServer> {
  const ca = await createTestCA();
  const cert = await ca.issue(hostnames);
  const received: ReceivedReview[] = [];
  const hanging: ServerResponse[] = [];
  const server: Server = createServer({ key: cert.keyPem, cert: cert.certPem }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const review = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { request: ReceivedReview['request'] };
      const path = (req.url ?? '/').split('?')[0]!;
      received.push({ path, request: review.request });
      const uid = review.request.uid;
      const answer = (response: Record<string, unknown>): void => {
        const body = JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid, ...response } });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(body);
      };
      switch (path) {
        case '/allow':
          return answer({ allowed: true });
        case '/deny':
          return answer({ allowed: false, status: { code: 403, reason: 'Forbidden', message: 'widgets may not be red' } });
        case '/deny-bare':
          return answer({ allowed: false });
        case '/label': {
          const labels = review.request.object?.metadata?.labels;
          const ops = labels === undefined
            ? [{ op: 'add', path: '/metadata/labels', value: { 'webhook.example.com/seen': 'yes' } }]
            : [{ op: 'add', path: '/metadata/labels/webhook.example.com~1seen', value: 'yes' }];
          return answer({ allowed: true, patchType: 'JSONPatch', patch: Buffer.from(JSON.stringify(ops)).toString('base64') });
        }
        case '/warn':
          return answer({ allowed: true, warnings: ['widgets are deprecated'] });
        case '/hang':
          hanging.push(res);
          return;
        case '/bad-uid':
          return answer({ uid: 'not-the-uid', allowed: true });
        default:
          res.writeHead(404);
          res.end();
      }
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  return {
    url: `https://127.0.0.1:${port}`,
    port,
    caBundle: Buffer.from(ca.caPem).toString('base64'),
    received,
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A CA no webhook's certificate comes from: a caBundle that must fail verification. */
export async function otherCaBundle(): Promise<string> {
  const x509 = await import('@peculiar/x509');
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
  const keys = await crypto.subtle.generateKey(alg, true, ['sign', 'verify']);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    name: 'CN=Some Other CA',
    keys,
    signingAlgorithm: alg,
    notBefore: new Date(Date.now() - 86_400_000),
    notAfter: new Date(Date.now() + 86_400_000),
    extensions: [new x509.BasicConstraintsExtension(true, 0, true)],
  });
  return Buffer.from(cert.toString('pem') + '\n').toString('base64');
}
