import type { DaemonSetUpdateStrategy, DeploymentStrategy } from '../../api/kube.js';
import type { RolloutLimits } from '../../ecs/rollout.js';
import { INT32_MAX } from '../kube-rules.js';

// ECS's limits (src/ecs/rollout.ts) as workload update strategies. Kubernetes refuses a rolling
// update with maxSurge and maxUnavailable both 0, which is exactly ECS's "unable to stop or start
// tasks": then the rollout is held (Deployment.paused, DaemonSet OnDelete; the status derivation
// decides) and the values only have to be valid. A daemon with an unknown node count (no DaemonSet
// status yet) gets ECS's percentages, which Kubernetes rounds up.
//
// Kubernetes holds these in int32 and a DaemonSet's percentages up to 100%; a larger maximumPercent
// (ECS accepts any) allows no more than those do, so the values are capped there.

/** Deployment: absolute counts. With nothing to replace, 1 surge and 0 unavailable keep the desired count. */
export function deploymentStrategy(limits: RolloutLimits): DeploymentStrategy {
  const { maxSurge, maxUnavailable } = capped(limits);
  if (maxSurge === 0 && maxUnavailable === 0) return { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } };
  return { type: 'RollingUpdate', rollingUpdate: { maxSurge, maxUnavailable } };
}

/**
 * DaemonSet: absolute counts for the nodes it runs on now. 0 and 1 when nothing can be replaced,
 * as a surge pod may not fit beside the old one on its node (host ports). Kubernetes lets a
 * DaemonSet either surge or stop first, not both: with room for both it stops first, for the
 * same reason.
 */
export function daemonSetStrategy(limits: RolloutLimits, paused: boolean): DaemonSetUpdateStrategy {
  if (paused) return { type: 'OnDelete' };
  if (limits.desiredCount === 0) {
    const surge = Math.min(100, Math.max(0, limits.maximumPercent - 100));
    const unavailable = 100 - limits.minimumHealthyPercent;
    if (unavailable > 0) return { type: 'RollingUpdate', rollingUpdate: { maxSurge: '0%', maxUnavailable: `${unavailable}%` } };
    if (surge > 0) return { type: 'RollingUpdate', rollingUpdate: { maxSurge: `${surge}%`, maxUnavailable: '0%' } };
    return { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } };
  }
  const { maxSurge, maxUnavailable } = capped(limits);
  if (maxUnavailable > 0) return { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable } };
  if (maxSurge > 0) return { type: 'RollingUpdate', rollingUpdate: { maxSurge, maxUnavailable: 0 } };
  return { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } };
}

function capped(limits: RolloutLimits): Pick<RolloutLimits, 'maxSurge' | 'maxUnavailable'> {
  return { maxSurge: Math.min(INT32_MAX, limits.maxSurge), maxUnavailable: Math.min(INT32_MAX, limits.maxUnavailable) };
}

