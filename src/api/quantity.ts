// Kubernetes resource quantities ("1Gi", "500M", "1.5G", "1e3") as exact byte counts (bigint),
// and back to the canonical form the API server writes. Sizes are bigints so that 1 Ei and odd
// byte counts survive without rounding.

const BINARY: Record<string, bigint> = {
  Ki: 1n << 10n,
  Mi: 1n << 20n,
  Gi: 1n << 30n,
  Ti: 1n << 40n,
  Pi: 1n << 50n,
  Ei: 1n << 60n,
};
const DECIMAL_EXP: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };

const QUANTITY = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?\d+)?$/;

/**
 * The value of a quantity rounded up to a whole number (as resource.Quantity.Value() does),
 * or undefined if the string is not a quantity.
 */
export function parseQuantity(text: string): bigint | undefined {
  const m = QUANTITY.exec(text.trim());
  if (!m) return undefined;
  const [, sign = '', number = '', suffix = ''] = m;
  const [intPart = '', fracPart = ''] = number.split('.');
  // value = digits * 10^(exp10 - fracLen) * multiplier
  const digits = BigInt((intPart || '0') + fracPart);
  let exp10 = -fracPart.length;
  let multiplier = 1n;
  if (suffix in BINARY) multiplier = BINARY[suffix] ?? 1n;
  else if (suffix in DECIMAL_EXP) exp10 += DECIMAL_EXP[suffix] ?? 0; // "E" alone is exa, not an exponent
  else exp10 += Number(suffix.slice(1));
  let numerator = digits * multiplier;
  let denominator = 1n;
  if (exp10 >= 0) numerator *= 10n ** BigInt(exp10);
  else denominator = 10n ** BigInt(-exp10);
  let value = numerator / denominator;
  if (numerator % denominator !== 0n) value += 1n; // round up, as Quantity.Value()
  return sign === '-' ? -value : value;
}

const DECIMAL_SUFFIXES = ['', 'k', 'M', 'G', 'T', 'P', 'E'] as const;

/**
 * The canonical DecimalSI form of a whole number of bytes, as the API server serializes
 * `resource.NewScaledQuantity(n, 0)`: trailing groups of three zeros become k, M, G ...
 */
export function formatDecimalQuantity(value: bigint): string {
  if (value === 0n) return '0';
  let n = value < 0n ? -value : value;
  let i = 0;
  while (i < DECIMAL_SUFFIXES.length - 1 && n % 1000n === 0n) {
    n /= 1000n;
    i++;
  }
  return `${value < 0n ? '-' : ''}${n}${DECIMAL_SUFFIXES[i]}`;
}

export const MiB = 1n << 20n;

/** Rounds up to a multiple of `block`. */
export function roundUp(value: bigint, block: bigint): bigint {
  const rest = value % block;
  return rest === 0n ? value : value + block - rest;
}
