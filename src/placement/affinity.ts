// Adding a node requirement to a pod's required node affinity. Its terms are ORed, so a
// requirement every pod must meet goes into each of them; with no terms it becomes the only one.

import type { Affinity, NodeSelectorRequirement } from '../api/kube.js';

/** A copy of `affinity` whose required node affinity also demands every one of `requirements`. */
export function requireNodeLabels(affinity: Affinity | undefined, requirements: readonly NodeSelectorRequirement[]): Affinity {
  const out: Affinity = { ...affinity };
  if (requirements.length === 0) return out;
  const nodeAffinity = { ...out.nodeAffinity };
  const terms = nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  const required = terms.length === 0
    ? [{ matchExpressions: [...requirements] }]
    : terms.map((t) => {
      const missing = requirements.filter((r) => !(t.matchExpressions ?? []).some((e) => sameRequirement(e, r)));
      return missing.length === 0 ? t : { ...t, matchExpressions: [...(t.matchExpressions ?? []), ...missing] };
    });
  nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution = { nodeSelectorTerms: required };
  out.nodeAffinity = nodeAffinity;
  return out;
}

function sameRequirement(a: NodeSelectorRequirement, b: NodeSelectorRequirement): boolean {
  return a.key === b.key && a.operator === b.operator && JSON.stringify(a.values ?? []) === JSON.stringify(b.values ?? []);
}
