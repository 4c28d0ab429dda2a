// The seam through which the node agent (a later issue) serves `pods/log`: until a provider is
// registered, a log request answers as a real server does for a pod with no running container.
import type { KubeObject } from '../types.ts';

export interface PodLogOptions {
  container?: string;
  follow: boolean;
  previous: boolean;
  tailLines?: number;
  sinceSeconds?: number;
  timestamps: boolean;
  limitBytes?: number;
  signal: AbortSignal;
}

/**
 * Returns the log as a byte stream, or throws an ApiError (e.g. 400 `container "x" in pod "y"
 * is waiting to start`). The pod given is the stored object.
 */
export type PodLogProvider = (pod: KubeObject, opts: PodLogOptions) => Promise<AsyncIterable<Uint8Array>>;
