import { reportedFields, SERVICE_FIELDS } from '../../api/ecs-fields.js';
import type { DaemonSet, Deployment, HorizontalPodAutoscaler, Service as KubeService, PodTemplateSpec, ServiceAccount } from '../../api/kube.js';
import type { Service } from '../../api/service.js';
import { schedulingStrategyOf, serviceNameOf } from '../../api/service.js';
import { checkCompatibility, effectiveLaunchType } from '../../ecs/compatibility.js';
import { deploymentId } from '../../ecs/ids.js';
import { rolloutLimits } from '../../ecs/rollout.js';
import type { RolloutPlan } from '../../ecs/status.js';
import type { RouteDecision } from '../../fargate/route.js';
import type { Expansion } from '../../placement/compile.js';
import { checkServiceChildren } from '../check/children.js';
import { describeProblems, INVALID_FOR_KUBERNETES } from '../check/problem.js';
import type { IgnoredField } from '../findings.js';
import { standardLabels } from '../labels.js';
import type { TaskDefinitionRevisionInput } from '../podtemplate.js';
import { renderServiceAccount } from '../serviceaccount.js';
import { renderAutoscaler } from './autoscaler.js';
import { planShares } from './capacity.js';
import { renderDaemonSet } from './daemonset.js';
import { renderDeployment } from './deployment.js';
import type { ClusterFacts, RenderRefusal } from './inputs.js';
import { renderKubeService } from './kubeservice.js';
import { ownerReference } from './metadata.js';
import { renderServiceTemplate } from './template.js';

// Service → every object it becomes, each complete for server-side apply. A pure function: the
// controller gathers the inputs from its caches and applies what comes out; an object that is
// absent here (no loadBalancers, no autoScaling) is one the controller deletes if it exists.

export interface ServiceRenderInput {
  /** The Service: metadata.name, namespace and uid, and spec. */
  service: Pick<Service, 'metadata' | 'spec'>;
  /** The revision the plan names (RolloutPlan.taskDefinition), with its spec from the revision snapshot. */
  taskDefinition: TaskDefinitionRevisionInput;
  /** From deriveServiceStatus: deployment id, replicas, limits, paused, suspendScaleIn. */
  rollout: RolloutPlan;
  cluster?: ClusterFacts;
  /**
   * Task cpu and memory as pod-level resources (default true; see the task definition renderer).
   * Never with autoScaling: a HorizontalPodAutoscaler computes utilization from container
   * requests, so the task's cpu and memory are spread over its containers instead.
   */
  podLevelResources?: boolean;
  /** See RenderOptions.checkKubeRules: false renders what the checker would refuse. */
  checkKubeRules?: boolean;
}

export interface ServiceChildren {
  /**
   * A Deployment (REPLICA) or a DaemonSet (DAEMON) named after the Service; with a
   * capacityProviderStrategy, a Deployment per provider, in strategy order.
   */
  workloads: (Deployment | DaemonSet)[];
  /** With loadBalancers, serviceRegistries or Service Connect. */
  service?: KubeService;
  /** With autoScaling. */
  autoscaler?: HorizontalPodAutoscaler;
  /**
   * The task role's ServiceAccount, shared by every Service of the namespace that uses the same
   * role: its owner reference to this Service is not a controller reference, and it carries no
   * per-Service labels, so that Services sharing it never disagree about its content.
   */
  serviceAccount?: ServiceAccount;
}

export interface ServiceRender {
  ok: true;
  children: ServiceChildren;
  /** Task definition fields not honoured, with $-paths into the task definition spec. */
  ignored: IgnoredField[];
  /** Service fields not honoured or approximated, with spec.-paths into the Service. */
  serviceIgnored: IgnoredField[];
  /** Placement that depends on node labels seen now: render again when nodes change. */
  expansions: Expansion[];
  /** The FargateProfile routing decision of each workload, when profiles were given. */
  fargate?: WorkloadRoute[];
}

export interface WorkloadRoute {
  workload: string;
  decision: RouteDecision;
}

export function renderServiceChildren(input: ServiceRenderInput): ServiceRender | RenderRefusal {
  const { service, taskDefinition, rollout } = input;
  const spec = service.spec;
  const daemon = schedulingStrategyOf(spec) === 'DAEMON';
  const ref = `${taskDefinition.family}:${taskDefinition.revision}`;
  const compatible = checkCompatibility(spec, taskDefinition.spec, ref);
  if (!compatible.ok) return compatible;
  const shares = planShares(service, rollout, input.cluster?.capacityProviders);
  if (!shares.ok) return shares;

  const workloads: (Deployment | DaemonSet)[] = [];
  const templates: PodTemplateSpec[] = [];
  const fargate: WorkloadRoute[] = [];
  const found: Pick<ServiceRender, 'ignored' | 'serviceIgnored' | 'expansions'> = { ignored: [], serviceIgnored: [...shares.ignored], expansions: [] };
  for (const share of shares.shares) {
    const template = renderServiceTemplate({
      service,
      taskDefinition,
      deploymentId: rollout.deploymentId,
      share,
      ownerKind: daemon ? 'DaemonSet' : 'Deployment',
      cluster: input.cluster ?? {},
      podLevelResources: (input.podLevelResources ?? true) && spec.autoScaling === undefined,
      checkKubeRules: input.checkKubeRules,
    });
    if (!template.ok) return template;
    const labels = { ...workloadLabels(service, taskDefinition, share.launchType), ...share.labels };
    workloads.push(daemon ? renderDaemonSet(service, share, template.template, rollout, labels) : renderDeployment(service, share, template.template, rollout, labels));
    templates.push(template.template);
    if (template.fargate) fargate.push({ workload: share.name, decision: template.fargate });
    // The shares render one task definition and mostly one placement: report each finding once.
    addOnce(found.ignored, template.ignored);
    addOnce(found.serviceIgnored, template.serviceIgnored);
    addOnce(found.expansions, template.expansions);
  }

  const labels = workloadLabels(service, taskDefinition, effectiveLaunchType(spec));
  const kube = renderKubeService(service, taskDefinition.spec, labels);
  const scaling = renderAutoscaler(service, templates[0], rollout.suspendScaleIn, labels);
  const serviceIgnored = [...found.serviceIgnored, ...kube.ignored, ...scaling.ignored, ...serviceFields(service)];

  const children: ServiceChildren = { workloads };
  if (kube.service) children.service = kube.service;
  if (scaling.autoscaler) children.autoscaler = scaling.autoscaler;
  const account = renderServiceAccount(taskDefinition.spec, service.metadata.namespace);
  if (account) children.serviceAccount = { ...account, metadata: { ...account.metadata, ownerReferences: [{ ...ownerReference(service), controller: false, blockOwnerDeletion: false }] } };

  // What Kubernetes would refuse is refused here, with the field of the Service or task definition.
  const problems = input.checkKubeRules === false ? [] : checkServiceChildren(children, service, taskDefinition);
  if (problems.length > 0) {
    return { ok: false, reason: INVALID_FOR_KUBERNETES, message: `Kubernetes would refuse what this Service renders: ${describeProblems(problems)}`, warn: true };
  }

  const out: ServiceRender = { ok: true, children, ignored: found.ignored, serviceIgnored, expansions: found.expansions };
  if (input.cluster?.fargateProfiles) out.fargate = fargate;
  return out;
}

function workloadLabels(service: ServiceRenderInput['service'], td: TaskDefinitionRevisionInput, launchType: string | undefined): Record<string, string> {
  return standardLabels({ family: td.family, revision: td.revision, service: serviceNameOf(service), ...(launchType ? { launchType } : {}) });
}

function addOnce<T>(list: T[], items: readonly T[]): void {
  const seen = new Set(list.map((x) => JSON.stringify(x)));
  for (const item of items) {
    const key = JSON.stringify(item);
    if (!seen.has(key)) list.push(item);
    seen.add(key);
  }
}

/**
 * Whether the revision the spec asks for can be rendered at all, before a deployment of it
 * starts: the compatibility check and the pod template, with a provisional rollout. A refusal is
 * the `problem` to give deriveServiceStatus, so that no deployment of an unrenderable revision
 * starts and what runs keeps running.
 */
export function preflightServiceRender(input: Omit<ServiceRenderInput, 'rollout'>): { ok: true } | RenderRefusal {
  const { service, taskDefinition } = input;
  const ref = `${taskDefinition.family}:${taskDefinition.revision}`;
  const daemon = schedulingStrategyOf(service.spec) === 'DAEMON';
  const rollout: RolloutPlan = {
    taskDefinition: { family: taskDefinition.family, revision: taskDefinition.revision },
    deploymentId: deploymentId(service.metadata.uid ?? '', ref, service.spec.forceNewDeployment),
    replicas: 0,
    limits: rolloutLimits(0, service.spec.deploymentConfiguration, daemon ? 'DAEMON' : 'REPLICA'),
    paused: false,
    suspendScaleIn: false,
  };
  const out = renderServiceChildren({ ...input, rollout });
  return out.ok ? { ok: true } : out;
}

// Service fields Berth accepts and cannot honour the way ECS would.
function serviceFields(service: Pick<Service, 'spec'>): IgnoredField[] {
  // The fields the table reports; the ones whose report depends on other objects come from the
  // renderers above.
  return reportedFields(service.spec, SERVICE_FIELDS).map(({ path, reason }) => ({ path: path.replace(/^\$/, 'spec'), reason }));
}
