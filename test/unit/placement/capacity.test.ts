import { describe, expect, it } from '@jest/globals';
import type { CapacityProviderStrategyItem } from '../../../src/api/service.js';
import { splitCapacity, splitCounts } from '../../../src/placement/capacity.js';

const A = 'FARGATE';
const B = 'FARGATE_SPOT';

describe('splitCapacity: counts', () => {
  // [name, desired, strategy, counts in strategy order]
  const cases: [string, number, CapacityProviderStrategyItem[], number[]][] = [
    // ECS: "both have a weight of 1 … the tasks will be split evenly".
    ['1:1, even', 4, [{ capacityProvider: A, weight: 1 }, { capacityProvider: B, weight: 1 }], [2, 2]],
    ['1:1, odd: the earlier provider takes the extra task', 5, [{ capacityProvider: A, weight: 1 }, { capacityProvider: B, weight: 1 }], [3, 2]],
    // ECS: "weight of 1 for A and 4 for B: for every one task on A, four use B".
    ['1:4 with 5 tasks', 5, [{ capacityProvider: A, weight: 1 }, { capacityProvider: B, weight: 4 }], [1, 4]],
    ['1:4 with 10 tasks', 10, [{ capacityProvider: A, weight: 1 }, { capacityProvider: B, weight: 4 }], [2, 8]],
    ['1:4 with 1 task: the heavier provider first', 1, [{ capacityProvider: A, weight: 1 }, { capacityProvider: B, weight: 4 }], [0, 1]],
    // The ECS Spot workshop: base 2 on-demand, then 1:3.
    ['base 2, then 1:3, 10 tasks', 10, [{ capacityProvider: A, base: 2, weight: 1 }, { capacityProvider: B, weight: 3 }], [4, 6]],
    ['base 2, then 1:3, 6 tasks', 6, [{ capacityProvider: A, base: 2, weight: 1 }, { capacityProvider: B, weight: 3 }], [3, 3]],
    ['base 2, then 1:3, 2 tasks: base only', 2, [{ capacityProvider: A, base: 2, weight: 1 }, { capacityProvider: B, weight: 3 }], [2, 0]],
    ['base larger than the desired count', 3, [{ capacityProvider: A, base: 5, weight: 1 }, { capacityProvider: B, weight: 1 }], [3, 0]],
    ['base on the second provider', 5, [{ capacityProvider: A, weight: 1 }, { capacityProvider: B, base: 3, weight: 1 }], [1, 4]],
    ['a weight-0 provider gets only its base', 5, [{ capacityProvider: A, base: 2 }, { capacityProvider: B, weight: 1 }], [2, 3]],
    ['a weight-0 provider without base gets nothing', 5, [{ capacityProvider: A, weight: 0 }, { capacityProvider: B, weight: 2 }], [0, 5]],
    ['a single provider takes everything, even with weight 0', 7, [{ capacityProvider: A }], [7]],
    ['a single provider with a base', 7, [{ capacityProvider: A, base: 2 }], [7]],
    ['zero tasks', 0, [{ capacityProvider: A, base: 2, weight: 1 }, { capacityProvider: B, weight: 1 }], [0, 0]],
    ['three providers 1:2:3', 12, [{ capacityProvider: A, weight: 1 }, { capacityProvider: B, weight: 2 }, { capacityProvider: 'EC2', weight: 3 }], [2, 4, 6]],
    ['three providers 1:1:1, 4 tasks', 4, [{ capacityProvider: A, weight: 1 }, { capacityProvider: B, weight: 1 }, { capacityProvider: 'EC2', weight: 1 }], [2, 1, 1]],
  ];
  it.each(cases)('%s', (_name, desired, strategy, counts) => {
    const r = splitCapacity(desired, strategy);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.shares.map((s) => s.count)).toEqual(counts);
    expect(r.shares.map((s) => s.count).reduce((a, b) => a + b, 0)).toBe(desired);
  });

  it('never moves a task between providers when the count grows by one', () => {
    const strategies: CapacityProviderStrategyItem[][] = [
      [{ capacityProvider: A, weight: 1 }, { capacityProvider: B, weight: 4 }],
      [{ capacityProvider: A, base: 3, weight: 2 }, { capacityProvider: B, weight: 3 }, { capacityProvider: 'EC2', weight: 7 }],
      [{ capacityProvider: A, weight: 5 }, { capacityProvider: B, weight: 5 }, { capacityProvider: 'EC2', weight: 1 }],
    ];
    for (const strategy of strategies) {
      let previous = splitCounts(0, strategy);
      for (let n = 1; n <= 60; n++) {
        const next = splitCounts(n, strategy);
        next.forEach((c, i) => expect(c).toBeGreaterThanOrEqual(previous[i]));
        previous = next;
      }
    }
  });
});

describe('splitCapacity: placement of each provider', () => {
  it('knows FARGATE, FARGATE_SPOT and EC2, and labels the pods with the provider', () => {
    const r = splitCapacity(3, [{ capacityProvider: 'EC2', base: 1 }, { capacityProvider: A, weight: 1 }, { capacityProvider: B, weight: 1 }]);
    expect(r).toEqual({
      ok: true,
      shares: [
        { capacityProvider: 'EC2', count: 1, placement: {}, labels: { 'ecs.berth.dev/capacity-provider': 'EC2' } },
        {
          capacityProvider: A,
          count: 1,
          // On-demand: any isolated node not labelled as spot (unlabelled clusters included).
          placement: { runtimeClassName: 'berth-isolated', nodeRequirements: [{ key: 'ecs.berth.dev/capacity-type', operator: 'NotIn', values: ['spot'] }] },
          labels: { 'ecs.berth.dev/capacity-provider': 'FARGATE' },
        },
        {
          capacityProvider: B,
          count: 1,
          placement: { runtimeClassName: 'berth-isolated', nodeSelector: { 'ecs.berth.dev/capacity-type': 'spot' } },
          labels: { 'ecs.berth.dev/capacity-provider': 'FARGATE_SPOT' },
        },
      ],
    });
  });

  it('takes declared providers, which may override built-in ones', () => {
    const gpu = { nodeSelector: { pool: 'gpu' }, tolerations: [{ key: 'gpu', operator: 'Exists' as const, effect: 'NoSchedule' as const }] };
    const r = splitCapacity(2, [{ capacityProvider: 'gpu-pool', weight: 1 }, { capacityProvider: A, weight: 1 }], {
      'gpu-pool': gpu,
      FARGATE: { runtimeClassName: 'kata' },
    });
    expect(r.ok && r.shares.map((s) => s.placement)).toEqual([gpu, { runtimeClassName: 'kata' }]);
  });

  it('encodes provider names that are not label values', () => {
    const name = `asg:${'x'.repeat(80)}`;
    const r = splitCapacity(1, [{ capacityProvider: name, weight: 1 }], { [name]: {} });
    const value = r.ok ? r.shares[0].labels['ecs.berth.dev/capacity-provider'] : '';
    expect(value.length).toBeLessThanOrEqual(63);
    expect(value).toMatch(/^asg\.x+-[0-9a-f]{8}$/);
  });
});

describe('splitCapacity: refusals', () => {
  it.each<[string, number, CapacityProviderStrategyItem[], string]>([
    ['two bases', 4, [{ capacityProvider: A, base: 1, weight: 1 }, { capacityProvider: B, base: 1, weight: 1 }], 'only one capacity provider in a strategy can have a base'],
    ['all weights 0', 4, [{ capacityProvider: A, base: 1 }, { capacityProvider: B }], 'must have a weight greater than 0'],
    ['unknown provider', 1, [{ capacityProvider: 'nope', weight: 1 }], 'unknown capacity provider nope; known: EC2, FARGATE, FARGATE_SPOT'],
    ['duplicate', 1, [{ capacityProvider: A, weight: 1 }, { capacityProvider: A, weight: 1 }], 'appears twice'],
    ['negative weight', 1, [{ capacityProvider: A, weight: -1 }], 'weight must be an integer from 0 to 1000'],
    ['base too large', 1, [{ capacityProvider: A, base: 100001 }], 'base must be an integer from 0 to 100000'],
    ['empty strategy', 1, [], 'at least one provider'],
    ['negative desired count', -1, [{ capacityProvider: A }], 'desiredCount must be a non-negative integer'],
  ])('%s', (_name, desired, strategy, fragment) => {
    const r = splitCapacity(desired, strategy);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.errors.join('\n')).toContain(fragment);
  });
});
