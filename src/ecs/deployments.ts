import type { ServiceDeployment } from '../api/service.js';
import { LABEL_DEPLOYMENT, deploymentIdFromLabel } from './ids.js';
import type { ReplicaSetLike } from './observation.js';
import { isLive, type TaskObservation } from './tasks.js';

// The ECS deployments of a service, as a list kept in status. A deployment is one task
// definition revision with one restart token; its tasks are the pods labelled with its id.
//
//   PRIMARY   the deployment the workload's pod template runs (at most one)
//   ACTIVE    an older deployment that still has tasks (being replaced)
//   INACTIVE  kept without tasks for one of two reasons: it is the most recent COMPLETED
//             deployment, the one a failing PRIMARY rolls back to; or it FAILED and the spec
//             still asks for it, which is how Berth knows not to deploy it again
//
// Anything else is dropped once its tasks are gone, as ECS drops INACTIVE deployments.

/** The most deployments kept in status (the schema's limit). */
export const MAX_DEPLOYMENTS = 20;

export interface Tally {
  running: number;
  pending: number;
  /** Tasks in any state, stopping ones included. */
  present: number;
  /** Failures of the tasks that are not healthy now: the breaker's count. */
  failures: number;
}

export function tally(tasks: readonly TaskObservation[], id: string): Tally {
  const mine = tasks.filter((t) => t.deploymentId === id);
  return {
    running: mine.filter((t) => t.lastStatus === 'RUNNING').length,
    pending: mine.filter((t) => t.lastStatus === 'PENDING').length,
    present: mine.filter((t) => t.lastStatus !== 'STOPPED').length,
    failures: mine.filter((t) => !t.healthy).reduce((sum, t) => sum + t.failures, 0),
  };
}

/** Replicas the ReplicaSets of deployment `id` are scaled to. */
export function replicaSetReplicas(replicaSets: readonly ReplicaSetLike[], id: string): number {
  return replicaSets
    .filter((rs) => deploymentIdFromLabel(rs.spec?.template?.metadata?.labels?.[LABEL_DEPLOYMENT] ?? rs.metadata.labels?.[LABEL_DEPLOYMENT]) === id)
    .reduce((sum, rs) => sum + (rs.spec?.replicas ?? 0), 0);
}

/** True when deployment `id` still has tasks, or ReplicaSets that will make some. */
export function hasTasks(tasks: readonly TaskObservation[], replicaSets: readonly ReplicaSetLike[], id: string): boolean {
  return tally(tasks, id).present > 0 || replicaSetReplicas(replicaSets, id) > 0;
}

/**
 * Deployments whose tasks exist but which status does not list (status was lost, or the pods
 * predate it), as ACTIVE entries of unknown rollout state, so their tasks are accounted for.
 */
export function adoptUnlisted(list: readonly ServiceDeployment[], tasks: readonly TaskObservation[], now: string): ServiceDeployment[] {
  const known = new Set(list.map((d) => d.id));
  const out = [...list];
  for (const t of tasks) {
    if (!t.deploymentId || known.has(t.deploymentId) || !isLive(t)) continue;
    known.add(t.deploymentId);
    out.push({ id: t.deploymentId, status: 'ACTIVE', taskDefinition: t.taskDefinition ?? 'unknown', createdAt: t.createdAt ?? now });
  }
  return out;
}

/** The most recent COMPLETED deployment other than `exceptId`: ECS's rollback target. */
export function lastCompleted(list: readonly ServiceDeployment[], exceptId: string): ServiceDeployment | undefined {
  return newestFirst(list.filter((d) => d.id !== exceptId && d.rolloutState === 'COMPLETED'))[0];
}

export interface RetainInput {
  tasks: readonly TaskObservation[];
  replicaSets: readonly ReplicaSetLike[];
  /** The deployment id the spec asks for, when known. */
  targetId?: string;
}

/** Sets ACTIVE / INACTIVE from the tasks, drops what need not be kept, and orders the list. */
export function retain(list: readonly ServiceDeployment[], input: RetainInput): ServiceDeployment[] {
  const primary = list.find((d) => d.status === 'PRIMARY');
  const rollbackTarget = primary && primary.rolloutState !== 'COMPLETED' ? lastCompleted(list, primary.id) : undefined;
  const kept: ServiceDeployment[] = [];
  for (const d of list) {
    if (d.status === 'PRIMARY') {
      kept.push(d);
      continue;
    }
    if (hasTasks(input.tasks, input.replicaSets, d.id)) {
      kept.push({ ...d, status: 'ACTIVE' });
      continue;
    }
    const failedAndAsked = d.rolloutState === 'FAILED' && (input.targetId === undefined || input.targetId === d.id);
    if (d.id === rollbackTarget?.id || failedAndAsked) kept.push({ ...d, status: 'INACTIVE' });
  }
  const rank = { PRIMARY: 0, ACTIVE: 1, INACTIVE: 2 } as const;
  return newestFirst(kept)
    .sort((a, b) => rank[a.status] - rank[b.status])
    .slice(0, MAX_DEPLOYMENTS);
}

/**
 * createdAt and updatedAt: a deployment keeps its previous updatedAt unless something else about
 * it changed, so deriving the same world twice writes the same list.
 */
export function stamp(list: readonly ServiceDeployment[], previous: readonly ServiceDeployment[], now: string): ServiceDeployment[] {
  const before = new Map(previous.map((d) => [d.id, d]));
  return list.map((d) => {
    const prev = before.get(d.id);
    const createdAt = d.createdAt ?? prev?.createdAt ?? now;
    const next = { ...d, createdAt };
    delete next.updatedAt;
    const unchanged = prev !== undefined && sameExceptUpdatedAt(prev, next);
    return canonical({ ...next, updatedAt: unchanged ? (prev.updatedAt ?? now) : now });
  });
}

function sameExceptUpdatedAt(a: ServiceDeployment, b: ServiceDeployment): boolean {
  const strip = (d: ServiceDeployment) => JSON.stringify(canonical({ ...d, updatedAt: undefined }));
  return strip(a) === strip(b);
}

/** Field order as the schema lists it, absent fields left out: stable JSON. */
export function canonical(d: ServiceDeployment): ServiceDeployment {
  const out: Record<string, unknown> = {};
  const order: (keyof ServiceDeployment)[] = [
    'id', 'status', 'taskDefinition', 'desiredCount', 'runningCount', 'pendingCount', 'failedTasks',
    'rolloutState', 'rolloutStateReason', 'circuitBreaker', 'createdAt', 'updatedAt',
  ];
  for (const key of order) if (d[key] !== undefined) out[key] = d[key];
  return out as ServiceDeployment;
}

function newestFirst(list: readonly ServiceDeployment[]): ServiceDeployment[] {
  return [...list].sort((a, b) => compare(b.createdAt ?? '', a.createdAt ?? '') || compare(a.id, b.id));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
