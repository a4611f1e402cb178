// capacityProviderStrategy → how many replicas each capacity provider (node pool) runs.
//
// ECS's rules: the one provider with a `base` gets that many tasks first; the rest are shared by
// `weight` (1:4 means one task on A for every four on B); a weight-0 provider gets nothing beyond
// its base, and a strategy of several providers that are all weight 0 is refused. ECS does not
// document how a share that does not divide evenly is rounded. Berth gives out the remaining
// tasks one at a time, each to the provider whose weight per task it already holds is the
// highest (ties to the earlier provider in the strategy): the split never moves a task from one
// provider to another when the count grows by one, as ECS places tasks one by one on scale-out.

import type { NodeSelectorRequirement, Toleration } from '../api/kube.js';
import type { CapacityProviderStrategyItem } from '../api/service.js';
import { CAPACITY_PROVIDER_LABEL, CAPACITY_TYPE_LABEL, ISOLATED_RUNTIME_CLASS, toLabelValue } from './labels.js';

export type CapacityProviderStrategyItemInput = CapacityProviderStrategyItem;

/** Where a provider's pods go. */
export interface CapacityProviderPlacement {
  runtimeClassName?: string;
  nodeSelector?: Record<string, string>;
  /** Required of every node, besides the node selector (ANDed into the pod's node affinity). */
  nodeRequirements?: NodeSelectorRequirement[];
  tolerations?: Toleration[];
}

export type CapacityProviderTable = Readonly<Record<string, CapacityProviderPlacement>>;

/**
 * Providers every cluster has. FARGATE and FARGATE_SPOT run in the isolated runtime class:
 * FARGATE_SPOT on nodes labelled as spot capacity, FARGATE on any other (a node without the label
 * counts as on-demand, so clusters that do not label capacity types still run FARGATE tasks). EC2
 * is Berth's name for the ordinary node pools.
 */
export const BUILT_IN_CAPACITY_PROVIDERS: CapacityProviderTable = {
  FARGATE: { runtimeClassName: ISOLATED_RUNTIME_CLASS, nodeRequirements: [{ key: CAPACITY_TYPE_LABEL, operator: 'NotIn', values: ['spot'] }] },
  FARGATE_SPOT: { runtimeClassName: ISOLATED_RUNTIME_CLASS, nodeSelector: { [CAPACITY_TYPE_LABEL]: 'spot' } },
  EC2: {},
};

export interface ProviderShare {
  capacityProvider: string;
  count: number;
  placement: CapacityProviderPlacement;
  /** Labels for this provider's pods. */
  labels: Record<string, string>;
}

export type CapacitySplitResult = { ok: true; shares: ProviderShare[] } | { ok: false; errors: string[] };

export const MAX_PROVIDERS = 20;
export const MAX_BASE = 100000;
export const MAX_WEIGHT = 1000;

/**
 * The replicas per provider, in strategy order (providers that get none are listed with 0).
 * `providers` adds to or overrides the built-in providers.
 */
export function splitCapacity(
  desiredCount: number,
  strategy: readonly CapacityProviderStrategyItemInput[],
  providers: CapacityProviderTable = {},
): CapacitySplitResult {
  const table: CapacityProviderTable = { ...BUILT_IN_CAPACITY_PROVIDERS, ...providers };
  const errors = validate(desiredCount, strategy, table);
  if (errors.length > 0) return { ok: false, errors };

  const counts = splitCounts(desiredCount, strategy);
  return {
    ok: true,
    shares: strategy.map((item, i) => ({
      capacityProvider: item.capacityProvider,
      count: counts[i],
      placement: table[item.capacityProvider],
      labels: { [CAPACITY_PROVIDER_LABEL]: toLabelValue(item.capacityProvider) },
    })),
  };
}

/** Just the arithmetic, for a strategy already known to be valid. */
export function splitCounts(desiredCount: number, strategy: readonly CapacityProviderStrategyItemInput[]): number[] {
  const counts = strategy.map(() => 0);
  let left = desiredCount;
  const baseIndex = strategy.findIndex((s) => (s.base ?? 0) > 0);
  if (baseIndex >= 0) {
    counts[baseIndex] = Math.min(strategy[baseIndex].base ?? 0, left);
    left -= counts[baseIndex];
  }
  const weights = strategy.map((s) => s.weight ?? 0);
  if (weights.every((w) => w === 0)) {
    // Only possible with a single provider: it takes everything.
    counts[0] += left;
    return counts;
  }
  const byWeight = strategy.map(() => 0);
  for (; left > 0; left--) {
    let best = -1;
    for (let i = 0; i < strategy.length; i++) {
      if (weights[i] === 0) continue;
      // weights[i] / (byWeight[i] + 1) > weights[best] / (byWeight[best] + 1), in integers.
      if (best < 0 || weights[i] * (byWeight[best] + 1) > weights[best] * (byWeight[i] + 1)) best = i;
    }
    byWeight[best]++;
    counts[best]++;
  }
  return counts;
}

function validate(desiredCount: number, strategy: readonly CapacityProviderStrategyItemInput[], table: CapacityProviderTable): string[] {
  const errors: string[] = [];
  if (!Number.isInteger(desiredCount) || desiredCount < 0) errors.push(`desiredCount must be a non-negative integer, found ${desiredCount}`);
  if (strategy.length === 0) errors.push('a capacity provider strategy needs at least one provider');
  if (strategy.length > MAX_PROVIDERS) errors.push(`a capacity provider strategy holds at most ${MAX_PROVIDERS} providers`);
  const seen = new Set<string>();
  strategy.forEach((item, i) => {
    const where = `capacityProviderStrategy[${i}]`;
    if (seen.has(item.capacityProvider)) errors.push(`${where}: capacity provider ${item.capacityProvider} appears twice`);
    seen.add(item.capacityProvider);
    if (!Object.hasOwn(table, item.capacityProvider)) {
      errors.push(`${where}: unknown capacity provider ${item.capacityProvider}; known: ${Object.keys(table).sort().join(', ')}`);
    }
    if (!inRange(item.base ?? 0, MAX_BASE)) errors.push(`${where}.base must be an integer from 0 to ${MAX_BASE}`);
    if (!inRange(item.weight ?? 0, MAX_WEIGHT)) errors.push(`${where}.weight must be an integer from 0 to ${MAX_WEIGHT}`);
  });
  if (strategy.filter((s) => (s.base ?? 0) > 0).length > 1) errors.push('only one capacity provider in a strategy can have a base');
  if (strategy.length > 1 && strategy.every((s) => (s.weight ?? 0) === 0)) {
    errors.push('at least one capacity provider in a strategy of several must have a weight greater than 0');
  }
  return errors;
}

function inRange(n: number, max: number): boolean {
  return Number.isInteger(n) && n >= 0 && n <= max;
}
