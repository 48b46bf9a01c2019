/**
 * Kubernetes resource quantities (`500m`, `1Gi`, `1e3`, `0.5`), parsed into an exact value and rendered in
 * the canonical form the API server stores (rule N8 of the diff).
 *
 * Why hand-written: no installed package parses quantities exactly. `@kubernetes/client-node` 1.4 has
 * `quantityToScalar` only in `dist/util.js` (not exported from the package entry); it returns a float for
 * `m`/`u`/`n` (`100m` becomes 0.1, so sums drift), throws on decimals with a suffix (`1.5Gi`: "Cannot
 * convert 1.5 to a BigInt"), handles exponents only by accident through `Number()`, mixes number and
 * bigint results and cannot render a canonical form. cdk8s and kubernetes-models only build quantities.
 *
 * Model (mirrors `k8s.io/apimachinery/pkg/api/resource`): the value is held as a signed integer count of
 * nano-units (10^-9), which is the API's precision. Like the API server, values finer than a nano-unit are
 * rounded *up* in magnitude (`0.1n` becomes `1n`), and magnitudes above 2^63-1 units are capped.
 */

/** How a quantity was written; the API server keeps it when rendering the canonical form. */
export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

/** An exactly parsed quantity. */
export interface Quantity {
  /** The value in nano-units (value × 10^9), exact. */
  readonly nanos: bigint;
  /** The notation family of the input, used when rendering. */
  readonly format: QuantityFormat;
}

/** Thrown by {@link parseQuantity} for text that is not a Kubernetes quantity. */
export class QuantityParseError extends Error {
  public constructor(input: string) {
    super(`"${input}" is not a Kubernetes quantity`);
    this.name = 'QuantityParseError';
  }
}

const NANOS_PER_UNIT = 1_000_000_000n;
const MAX_UNITS = 2n ** 63n - 1n;
const MAX_NANOS = MAX_UNITS * NANOS_PER_UNIT;

/** Powers of ten of the decimal SI suffixes. */
const DECIMAL_SUFFIX_EXPONENT: Readonly<Record<string, number>> = {
  n: -9,
  u: -6,
  m: -3,
  '': 0,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};

/** Powers of 1024 of the binary SI suffixes, in order. */
const BINARY_SUFFIXES = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'] as const;

/**
 * sign, number (`1`, `1.`, `1.5`, `.5`), then either an exponent (`e3`, `E-2`) or a suffix. `E` alone is
 * the exa suffix; `E` followed by digits is an exponent.
 */
const QUANTITY_PATTERN = /^([+-]?)(?:(\d+)(?:\.(\d*))?|\.(\d+))(?:[eE]([+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E))?$/;

/**
 * Parses a quantity. Numbers (as YAML may deliver `cpu: 0.5`) are accepted and read in decimal notation.
 *
 * @throws QuantityParseError when the text is not a quantity.
 */
export function parseQuantity(input: string | number): Quantity {
  // String(1e21) is '1e+21', which the exponent form accepts; NaN and Infinity fail the pattern.
  const text = String(input);
  const match = QUANTITY_PATTERN.exec(text);
  if (match === null) {
    throw new QuantityParseError(text);
  }
  const [, sign, intDigits, fracAfterInt, fracOnly, exponentText, suffix] = match;
  const fraction = fracAfterInt ?? fracOnly ?? '';
  const digits = `${intDigits ?? ''}${fraction}`.replace(/^0+(?=\d)/, '');
  const mantissa = BigInt(digits === '' ? '0' : digits);

  let format: QuantityFormat;
  let power10: number;
  let power1024 = 0;
  if (exponentText !== undefined) {
    format = 'DecimalExponent';
    const exponent = Number(exponentText);
    // Exponents beyond ±10^6 are out of any representable range; clamp to keep BigInt sizes sane.
    power10 = Math.max(-1_000_000, Math.min(1_000_000, exponent));
  } else if (suffix !== undefined && suffix.endsWith('i')) {
    format = 'BinarySI';
    power10 = 0;
    power1024 = BINARY_SUFFIXES.indexOf(suffix as (typeof BINARY_SUFFIXES)[number]);
  } else {
    format = 'DecimalSI';
    power10 = DECIMAL_SUFFIX_EXPONENT[suffix ?? ''] ?? 0;
  }

  const magnitude = toNanos(mantissa * 1024n ** BigInt(power1024), power10 - fraction.length, digits.length);
  return { nanos: sign === '-' ? -magnitude : magnitude, format };
}

/** Like {@link parseQuantity} but returns `undefined` for anything that is not a quantity (or not text/number). */
export function tryParseQuantity(input: unknown): Quantity | undefined {
  if (typeof input !== 'string' && typeof input !== 'number') {
    return undefined;
  }
  try {
    return parseQuantity(input);
  } catch {
    return undefined;
  }
}

/**
 * Renders a quantity the way the API server stores it: no fraction digits, the largest suffix (or exponent)
 * that keeps the value exact, the input's notation family kept (`1.5Gi` → `1536Mi`, `1000m` → `1`,
 * `0.5` → `500m`, `1e3` → `1e3`, `1.5e3` → `1500`); binary values below 1024 or not whole are shown in
 * decimal (`0.5Ki` → `512`).
 */
export function formatQuantity(quantity: Quantity): string {
  const { nanos, format } = quantity;
  if (nanos === 0n) {
    return '0';
  }
  const sign = nanos < 0n ? '-' : '';
  const magnitude = nanos < 0n ? -nanos : nanos;
  if (format === 'BinarySI' && magnitude >= 1024n * NANOS_PER_UNIT && magnitude % NANOS_PER_UNIT === 0n) {
    let units = magnitude / NANOS_PER_UNIT;
    let power = 0;
    while (units % 1024n === 0n && power < BINARY_SUFFIXES.length - 1) {
      units /= 1024n;
      power += 1;
    }
    return `${sign}${units}${BINARY_SUFFIXES[power]}`;
  }
  let trailingZeros = 0;
  let reduced = magnitude;
  while (reduced % 10n === 0n) {
    reduced /= 10n;
    trailingZeros += 1;
  }
  // Largest multiple of 3 not above the exponent of the value's last significant digit; never above exa.
  const exponent = Math.min(Math.floor((trailingZeros - 9) / 3) * 3, 18);
  const mantissa = magnitude / 10n ** BigInt(exponent + 9);
  if (format === 'DecimalExponent') {
    return `${sign}${mantissa}${exponent === 0 ? '' : `e${exponent}`}`;
  }
  const suffix = Object.keys(DECIMAL_SUFFIX_EXPONENT).find((key) => DECIMAL_SUFFIX_EXPONENT[key] === exponent);
  return `${sign}${mantissa}${suffix ?? ''}`;
}

/**
 * Parses and renders in canonical form: `canonicalQuantity('1024Mi') === '1Gi'`.
 *
 * @throws QuantityParseError when the text is not a quantity.
 */
export function canonicalQuantity(input: string | number): string {
  return formatQuantity(parseQuantity(input));
}

/** Orders two quantities by value: -1, 0 or 1. The notation family does not matter. */
export function compareQuantities(a: Quantity, b: Quantity): -1 | 0 | 1 {
  return a.nanos < b.nanos ? -1 : a.nanos > b.nanos ? 1 : 0;
}

/**
 * Tells whether two quantities have the same value (`'1000m'` and `'1'`, `'3072Mi'` and `'3Gi'`,
 * `'0.5'` and `'500m'`, `'1Gi'` and `'1073741824'`). When either side is not a quantity, falls back to
 * comparing the texts exactly.
 */
export function quantitiesEqual(a: string | number, b: string | number): boolean {
  const qa = tryParseQuantity(a);
  const qb = tryParseQuantity(b);
  if (qa === undefined || qb === undefined) {
    return String(a) === String(b);
  }
  return compareQuantities(qa, qb) === 0;
}

/**
 * Converts `mantissa × 10^power10` (mantissa ≥ 0) into nano-units, rounding up and capping like the API.
 * `digitCount` bounds how small a value can get before it can only round up to one nano-unit.
 */
function toNanos(mantissa: bigint, power10: number, digitCount: number): bigint {
  if (mantissa === 0n) {
    return 0n;
  }
  const shift = power10 + 9;
  if (shift >= 0) {
    // 10^40 nanos already exceeds the cap; do not build bigger numbers than needed.
    return shift > 40 ? MAX_NANOS : minBigint(mantissa * 10n ** BigInt(shift), MAX_NANOS);
  }
  // The binary multiplier can add up to 19 digits (1024^6 < 10^19).
  if (-shift > digitCount + 20) {
    return 1n;
  }
  const divisor = 10n ** BigInt(-shift);
  const quotient = mantissa / divisor;
  const rounded = mantissa % divisor === 0n ? quotient : quotient + 1n;
  return minBigint(rounded, MAX_NANOS);
}

function minBigint(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}
