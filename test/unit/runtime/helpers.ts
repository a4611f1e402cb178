// Shared test helpers: polling for a condition, and loggers that capture or discard lines.

import { Writable } from 'node:stream';
import { Registry } from 'prom-client';
import type { Logger } from 'pino';
import { createLogger } from '../../../src/runtime/logger.js';
import { RuntimeMetrics } from '../../../src/runtime/metrics.js';

/** Polls until `cond` holds; fails after `timeoutMs` with `what`. */
export async function waitFor(cond: () => boolean | Promise<boolean>, what = 'condition', timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export function quietLogger(): Logger {
  return createLogger({ level: 'silent' });
}

/** A logger whose JSON lines land in `lines`. */
export function capturingLogger(level = 'debug'): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const line of chunk.toString().split('\n')) if (line) lines.push(JSON.parse(line) as Record<string, unknown>);
      cb();
    },
  });
  return { logger: createLogger({ level, destination }), lines };
}

export function newMetrics(): RuntimeMetrics {
  return new RuntimeMetrics(new Registry(), { processMetrics: false });
}

/**
 * The value of a counter or gauge sample whose labels include `labels`, or for a histogram
 * (`name` ending in _count or _sum) that series. Undefined when there is none.
 */
export async function sample(metrics: RuntimeMetrics, name: string, labels: Record<string, string> = {}): Promise<number | undefined> {
  const base = name.replace(/_(count|sum)$/, '');
  const metric = metrics.registry.getSingleMetric(metrics.registry.getSingleMetric(name) ? name : base);
  if (!metric) return undefined;
  const data = await metric.get();
  const match = data.values.find(
    (v) =>
      ((v as { metricName?: string }).metricName ?? name) === name &&
      Object.entries(labels).every(([k, val]) => String((v.labels as Record<string, unknown>)[k]) === val),
  );
  return match?.value;
}
