// The s3, gcs and registry sources of the importer, built from its parsed config. Certificates
// and keys are read from the pod paths the config names, resolved through the one path resolver.
import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Source } from '../../dataplane/source.ts';
import { createS3Source } from '../../dataplane/sources/s3.ts';
import { createGcsSource } from '../../dataplane/sources/gcs.ts';
import { createRegistrySource } from '../../dataplane/sources/registry/index.ts';
import type { GcsSourceConfig, RegistrySourceConfig, S3SourceConfig } from './config.ts';
import type { PodPathResolver } from './paths.ts';

/** The PEM text of every file directly in `dir` (Kubernetes' `..data` entries skipped). */
export async function readCertificates(dir: string): Promise<string | undefined> {
  const pems: string[] = [];
  for (const name of (await readdir(dir).catch(() => [] as string[])).sort()) {
    if (name.startsWith('..')) continue;
    const file = path.join(dir, name);
    if ((await stat(file).catch(() => undefined))?.isFile()) pems.push(await readFile(file, 'utf8'));
  }
  return pems.length > 0 ? pems.join('\n') : undefined;
}

export async function createObjectSource(config: S3SourceConfig | GcsSourceConfig | RegistrySourceConfig, resolve: PodPathResolver): Promise<Source> {
  const caPem = 'certDir' in config && config.certDir !== undefined ? await readCertificates(resolve(config.certDir)) : undefined;
  switch (config.kind) {
    case 's3':
      return createS3Source({
        url: config.url,
        insecureSkipVerify: config.insecureTls,
        ...(config.accessKeyId !== undefined ? { accessKeyId: config.accessKeyId, secretKey: config.secretKey ?? '' } : {}),
        ...(caPem !== undefined ? { caPem } : {}),
      });
    case 'gcs': {
      const key = config.keyFile !== undefined ? await readFile(resolve(config.keyFile), 'utf8') : undefined;
      return createGcsSource({ url: config.url, ...(key !== undefined ? { serviceAccountKeyJson: key } : {}) });
    }
    case 'registry':
      return createRegistrySource({
        url: config.url,
        insecure: config.insecure,
        ...(config.username !== undefined ? { username: config.username, password: config.password ?? '' } : {}),
        ...(caPem !== undefined ? { caPem } : {}),
        ...(config.architecture !== undefined ? { platform: `linux/${config.architecture}` } : {}),
      });
  }
}
