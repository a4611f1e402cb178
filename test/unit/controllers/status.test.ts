import { describe, expect, test } from '@jest/globals';
import { StatusMemory } from '../../../src/controllers/status.js';
import type { Kube, KubeObject } from '../../../src/runtime/index.js';

// A pass that runs before the informer delivers the status the previous pass wrote must start
// from that status, or it reports the same events and failures again.

type WithStatus = KubeObject & { status?: unknown };

function apiserver() {
  let rv = 10;
  const writes: unknown[] = [];
  const kube = {
    applyStatus: async (obj: WithStatus) => {
      writes.push(obj.status);
      return { ...obj, metadata: { ...obj.metadata, resourceVersion: String(++rv) } };
    },
  } as unknown as Kube;
  return { kube, writes };
}

const svc = (resourceVersion: string, status: unknown): WithStatus => ({ apiVersion: 'ecs.berth.dev/v1alpha1', kind: 'Service', metadata: { name: 'web', namespace: 'shop', resourceVersion }, status });

describe('StatusMemory', () => {
  test('two writes in quick succession: a cache holding the first still gives the second', async () => {
    const { kube } = apiserver();
    const memory = new StatusMemory();
    await memory.write(kube, svc('10', { n: 0 }), { n: 1 }); // stored as 11
    await memory.write(kube, memory.fresh(svc('10', { n: 0 })), { n: 2 }); // stored as 12
    expect(memory.fresh(svc('11', { n: 1 })).status).toEqual({ n: 2 });
    expect(memory.fresh(svc('12', { n: 2 })).status).toEqual({ n: 2 });
    // Caught up: the cache is the truth again (someone else's later status included).
    expect(memory.fresh(svc('13', { n: 9 })).status).toEqual({ n: 9 });
  });

  test('a newer version that carries the written status clears the memory', async () => {
    const { kube } = apiserver();
    const memory = new StatusMemory();
    await memory.write(kube, svc('10', { n: 0 }), { n: 1 });
    expect(memory.fresh(svc('15', { n: 1 })).status).toEqual({ n: 1 });
    expect(memory.fresh(svc('16', { n: 5 })).status).toEqual({ n: 5 });
  });

  test('writes only what changed, and forgets objects that are gone', async () => {
    const { kube, writes } = apiserver();
    const memory = new StatusMemory();
    expect(await memory.write(kube, svc('10', { n: 1 }), { n: 1 })).toBe(false);
    expect(await memory.write(kube, svc('10', { n: 1 }), { n: 2 })).toBe(true);
    memory.forget('shop', 'web');
    expect(memory.fresh(svc('10', { n: 1 })).status).toEqual({ n: 1 });
    expect(writes).toEqual([{ n: 2 }]);
  });
});
