import { describe, expect, test } from '@jest/globals';
import { APPLIED_HASH_ANNOTATION, Applier, withAppliedHash } from '../../../src/controllers/apply.js';
import type { Kube, KubeObject } from '../../../src/runtime/index.js';

// What the Applier sends, against a Kube that records applies and answers with the generation
// the apiserver would give the object after each one.

const desired: KubeObject = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' } };
const hash = withAppliedHash(desired).metadata?.annotations?.[APPLIED_HASH_ANNOTATION];

function recorder(generationAfterApply: number) {
  const sent: KubeObject[] = [];
  const kube = {
    apply: async (obj: KubeObject) => {
      sent.push(obj);
      return { ...obj, metadata: { ...obj.metadata, uid: 'u1', generation: generationAfterApply } };
    },
  } as unknown as Kube;
  return { applier: new Applier(kube), sent };
}

const cached = (generation: number | undefined, applied = hash): KubeObject => ({
  ...desired,
  metadata: { ...desired.metadata, uid: 'u1', ...(generation === undefined ? {} : { generation }), annotations: { [APPLIED_HASH_ANNOTATION]: applied ?? '' } },
});

describe('Applier', () => {
  test.each<[string, KubeObject | undefined, boolean]>([
    ['nothing cached: applies', undefined, true],
    ['another hash: applies', cached(1, 'other'), true],
    ['the same hash, no apply remembered (a restart): writes nothing', cached(7), false],
  ])('%s', async (_name, current, writes) => {
    const { applier, sent } = recorder(1);
    expect(await applier.apply(desired, current)).toBe(writes);
    expect(sent).toHaveLength(writes ? 1 : 0);
    if (writes) expect(sent[0].metadata?.annotations?.[APPLIED_HASH_ANNOTATION]).toBe(hash);
  });

  test('after its own apply, a later generation with the same hash is drift and is applied again', async () => {
    const { applier, sent } = recorder(2);
    await applier.apply(desired, undefined);
    expect(await applier.apply(desired, cached(1))).toBe(false); // the cache has not caught up yet
    expect(await applier.apply(desired, cached(2))).toBe(false); // converged
    expect(await applier.apply(desired, cached(3))).toBe(true); // kubectl edit / set image
    expect(sent).toHaveLength(2);
  });

  test('forget drops what was remembered', async () => {
    const { applier } = recorder(2);
    await applier.apply(desired, undefined);
    applier.forget(cached(2));
    expect(await applier.apply(desired, cached(3))).toBe(false);
  });
});
