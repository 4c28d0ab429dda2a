// resource.Quantity, as much as the registry needs: parse ("1Gi", "500M", "100m", "1.5G"),
// compare, and print in the canonical form the real server's printers show ("1024Mi" -> "1Gi").
// Values are held exactly as BigInt nano-units.

const binarySuffixes = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];
const decimalSuffixes: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };

export interface Quantity {
  /** The value in units of 10^-9. */
  nano: bigint;
  format: 'BinarySI' | 'DecimalSI' | 'DecimalExponent';
}

const quantityPattern = /^([+-]?)(\d*)(?:\.(\d*))?(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?\d+)?$/;

/** Parses a quantity string or number; undefined when it is not a valid quantity. */
export function parseQuantity(input: unknown): Quantity | undefined {
  const text = typeof input === 'number' ? String(input) : input;
  if (typeof text !== 'string') return undefined;
  const m = quantityPattern.exec(text.trim());
  if (!m) return undefined;
  const [, sign = '', whole = '', fraction = '', suffix = ''] = m;
  if (whole === '' && fraction === '') return undefined;
  const digits = BigInt(`${whole}${fraction}` || '0');
  // digits * 10^-fraction.length, then scaled to nano units.
  let nano = digits * 10n ** 9n;
  let divisor = 10n ** BigInt(fraction.length);
  let format: Quantity['format'] = 'DecimalSI';
  const binaryPower = binarySuffixes.indexOf(suffix);
  if (suffix !== '' && binaryPower > 0) {
    nano *= 1024n ** BigInt(binaryPower);
    format = 'BinarySI';
  } else {
    const exponent = suffix in decimalSuffixes ? (decimalSuffixes[suffix] ?? 0) : Number(suffix.slice(1));
    if (/^[eE]/.test(suffix)) format = 'DecimalExponent';
    if (exponent >= 0) nano *= 10n ** BigInt(exponent);
    else divisor *= 10n ** BigInt(-exponent);
  }
  nano /= divisor; // precision below a nano-unit is dropped, as the real Quantity rounds up to it
  return { nano: sign === '-' ? -nano : nano, format };
}

/** -1, 0 or 1; an unparsable quantity counts as zero. */
export function compareQuantities(a: unknown, b: unknown): number {
  const x = parseQuantity(a)?.nano ?? 0n;
  const y = parseQuantity(b)?.nano ?? 0n;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Quantity.String(): the canonical form ("1Gi", "1500M", "100m"); the input when unparsable. */
export function formatQuantity(input: unknown): string {
  const q = parseQuantity(input);
  if (!q) return typeof input === 'string' ? input : '';
  if (q.nano === 0n) return '0';
  const negative = q.nano < 0n;
  const abs = negative ? -q.nano : q.nano;
  const sign = negative ? '-' : '';
  const unit = 10n ** 9n;
  if (q.format === 'BinarySI' && abs % unit === 0n && abs / unit >= 1024n) {
    const bytes = abs / unit;
    let power = 0;
    while (power < binarySuffixes.length - 1 && bytes % 1024n ** BigInt(power + 1) === 0n) power++;
    return `${sign}${bytes / 1024n ** BigInt(power)}${binarySuffixes[power]}`;
  }
  // Largest decimal SI suffix that keeps the mantissa an integer.
  const bySize = Object.entries(decimalSuffixes).sort((x, y) => y[1] - x[1]);
  for (const [suffix, exponent] of bySize) {
    const scale = 10n ** BigInt(exponent + 9);
    if (abs % scale === 0n) return `${sign}${abs / scale}${suffix}`;
  }
  return `${sign}${abs}n`;
}
