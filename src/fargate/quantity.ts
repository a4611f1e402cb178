// Kubernetes resource quantities ("250m", "0.5", "1Gi", "129e6", "1G") as exact integers of
// millicores or bytes. Parsing is exact (BigInt fractions), so "0.1" is 100m, not 100.00000001m.

import type { Quantity } from '../api/kube.js';

const QUANTITY = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(?:(Ki|Mi|Gi|Ti|Pi|Ei)|([numkMGTPE])|[eE]([+-]?\d+))?$/;
const BINARY: Record<string, bigint> = { Ki: 1n, Mi: 2n, Gi: 3n, Ti: 4n, Pi: 5n, Ei: 6n };
const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };

/** A quantity as numerator / denominator of base units; undefined when it is not a quantity. */
function parse(q: Quantity): { num: bigint; den: bigint } | undefined {
  const m = QUANTITY.exec(q.trim());
  if (!m) return undefined;
  const [, sign, number, binary, decimal, exponent] = m;
  const [whole, fraction = ''] = number.split('.');
  let num = BigInt((whole || '0') + fraction);
  let den = 10n ** BigInt(fraction.length);
  if (sign === '-') num = -num;
  if (binary) num *= 1024n ** BINARY[binary];
  const power = decimal ? DECIMAL[decimal] : exponent ? Number(exponent) : 0;
  if (power >= 0) num *= 10n ** BigInt(power);
  else den *= 10n ** BigInt(-power);
  return { num, den };
}

function ceilDiv(num: bigint, den: bigint): bigint {
  const q = num / den;
  return num % den > 0n ? q + 1n : q;
}

/** CPU in millicores, rounded up as Kubernetes does; undefined for a malformed quantity. */
export function cpuMillis(q: Quantity): number | undefined {
  const p = parse(q);
  return p && Number(ceilDiv(p.num * 1000n, p.den));
}

/** Memory in bytes, rounded up; undefined for a malformed quantity. */
export function memoryBytes(q: Quantity): number | undefined {
  const p = parse(q);
  return p && Number(ceilDiv(p.num, p.den));
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
