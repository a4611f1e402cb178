import type { HorizontalPodAutoscaler, MetricSpec, PodTemplateSpec } from '../../api/kube.js';
import { API_VERSION } from '../../api/resource.js';
import type { Service } from '../../api/service.js';
import { SERVICE_KIND } from '../../api/service.js';
import type { IgnoredField } from '../findings.js';
import { childMetadata } from './metadata.js';
import { workloadName } from './names.js';
import { INT32_MAX } from '../kube-rules.js';

// spec.autoScaling (Application Auto Scaling target tracking) → HorizontalPodAutoscaler v2
// <service> whose target is the Service itself, through its scale subresource: the autoscaler
// writes spec.desiredCount, as Application Auto Scaling writes an ECS service's desired count, and
// Berth renders the Deployment from it.
//
//   ECSServiceAverageCPUUtilization    → Resource cpu, averageUtilization = targetValue
//   ECSServiceAverageMemoryUtilization → Resource memory, averageUtilization = targetValue
//   several policies                   → several metrics: the HPA takes the largest proposal, so
//                                        it scales out when any policy asks and in only when all do
//   minCapacity / maxCapacity          → minReplicas (at least 1: 0 needs the HPAScaleToZero
//                                        feature gate) / maxReplicas
//   scale-in during a deployment       → suspended (scaleDown selectPolicy Disabled), as ECS does

const METRIC_RESOURCE: Record<string, 'cpu' | 'memory'> = {
  ECSServiceAverageCPUUtilization: 'cpu',
  ECSServiceAverageMemoryUtilization: 'memory',
};

export interface AutoscalerRender {
  autoscaler?: HorizontalPodAutoscaler;
  ignored: IgnoredField[];
}

export function renderAutoscaler(
  svc: Pick<Service, 'metadata' | 'spec'>,
  template: PodTemplateSpec,
  suspendScaleIn: boolean,
  labels: Record<string, string>,
): AutoscalerRender {
  const scaling = svc.spec.autoScaling;
  if (!scaling) return { ignored: [] };
  const ignored: IgnoredField[] = [];
  const metrics: MetricSpec[] = scaling.targetTrackingPolicies.map((p, i) => {
    const resource = METRIC_RESOURCE[p.predefinedMetric];
    const missing = withoutRequest(template, resource);
    if (missing.length > 0) {
      ignored.push({
        path: `spec.autoScaling.targetTrackingPolicies[${i}]`,
        reason: `a HorizontalPodAutoscaler computes ${resource} utilization from container requests, and container(s) ${missing.join(', ')} request no ${resource}: give the containers a ${resource} reservation in the task definition`,
      });
    }
    // Kubernetes holds the target in an int32; a larger one never scales out, as ECS's would not.
    const averageUtilization = Math.min(INT32_MAX, Math.max(1, Math.round(p.targetValue)));
    return { type: 'Resource', resource: { name: resource, target: { type: 'Utilization', averageUtilization } } };
  });
  if (scaling.minCapacity < 1) {
    ignored.push({ path: 'spec.autoScaling.minCapacity', reason: 'approximated: a HorizontalPodAutoscaler scales down to 1 task, not 0' });
  }
  const autoscaler: HorizontalPodAutoscaler = {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: childMetadata(svc, workloadName(svc), labels),
    spec: {
      scaleTargetRef: { apiVersion: API_VERSION, kind: SERVICE_KIND, name: svc.metadata.name },
      minReplicas: Math.max(1, scaling.minCapacity),
      maxReplicas: scaling.maxCapacity,
      metrics,
      ...(suspendScaleIn ? { behavior: { scaleDown: { selectPolicy: 'Disabled' } } } : {}),
    },
  };
  return { autoscaler, ignored };
}

// Regular containers without a request for the resource (init containers do not count).
function withoutRequest(template: PodTemplateSpec, resource: string): string[] {
  return template.spec.containers.filter((c) => c.resources?.requests?.[resource] === undefined).map((c) => c.name);
}
