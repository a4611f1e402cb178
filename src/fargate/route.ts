// The one routing decision for a pod, shared by the admission webhook (every pod created in a
// namespace some profile selects) and the Service renderer (its own pod templates, so they are
// right before admission). Routing an already routed pod changes nothing, so running both is
// harmless.

import type { Pod, PodSpec, PodTemplateSpec } from '../api/kube.js';
import { requireNodeLabels } from '../placement/affinity.js';
import { ISOLATED_RUNTIME_CLASS, ZONE_LABEL, toLabelValue } from '../placement/labels.js';
import { diffJson, type JsonPatchOp } from './jsonpatch.js';
import { FARGATE_PROFILE_LABEL, matchProfile, type ProfileLike } from './profile.js';
import { fargateResources, type FargateResources, type ResourceSetting } from './resources.js';
import { podShapeProblem } from './podshape.js';
import { findViolations } from './restrictions.js';
import { TASK_SIZE_ANNOTATION, sizePod, taskSizeOf, type FargatePodSize } from './sizing.js';

/** The annotation EKS puts on Fargate pods: the size the pod was given, e.g. "0.25vCPU 0.5GB". */
export const CAPACITY_PROVISIONED_ANNOTATION = 'CapacityProvisioned';

export interface RouteOptions {
  /** The pod's namespace when metadata.namespace is not set (admission requests carry it apart). */
  namespace?: string;
  /** RuntimeClass for profiles that name none. Default berth-isolated. */
  defaultRuntimeClassName?: string;
  /** Subnet → zone. A profile subnet missing here is taken to be a zone name already. */
  subnetZones?: Readonly<Record<string, string>>;
  /** Controller kind of a pod template being rendered (DaemonSet pods are refused). */
  ownerKind?: string;
  /** Size the pod with pod-level resources (default) or per container; see resources.ts. */
  podLevelResources?: boolean;
}

export interface Route {
  action: 'route';
  profile: string;
  selectorIndex: number;
  /** True when the pod chose its profile with the ecs.berth.dev/fargate-profile label. */
  pinned: boolean;
  runtimeClassName: string;
  /** Zones from the profile's subnets; empty when the profile names none. */
  zones: string[];
  labels: Record<string, string>;
  annotations: Record<string, string>;
  size: FargatePodSize;
  resources: FargateResources;
}

export interface Refusal {
  action: 'refuse';
  /** The profile that matched, when one did. */
  profile?: string;
  /** CamelCase rule name: Privileged, HostNetwork, HostPort, HostPID, HostIPC, HostPath, DaemonSet, SizeExceeded, InvalidResources, ProfilePin or InvalidPod (not shaped as a pod). */
  rule: string;
  message: string;
}

export interface NoRoute {
  action: 'none';
  reason: string;
}

export type RouteDecision = Route | Refusal | NoRoute;

export type PodLike = Pick<Pod, 'metadata' | 'spec'> | PodTemplateSpec;

/**
 * The decision for one pod. Total: a value that is not shaped as a pod is refused (rule
 * InvalidPod, naming the path), never thrown on.
 */
export function routePod(pod: PodLike, profiles: readonly ProfileLike[], options: RouteOptions = {}): RouteDecision {
  const problem = podShapeProblem(pod);
  if (problem) return { action: 'refuse', rule: 'InvalidPod', message: `InvalidPod: ${problem}` };
  const namespace = pod.metadata?.namespace ?? options.namespace ?? '';
  const match = matchProfile({ namespace, labels: pod.metadata?.labels ?? {} }, profiles);
  if (!match.matched) {
    if (match.pinned !== undefined) return { action: 'refuse', rule: 'ProfilePin', message: `ProfilePin: ${match.reason}` };
    return { action: 'none', reason: match.reason };
  }
  const name = match.profile.metadata.name;
  const violations = findViolations({ metadata: pod.metadata ?? {}, spec: pod.spec }, { ownerKind: options.ownerKind });
  if (violations.length > 0) {
    const message = `FargateProfile "${name}" refuses the pod: ${violations.map((v) => v.message).join('; ')}`;
    return { action: 'refuse', profile: name, rule: violations[0].rule, message };
  }
  const annotated = pod.metadata?.annotations?.[TASK_SIZE_ANNOTATION];
  const taskSize = annotated === undefined ? undefined : taskSizeOf(annotated);
  if (taskSize && 'error' in taskSize) {
    return { action: 'refuse', profile: name, rule: 'InvalidResources', message: `FargateProfile "${name}" refuses the pod: InvalidResources: ${taskSize.error}` };
  }
  const sized = sizePod(pod.spec, taskSize);
  if (!sized.ok) return { action: 'refuse', profile: name, rule: sized.rule, message: `FargateProfile "${name}" refuses the pod: ${sized.rule}: ${sized.message}` };

  const zones = [...new Set((match.profile.spec.subnets ?? []).map((s) => options.subnetZones?.[s] ?? s))].sort();
  return {
    action: 'route',
    profile: name,
    selectorIndex: match.selectorIndex,
    pinned: match.pinned,
    runtimeClassName: match.profile.spec.runtimeClassName ?? options.defaultRuntimeClassName ?? ISOLATED_RUNTIME_CLASS,
    zones,
    labels: { [FARGATE_PROFILE_LABEL]: toLabelValue(name) },
    annotations: { [CAPACITY_PROVISIONED_ANNOTATION]: sized.size.capacityProvisioned },
    size: sized.size,
    resources: fargateResources(pod.spec, sized.size, options.podLevelResources ?? true, taskSize ? 0 : undefined),
  };
}

/** A copy of the pod (or template) with the route applied; the input is not changed. */
export function applyRoute<T extends PodLike>(pod: T, route: Route): T {
  const out = structuredClone(pod);
  out.metadata = { ...out.metadata };
  out.metadata.labels = { ...out.metadata.labels, ...route.labels };
  out.metadata.annotations = { ...out.metadata.annotations, ...route.annotations };
  const spec: PodSpec = out.spec;
  spec.runtimeClassName = route.runtimeClassName;
  if (route.zones.length > 0) spec.affinity = requireNodeLabels(spec.affinity, [{ key: ZONE_LABEL, operator: 'In', values: route.zones }]);
  if (route.resources.pod) spec.resources = merge(spec.resources, route.resources.pod);
  for (const c of spec.containers) {
    const s = route.resources.containers[c.name];
    if (s) c.resources = merge(c.resources, s);
  }
  for (const c of spec.initContainers ?? []) {
    const s = route.resources.initContainers[c.name];
    if (s) c.resources = merge(c.resources, s);
  }
  return out;
}

export interface Admission {
  decision: RouteDecision;
  /** The JSON patch that routes the pod; empty unless the decision is `route`. */
  patch: JsonPatchOp[];
}

/** Route, apply and diff in one step, for the admission webhook. */
export function admitPod(pod: Pod, profiles: readonly ProfileLike[], options: RouteOptions = {}): Admission {
  const decision = routePod(pod, profiles, options);
  if (decision.action !== 'route') return { decision, patch: [] };
  return { decision, patch: diffJson(pod, applyRoute(pod, decision)) };
}

function merge(current: ResourceSetting | undefined, setting: ResourceSetting): ResourceSetting {
  const out: ResourceSetting = { ...current };
  if (setting.requests) out.requests = { ...current?.requests, ...setting.requests };
  if (setting.limits) out.limits = { ...current?.limits, ...setting.limits };
  return out;
}
