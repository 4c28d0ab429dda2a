// Merge patches computed from a before/after pair, so that a write carries only what changed and
// no write happens when nothing did (create-or-update writes only differences). Pure.

/** The annotations merge patch turning `before` into `after` (null removes); undefined when equal. */
export function annotationsMergePatch(
  before: Record<string, string> | undefined,
  after: Record<string, string> | undefined,
): Record<string, string | null> | undefined {
  const b = before ?? {};
  const a = after ?? {};
  const patch: Record<string, string | null> = {};
  for (const [key, value] of Object.entries(a)) if (b[key] !== value) patch[key] = value;
  for (const key of Object.keys(b)) if (!(key in a)) patch[key] = null;
  return Object.keys(patch).length > 0 ? patch : undefined;
}

/** JSON with object keys sorted, so that two values compare equal regardless of key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}
