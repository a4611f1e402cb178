import type { ContainerStatus, Pod } from '../api/kube.js';
import { LABEL_FAMILY, LABEL_REVISION } from '../render/labels.js';
import { LABEL_DEPLOYMENT, deploymentIdFromLabel } from './ids.js';

// A pod is an ECS task. What the service status needs from it, read once per pass:
//
//   lastStatus  PENDING until the pod is Ready (its essential containers run and pass their
//               health checks), then RUNNING; STOPPING once it is being deleted; STOPPED when
//               it has finished (Succeeded or Failed).
//   failures    how often the task failed to start or failed its health checks. ECS stops such a
//               task and starts another; a pod restarts its containers in place instead, so each
//               restart is one failure. A container that cannot start at all (image pull, missing
//               secret) restarts nothing, so it counts once, and once more for every minute it
//               stays stuck, as ECS would keep replacing the task.

export type TaskStatus = 'PENDING' | 'RUNNING' | 'STOPPING' | 'STOPPED';

export interface TaskObservation {
  /** The pod name; events call it the task. */
  name: string;
  /** The deployment the task belongs to (from its ecs.berth.dev/deployment label). */
  deploymentId?: string;
  /** family:revision from the pod's labels. */
  taskDefinition?: string;
  createdAt?: string;
  lastStatus: TaskStatus;
  /** The pod is Ready. */
  healthy: boolean;
  failures: number;
  /** The scheduler's reason when the pod cannot be placed on any node. */
  unschedulable?: string;
}

/** Container waiting reasons that mean the container could not be started at all. */
export const START_FAILURE_REASONS: readonly string[] = [
  'ErrImagePull',
  'ImagePullBackOff',
  'InvalidImageName',
  'ErrImageNeverPull',
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
];

/** How long a container stuck in a start failure stands for one more failed task. */
export const STUCK_START_SECONDS = 60;

export function observeTask(pod: Pod, now: Date): TaskObservation {
  const labels = pod.metadata.labels ?? {};
  const family = labels[LABEL_FAMILY];
  const revision = labels[LABEL_REVISION];
  const out: TaskObservation = {
    name: pod.metadata.name ?? '',
    lastStatus: taskStatus(pod),
    healthy: isReady(pod),
    failures: taskFailures(pod, now),
  };
  const deploymentId = deploymentIdFromLabel(labels[LABEL_DEPLOYMENT]);
  if (deploymentId) out.deploymentId = deploymentId;
  if (family !== undefined && revision !== undefined) out.taskDefinition = `${family}:${revision}`;
  if (pod.metadata.creationTimestamp) out.createdAt = pod.metadata.creationTimestamp;
  const unschedulable = unschedulableReason(pod);
  if (unschedulable !== undefined) out.unschedulable = unschedulable;
  return out;
}

export function observeTasks(pods: readonly Pod[], now: Date): TaskObservation[] {
  return pods.map((p) => observeTask(p, now)).sort((a, b) => compare(a.createdAt ?? '', b.createdAt ?? '') || compare(a.name, b.name));
}

/** A task that still counts towards the service: neither stopping nor stopped. */
export function isLive(task: TaskObservation): boolean {
  return task.lastStatus === 'PENDING' || task.lastStatus === 'RUNNING';
}

function taskStatus(pod: Pod): TaskStatus {
  if (pod.metadata.deletionTimestamp) return 'STOPPING';
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return 'STOPPED';
  return phase === 'Running' && isReady(pod) ? 'RUNNING' : 'PENDING';
}

function isReady(pod: Pod): boolean {
  return (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

function taskFailures(pod: Pod, now: Date): number {
  const statuses = containerStatuses(pod);
  let failures = statuses.reduce((sum, s) => sum + (s.restartCount ?? 0), 0);
  if (pod.status?.phase === 'Failed') failures += 1;
  if (statuses.some((s) => START_FAILURE_REASONS.includes(s.state?.waiting?.reason ?? ''))) {
    const since = Date.parse(pod.status?.startTime ?? pod.metadata.creationTimestamp ?? '');
    const stuck = Number.isNaN(since) ? 0 : Math.max(0, now.getTime() - since) / 1000;
    failures += 1 + Math.floor(stuck / STUCK_START_SECONDS);
  }
  return failures;
}

function containerStatuses(pod: Pod): ContainerStatus[] {
  return [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
}

function unschedulableReason(pod: Pod): string | undefined {
  if (pod.spec?.nodeName) return undefined;
  const scheduled = (pod.status?.conditions ?? []).find((c) => c.type === 'PodScheduled');
  if (scheduled?.status !== 'False' || scheduled.reason !== 'Unschedulable') return undefined;
  return scheduled.message ?? 'no node fits the task';
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
