import type { Container, PodTemplateSpec, Probe } from '../../api/kube.js';
import { INT32_MAX } from '../kube-rules.js';

// healthCheckGracePeriodSeconds: for that long after a task starts, ECS ignores failing health
// checks (load balancer, Cloud Map and container) instead of replacing the task. A pod's
// equivalent is a startupProbe: until it succeeds, the kubelet runs neither the liveness probe
// (which would restart the container) nor the readiness probe. Every container with a liveness
// probe gets a startup probe with the same check that tolerates failures for the grace period
// plus the usual run of failures, or keeps its own startup probe when that tolerates longer
// (a healthCheck.startPeriod longer than the grace period).
//
// Only a failing check is ignored: a container that passes its check early is healthy early, as
// in ECS. minReadySeconds is not used, as it would delay every healthy task by the grace period.

export function applyGracePeriod(template: PodTemplateSpec, graceSeconds: number | undefined): PodTemplateSpec {
  if (!graceSeconds || graceSeconds <= 0) return template;
  const spec = { ...template.spec, containers: template.spec.containers.map((c) => withGrace(c, graceSeconds)) };
  if (template.spec.initContainers) spec.initContainers = template.spec.initContainers.map((c) => withGrace(c, graceSeconds));
  return { ...template, spec };
}

function withGrace(container: Container, graceSeconds: number): Container {
  const liveness = container.livenessProbe;
  if (!liveness) return container;
  const period = liveness.periodSeconds ?? 10;
  const needed = Math.min(INT32_MAX, Math.ceil(graceSeconds / period) + (liveness.failureThreshold ?? 3));
  const current = container.startupProbe;
  if (current && (current.failureThreshold ?? 3) * (current.periodSeconds ?? 10) >= needed * period) return container;
  const startupProbe: Probe = current ? { ...current, failureThreshold: Math.min(INT32_MAX, Math.ceil((needed * period) / (current.periodSeconds ?? 10))) } : { ...liveness, failureThreshold: needed };
  return withStartupProbe(container, startupProbe);
}

// The startup probe goes before the liveness probe, where the task definition renderer puts it.
function withStartupProbe(container: Container, startupProbe: Probe): Container {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(container)) {
    if (key === 'startupProbe') continue;
    if (key === 'livenessProbe') out.startupProbe = startupProbe;
    out[key] = value;
  }
  return out as unknown as Container;
}
