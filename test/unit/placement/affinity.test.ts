import { describe, expect, it } from '@jest/globals';
import type { Affinity, NodeSelectorRequirement } from '../../../src/api/kube.js';
import { requireNodeLabels } from '../../../src/placement/affinity.js';

const notSpot: NodeSelectorRequirement = { key: 'ecs.berth.dev/capacity-type', operator: 'NotIn', values: ['spot'] };
const zoneA: NodeSelectorRequirement = { key: 'topology.kubernetes.io/zone', operator: 'In', values: ['zone-a'] };
const arm: NodeSelectorRequirement = { key: 'kubernetes.io/arch', operator: 'In', values: ['arm64'] };

describe('requireNodeLabels', () => {
  it('makes the only term of a pod without node affinity', () => {
    expect(requireNodeLabels(undefined, [notSpot])).toEqual({ nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [notSpot] }] } } });
  });

  it('goes into every ORed term, once, and keeps the rest of the affinity', () => {
    const podAntiAffinity = { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname' }] };
    const affinity: Affinity = {
      nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [zoneA] }, { matchExpressions: [arm, notSpot] }] } },
      podAntiAffinity,
    };
    expect(requireNodeLabels(affinity, [notSpot])).toEqual({
      nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [zoneA, notSpot] }, { matchExpressions: [arm, notSpot] }] } },
      podAntiAffinity,
    });
  });

  it('does not change its input, and nothing to require changes nothing', () => {
    const affinity: Affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [zoneA] }] } } };
    const before = structuredClone(affinity);
    requireNodeLabels(affinity, [notSpot]);
    expect(affinity).toEqual(before);
    expect(requireNodeLabels(affinity, [])).toEqual(before);
  });
});
