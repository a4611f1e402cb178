import { describe, expect, test } from '@jest/globals';
import { APPLIED_HASH_ANNOTATION, Applier, withAppliedHash } from '../../../src/controllers/apply.js';
import type { Kube, KubeObject } from '../../../src/runtime/index.js';

// What the Applier sends, against a Kube that records applies and answers with the generation
// the apiserver would give the object after each one.

const desired: KubeObject = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' } };
const hash = withAppliedHash(desired).metadata?.annotations?.[APPLIED_HASH_ANNOTATION];

function recorder(generationAfterApply: number | undefined) {
  const sent: { obj: KubeObject; fieldManager?: string }[] = [];
  const kube = {
    apply: async (obj: KubeObject, opts: { fieldManager?: string } = {}) => {
      sent.push({ obj, fieldManager: opts.fieldManager });
      return { ...obj, metadata: { ...obj.metadata, uid: 'u1', ...(generationAfterApply === undefined ? {} : { generation: generationAfterApply }) } };
    },
  } as unknown as Kube;
  return { applier: new Applier(kube), sent };
}

const cached = (generation: number | undefined, applied = hash): KubeObject => ({
  ...desired,
  metadata: { ...desired.metadata, uid: 'u1', ...(generation === undefined ? {} : { generation }), annotations: { [APPLIED_HASH_ANNOTATION]: applied ?? '' } },
});

describe('Applier.apply', () => {
  // [case, cached object, generation on record, writes, generation to keep]
  test.each<[string, KubeObject | undefined, number | undefined, boolean, number | undefined]>([
    ['nothing cached: applies', undefined, undefined, true, 4],
    ['another hash: applies', cached(1, 'other'), 1, true, 4],
    ['the same hash at the generation on record (a converged restart): writes nothing', cached(7), 7, false, 7],
    ['the same hash, the cache behind Berth\'s own apply: writes nothing', cached(6), 7, false, 7],
    ['the same hash at a later generation (kubectl set image, even while Berth was down): applies', cached(8), 7, true, 4],
    ['the same hash and no generation on record (an object applied before records were kept): applies once', cached(7), undefined, true, 4],
  ])('%s', async (_name, current, recorded, writes, kept) => {
    const { applier, sent } = recorder(4);
    expect(await applier.apply(desired, current, recorded)).toEqual({ wrote: writes, generation: kept });
    expect(sent).toHaveLength(writes ? 1 : 0);
    if (writes) expect(sent[0].obj.metadata?.annotations?.[APPLIED_HASH_ANNOTATION]).toBe(hash);
  });

  test('a kind without a generation (a core Service) is judged by the hash alone', async () => {
    const { applier, sent } = recorder(undefined);
    expect(await applier.apply(desired, cached(undefined), undefined)).toEqual({ wrote: false, generation: undefined });
    expect(await applier.apply(desired, cached(undefined, 'other'), undefined)).toEqual({ wrote: true, generation: undefined });
    expect(sent).toHaveLength(1);
  });
});

describe('Applier.applyShared', () => {
  const account = (extra: Partial<NonNullable<KubeObject['metadata']>> = {}): KubeObject => ({
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: {
      name: 'task-role-app',
      namespace: 'shop',
      labels: { 'app.kubernetes.io/managed-by': 'berth' },
      annotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::1:role/app' },
      ownerReferences: [{ apiVersion: 'ecs.berth.dev/v1alpha1', kind: 'Service', name: 'web', uid: 'svc-1', controller: false, blockOwnerDeletion: false }],
      ...extra,
    },
  });
  const other = { apiVersion: 'ecs.berth.dev/v1alpha1', kind: 'Service', name: 'api', uid: 'svc-2' };

  test.each<[string, KubeObject | undefined, boolean]>([
    ['nothing cached: applies', undefined, true],
    ['cached as wanted, with another Service\'s owner reference and more labels: writes nothing', account({
      labels: { 'app.kubernetes.io/managed-by': 'berth', team: 'a' },
      ownerReferences: [other, { apiVersion: 'ecs.berth.dev/v1alpha1', kind: 'Service', name: 'web', uid: 'svc-1' }],
    }), false],
    ['this Service\'s owner reference missing: applies', account({ ownerReferences: [other] }), true],
    ['the role annotation changed by hand: applies', account({ annotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::1:role/other' } }), true],
  ])('%s', async (_name, current, writes) => {
    const { applier, sent } = recorder(undefined);
    expect(await applier.applyShared(account(), current, 'berth-svc-1')).toBe(writes);
    expect(sent.map((s) => s.fieldManager)).toEqual(writes ? ['berth-svc-1'] : []);
    if (writes) expect(sent[0].obj.metadata?.annotations?.[APPLIED_HASH_ANNOTATION]).toBeUndefined();
  });
});
