// `ferry demo`: Ferry's main job on the embedded default, for a newcomer. It brings up the
// embedded cluster, makes a small qcow2 image locally (qemu-img, no internet), serves it over
// HTTP on 127.0.0.1, creates a DataVolume that imports it, prints the phase and progress as they
// move, and ends with the DataVolume Succeeded, the volume's place on disk, and a check that the
// volume holds the image's bytes.
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rm, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { CustomObjectsApi, CoreV1Api } from '@kubernetes/client-node';
import pino from 'pino';
import { Annotation, DataVolumePhase, type DataVolume } from '../api/index.ts';
import { cdiResource } from '../controllers/context.ts';
import { startEmbeddedCluster, type EmbeddedCluster } from '../cluster/index.ts';
import { loadKubeConfig } from '../kube/config.ts';

const run = promisify(execFile);
const MiB = 1 << 20;

export interface DemoOptions {
  stateDir: string;
  /** Virtual size of the demo image in MiB. */
  sizeMiB: number;
  /** Keep the cluster running after the import until Ctrl-C. */
  keep: boolean;
  timeoutSeconds: number;
}

const say = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

/** A raw disk with a recognisable first sector and random data scattered among zero runs. */
async function makeImage(dir: string, sizeMiB: number): Promise<{ raw: string; qcow2: string; sha256: string }> {
  const raw = join(dir, 'demo.raw');
  const qcow2 = join(dir, 'demo.qcow2');
  const file = await open(raw, 'w');
  try {
    await file.truncate(sizeMiB * MiB);
    await file.write(Buffer.from('Ferry demo disk: imported by a DataVolume\n'.padEnd(512, '\0')), 0, 512, 0);
    for (let mib = 1; mib < sizeMiB; mib += 4) await file.write(randomBytes(MiB), 0, MiB, mib * MiB);
  } finally {
    await file.close();
  }
  try {
    await run('qemu-img', ['convert', '-f', 'raw', '-O', 'qcow2', raw, qcow2]);
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT') throw new Error('qemu-img is not installed: run `bash scripts/setup.sh` (Debian package qemu-utils)');
    throw new Error(`qemu-img convert failed: ${e.stderr ?? e.message}`);
  }
  return { raw, qcow2, sha256: await sha256Of(raw, sizeMiB * MiB) };
}

async function sha256Of(path: string, length: number): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { start: 0, end: length - 1 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Serves one file at /<name>, with HEAD and single Range requests, as a plain web server does. */
async function serveFile(path: string, name: string): Promise<{ url: string; server: Server }> {
  const { size } = await stat(path);
  const server = createServer((req, res) => {
    if (req.url !== `/${name}`) {
      res.writeHead(404).end('not found\n');
      return;
    }
    const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    const start = range ? Number(range[1]) : 0;
    const end = range && range[2] ? Math.min(Number(range[2]), size - 1) : size - 1;
    if (range && start >= size) {
      res.writeHead(416, { 'content-range': `bytes */${size}` }).end();
      return;
    }
    res.writeHead(range ? 206 : 200, {
      'content-type': 'application/octet-stream',
      'content-length': end - start + 1,
      'accept-ranges': 'bytes',
      ...(range ? { 'content-range': `bytes ${start}-${end}/${size}` } : {}),
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    createReadStream(path, { start, end }).pipe(res);
  });
  server.listen(0, '127.0.0.1');
  await new Promise<void>((ok, fail) => server.once('listening', ok).once('error', fail));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/${name}`, server };
}

function dataVolumeManifest(name: string, url: string, sizeMiB: number): DataVolume {
  // Room for the image plus the filesystem overhead CDI reserves on Filesystem volumes.
  const request = `${Math.ceil(sizeMiB * 1.25)}Mi`;
  return {
    apiVersion: 'cdi.kubevirt.io/v1beta1',
    kind: 'DataVolume',
    metadata: { name, namespace: 'default', annotations: { [Annotation.DeleteAfterCompletion]: 'false' } },
    spec: { source: { http: { url } }, storage: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: request } } } },
  } as DataVolume;
}

function describeFailure(dv: DataVolume): string {
  const conditions = dv.status?.conditions ?? [];
  const failed = conditions.find((c) => c.type === 'Running' && c.status === 'False' && c.message) ?? conditions.find((c) => c.message);
  return failed ? `${failed.reason ?? ''}: ${failed.message ?? ''}` : 'no condition says why';
}

async function waitForImport(custom: CustomObjectsApi, name: string, timeoutMs: number): Promise<DataVolume> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    const dv = (await custom.getNamespacedCustomObject({ ...cdiResource.dataVolumes, namespace: 'default', name })) as DataVolume;
    const line = `  phase ${dv.status?.phase || '(none yet)'}, progress ${dv.status?.progress ?? 'N/A'}, restarts ${dv.status?.restartCount ?? 0}`;
    if (line !== last) say(line);
    last = line;
    if (dv.status?.phase === DataVolumePhase.Succeeded || dv.status?.phase === DataVolumePhase.Failed) return dv;
    if (Date.now() > deadline) throw new Error(`DataVolume default/${name} is still ${dv.status?.phase ?? 'without a phase'} after ${timeoutMs / 1000} s: ${describeFailure(dv)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function runDemo(opts: DemoOptions): Promise<void> {
  if (!Number.isInteger(opts.sizeMiB) || opts.sizeMiB < 1) throw new Error(`--size-mib must be a positive whole number, not ${String(opts.sizeMiB)}`);
  const stateDir = resolve(opts.stateDir);
  const workDir = join(stateDir, 'demo');
  await mkdir(workDir, { recursive: true });
  const logFile = join(stateDir, 'cluster.log');
  const logger = pino({ level: process.env['FERRY_LOG_LEVEL'] ?? 'info' }, pino.destination({ dest: logFile, mkdir: true, sync: false }));

  say(`1. making a ${opts.sizeMiB} MiB qcow2 image with qemu-img`);
  const image = await makeImage(workDir, opts.sizeMiB);
  const served = await serveFile(image.qcow2, 'demo.qcow2');
  say(`2. serving it at ${served.url}`);

  let cluster: EmbeddedCluster | undefined;
  try {
    say(`3. starting the embedded cluster in ${stateDir} (log: ${logFile})`);
    cluster = await startEmbeddedCluster({ stateDir, port: 0, logger });
    const kubeConfig = loadKubeConfig(cluster.kubeconfigPath);
    const custom = kubeConfig.makeApiClient(CustomObjectsApi);
    const core = kubeConfig.makeApiClient(CoreV1Api);

    const name = `demo-${Date.now().toString(36)}`;
    say(`4. creating DataVolume default/${name} importing ${served.url}`);
    await custom.createNamespacedCustomObject({
      ...cdiResource.dataVolumes, namespace: 'default', body: dataVolumeManifest(name, served.url, opts.sizeMiB),
    });
    const dv = await waitForImport(custom, name, opts.timeoutSeconds * 1000);
    if (dv.status?.phase !== DataVolumePhase.Succeeded) throw new Error(`DataVolume default/${name} Failed: ${describeFailure(dv)}`);

    const pvc = await core.readNamespacedPersistentVolumeClaim({ namespace: 'default', name });
    const volume = join(stateDir, 'volumes', pvc.spec?.volumeName ?? '');
    const disk = join(volume, 'disk.img');
    const same = (await sha256Of(disk, opts.sizeMiB * MiB)) === image.sha256;
    if (!same) throw new Error(`the volume's ${disk} does not hold the image's bytes`);
    say(`5. DataVolume default/${name} Succeeded; claim ${name} is bound to ${pvc.spec?.volumeName ?? ''}`);
    say(`   the volume lies at ${volume}`);
    say(`   ${disk} holds the image converted to raw (sha256 of its first ${opts.sizeMiB} MiB matches the source)`);
    if (opts.keep) {
      say(`the cluster keeps running; Ctrl-C stops it. Look with: KUBECONFIG=${cluster.kubeconfigPath} kubectl get dv,pvc,pv`);
      await new Promise<void>((done) => {
        process.once('SIGINT', () => done());
        process.once('SIGTERM', () => done());
      });
    } else {
      say(`   the state stays: \`npx ferry cluster up --state-dir ${stateDir}\` brings the cluster back, then`);
      say(`   KUBECONFIG=${cluster.kubeconfigPath} kubectl get dv,pvc,pv`);
    }
  } finally {
    await cluster?.close();
    served.server.close();
    await rm(workDir, { recursive: true, force: true });
    logger.flush();
  }
}
