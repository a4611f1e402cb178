import type { Service } from '../api/service.js';
import { deploymentId, deploymentLabelValue, LABEL_DEPLOYMENT } from '../ecs/ids.js';
import { CAPACITY_PROVIDER_LABEL } from '../placement/labels.js';
import { LABEL_MANAGED_BY, LABEL_SERVICE, MANAGED_BY } from '../render/labels.js';
import { workloadNames } from '../render/service/names.js';
import type { KubeObject } from '../runtime/index.js';

// What "converged" means after a fault, from a snapshot of one namespace: every Service runs the
// latest revision (and restart token) with its desired count ready, its status says exactly that,
// and no child is orphaned (its owner gone, or no Service asks for it) or duplicated (two
// Deployments for one Service and capacity provider).

export interface TaskDefinitionObject extends KubeObject {
  status?: { observedGeneration?: number; revision?: number };
}

export interface DeploymentObject extends KubeObject {
  spec?: { replicas?: number; template?: { metadata?: { labels?: Record<string, string> } } };
  status?: { observedGeneration?: number; replicas?: number; updatedReplicas?: number; readyReplicas?: number; availableReplicas?: number };
}

export interface PodObject extends KubeObject {
  status?: { phase?: string; conditions?: { type: string; status: string }[] };
}

export interface Snapshot {
  services: Service[];
  taskDefinitions: TaskDefinitionObject[];
  deployments: DeploymentObject[];
  replicaSets: KubeObject[];
  kubeServices: KubeObject[];
  autoscalers: KubeObject[];
  pods: PodObject[];
}

export interface Findings {
  /** Children whose owner is gone, or that no Service asks for. */
  orphaned: string[];
  /** A second Deployment for one Service and capacity provider. */
  duplicated: string[];
  /** Services not (yet) in their desired state, with the first reason. */
  pending: string[];
}

export const isClean = (f: Findings) => f.orphaned.length === 0 && f.duplicated.length === 0 && f.pending.length === 0;

const uidOf = (o: KubeObject) => o.metadata?.uid ?? '';
const nameOf = (o: KubeObject) => `${o.kind ?? 'object'} ${o.metadata?.name ?? '?'}`;
const live = (o: KubeObject) => !o.metadata?.deletionTimestamp;
const isReady = (p: PodObject) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

export function checkSnapshot(s: Snapshot): Findings {
  const findings: Findings = { orphaned: [], duplicated: [], pending: [] };
  const services = new Map(s.services.filter(live).map((svc) => [uidOf(svc), svc]));
  const berthOwner = (o: KubeObject) => o.metadata?.ownerReferences?.find((r) => r.kind === 'Service' && r.apiVersion.startsWith('ecs.berth.dev/'));

  // Children of Berth Services: their owner must be alive and, for workloads, still ask for them.
  const deployments = s.deployments.filter(live);
  for (const child of [...deployments, ...s.kubeServices.filter(live), ...s.autoscalers.filter(live)]) {
    const ref = berthOwner(child);
    if (!ref) {
      if (child.metadata?.labels?.[LABEL_MANAGED_BY] === MANAGED_BY) findings.orphaned.push(`${nameOf(child)}: managed by Berth but owned by no Service`);
      continue;
    }
    const owner = services.get(ref.uid);
    if (!owner) findings.orphaned.push(`${nameOf(child)}: its Service ${ref.name} (${ref.uid}) is gone`);
    else if (child.kind === 'Deployment' && !workloadNames(owner).includes(child.metadata?.name ?? '')) findings.orphaned.push(`${nameOf(child)}: Service ${ref.name} no longer asks for it`);
  }
  const ownedBy = (o: KubeObject, kind: string, uids: Set<string>) => o.metadata?.ownerReferences?.some((r) => r.kind === kind && uids.has(r.uid)) ?? false;
  const deploymentUids = new Set(s.deployments.map(uidOf));
  for (const rs of s.replicaSets.filter(live)) {
    if (rs.metadata?.ownerReferences?.length && !ownedBy(rs, 'Deployment', deploymentUids)) findings.orphaned.push(`${nameOf(rs)}: its Deployment is gone`);
  }
  const replicaSetUids = new Set(s.replicaSets.map(uidOf));
  for (const pod of s.pods.filter(live)) {
    if (pod.metadata?.ownerReferences?.length && !ownedBy(pod, 'ReplicaSet', replicaSetUids)) findings.orphaned.push(`${nameOf(pod)}: its ReplicaSet is gone`);
  }

  const perWorkload = new Map<string, string[]>();
  for (const d of deployments) {
    const labels = d.metadata?.labels ?? {};
    if (labels[LABEL_SERVICE] === undefined) continue;
    const key = `${labels[LABEL_SERVICE]}/${labels[CAPACITY_PROVIDER_LABEL] ?? '-'}`;
    perWorkload.set(key, [...(perWorkload.get(key) ?? []), d.metadata?.name ?? '?']);
  }
  for (const [key, names] of perWorkload) {
    if (names.length > 1) findings.duplicated.push(`${names.length} Deployments for ${key}: ${names.join(', ')}`);
  }

  for (const svc of services.values()) {
    const reason = pendingReason(svc, s, deployments);
    if (reason) findings.pending.push(`Service ${svc.metadata.name}: ${reason}`);
  }
  return findings;
}

/** Why the Service is not in its desired state yet, or undefined when it is. */
function pendingReason(svc: Service, s: Snapshot, deployments: DeploymentObject[]): string | undefined {
  const family = svc.spec.taskDefinition;
  const td = s.taskDefinitions.find((t) => t.metadata?.name === family);
  const revision = td?.status?.revision;
  if (revision === undefined) return `TaskDefinition ${family} has no revision yet`;
  // Until then the latest revision is not registered, and the old one would look desired.
  if (td?.status?.observedGeneration !== td?.metadata?.generation) return `TaskDefinition ${family} status is of generation ${td?.status?.observedGeneration}, not ${td?.metadata?.generation}`;
  const taskDefinition = `${family}:${revision}`;
  const id = deploymentId(svc.metadata.uid ?? '', taskDefinition, svc.spec.forceNewDeployment);
  const desired = svc.spec.desiredCount ?? 0;
  const status = svc.status ?? {};

  if (status.observedGeneration !== svc.metadata.generation) return `status.observedGeneration ${status.observedGeneration} is not generation ${svc.metadata.generation}`;
  if (status.taskDefinition !== taskDefinition) return `status.taskDefinition is ${status.taskDefinition}, not ${taskDefinition}`;
  const listed = status.deployments ?? [];
  const primary = listed[0];
  if (listed.length !== 1 || primary.status !== 'PRIMARY' || primary.id !== id) {
    return `status.deployments is [${listed.map((d) => `${d.status} ${d.id} ${d.rolloutState}`).join(', ')}], not one PRIMARY ${id}`;
  }
  if (primary.rolloutState !== 'COMPLETED') return `the PRIMARY deployment is ${primary.rolloutState}`;
  if (primary.runningCount !== desired || status.runningCount !== desired) return `runningCount ${status.runningCount} (deployment ${primary.runningCount}), desired ${desired}`;
  if (!status.conditions?.some((c) => c.type === 'SteadyState' && c.status === 'True')) return 'condition SteadyState is not True';

  const owned = deployments.filter((d) => d.metadata?.ownerReferences?.some((r) => r.uid === svc.metadata.uid));
  let replicas = 0;
  for (const name of workloadNames(svc)) {
    const d = owned.find((o) => o.metadata?.name === name);
    if (!d) return `Deployment ${name} is missing`;
    const want = d.spec?.replicas ?? 0;
    const got = d.status ?? {};
    if (d.spec?.template?.metadata?.labels?.[LABEL_DEPLOYMENT] !== deploymentLabelValue(id)) return `Deployment ${name} does not run deployment ${id}`;
    if (got.observedGeneration !== d.metadata?.generation) return `Deployment ${name} is not observed yet`;
    if ((got.replicas ?? 0) !== want || (got.updatedReplicas ?? 0) !== want || (got.readyReplicas ?? 0) !== want || (got.availableReplicas ?? 0) !== want) {
      return `Deployment ${name} has ${got.readyReplicas ?? 0}/${want} ready, ${got.updatedReplicas ?? 0} updated, ${got.replicas ?? 0} in all`;
    }
    replicas += want;
  }
  if (replicas !== desired) return `its Deployments ask for ${replicas} replicas, desired ${desired}`;

  // The status is only truthful if the tasks it counts exist: ready pods of this deployment alone.
  const pods = s.pods.filter((p) => live(p) && p.metadata?.labels?.[LABEL_SERVICE] === svc.metadata.name);
  const current = pods.filter((p) => p.metadata?.labels?.[LABEL_DEPLOYMENT] === deploymentLabelValue(id) && isReady(p));
  if (current.length !== desired || pods.length !== desired) return `${current.length} ready pods of ${id} and ${pods.length - current.length} others, desired ${desired}`;
  return undefined;
}
