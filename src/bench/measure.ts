import { cpus, loadavg } from 'node:os';

// Small measuring tools shared by the benchmarks. Results are ratios against a baseline measured
// in the same run on the same machine, never absolute thresholds.

export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index];
}

/** Runs `work` over `items` with at most `limit` in flight. */
export async function inParallel<T>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      await work(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** Polls `check` every `intervalMs` until it is true; fails after `timeoutMs` with `what`. */
export async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs: number, intervalMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${Math.round(timeoutMs / 1000)}s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
export const ratio = (value: number, baseline: number) => `${(value / baseline).toFixed(2)}×`;

/** Sum of a Prometheus text-format metric's samples whose labels include all of `labels`. */
export function metricSum(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (!Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) continue;
    sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

export const WRITE_METHODS = ['POST', 'PUT', 'PATCH', 'DELETE'];

export function writes(metricsText: string): number {
  return WRITE_METHODS.reduce((n, method) => n + metricSum(metricsText, 'rest_client_requests_total', { method }), 0);
}

/** The machine's 1-minute load average, sampled every 5 s from now until stop() returns the mean. */
export function sampleLoad(): { stop(): number } {
  const samples = [loadavg()[0]];
  const timer = setInterval(() => samples.push(loadavg()[0]), 5000).unref();
  return {
    stop: () => {
      clearInterval(timer);
      return samples.reduce((a, b) => a + b, 0) / samples.length;
    },
  };
}

export const coreCount = () => cpus().length;
