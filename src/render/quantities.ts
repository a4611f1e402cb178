// ECS sizes as Kubernetes quantities, in the canonical form the apiserver stores, so that a
// rendered object compares equal to what comes back from the cluster. The arithmetic is exact
// (bigint): a quantity is never written with an exponent or a rounding error, whatever its size.
// Whether Kubernetes can hold the value is the checker's question (kube-rules.ts).

/** CPU units (1024 per vCPU) to a cpu quantity: 256 → "250m", 1024 → "1". Rounded up to 1m. */
export function cpuQuantity(units: number): string {
  const milli = (whole(units) * 1000n + 1023n) / 1024n;
  return milli % 1000n === 0n ? String(milli / 1000n) : `${milli}m`;
}

/** MiB to a memory quantity: 512 → "512Mi", 2048 → "2Gi". */
export function mebibytes(mib: number): string {
  const n = whole(mib);
  if (n !== 0n && n % (1024n * 1024n) === 0n) return `${n / (1024n * 1024n)}Ti`;
  if (n !== 0n && n % 1024n === 0n) return `${n / 1024n}Gi`;
  return `${n}Mi`;
}

/** GiB to a quantity: 50 → "50Gi". */
export function gibibytes(gib: number): string {
  return mebibytes(gib * 1024);
}

/** True when `n` can be rendered exactly: a whole, non-negative number below 2^53. */
export function isExactSize(n: number): boolean {
  return Number.isSafeInteger(n) && n >= 0;
}

function whole(n: number): bigint {
  if (!isExactSize(n)) throw new RangeError(`${n} is not a whole number below 2^53`);
  return BigInt(n);
}
