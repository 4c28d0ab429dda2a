// The Node object this agent keeps: labels, and the status the kubelet reports (capacity and
// allocatable, the four conditions with their kubelet reasons, addresses, the kubelet endpoint,
// nodeInfo). Pure: the registration (node-registration.ts) writes what this renders.
import { rfc3339 } from './pods/status-decide.ts';

export interface NodeFacts {
  nodeName: string;
  cpus: number;
  memoryBytes: number;
  ephemeralStorageBytes: number;
  maxPods: number;
  logServerPort: number;
  kernelVersion: string;
  osImage: string;
  architecture: string;
  machineID: string;
  bootID: string;
  kubeletVersion: string;
}

export interface NodeConditionJson {
  type: string;
  status: string;
  reason: string;
  message: string;
  lastHeartbeatTime: string;
  lastTransitionTime: string;
}

interface OldCondition {
  type?: string;
  status?: string;
  lastTransitionTime?: unknown;
}

const conditionSpecs = [
  { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available' },
  { type: 'DiskPressure', status: 'False', reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure' },
  { type: 'PIDPressure', status: 'False', reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available' },
  { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' },
] as const;

/** Go's goarch names for Node's process.arch. */
export function goArch(arch: string): string {
  return ({ x64: 'amd64', arm64: 'arm64', ia32: '386', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x' } as Record<string, string>)[arch] ?? arch;
}

export function nodeLabels(facts: NodeFacts): Record<string, string> {
  const arch = goArch(facts.architecture);
  return {
    'kubernetes.io/hostname': facts.nodeName,
    'kubernetes.io/os': 'linux',
    'kubernetes.io/arch': arch,
    'beta.kubernetes.io/os': 'linux',
    'beta.kubernetes.io/arch': arch,
  };
}

export function renderNodeStatus(facts: NodeFacts, now: Date, previous: OldCondition[] | undefined) {
  const resources = {
    cpu: String(facts.cpus),
    memory: `${Math.floor(facts.memoryBytes / 1024)}Ki`,
    pods: String(facts.maxPods),
    'ephemeral-storage': `${Math.floor(facts.ephemeralStorageBytes / 1024)}Ki`,
  };
  const at = rfc3339(now);
  const conditions: NodeConditionJson[] = conditionSpecs.map((c) => {
    const old = previous?.find((o) => o.type === c.type);
    const kept = old && old.status === c.status ? old.lastTransitionTime : undefined;
    const transition = kept instanceof Date ? rfc3339(kept) : typeof kept === 'string' && kept ? kept : at;
    return { ...c, lastHeartbeatTime: at, lastTransitionTime: transition };
  });
  return {
    capacity: resources,
    allocatable: resources,
    conditions,
    addresses: [
      { type: 'InternalIP', address: '127.0.0.1' },
      { type: 'Hostname', address: facts.nodeName },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: facts.logServerPort } },
    nodeInfo: {
      machineID: facts.machineID,
      systemUUID: facts.machineID,
      bootID: facts.bootID,
      kernelVersion: facts.kernelVersion,
      osImage: facts.osImage,
      containerRuntimeVersion: 'ferry://0.1.0',
      kubeletVersion: facts.kubeletVersion,
      kubeProxyVersion: facts.kubeletVersion,
      operatingSystem: 'linux',
      architecture: goArch(facts.architecture),
    },
  };
}
