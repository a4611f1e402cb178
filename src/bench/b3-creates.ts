import type { Kube, KubeObject } from '../runtime/index.js';
import { PLAIN_NAMESPACE, WEBHOOK_NAMESPACE, benchPod } from './b3-setup.js';
import { inParallel } from './measure.js';

// Pod CREATE latency as the client sees it, in a namespace the webhook sees and one it does not,
// from the same client in the same run. The arms alternate (ABBA), so drift over the run (etcd
// growing, caches warming) falls on both alike.

export type Arm = 'webhook' | 'plain';

export interface CreateLatencies {
  webhook: number[];
  plain: number[];
  /** Wall time of each arm's creates in the concurrent phase. */
  wallMs?: Record<Arm, number>;
}

const namespaceOf = (arm: Arm) => (arm === 'webhook' ? WEBHOOK_NAMESPACE : PLAIN_NAMESPACE);

async function timedCreate(kube: Kube, arm: Arm, name: string): Promise<number> {
  const started = performance.now();
  await kube.create(benchPod(name, namespaceOf(arm)) as KubeObject);
  return performance.now() - started;
}

/** `count` pods per arm, one request at a time, alternating webhook, plain, plain, webhook, … */
export async function sequentialCreates(kube: Kube, count: number, progress: (line: string) => void): Promise<CreateLatencies> {
  const out: CreateLatencies = { webhook: [], plain: [] };
  for (let i = 0; i < count; i++) {
    const order: Arm[] = i % 2 === 0 ? ['webhook', 'plain'] : ['plain', 'webhook'];
    for (const arm of order) out[arm].push(await timedCreate(kube, arm, `seq-${i}`));
    if ((i + 1) % 50 === 0) progress(`  ... ${i + 1}/${count} pods per arm`);
  }
  return out;
}

/** `count` pods per arm, `concurrency` requests in flight, in blocks webhook, plain, plain, webhook. */
export async function concurrentCreates(kube: Kube, count: number, concurrency: number, progress: (line: string) => void): Promise<CreateLatencies> {
  const out: CreateLatencies = { webhook: [], plain: [], wallMs: { webhook: 0, plain: 0 } };
  const half = Math.ceil(count / 2);
  const blocks: [Arm, number, number][] = [['webhook', 0, half], ['plain', 0, half], ['plain', half, count], ['webhook', half, count]];
  for (const [arm, from, to] of blocks) {
    const indexes = Array.from({ length: to - from }, (_, i) => from + i);
    const started = performance.now();
    await inParallel(indexes, concurrency, async (i) => void out[arm].push(await timedCreate(kube, arm, `par-${i}`)));
    out.wallMs![arm] += performance.now() - started;
    progress(`  ... ${arm} pods ${from}–${to - 1} done`);
  }
  return out;
}
