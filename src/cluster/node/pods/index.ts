// The embedded node's pod runner (what the kubelet does for Ferry's worker pods).
export { Kubelet, type KubeletOptions } from './kubelet.ts';
export { LogServer } from './log-server.ts';
export { defaultWorkerImage, isWorkerImage } from './image.ts';
export { kubeletCrashLoopPolicy, type CrashLoopPolicy } from './restart-decide.ts';
export { pathMapEnv, podIpEnv } from './path-map.ts';
export { podNetworkCidr } from './pod-ips.ts';
export { ContainerProcess, type ContainerExit, type ContainerProcessSpec } from './process.ts';
