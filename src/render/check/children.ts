import type { DaemonSet, Deployment, HorizontalPodAutoscaler, PodTemplateSpec, Service as KubeService, ServiceAccount } from '../../api/kube.js';
import type { Service } from '../../api/service.js';
import * as rule from '../kube-rules.js';
import type { TaskDefinitionRevisionInput } from '../podtemplate.js';
import type { ServiceChildren } from '../service/children.js';
import { checkMetadata, checkPodTemplate, Problems } from './pod.js';
import type { KubeProblem } from './problem.js';
import { taskDefinitionSources } from './sources.js';

// Every object a Service renders, against the apiserver's validation of its kind (core, apps and
// autoscaling): what the apiserver would refuse is found here, before any write, and named by
// the field of the Service or task definition it came from.

/** The pod template of a task definition revision, as the TaskDefinition reports it. */
export function checkTaskDefinitionTemplate(td: TaskDefinitionRevisionInput, template: PodTemplateSpec): KubeProblem[] {
  const out = new Problems('pod template');
  checkPodTemplate(template, 'template', out, taskDefinitionSources(td.spec));
  return out.list;
}

export function checkServiceChildren(children: ServiceChildren, service: Pick<Service, 'spec'>, td: TaskDefinitionRevisionInput): KubeProblem[] {
  const spec = service.spec;
  const sources = taskDefinitionSources(td.spec, {
    prefix: `task definition ${td.family}:${td.revision} `,
    ...(spec.placementConstraints || spec.placementStrategy ? { placement: 'spec.placementConstraints' } : {}),
  });
  const problems: KubeProblem[] = [];
  for (const w of children.workloads) {
    const out = new Problems(`${w.kind} ${w.metadata.name}`);
    checkMetadata(w.metadata, 'metadata', out);
    checkPodTemplate(w.spec.template, 'spec.template', out, sources);
    if (w.kind === 'DaemonSet') checkDaemonSet(w as DaemonSet, out);
    else checkDeployment(w as Deployment, out);
    problems.push(...out.list);
  }
  if (children.service) problems.push(...checkKubeService(children.service, spec));
  if (children.autoscaler) problems.push(...checkAutoscaler(children.autoscaler));
  if (children.serviceAccount) problems.push(...checkServiceAccount(children.serviceAccount));
  return problems;
}

const SURGE = 'spec.deploymentConfiguration.maximumPercent';
const UNAVAILABLE = 'spec.deploymentConfiguration.minimumHealthyPercent';

function checkDeployment(d: Deployment, out: Problems): void {
  const spec = d.spec;
  if (spec.replicas !== undefined) out.add('spec.replicas', rule.int32(spec.replicas), spec.replicas, 'spec.desiredCount');
  for (const field of ['minReadySeconds', 'progressDeadlineSeconds', 'revisionHistoryLimit'] as const) {
    const v = spec[field];
    if (v !== undefined) out.add(`spec.${field}`, rule.int32(v), v);
  }
  const rolling = spec.strategy?.rollingUpdate;
  if (rolling?.maxSurge !== undefined) out.add('spec.strategy.rollingUpdate.maxSurge', rule.intOrPercent(rolling.maxSurge), rolling.maxSurge, SURGE);
  if (rolling?.maxUnavailable !== undefined) {
    out.add('spec.strategy.rollingUpdate.maxUnavailable', rule.intOrPercent(rolling.maxUnavailable, 100), rolling.maxUnavailable, UNAVAILABLE);
  }
  if (rolling && isZero(rolling.maxSurge) && isZero(rolling.maxUnavailable)) {
    out.add('spec.strategy.rollingUpdate.maxUnavailable', 'may not be 0 when `maxSurge` is 0', rolling.maxUnavailable, UNAVAILABLE);
  }
}

function checkDaemonSet(d: DaemonSet, out: Problems): void {
  const spec = d.spec;
  for (const field of ['minReadySeconds', 'revisionHistoryLimit'] as const) {
    const v = spec[field];
    if (v !== undefined) out.add(`spec.${field}`, rule.int32(v), v);
  }
  const rolling = spec.updateStrategy?.rollingUpdate;
  if (rolling?.maxSurge !== undefined) out.add('spec.updateStrategy.rollingUpdate.maxSurge', rule.intOrPercent(rolling.maxSurge, 100), rolling.maxSurge, SURGE);
  if (rolling?.maxUnavailable !== undefined) {
    out.add('spec.updateStrategy.rollingUpdate.maxUnavailable', rule.intOrPercent(rolling.maxUnavailable, 100), rolling.maxUnavailable, UNAVAILABLE);
  }
  if (rolling && isZero(rolling.maxSurge) && isZero(rolling.maxUnavailable)) {
    out.add('spec.updateStrategy.rollingUpdate.maxUnavailable', 'cannot be 0 when maxSurge is 0', rolling.maxUnavailable, UNAVAILABLE);
  }
  if (rolling && !isZero(rolling.maxSurge) && !isZero(rolling.maxUnavailable)) {
    out.add('spec.updateStrategy.rollingUpdate.maxSurge', 'may not be set when maxUnavailable is non-zero', rolling.maxSurge, SURGE);
  }
}

function isZero(v: number | string | undefined): boolean {
  return v === undefined || v === 0 || (typeof v === 'string' && /^0+%$/.test(v));
}

// Ports come from loadBalancers, serviceRegistries and Service Connect, through the task
// definition's port mappings.
function checkKubeService(svc: KubeService, spec: Service['spec']): KubeProblem[] {
  const out = new Problems(`Service ${svc.metadata.name}`);
  checkMetadata(svc.metadata, 'metadata', out);
  const ports = svc.spec.ports ?? [];
  const names = new Set<string>();
  const numbers = new Set<string>();
  ports.forEach((p, i) => {
    const at = `spec.ports[${i}]`;
    const source = servicePortSource(spec, p.port);
    out.add(`${at}.port`, rule.portNumber(p.port), p.port, source);
    const key = `${p.port}/${p.protocol ?? 'TCP'}`;
    out.add(`${at}`, numbers.has(key) ? 'Duplicate value' : undefined, key, source);
    numbers.add(key);
    if (ports.length > 1 && !p.name) out.add(`${at}.name`, 'Required value', p.name, source);
    if (p.name) {
      out.add(`${at}.name`, rule.dnsLabel(p.name), p.name, source);
      out.add(`${at}.name`, names.has(p.name) ? 'Duplicate value' : undefined, p.name, source);
      names.add(p.name);
    }
    if (typeof p.targetPort === 'number') out.add(`${at}.targetPort`, rule.portNumber(p.targetPort), p.targetPort, source);
    if (typeof p.targetPort === 'string') out.add(`${at}.targetPort`, rule.portName(p.targetPort), p.targetPort, source);
  });
  return out.list;
}

function servicePortSource(spec: Service['spec'], port: number): string | undefined {
  const lb = (spec.loadBalancers ?? []).findIndex((l) => l.containerPort === port);
  if (lb !== -1) return `spec.loadBalancers[${lb}].containerPort`;
  const sr = (spec.serviceRegistries ?? []).findIndex((r) => r.containerPort === port || r.port === port);
  if (sr !== -1) return `spec.serviceRegistries[${sr}]`;
  return spec.serviceConnectConfiguration ? 'spec.serviceConnectConfiguration' : undefined;
}

function checkAutoscaler(hpa: HorizontalPodAutoscaler): KubeProblem[] {
  const out = new Problems(`HorizontalPodAutoscaler ${hpa.metadata.name}`);
  checkMetadata(hpa.metadata, 'metadata', out);
  const { minReplicas, maxReplicas, metrics } = hpa.spec;
  if (minReplicas !== undefined) out.add('spec.minReplicas', rule.int32(minReplicas, 1), minReplicas, 'spec.autoScaling.minCapacity');
  out.add('spec.maxReplicas', rule.int32(maxReplicas, 1), maxReplicas, 'spec.autoScaling.maxCapacity');
  if (minReplicas !== undefined && maxReplicas < minReplicas) out.add('spec.maxReplicas', 'must be greater than or equal to `minReplicas`', maxReplicas, 'spec.autoScaling.maxCapacity');
  (metrics ?? []).forEach((m, i) => {
    const utilization = m.resource?.target.averageUtilization;
    if (utilization !== undefined) {
      out.add(`spec.metrics[${i}].resource.target.averageUtilization`, rule.int32(utilization, 1), utilization, `spec.autoScaling.targetTrackingPolicies[${i}].targetValue`);
    }
  });
  return out.list;
}

function checkServiceAccount(account: ServiceAccount): KubeProblem[] {
  const out = new Problems(`ServiceAccount ${account.metadata?.name ?? ''}`);
  out.add('metadata.name', rule.dnsSubdomain(account.metadata?.name ?? ''), account.metadata?.name);
  checkMetadata(account.metadata, 'metadata', out);
  return out.list;
}
