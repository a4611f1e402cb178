import { isDeepStrictEqual } from 'node:util';
import { findCondition, mergeConditions, type ConditionInput } from '../api/conditions.js';
import { schedulingStrategyOf, type Service, type ServiceChild, type ServiceStatus } from '../api/service.js';
import type { TaskDefinition } from '../api/taskdefinition.js';
import type { ReplicaSetLike, ServiceObservation, ServiceProblem, TaskDefinitionTarget } from '../ecs/observation.js';
import { deriveServiceStatus } from '../ecs/status.js';
import { workloadsToRetire, type Workload } from '../ecs/workloads.js';
import { fieldsIgnoredCondition } from '../render/findings.js';
import { collectLabelValues } from '../placement/placement.js';
import { preflightServiceRender, renderServiceChildren, type ServiceRender } from '../render/service/children.js';
import type { ClusterFacts } from '../render/service/inputs.js';
import { selectorLabels, workloadNames } from '../render/service/names.js';
import { LABEL_SERVICE } from '../render/labels.js';
import {
  deregisteredRevisions, parseTaskDefinitionRef, readControllerRevision, resolveRevision, type StoredRevision,
} from '../render/taskdefinition/revisions.js';
import { joinKey, Resources, type EventRecorder, type Kube, type KubeObject, type Manager, type ReconcileContext, type ReconcileResult } from '../runtime/index.js';
import { Applier } from './apply.js';
import type { Caches } from './caches.js';
import { attempt, failedCondition, recordNewFailures, settle, type WriteFailure } from './failures.js';
import { StatusMemory } from './status.js';

export interface ServiceControllerDeps {
  manager: Manager;
  kube: Kube;
  caches: Caches;
  events: EventRecorder;
  /** Operator configuration the renderer needs besides what the caches hold. */
  cluster?: Pick<ClusterFacts, 'defaultRuntimeClassName' | 'binpackSchedulerName' | 'capacityProviders' | 'subnetZones' | 'containerRestartRules'>;
  now?: () => Date;
  /** The last status written per object, shared by the passes of one controller. */
  statuses: StatusMemory;
  /** Services whose placement was expanded against node labels: rendered again when node labels change. */
  nodeBound: Set<string>;
  applier: Applier;
}

/**
 * ECS Services: the Deployment or DaemonSet running the resolved TaskDefinition revision, its
 * Kubernetes Service, HPA and ServiceAccount, and a status with ECS's deployments and events.
 */
export function startServiceController(options: Omit<ServiceControllerDeps, 'statuses' | 'nodeBound' | 'applier'>): void {
  const deps: ServiceControllerDeps = { ...options, statuses: new StatusMemory(), nodeBound: new Set(), applier: new Applier(options.kube) };
  const { caches } = deps;
  const toService = (obj: KubeObject) => caches.services.byIndex('family', joinKey(obj.metadata?.namespace, obj.metadata?.name ?? '')).map((s) => joinKey(s.metadata.namespace, s.metadata.name));
  const byOwner = (obj: KubeObject) => {
    const owner = obj.metadata?.ownerReferences?.find((o) => o.controller && o.kind === 'Service' && o.apiVersion.startsWith('ecs.berth.dev/'));
    return owner ? [joinKey(obj.metadata?.namespace, owner.name)] : [];
  };
  const byServiceLabel = (obj: KubeObject) => {
    const value = obj.metadata?.labels?.[LABEL_SERVICE];
    if (!value) return [];
    return caches.services.byIndex('selector', joinKey(obj.metadata?.namespace, value)).map((s) => joinKey(s.metadata.namespace, s.metadata.name));
  };
  deps.manager
    .controller({ name: 'service', kind: 'Service', workers: 8, reconcile: (_key, ctx) => reconcileService(deps, ctx) })
    .watch(caches.services)
    .watch(caches.taskDefinitions, toService)
    .watch(caches.revisions, (cr) => toService({ metadata: { namespace: cr.metadata?.namespace, name: cr.metadata?.labels?.['ecs.berth.dev/family'] } } as KubeObject))
    .watch(caches.deployments, byOwner)
    .watch(caches.daemonSets, byOwner)
    .watch(caches.kubeServices, byOwner)
    .watch(caches.autoscalers, byOwner)
    .watch(caches.replicaSets, byServiceLabel)
    .watch(caches.pods, byServiceLabel)
    // Profiles route the pods of any Service whose namespace and labels they select: render all
    // again (an unchanged render writes nothing).
    .watch(caches.fargateProfiles, () => caches.services.list().map((s) => joinKey(s.metadata.namespace, s.metadata.name)))
    .watch(caches.nodes, () => [...deps.nodeBound], (a, b) => !isDeepStrictEqual(a.metadata?.labels ?? {}, b.metadata?.labels ?? {}));
}

interface Target {
  target?: TaskDefinitionTarget;
  problem?: ServiceProblem;
  /** Every revision of every family this Service may render, by 'family:revision'. */
  specs: Map<string, StoredRevision>;
}

/** Resolves spec.taskDefinition to a revision, as ECS does, and checks it can be deployed. */
function resolveTarget(caches: Caches, svc: Service, facts: ClusterFacts): Target {
  const ns = svc.metadata.namespace ?? 'default';
  const specs = new Map<string, StoredRevision>();
  const ref = parseTaskDefinitionRef(svc.spec.taskDefinition ?? '');
  // What the Service already runs may come from another family than the one it now names.
  for (const d of [svc.status?.taskDefinition, ...(svc.status?.deployments ?? []).map((x) => x.taskDefinition), svc.spec.taskDefinition]) {
    const family = d ? parseTaskDefinitionRef(d)?.family : undefined;
    if (!family) continue;
    for (const cr of caches.revisions.byIndex('owner', joinKey(ns, family))) {
      const stored = readControllerRevision(cr);
      if (stored) specs.set(`${family}:${stored.revision}`, stored);
    }
  }
  if (!ref) return { specs, problem: { reason: 'InvalidTaskDefinition', message: `spec.taskDefinition "${svc.spec.taskDefinition}" is not family or family:revision` } };
  const td = caches.taskDefinitions.get(ref.family, ns) as TaskDefinition | undefined;
  if (!td) return { specs, problem: { reason: 'TaskDefinitionNotFound', message: `task definition ${ref.family} does not exist in namespace ${ns}` } };
  const stored = [...specs.entries()].filter(([k]) => k.startsWith(`${ref.family}:`)).map(([, v]) => v);
  const running = parseTaskDefinitionRef(svc.status?.taskDefinition ?? '');
  const current = running?.family === ref.family ? running.revision : undefined;
  const resolved = resolveRevision(ref, stored, deregisteredRevisions(td).revisions, current);
  if (!resolved.ok) {
    const reason = resolved.reason === 'Inactive' ? 'TaskDefinitionInactive' : 'TaskDefinitionNotFound';
    return { specs, problem: { reason, message: resolved.message } };
  }
  const target = { family: ref.family, revision: resolved.revision.revision };
  const preflight = preflightServiceRender({ service: svc, taskDefinition: { ...target, spec: resolved.revision.spec }, cluster: facts });
  if (!preflight.ok) return { specs, target, problem: { reason: preflight.reason, message: preflight.message, unplaceable: preflight.unplaceable, warn: preflight.warn } };
  return { specs, target };
}

export async function reconcileService(deps: ServiceControllerDeps, ctx: ReconcileContext): Promise<ReconcileResult | void> {
  const { kube, caches, events, statuses } = deps;
  const now = deps.now?.() ?? new Date();
  const cached = caches.services.get(ctx.name, ctx.namespace);
  const key = joinKey(ctx.namespace, ctx.name);
  // Children go with the Service through their owner references.
  if (!cached || cached.metadata?.deletionTimestamp) {
    deps.nodeBound.delete(key);
    statuses.forget(ctx.namespace, ctx.name);
    return;
  }
  const svc = statuses.fresh(cached) as Service;
  const facts: ClusterFacts = {
    ...deps.cluster,
    knownLabelValues: collectLabelValues(caches.nodes.list()),
    fargateProfiles: caches.fargateProfiles.list(),
  };
  const { target, problem, specs } = resolveTarget(caches, svc, facts);

  const daemon = schedulingStrategyOf(svc.spec) === 'DAEMON';
  const workloads = (daemon ? caches.daemonSets : caches.deployments).byIndex('owner', key);
  const names = workloadNames(svc);
  const observation: ServiceObservation = {
    service: svc,
    target,
    problem,
    workloads,
    workloadNames: names,
    replicaSets: daemon ? [] : workloads.flatMap((w) => caches.replicaSets.byIndex('owner', joinKey(ctx.namespace, w.metadata?.name ?? '')) as ReplicaSetLike[]),
    pods: caches.pods.byIndex('service', joinKey(ctx.namespace, selectorLabels(svc)[LABEL_SERVICE])),
    now,
  };
  const result = deriveServiceStatus(observation);

  let render: ServiceRender | undefined;
  let children = svc.status?.children;
  const failures: WriteFailure[] = [];
  const conditions: ConditionInput[] = [];
  if (result.rollout) {
    const { family, revision } = result.rollout.taskDefinition;
    const stored = specs.get(`${family}:${revision}`);
    const out = stored && renderServiceChildren({ service: svc, taskDefinition: { family, revision, spec: stored.spec }, rollout: result.rollout, cluster: facts });
    const taken = out && out.ok ? takenNames(caches, svc, out) : [];
    if (!out) {
      conditions.push({ type: 'Ready', status: 'False', reason: 'TaskDefinitionNotFound', message: `task definition ${family}:${revision} is no longer registered` });
    } else if (!out.ok) {
      conditions.push({ type: 'Ready', status: 'False', reason: out.reason, message: out.message });
    } else if (taken.length > 0) {
      conditions.push({ type: 'Ready', status: 'False', reason: 'WorkloadNameTaken', message: `${taken.join('; ')}: rename this Service or that object` });
    } else {
      render = out;
      if (out.expansions.length > 0) deps.nodeBound.add(key);
      else deps.nodeBound.delete(key);
      children = await applyChildren(deps, svc, out, failures);
      await retireWorkloads(deps, workloadsToRetire(workloads, names), ctx.namespace, failures);
      const failed = failedCondition('Ready', failures);
      if (failed) conditions.push(failed);
    }
  }
  conditions.push(render
    ? fieldsIgnoredCondition([...render.ignored, ...render.serviceIgnored])
    : { type: 'FieldsIgnored', status: 'Unknown', reason: 'NotRendered', message: 'nothing rendered yet' });

  for (const event of result.events) await events.record(svc, event.type, event.reason, event.message);
  await recordNewFailures(events, svc, findCondition(svc.status?.conditions, 'Ready'), failures);
  const generation = svc.metadata.generation;
  const status: ServiceStatus = {
    ...result.status,
    conditions: mergeConditions(result.status.conditions, conditions.map((c) => ({ ...c, observedGeneration: generation })), now),
    ...(children && children.length > 0 ? { children } : {}),
  };
  await statuses.write(kube, svc, status);
  return settle(failures, result.requeueAfterSeconds ? { requeueAfter: result.requeueAfterSeconds * 1000 } : undefined);
}

/**
 * Applies each child that changed, one after the other: a child the apiserver refuses is
 * collected in `failures` and the others are still applied. Deletes the Kubernetes Service or
 * HPA a spec no longer asks for. Returns the generation of each child after Berth's apply, to be
 * kept in the status (see Applier).
 */
async function applyChildren({ kube, caches, applier }: ServiceControllerDeps, svc: Service, render: ServiceRender, failures: WriteFailure[]): Promise<ServiceChild[]> {
  const { workloads, service, autoscaler, serviceAccount } = render.children;
  const namespace = svc.metadata.namespace;
  const key = joinKey(namespace, svc.metadata.name);
  const cached = (informer: Caches['deployments'] | Caches['daemonSets'] | Caches['kubeServices'] | Caches['autoscalers'] | Caches['serviceAccounts'], obj: KubeObject) =>
    informer.get(obj.metadata?.name ?? '', namespace) as KubeObject | undefined;
  const recorded = new Map((svc.status?.children ?? []).map((c) => [`${c.kind}/${c.name}`, c]));
  const children: ServiceChild[] = [];
  const apply = async (desired: KubeObject, current: KubeObject | undefined) => {
    const kind = desired.kind ?? '';
    const name = desired.metadata?.name ?? '';
    const before = recorded.get(`${kind}/${name}`);
    const applied = await attempt(failures, { action: 'apply', kind, name }, () => applier.apply(desired, current, before?.generation));
    // A refused apply changed nothing: what was on record still holds.
    const generation = applied ? applied.generation : before?.generation;
    if (generation !== undefined) children.push({ kind, name, generation });
  };
  if (serviceAccount) {
    // Shared by every Service of the task role: each Service applies it under its own manager so
    // each keeps its own owner reference.
    const owner = serviceAccount.metadata?.ownerReferences?.[0]?.uid ?? 'shared';
    const name = serviceAccount.metadata?.name ?? '';
    await attempt(failures, { action: 'apply', kind: 'ServiceAccount', name }, () =>
      applier.applyShared(serviceAccount as KubeObject, cached(caches.serviceAccounts, serviceAccount as KubeObject), `berth-${owner}`));
  }
  for (const workload of workloads) {
    await apply(workload as KubeObject, cached(workload.kind === 'DaemonSet' ? caches.daemonSets : caches.deployments, workload as KubeObject));
  }
  for (const [desired, informer, ref] of [
    [service, caches.kubeServices, Resources.Service],
    [autoscaler, caches.autoscalers, Resources.HorizontalPodAutoscaler],
  ] as const) {
    if (desired) {
      await apply(desired as KubeObject, cached(informer, desired as KubeObject));
      continue;
    }
    for (const stale of informer.byIndex('owner', key)) {
      const name = stale.metadata?.name ?? '';
      await attempt(failures, { action: 'delete', kind: ref.kind, name }, () => kube.delete(ref, name, namespace));
    }
  }
  return children;
}

// A Deployment or DaemonSet of the render's name that another object controls (another
// Service whose name is this one's plus a provider suffix, or one made by hand) is never taken
// over.
function takenNames(caches: Caches, svc: Service, render: ServiceRender): string[] {
  return render.children.workloads.flatMap((w) => {
    const informer = w.kind === 'DaemonSet' ? caches.daemonSets : caches.deployments;
    const existing = informer.get(w.metadata.name ?? '', svc.metadata.namespace);
    if (!existing) return [];
    const owner = existing.metadata?.ownerReferences?.find((o) => o.controller);
    if (owner?.uid === svc.metadata.uid) return [];
    const by = owner ? `${owner.kind} ${owner.name}` : 'no controller';
    return [`${w.kind} ${w.metadata.name} already exists, controlled by ${by}`];
  });
}

/** Deletes the workloads the spec no longer asks for (their pods go with them). */
async function retireWorkloads({ kube }: ServiceControllerDeps, retired: readonly Workload[], namespace: string | undefined, failures: WriteFailure[]): Promise<void> {
  for (const w of retired) {
    const ref = w.kind === 'DaemonSet' ? Resources.DaemonSet : Resources.Deployment;
    const name = w.metadata.name ?? '';
    await attempt(failures, { action: 'delete', kind: ref.kind, name }, () => kube.delete(ref, name, namespace));
  }
}
