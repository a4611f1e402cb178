import type { PodSpec, PodTemplateSpec } from '../../api/kube.js';
import type { Service } from '../../api/service.js';
import { effectiveLaunchType } from '../../ecs/compatibility.js';
import { splitRolloutLimits, type RolloutLimits } from '../../ecs/rollout.js';
import type { RolloutPlan } from '../../ecs/status.js';
import { requireNodeLabels } from '../../placement/affinity.js';
import { splitCapacity, type CapacityProviderPlacement, type CapacityProviderTable } from '../../placement/capacity.js';
import type { IgnoredField } from '../findings.js';
import type { RenderRefusal } from './inputs.js';
import { providerWorkloadName, splitsByProvider, workloadName } from './names.js';

// capacityProviderStrategy → the workloads of a Service. Without a strategy, one workload runs
// every task. With one, a REPLICA Service runs one Deployment per provider, each with the
// provider's share of the tasks (base, then weight: src/placement/capacity.ts), the provider's
// node pool (RuntimeClass, node selector, node requirements, tolerations), its launch type
// (FARGATE for FARGATE and FARGATE_SPOT, EC2 otherwise) and the service's rolling-update limits
// split over the shares. A provider with no share still gets its Deployment, at 0 replicas, so
// a change of desired count only rescales. A DAEMON Service runs on every eligible node and
// cannot be split: one provider places its DaemonSet, several are reported.

/** One workload of a Service: what it is called, how many tasks it runs, and where. */
export interface WorkloadShare {
  name: string;
  /** The provider whose share this is; absent without a strategy. */
  capacityProvider?: string;
  launchType?: string;
  /** Deployment replicas; 0 for a DaemonSet. */
  replicas: number;
  limits: RolloutLimits;
  placement?: CapacityProviderPlacement;
  /** Pod labels of the share (ecs.berth.dev/capacity-provider), also added to the workload's selector when split. */
  labels: Record<string, string>;
  /** Labels the workload selects on besides the service label. */
  selector: Record<string, string>;
}

export type SharesResult = { ok: true; shares: WorkloadShare[]; ignored: IgnoredField[] } | RenderRefusal;

export function planShares(svc: Pick<Service, 'metadata' | 'spec'>, rollout: RolloutPlan, providers: CapacityProviderTable | undefined): SharesResult {
  const strategy = svc.spec.capacityProviderStrategy ?? [];
  const whole: WorkloadShare = { name: workloadName(svc), launchType: effectiveLaunchType(svc.spec), replicas: rollout.replicas, limits: rollout.limits, labels: {}, selector: {} };
  if (strategy.length === 0) return { ok: true, shares: [whole], ignored: [] };
  const split = splitCapacity(rollout.replicas, strategy, providers);
  if (!split.ok) return { ok: false, reason: 'InvalidCapacityProviderStrategy', message: split.errors.join('; ') };

  if (!splitsByProvider(svc)) {
    if (split.shares.length > 1) {
      const reason = 'not honoured: a DAEMON service runs one task on every eligible node, which several capacity providers cannot share; the tasks are placed as without a strategy';
      return { ok: true, shares: [whole], ignored: [{ path: 'spec.capacityProviderStrategy', reason }] };
    }
    const [only] = split.shares;
    return { ok: true, shares: [{ ...whole, capacityProvider: only.capacityProvider, placement: only.placement, labels: only.labels }], ignored: [] };
  }

  const limits = splitRolloutLimits(rollout.limits, split.shares.map((s) => s.count));
  const shares = split.shares.map((s, i): WorkloadShare => ({
    name: providerWorkloadName(svc, s.capacityProvider),
    capacityProvider: s.capacityProvider,
    launchType: effectiveLaunchType({ capacityProviderStrategy: [strategy[i]] }),
    replicas: s.count,
    limits: limits[i],
    placement: s.placement,
    labels: s.labels,
    selector: s.labels,
  }));
  const taken = shares.find((s, i) => shares.findIndex((t) => t.name === s.name) < i);
  if (taken) {
    const both = shares.filter((s) => s.name === taken.name).map((s) => s.capacityProvider).join(' and ');
    return { ok: false, reason: 'InvalidCapacityProviderStrategy', message: `capacity providers ${both} would both run as Deployment ${taken.name}` };
  }
  return { ok: true, shares, ignored: [] };
}

/** The share's labels and node pool on a pod template. */
export function applyShare(template: PodTemplateSpec, share: WorkloadShare): PodTemplateSpec {
  const spec: PodSpec = { ...template.spec };
  const placement = share.placement ?? {};
  if (placement.runtimeClassName) spec.runtimeClassName = placement.runtimeClassName;
  if (placement.nodeSelector) spec.nodeSelector = { ...spec.nodeSelector, ...placement.nodeSelector };
  if (placement.nodeRequirements) spec.affinity = requireNodeLabels(spec.affinity, placement.nodeRequirements);
  if (placement.tolerations) spec.tolerations = [...(spec.tolerations ?? []), ...placement.tolerations];
  const metadata = template.metadata ?? {};
  return { metadata: { ...metadata, labels: { ...metadata.labels, ...share.labels } }, spec };
}

