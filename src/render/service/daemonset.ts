import type { DaemonSet, PodTemplateSpec } from '../../api/kube.js';
import type { Service } from '../../api/service.js';
import type { RolloutPlan } from '../../ecs/status.js';
import type { WorkloadShare } from './capacity.js';
import { childMetadata } from './metadata.js';
import { selectorLabels } from './names.js';
import { daemonSetStrategy } from './rolling.js';

// DAEMON → DaemonSet <service>: one task on every node that meets the placement constraints
// (node affinity in the pod template). A held rollout (FAILED without a completed deployment to
// roll back to, or limits that let no task be replaced) becomes the OnDelete strategy: the new
// template reaches a node only when someone deletes its pod.

export function renderDaemonSet(
  svc: Pick<Service, 'metadata' | 'spec'>,
  share: WorkloadShare,
  template: PodTemplateSpec,
  plan: RolloutPlan,
  labels: Record<string, string>,
): DaemonSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: childMetadata(svc, share.name, labels),
    spec: {
      selector: { matchLabels: { ...selectorLabels(svc), ...share.selector } },
      updateStrategy: daemonSetStrategy(share.limits, plan.paused),
      template,
    },
  };
}
