// A container's environment, as the kubelet builds it (makeEnvironmentVariables): `envFrom`
// sources first, then `env` entries (which win), each `value` expanded against what came before;
// `valueFrom` reads Secrets, ConfigMaps and the downward API. A missing required source is a
// CreateContainerConfigError with the kubelet's message; the container waits and is retried.
import type { V1Container, V1Pod } from '@kubernetes/client-node';
import { expandReferences } from './argv.ts';

/** The data of the Secrets and ConfigMaps a container refers to, fetched beforehand (undefined: not found). */
export interface EnvSources {
  secrets: ReadonlyMap<string, Record<string, string> | undefined>;
  configMaps: ReadonlyMap<string, Record<string, string> | undefined>;
}

export type EnvResult = { ok: true; env: Record<string, string> } | { ok: false; message: string };

/** Names of the Secrets and ConfigMaps the container's env refers to (what to fetch). */
export function envReferences(container: V1Container): { secrets: string[]; configMaps: string[] } {
  const secrets = new Set<string>();
  const configMaps = new Set<string>();
  for (const from of container.envFrom ?? []) {
    if (from.secretRef?.name) secrets.add(from.secretRef.name);
    if (from.configMapRef?.name) configMaps.add(from.configMapRef.name);
  }
  for (const e of container.env ?? []) {
    if (e.valueFrom?.secretKeyRef?.name) secrets.add(e.valueFrom.secretKeyRef.name);
    if (e.valueFrom?.configMapKeyRef?.name) configMaps.add(e.valueFrom.configMapKeyRef.name);
  }
  return { secrets: [...secrets], configMaps: [...configMaps] };
}

/** Secret data is base64 on the wire; this decodes it to text. */
export function decodeSecretData(data: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(data ?? {})) out[k] = Buffer.from(v, 'base64').toString('utf8');
  return out;
}

function fieldValue(pod: V1Pod, fieldPath: string, podIP: string, hostIP: string): string | undefined {
  const labelOrAnnotation = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(fieldPath);
  if (labelOrAnnotation) {
    const map = labelOrAnnotation[1] === 'labels' ? pod.metadata?.labels : pod.metadata?.annotations;
    return map?.[labelOrAnnotation[2] ?? ''] ?? '';
  }
  switch (fieldPath) {
    case 'metadata.name':
      return pod.metadata?.name ?? '';
    case 'metadata.namespace':
      return pod.metadata?.namespace ?? '';
    case 'metadata.uid':
      return pod.metadata?.uid ?? '';
    case 'spec.nodeName':
      return pod.spec?.nodeName ?? '';
    case 'spec.serviceAccountName':
      return pod.spec?.serviceAccountName ?? '';
    case 'status.podIP':
    case 'status.podIPs':
      return podIP;
    case 'status.hostIP':
    case 'status.hostIPs':
      return hostIP;
    default:
      return undefined;
  }
}

export interface EnvInput {
  pod: V1Pod;
  container: V1Container;
  sources: EnvSources;
  podIP: string;
  hostIP: string;
}

export function resolveEnv({ pod, container, sources, podIP, hostIP }: EnvInput): EnvResult {
  const ns = pod.metadata?.namespace ?? '';
  const env: Record<string, string> = {};
  for (const from of container.envFrom ?? []) {
    const prefix = from.prefix ?? '';
    if (from.secretRef) {
      const name = from.secretRef.name ?? '';
      const data = sources.secrets.get(name);
      if (data === undefined) {
        if (from.secretRef.optional) continue;
        return { ok: false, message: `secret "${name}" not found` };
      }
      for (const [k, v] of Object.entries(data)) env[prefix + k] = v;
    } else if (from.configMapRef) {
      const name = from.configMapRef.name ?? '';
      const data = sources.configMaps.get(name);
      if (data === undefined) {
        if (from.configMapRef.optional) continue;
        return { ok: false, message: `configmap "${name}" not found` };
      }
      for (const [k, v] of Object.entries(data)) env[prefix + k] = v;
    }
  }
  for (const e of container.env ?? []) {
    if (e.value !== undefined) {
      env[e.name] = expandReferences(e.value, env);
      continue;
    }
    const from = e.valueFrom;
    if (!from) {
      env[e.name] = '';
      continue;
    }
    if (from.secretKeyRef) {
      const { name = '', key, optional } = from.secretKeyRef;
      const data = sources.secrets.get(name);
      if (data === undefined) {
        if (optional) continue;
        return { ok: false, message: `secret "${name}" not found` };
      }
      const value = data[key];
      if (value === undefined) {
        if (optional) continue;
        return { ok: false, message: `couldn't find key ${key} in Secret ${ns}/${name}` };
      }
      env[e.name] = value;
    } else if (from.configMapKeyRef) {
      const { name = '', key, optional } = from.configMapKeyRef;
      const data = sources.configMaps.get(name);
      if (data === undefined) {
        if (optional) continue;
        return { ok: false, message: `configmap "${name}" not found` };
      }
      const value = data[key];
      if (value === undefined) {
        if (optional) continue;
        return { ok: false, message: `couldn't find key ${key} in ConfigMap ${ns}/${name}` };
      }
      env[e.name] = value;
    } else if (from.fieldRef) {
      const value = fieldValue(pod, from.fieldRef.fieldPath, podIP, hostIP);
      if (value === undefined) return { ok: false, message: `unsupported fieldPath: ${from.fieldRef.fieldPath}` };
      env[e.name] = value;
    } else if (from.resourceFieldRef) {
      const resource = from.resourceFieldRef.resource;
      const [kind, name] = resource.split('.') as [string, string | undefined];
      const list = kind === 'limits' ? container.resources?.limits : container.resources?.requests;
      env[e.name] = (name && list?.[name]) ?? '';
    }
  }
  return { ok: true, env };
}
