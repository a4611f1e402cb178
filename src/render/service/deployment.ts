import type { Deployment, PodTemplateSpec } from '../../api/kube.js';
import type { Service } from '../../api/service.js';
import type { RolloutPlan } from '../../ecs/status.js';
import type { WorkloadShare } from './capacity.js';
import { childMetadata } from './metadata.js';
import { selectorLabels } from './names.js';
import { deploymentStrategy } from './rolling.js';

// REPLICA → Deployment <service>, or one Deployment per capacity provider share. replicas is
// always the Service's desired count (or the share's part of it): an autoscaler scales the
// Service (its scale subresource writes spec.desiredCount, as Application Auto Scaling writes an
// ECS service's desired count), never the Deployment, so Berth is the only writer of
// spec.replicas and server-side apply never fights over it.

/**
 * ECS deployments have no deadline (the circuit breaker is the failure detector); Kubernetes
 * treats the largest int32 as "no progress deadline".
 */
export const NO_PROGRESS_DEADLINE = 2147483647;

export function renderDeployment(
  svc: Pick<Service, 'metadata' | 'spec'>,
  share: WorkloadShare,
  template: PodTemplateSpec,
  plan: RolloutPlan,
  labels: Record<string, string>,
): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: childMetadata(svc, share.name, labels),
    spec: {
      replicas: share.replicas,
      selector: { matchLabels: { ...selectorLabels(svc), ...share.selector } },
      strategy: deploymentStrategy(share.limits),
      progressDeadlineSeconds: NO_PROGRESS_DEADLINE,
      // Only ever set, never cleared to false: an omitted field leaves `kubectl rollout pause` alone.
      ...(plan.paused ? { paused: true } : {}),
      template,
    },
  };
}
