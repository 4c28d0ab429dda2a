// Kubernetes resource quantities ("10Gi", "500M", "1.5Gi", "1e9", "100m") to bytes and back.
const binary: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const decimal: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

export class QuantityError extends Error {
  readonly code = 'EQUANTITY';
}

/** Bytes for a quantity, rounded up to a whole byte. */
export function parseQuantity(q: string | number | undefined): number {
  if (q === undefined) return 0;
  if (typeof q === 'number') return Math.ceil(q);
  const m = /^([+-]?[0-9.]+)(?:([eE][+-]?[0-9]+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E))?$/.exec(q.trim());
  if (!m || m[1] === undefined) throw new QuantityError(`quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$': "${q}"`);
  const value = Number(m[1]);
  if (m[2]) return Math.ceil(value * 10 ** Number(m[2].slice(1)));
  const suffix = m[3] ?? '';
  const factor = binary[suffix] ?? decimal[suffix] ?? 1;
  return Math.ceil(value * factor);
}

/** The canonical form the API server would print for a byte count: the largest exact binary unit. */
export function formatBytes(bytes: number): string {
  for (const unit of ['Ei', 'Pi', 'Ti', 'Gi', 'Mi', 'Ki'] as const) {
    const f = binary[unit]!;
    if (bytes >= f && bytes % f === 0) return `${bytes / f}${unit}`;
  }
  return String(bytes);
}
