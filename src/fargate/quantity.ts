// Kubernetes resource quantities ("250m", "0.5", "1Gi", "129e6", "1G") as exact integers of
// millicores or bytes. Parsing is exact (BigInt fractions), so "0.1" is 100m, not 100.00000001m.

import type { Quantity } from '../api/kube.js';

const QUANTITY = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(?:(Ki|Mi|Gi|Ti|Pi|Ei)|([numkMGTPE])|[eE]([+-]?\d+))?$/;
const BINARY: Record<string, bigint> = { Ki: 1n, Mi: 2n, Gi: 3n, Ti: 4n, Pi: 5n, Ei: 6n };
const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };

// Limits, so that a quantity such as "1e999999999" is refused at once instead of building a
// billion-digit number. Kubernetes' own suffixes span 10^-9 (n) to 10^18 (E); an exponent outside
// that range names no cpu or memory anything can have. The apiserver canonicalises quantities to
// at most a few dozen characters, so 64 is generous for what people write.
/** The longest quantity text accepted. */
const MAX_QUANTITY_LENGTH = 64;
/** The exponent range of `<number>e<exponent>` (Kubernetes' suffixes n … E). */
const MIN_QUANTITY_EXPONENT = -9;
const MAX_QUANTITY_EXPONENT = 18;

type Parsed = { num: bigint; den: bigint } | { error: string };

/**
 * A quantity as numerator / denominator of base units, or why it is not one. A JSON number is
 * read as its decimal text, as Kubernetes reads an unquoted quantity.
 */
function parse(q: unknown): Parsed {
  const text = typeof q === 'number' && Number.isFinite(q) ? String(q) : q;
  if (typeof text !== 'string') return { error: `a quantity is a string such as "250m" or "1Gi", not ${describe(q)}` };
  if (text.length > MAX_QUANTITY_LENGTH) return { error: `the quantity is ${text.length} characters long, more than the limit of ${MAX_QUANTITY_LENGTH}` };
  const m = QUANTITY.exec(text.trim());
  if (!m) return { error: `'${text}' is not a quantity (a number with an optional suffix such as m, Mi, Gi or an exponent such as e6)` };
  const [, sign, number, binary, decimal, exponent] = m;
  const power = decimal ? DECIMAL[decimal] : exponent ? Number(exponent) : 0;
  if (power < MIN_QUANTITY_EXPONENT || power > MAX_QUANTITY_EXPONENT) {
    return { error: `the exponent of '${text}' is outside ${MIN_QUANTITY_EXPONENT}..${MAX_QUANTITY_EXPONENT} (Kubernetes' suffixes n to E)` };
  }
  const [whole, fraction = ''] = number.split('.');
  let num = BigInt((whole || '0') + fraction);
  let den = 10n ** BigInt(fraction.length);
  if (sign === '-') num = -num;
  if (binary) num *= 1024n ** BINARY[binary];
  if (power >= 0) num *= 10n ** BigInt(power);
  else den *= 10n ** BigInt(-power);
  return { num, den };
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'number') return String(v);
  return `a${typeof v === 'object' ? 'n' : ''} ${typeof v}`;
}

function ceilDiv(num: bigint, den: bigint): bigint {
  const q = num / den;
  return num % den > 0n ? q + 1n : q;
}

/** CPU in millicores, rounded up as Kubernetes does; undefined for a malformed quantity. */
export function cpuMillis(q: unknown): number | undefined {
  const p = parse(q);
  return 'error' in p ? undefined : Number(ceilDiv(p.num * 1000n, p.den));
}

/** Memory in bytes, rounded up; undefined for a malformed quantity. */
export function memoryBytes(q: unknown): number | undefined {
  const p = parse(q);
  return 'error' in p ? undefined : Number(ceilDiv(p.num, p.den));
}

/** Why the value is not a quantity, or undefined when it is one. */
export function quantityProblem(q: unknown): string | undefined {
  const p = parse(q);
  return 'error' in p ? p.error : undefined;
}

export const MiB = 1024 * 1024;

/** "2" for 2000 millicores, "250m" otherwise. */
export function formatCpu(millis: number): Quantity {
  return millis % 1000 === 0 ? String(millis / 1000) : `${millis}m`;
}

/** The largest binary unit that divides the value exactly: "1Gi", "1792Mi", "100Ki", "12345". */
export function formatMemory(bytes: number): Quantity {
  for (const [unit, size] of [['Gi', 1024 * MiB], ['Mi', MiB], ['Ki', 1024]] as const) {
    if (bytes !== 0 && bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return String(bytes);
}
