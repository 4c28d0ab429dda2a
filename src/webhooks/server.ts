// The HTTPS server the API server calls for admission: POST an AdmissionReview to the validate
// or mutate path, get one back. A malformed review is answered 400 with the reason; a failure to
// read the cluster is answered 500 (the API server applies the webhook's failurePolicy).
import { once } from 'node:events';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { Webhook } from '../api/names.ts';
import {
  AdmissionRequestError, mutateAdmission, parseAdmissionReview, validateAdmission, type AdmissionLookups, type AdmissionReview,
} from './admission-review.ts';
import type { ServingCertificate } from './certificate.ts';

export interface WebhookServer {
  port: number;
  /** e.g. https://127.0.0.1:9443 */
  url: string;
  close(): Promise<void>;
}

const maxBodyBytes = 3 * 1024 * 1024;

async function readBody(req: import('node:http').IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBodyBytes) throw new AdmissionRequestError(`request body larger than ${maxBodyBytes} bytes`);
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch (err) {
    throw new AdmissionRequestError(`request body is not JSON: ${(err as Error).message}`);
  }
}

export async function startWebhookServer(opts: {
  port: number;
  host: string;
  certificate: ServingCertificate;
  lookups: AdmissionLookups;
  logger: Logger;
}): Promise<WebhookServer> {
  const handlers: Record<string, (r: ReturnType<typeof parseAdmissionReview>, l: AdmissionLookups) => Promise<AdmissionReview>> = {
    [Webhook.validatePath]: validateAdmission,
    [Webhook.mutatePath]: mutateAdmission,
  };
  const server: Server = createServer({ cert: opts.certificate.certPem, key: opts.certificate.keyPem }, (req, res) => {
    const path = req.url?.split('?')[0] ?? '';
    const handler = handlers[path];
    if (!handler || req.method !== 'POST') {
      res.writeHead(handler ? 405 : 404, { 'content-type': 'text/plain' }).end(handler ? 'POST an AdmissionReview\n' : 'not found\n');
      return;
    }
    readBody(req)
      .then((body) => handler(parseAdmissionReview(body), opts.lookups))
      .then(
        (answer) => {
          opts.logger.debug({ path, uid: answer.response?.uid, allowed: answer.response?.allowed }, 'admission answered');
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
        },
        (err: unknown) => {
          const bad = err instanceof AdmissionRequestError;
          const message = err instanceof Error ? err.message : String(err);
          opts.logger.warn({ path, err: message }, 'admission request failed');
          res.writeHead(bad ? 400 : 500, { 'content-type': 'text/plain' }).end(`${message}\n`);
        },
      );
  });
  server.listen(opts.port, opts.host);
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `https://${opts.host.includes(':') ? `[${opts.host}]` : opts.host}:${port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
