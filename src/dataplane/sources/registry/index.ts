// The OCI/Docker registry source: the disk file under disk/ inside a container image.
export { createRegistrySource } from './source.ts';
export type { RegistrySourceOptions } from './source.ts';
export { parseImageReference } from './reference.ts';
export type { ImageReference } from './reference.ts';
export { isDiskEntry, DISK_DIRECTORY } from './layer.ts';
export { parseChallenge } from './auth.ts';
export { MediaType, MANIFEST_ACCEPT, DEFAULT_PLATFORM, parseManifest, choosePlatformManifest, parsePlatform } from './manifest.ts';
