import type { PodTemplateSpec } from '../../api/kube.js';
import type { Service } from '../../api/service.js';
import { schedulingStrategyOf, serviceNameOf } from '../../api/service.js';
import { LABEL_DEPLOYMENT, deploymentLabelValue } from '../../ecs/ids.js';
import { applyRoute, routePod, type RouteDecision } from '../../fargate/route.js';
import type { Expansion } from '../../placement/compile.js';
import { renderPlacement } from '../../placement/placement.js';
import { describeProblems, INVALID_FOR_KUBERNETES, KubeRulesError } from '../check/problem.js';
import { RenderError, type IgnoredField } from '../findings.js';
import { LABEL_LAUNCH_TYPE } from '../labels.js';
import { renderPodTemplate, type PodTemplateRender, type RenderOptions, type TaskDefinitionRevisionInput } from '../podtemplate.js';
import { applyShare, type WorkloadShare } from './capacity.js';
import { applyGracePeriod } from './grace.js';
import type { ClusterFacts, RenderRefusal } from './inputs.js';
import { propagateTags } from './tags.js';

// The pod template of one of a Service's workloads, in order:
//   1. the task definition revision's pod template, with the service and launch-type labels (the
//      share's launch type: FARGATE for a FARGATE_SPOT share of a mixed strategy)
//   2. the deployment id label (a new deployment, a new pod template: ECS's forceNewDeployment)
//   3. tags, as propagateTags says
//   4. healthCheckGracePeriodSeconds as startup probes
//   5. placement constraints and strategies (for the share's launch type); the share's capacity
//      provider: its node pool and label
//   6. FargateProfile routing, as the admission webhook would do it, so the template already is
//      what the pods will be and the workload does not roll when pods are admitted; a launchType
//      FARGATE template no profile takes is refused (NoFargateProfile)

export interface ServiceTemplateInput {
  service: Pick<Service, 'metadata' | 'spec'>;
  taskDefinition: TaskDefinitionRevisionInput;
  deploymentId: string;
  /** The workload this template is for (capacity.ts). */
  share: WorkloadShare;
  ownerKind: 'Deployment' | 'DaemonSet';
  cluster: ClusterFacts;
  podLevelResources?: boolean;
  /** See RenderOptions.checkKubeRules. */
  checkKubeRules?: boolean;
}

export interface ServiceTemplate {
  ok: true;
  template: PodTemplateSpec;
  /** Task definition fields not honoured ($.containerDefinitions[0]…). */
  ignored: IgnoredField[];
  /** Service fields not honoured or honoured approximately (spec.placementStrategy…). */
  serviceIgnored: IgnoredField[];
  /** Placement that depends on node labels seen now: render again when they change. */
  expansions: Expansion[];
  fargate?: RouteDecision;
}

export function renderServiceTemplate(input: ServiceTemplateInput): ServiceTemplate | RenderRefusal {
  const { service, cluster } = input;
  const spec = service.spec;
  const name = serviceNameOf(service);
  const launchType = input.share.launchType;

  const rendered = tryRenderPodTemplate(input.taskDefinition, {
    service: name,
    launchType,
    podLevelResources: input.podLevelResources,
    checkKubeRules: input.checkKubeRules,
    containerRestartRules: cluster.containerRestartRules,
  });
  if (!rendered.ok) return rendered;
  let template = rendered.template;
  const metadata = template.metadata ?? {};
  template = { ...template, metadata: { ...metadata, labels: { ...metadata.labels, [LABEL_DEPLOYMENT]: deploymentLabelValue(input.deploymentId) } } };
  template = propagateTags(template, spec);
  template = applyGracePeriod(template, spec.healthCheckGracePeriodSeconds);

  const serviceIgnored: IgnoredField[] = [];
  const placement = renderPlacement({
    serviceName: name,
    schedulingStrategy: schedulingStrategyOf(spec),
    launchType,
    placementConstraints: spec.placementConstraints,
    placementStrategy: spec.placementStrategy,
    taskDefinitionConstraints: input.taskDefinition.spec.placementConstraints,
    knownLabelValues: cluster.knownLabelValues,
    binpackSchedulerName: cluster.binpackSchedulerName,
  });
  if (!placement.ok) {
    return { ok: false, reason: 'InvalidPlacement', message: placement.errors.map((e) => `${e.path}: ${e.message}`).join('; ') };
  }
  serviceIgnored.push(...placement.notes.map((n) => ({ path: n.path, reason: n.message })));
  if (placement.matchesNothing) {
    serviceIgnored.push({ path: 'spec.placementConstraints', reason: 'no node can satisfy the placement constraints as the node labels stand: tasks stay PENDING' });
  }
  template = withPlacement(template, placement);

  template = applyShare(template, input.share);

  const out: ServiceTemplate = { ok: true, template, ignored: rendered.ignored, serviceIgnored, expansions: placement.expansions };
  if (cluster.fargateProfiles) {
    const namespace = service.metadata.namespace ?? '';
    const decision = routePod({ ...template, metadata: { ...template.metadata, namespace } }, cluster.fargateProfiles, {
      namespace,
      ownerKind: input.ownerKind,
      defaultRuntimeClassName: cluster.defaultRuntimeClassName,
      subnetZones: cluster.subnetZones,
      podLevelResources: input.podLevelResources,
    });
    out.fargate = decision;
    if (decision.action === 'refuse') return { ok: false, reason: 'FargateProfileRefused', message: decision.message };
    if (decision.action === 'route') out.template = applyRoute(template, decision);
    if (decision.action === 'none' && launchType === 'FARGATE') {
      if (!input.share.capacityProvider) return noProfile(namespace, decision.reason);
      serviceIgnored.push({
        path: 'spec.capacityProviderStrategy',
        reason: `${input.share.capacityProvider}: ${decision.reason}; the tasks run in the provider's node pool without Fargate sizing`,
      });
    }
  }
  return out;
}

// A FARGATE task no profile takes has nowhere to go: it must not land on a shared node, and only a
// profile names the isolated pool for launchType FARGATE (a FARGATE capacity provider names its
// own pool, so its tasks run there unsized).
function noProfile(namespace: string, reason: string): RenderRefusal {
  return {
    ok: false,
    reason: 'NoFargateProfile',
    message: `FARGATE: ${reason}, and FARGATE tasks never run on shared nodes; create a FargateProfile with a selector for namespace "${namespace}" and label ${LABEL_LAUNCH_TYPE}: FARGATE`,
    unplaceable: true,
  };
}

// The task definition renderer throws where ECS would refuse the task definition, or Kubernetes
// its pod template.
function tryRenderPodTemplate(td: TaskDefinitionRevisionInput, options: RenderOptions): ({ ok: true } & PodTemplateRender) | RenderRefusal {
  try {
    return { ok: true, ...renderPodTemplate(td, options) };
  } catch (err) {
    if (err instanceof KubeRulesError) {
      const message = `Kubernetes would refuse the pods of task definition ${td.family}:${td.revision}: ${describeProblems(err.problems)}`;
      return { ok: false, reason: INVALID_FOR_KUBERNETES, message, warn: true };
    }
    if (err instanceof RenderError) return { ok: false, reason: 'InvalidTaskDefinition', message: `task definition ${td.family}:${td.revision}: ${err.message}` };
    throw err;
  }
}

type Placed = Extract<ReturnType<typeof renderPlacement>, { ok: true }>;

function withPlacement(template: PodTemplateSpec, placement: Placed): PodTemplateSpec {
  const metadata = template.metadata ?? {};
  const labels = { ...metadata.labels, ...placement.labels };
  const annotations = { ...metadata.annotations, ...placement.annotations };
  const podSpec = { ...template.spec };
  if (placement.affinity) podSpec.affinity = { ...podSpec.affinity, ...placement.affinity };
  if (placement.topologySpreadConstraints.length > 0) podSpec.topologySpreadConstraints = placement.topologySpreadConstraints;
  if (placement.schedulerName) podSpec.schedulerName = placement.schedulerName;
  const meta = Object.keys(annotations).length > 0 ? { ...metadata, labels, annotations } : { ...metadata, labels };
  return { metadata: meta, spec: podSpec };
}
