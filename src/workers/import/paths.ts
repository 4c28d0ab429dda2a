/**
 * The one place that knows whether the worker runs in a real pod or in embedded mode. In a pod,
 * the paths the pod spec names (`/data`, `/dev/cdi-block-volume`, `/scratch`, `/certs`,
 * `/dev/termination-log`) are real. In embedded mode the pod runner cannot mount, so it passes
 * `FERRY_PATH_MAP` = JSON `{ "<pod path>": "<host path>" }` and every path goes through here.
 */

export interface PodPathResolver {
  (podPath: string): string;
  /**
   * Host paths of the mounts inside the pod directory `podDir` (CDI mounts one Secret per
   * `/extraheaders/<n>`): in a pod, the directory itself; in embedded mode, where each mount is
   * mapped on its own, the mapped entries under it as well.
   */
  mountsUnder?(podDir: string): string[];
}

/** Parses FERRY_PATH_MAP (absent = identity); malformed JSON throws with the reason. */
export function parsePathMap(json: string | undefined): Record<string, string> {
  if (json === undefined || json.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (err) {
    throw new Error(`FERRY_PATH_MAP is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Error('FERRY_PATH_MAP must be a JSON object of pod path -> host path');
  }
  const map: Record<string, string> = {};
  for (const [podPath, hostPath] of Object.entries(parsed)) {
    if (typeof hostPath !== 'string' || !podPath.startsWith('/') || !hostPath.startsWith('/')) {
      throw new Error(`FERRY_PATH_MAP entry ${podPath} -> ${String(hostPath)}: both must be absolute paths`);
    }
    map[podPath.replace(/\/+$/, '') || '/'] = hostPath.replace(/\/+$/, '') || '/';
  }
  return map;
}

/**
 * A resolver for `map`: the longest mapped prefix (on path-component boundaries) is replaced;
 * an unmapped path is returned unchanged.
 */
export function createPodPathResolver(map: Record<string, string>): PodPathResolver {
  const prefixes = Object.keys(map).sort((a, b) => b.length - a.length);
  const resolve: PodPathResolver = (podPath: string): string => {
    for (const prefix of prefixes) {
      if (podPath === prefix) return map[prefix]!;
      if (podPath.startsWith(prefix + '/')) return map[prefix]! + podPath.slice(prefix.length);
    }
    return podPath;
  };
  resolve.mountsUnder = (podDir: string): string[] => {
    const dir = podDir.replace(/\/+$/, '');
    const inside = prefixes.filter((p) => p.startsWith(dir + '/')).map((p) => map[p]!);
    return [resolve(dir), ...inside.sort()];
  };
  return resolve;
}
