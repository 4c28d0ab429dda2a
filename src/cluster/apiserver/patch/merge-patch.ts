// RFC 7386 JSON merge patch (`application/merge-patch+json`): objects merge recursively, `null`
// deletes a member, anything else (arrays included) replaces the target wholesale.

import { cloneJson, isJsonObject } from './json-value.ts';

export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isJsonObject(patch)) return cloneJson(patch);
  const result: Record<string, unknown> = isJsonObject(target) ? cloneJson(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = applyMergePatch(result[key], value);
  }
  return result;
}
