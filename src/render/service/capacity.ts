import type { PodTemplateSpec } from '../../api/kube.js';
import type { CapacityProviderStrategyItem } from '../../api/service.js';
import { splitCapacity, type CapacityProviderTable } from '../../placement/capacity.js';
import type { IgnoredField } from '../findings.js';
import type { RenderRefusal } from './inputs.js';

// capacityProviderStrategy with one provider: every task goes to that provider's node pool (its
// RuntimeClass, node selector and tolerations). A strategy of several providers splits the tasks
// by base and weight, which takes one workload per provider; the single workload of a Service
// cannot, so such a strategy is checked and reported but not applied.

export type CapacityResult = { ok: true; template: PodTemplateSpec; ignored: IgnoredField[] } | RenderRefusal;

export function applyCapacityProvider(
  template: PodTemplateSpec,
  strategy: readonly CapacityProviderStrategyItem[] | undefined,
  replicas: number,
  providers: CapacityProviderTable | undefined,
): CapacityResult {
  if (!strategy || strategy.length === 0) return { ok: true, template, ignored: [] };
  const split = splitCapacity(replicas, strategy, providers);
  if (!split.ok) return { ok: false, reason: 'InvalidCapacityProviderStrategy', message: split.errors.join('; ') };
  if (split.shares.length > 1) {
    const counts = split.shares.map((s) => `${s.capacityProvider} ${s.count}`).join(', ');
    return {
      ok: true,
      template,
      ignored: [{ path: 'spec.capacityProviderStrategy', reason: `not honoured: a split across several capacity providers (${counts}) is not rendered; the tasks are placed as without a strategy` }],
    };
  }
  const [share] = split.shares;
  const spec = { ...template.spec };
  if (share.placement.runtimeClassName) spec.runtimeClassName = share.placement.runtimeClassName;
  if (share.placement.nodeSelector) spec.nodeSelector = { ...spec.nodeSelector, ...share.placement.nodeSelector };
  if (share.placement.tolerations) spec.tolerations = [...(spec.tolerations ?? []), ...share.placement.tolerations];
  const metadata = template.metadata ?? {};
  return { ok: true, template: { metadata: { ...metadata, labels: { ...metadata.labels, ...share.labels } }, spec }, ignored: [] };
}
