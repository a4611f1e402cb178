// ECS sizes as Kubernetes quantities, in the canonical form the apiserver stores, so that a
// rendered object compares equal to what comes back from the cluster.

/** CPU units (1024 per vCPU) to a cpu quantity: 256 → "250m", 1024 → "1". Rounded up to 1m. */
export function cpuQuantity(units: number): string {
  const milli = Math.ceil((units * 1000) / 1024);
  return milli % 1000 === 0 ? String(milli / 1000) : `${milli}m`;
}

/** MiB to a memory quantity: 512 → "512Mi", 2048 → "2Gi". */
export function mebibytes(mib: number): string {
  if (mib !== 0 && mib % (1024 * 1024) === 0) return `${mib / (1024 * 1024)}Ti`;
  if (mib !== 0 && mib % 1024 === 0) return `${mib / 1024}Gi`;
  return `${mib}Mi`;
}

/** GiB to a quantity: 50 → "50Gi". */
export function gibibytes(gib: number): string {
  return mebibytes(gib * 1024);
}
