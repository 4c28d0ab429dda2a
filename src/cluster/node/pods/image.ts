// Which images the embedded node can run. It has no container runtime: it runs Ferry's own worker
// image (whose program, and `node`, are on this machine) as child processes, and nothing else.

export const defaultWorkerImage = 'ferry.dev/ferry:latest';

/** The repository part of an image reference: `ferry.dev/ferry:v1` -> `ferry.dev/ferry`. */
export function imageRepository(image: string): string {
  const at = image.indexOf('@');
  const withoutDigest = at >= 0 ? image.slice(0, at) : image;
  const slash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  return colon > slash ? withoutDigest.slice(0, colon) : withoutDigest;
}

/** True when `image` names the configured worker image, with any tag or digest. */
export function isWorkerImage(image: string, workerImage: string): boolean {
  return imageRepository(image.trim()) === imageRepository(workerImage.trim());
}

/** The waiting message of a container whose image this node cannot run. */
export function imageNotRunnableMessage(image: string, workerImage: string): string {
  return `the embedded node runs only Ferry's worker image (${workerImage}); image "${image}" cannot be pulled here`;
}

/** The imageID the status shows for the worker image (there is no registry digest to report). */
export function imageIdFor(image: string): string {
  return `ferry://${imageRepository(image)}`;
}
