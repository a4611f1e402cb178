import { formatTime, mergeConditions } from '../api/conditions.js';
import type { DaemonSet } from '../api/kube.js';
import type { ServiceDeployment, ServiceStatus } from '../api/service.js';
import { schedulingStrategyOf, serviceNameOf } from '../api/service.js';
import { LABEL_SERVICE } from '../render/labels.js';
import { labelValue } from '../render/names.js';
import { armBreaker, completeBreaker, evaluateBreaker, type BreakerState } from './breaker.js';
import { adoptUnlisted, hasTasks, lastCompleted, replicaSetReplicas, retain, stamp, tally } from './deployments.js';
import { desiredCountOf } from './desired.js';
import { appendEvents, type ServiceEventAction } from './events.js';
import { LABEL_DEPLOYMENT, deploymentId, deploymentLabelValue } from './ids.js';
import * as say from './messages.js';
import type { ReplicaSetLike, ServiceObservation, TaskDefinitionTarget } from './observation.js';
import { rolloutLimits, type RolloutLimits } from './rollout.js';
import { CONDITION_PROGRESSING, CONDITION_READY, CONDITION_STEADY_STATE, serviceConditions } from './service-conditions.js';
import { START_FAILURE_REASONS, STUCK_START_SECONDS, observeTasks, type TaskObservation } from './tasks.js';
import { startBatchOpenFor, taskEvents } from './task-events.js';
import { workloadsRun } from './workloads.js';

// One pass of ECS's service scheduler, as a pure function of what the controller observed:
// which deployment the workload should run, the service status, and the events of this pass.
// Deriving it twice from the same world gives the same status and no events the second time,
// so a converged operator writes nothing.

/** What the controller renders this pass. */
export interface RolloutPlan {
  /** The revision the workload's pod template runs: the PRIMARY deployment's. */
  taskDefinition: TaskDefinitionTarget;
  /** The PRIMARY deployment's id; its digits label the pod template (ecs.berth.dev/deployment). */
  deploymentId: string;
  /** Deployment replicas (REPLICA); 0 for DAEMON, where the nodes decide. */
  replicas: number;
  /** ECS's rolling-update limits for the current desired count. */
  limits: RolloutLimits;
  /**
   * Stop the rollout where it stands: the PRIMARY deployment FAILED with nothing to roll back to,
   * or the limits let no task be replaced. Deployment: spec.paused; DaemonSet: OnDelete.
   */
  paused: boolean;
  /** A deployment is in progress: ECS suspends scale-in meanwhile (HPA scaleDown Disabled). */
  suspendScaleIn: boolean;
}

export interface ServiceStatusResult {
  status: ServiceStatus;
  /** Absent while nothing can be deployed (no resolvable revision yet). */
  rollout?: RolloutPlan;
  /** Kubernetes Events to record on the Service, new this pass, oldest first. */
  events: ServiceEventAction[];
  /** Derive again after this many seconds even if nothing changes (time-based failure counts). */
  requeueAfterSeconds?: number;
}

// What every phase of a pass reads.
interface Pass {
  name: string;
  daemon: boolean;
  desired: number;
  now: string;
  tasks: TaskObservation[];
  replicaSets: readonly ReplicaSetLike[];
  breakerEnabled: boolean;
  rollback: boolean;
  /** Deployment events of this pass, in order. */
  events: ServiceEventAction[];
}

export function deriveServiceStatus(obs: ServiceObservation): ServiceStatusResult {
  const { spec, metadata } = obs.service;
  const previous = obs.service.status ?? {};
  const pass = beginPass(obs);
  const target = obs.target ? `${obs.target.family}:${obs.target.revision}` : undefined;
  const targetId = target === undefined ? undefined : deploymentId(metadata.uid ?? '', target, spec.forceNewDeployment);

  let list = previous.deployments ?? [];
  if (target && targetId && !obs.problem) list = startDeployment(list, target, targetId, pass);
  list = adoptUnlisted(list, pass.tasks, pass.now).map((d) => withCounts(d, pass));
  list = watchBreaker(list, pass);
  const steady = isSteady(list, obs, pass);
  list = completeIfSteady(list, steady, pass);
  list = stamp(retain(list, { tasks: pass.tasks, replicaSets: pass.replicaSets, targetId }), previous.deployments ?? [], pass.now);
  const primary = list.find((d) => d.status === 'PRIMARY');

  const limits = rolloutLimits(pass.desired, spec.deploymentConfiguration, pass.daemon ? 'DAEMON' : 'REPLICA');
  const replacing = primary !== undefined && list.some((d) => d.id !== primary.id && hasTasks(pass.tasks, pass.replicaSets, d.id));
  const blocked = limits.blocked && replacing && primary?.rolloutState === 'IN_PROGRESS';
  const { status, events } = summarise(obs, pass, { list, primary, steady, targetId, limits, blocked });

  const result: ServiceStatusResult = { status, events };
  if (primary) result.rollout = plan(primary, limits, blocked, pass);
  if (primary?.circuitBreaker?.status === 'MONITORING' && obs.pods.some((p) => isStuckStarting(p, primary.id))) {
    result.requeueAfterSeconds = STUCK_START_SECONDS;
  }
  const batch = startBatchOpenFor(pass.tasks, previous.events, obs.now);
  if (batch !== undefined) result.requeueAfterSeconds = Math.min(result.requeueAfterSeconds ?? batch, batch);
  return result;
}

function beginPass(obs: ServiceObservation): Pass {
  const spec = obs.service.spec;
  const daemon = schedulingStrategyOf(spec) === 'DAEMON';
  const breaker = spec.deploymentConfiguration?.deploymentCircuitBreaker;
  return {
    name: serviceNameOf(obs.service),
    daemon,
    desired: desiredCountOf(spec, daemon ? (obs.workloads.find((w) => w.kind === 'DaemonSet') as DaemonSet | undefined) : undefined),
    now: formatTime(obs.now),
    tasks: observeTasks(obs.pods, obs.now),
    replicaSets: obs.replicaSets ?? [],
    breakerEnabled: breaker?.enable ?? false,
    rollback: breaker?.rollback ?? false,
    events: [],
  };
}

interface Outcome {
  list: ServiceDeployment[];
  primary?: ServiceDeployment;
  steady: boolean;
  targetId?: string;
  limits: RolloutLimits;
  blocked: boolean;
}

// The status, and the events of the pass: task events, the deployment events already made, and
// the events of condition transitions (blocked, steady state), which happen once per transition.
function summarise(obs: ServiceObservation, pass: Pass, o: Outcome): { status: ServiceStatus; events: ServiceEventAction[] } {
  const { metadata } = obs.service;
  const previous = obs.service.status ?? {};
  const runningCount = pass.tasks.filter((t) => t.lastStatus === 'RUNNING').length;
  const conditions = serviceConditions({
    generation: metadata.generation,
    desiredCount: pass.desired,
    runningCount,
    primary: o.primary,
    deployments: o.list,
    steady: o.steady,
    targetId: o.targetId,
    problem: obs.problem,
    limits: o.limits,
    blocked: o.blocked,
    breakerEnabled: pass.breakerEnabled,
  });
  const before = previous.conditions ?? [];
  if (o.blocked && before.find((c) => c.type === CONDITION_PROGRESSING)?.reason !== 'DeploymentBlocked') {
    pass.events.push({ type: 'Warning', reason: 'DeploymentBlocked', message: say.unableToStopOrStart(pass.name) });
  }
  if (o.steady && before.find((c) => c.type === CONDITION_STEADY_STATE)?.status !== 'True') {
    pass.events.push({ type: 'Normal', reason: 'SteadyState', message: say.steadyState(pass.name) });
  }
  const problem = obs.problem;
  const readyBefore = before.find((c) => c.type === CONDITION_READY);
  if (problem?.warn && (readyBefore?.reason !== problem.reason || readyBefore.message !== problem.message)) {
    pass.events.push({ type: 'Warning', reason: problem.reason, message: problem.message });
  }
  const unplaceable = obs.problem?.unplaceable ? obs.problem.message : undefined;
  const events = [...taskEvents(pass.name, pass.tasks, previous.events, obs.now, unplaceable), ...pass.events];
  const status: ServiceStatus = {
    ...(metadata.generation === undefined ? {} : { observedGeneration: metadata.generation }),
    desiredCount: pass.desired,
    runningCount,
    pendingCount: pass.tasks.filter((t) => t.lastStatus === 'PENDING').length,
    ...(o.primary ? { taskDefinition: o.primary.taskDefinition } : {}),
    selector: `${LABEL_SERVICE}=${labelValue(pass.name)}`,
    deployments: o.list,
    events: events.length > 0 ? appendEvents(previous.events, events, metadata.uid ?? '', obs.now) : (previous.events ?? []),
    conditions: mergeConditions(previous.conditions, conditions, obs.now),
  };
  return { status, events };
}

// A new deployment starts when the spec asks for something other than the PRIMARY, unless that
// already failed here; the PRIMARY it replaces becomes ACTIVE.
function startDeployment(list: readonly ServiceDeployment[], target: string, targetId: string, pass: Pass): ServiceDeployment[] {
  const primary = list.find((d) => d.status === 'PRIMARY');
  if (primary?.id === targetId || list.some((d) => d.id === targetId && d.rolloutState === 'FAILED')) return [...list];
  const started: ServiceDeployment = {
    id: targetId,
    status: 'PRIMARY',
    taskDefinition: target,
    failedTasks: 0,
    rolloutState: 'IN_PROGRESS',
    rolloutStateReason: say.rolloutInProgress(targetId),
    circuitBreaker: arm(target, pass),
    createdAt: pass.now,
  };
  return [...list.filter((d) => d.id !== targetId).map((d) => (d.status === 'PRIMARY' ? { ...d, status: 'ACTIVE' as const } : d)), started];
}

// ECS does not start the breaker for a deployment whose task definition already has a RUNNING task.
function arm(taskDefinition: string, pass: Pass): BreakerState {
  const alreadyRunning = pass.tasks.some((t) => t.taskDefinition === taskDefinition && t.lastStatus === 'RUNNING');
  return armBreaker({ enabled: pass.breakerEnabled, alreadyRunning, desiredCount: pass.desired });
}

function withCounts(d: ServiceDeployment, pass: Pass): ServiceDeployment {
  const t = tally(pass.tasks, d.id);
  let desired: number;
  if (d.status === 'PRIMARY') desired = pass.desired;
  else if (pass.daemon) desired = 0;
  else desired = pass.replicaSets.length > 0 ? replicaSetReplicas(pass.replicaSets, d.id) : t.running + t.pending;
  return { ...d, desiredCount: desired, runningCount: t.running, pendingCount: t.pending };
}

// The breaker watches the PRIMARY deployment while it is in progress. When it trips with
// rollback on, the most recent COMPLETED deployment becomes PRIMARY again, IN_PROGRESS, and the
// failed one ACTIVE; without rollback, or with nothing completed, the failed one stays PRIMARY.
function watchBreaker(list: ServiceDeployment[], pass: Pass): ServiceDeployment[] {
  const primary = list.find((d) => d.status === 'PRIMARY');
  if (!primary || primary.rolloutState !== 'IN_PROGRESS') return list;
  const failures = tally(pass.tasks, primary.id).failures;
  const previous = primary.circuitBreaker ?? armBreaker({ enabled: false, alreadyRunning: false, desiredCount: pass.desired });
  const verdict = evaluateBreaker(previous, { enabled: pass.breakerEnabled, failures, desiredCount: pass.desired });
  const watched: ServiceDeployment = { ...primary, failedTasks: failures, circuitBreaker: verdict.state };
  if (!verdict.tripped) return replace(list, watched);

  const failed: ServiceDeployment = { ...watched, rolloutState: 'FAILED', rolloutStateReason: say.ROLLOUT_FAILED };
  pass.events.push({ type: 'Warning', reason: 'DeploymentFailed', message: say.deploymentFailed(pass.name, failed.id) });
  const back = pass.rollback ? lastCompleted(list, failed.id) : undefined;
  if (!back) return replace(list, failed);

  const revived: ServiceDeployment = {
    ...back,
    status: 'PRIMARY',
    desiredCount: pass.desired,
    failedTasks: 0,
    rolloutState: 'IN_PROGRESS',
    rolloutStateReason: say.rolloutRollingBack(failed.id),
    circuitBreaker: arm(back.taskDefinition, pass),
  };
  pass.events.push({ type: 'Warning', reason: 'RollingBack', message: say.rollingBack(pass.name, back.id) });
  return replace(replace(list, { ...failed, status: 'ACTIVE' }), revived);
}

// ECS's steady state: the workloads run the PRIMARY deployment's template, which has the desired
// count of tasks running and healthy, and no other task (of any deployment) is left.
function isSteady(list: readonly ServiceDeployment[], obs: ServiceObservation, pass: Pass): boolean {
  const primary = list.find((d) => d.status === 'PRIMARY');
  if (!primary || primary.rolloutState === 'FAILED' || !workloadsRun(obs.workloads, obs.workloadNames, primary.id)) return false;
  if (primary.runningCount !== pass.desired || primary.pendingCount !== 0) return false;
  const othersLeft = pass.tasks.some((t) => t.deploymentId !== primary.id && t.lastStatus !== 'STOPPED');
  const othersScaled = list.some((d) => d.id !== primary.id && replicaSetReplicas(pass.replicaSets, d.id) > 0);
  return !othersLeft && !othersScaled;
}

function completeIfSteady(list: ServiceDeployment[], steady: boolean, pass: Pass): ServiceDeployment[] {
  const primary = list.find((d) => d.status === 'PRIMARY');
  if (!steady || !primary || primary.rolloutState !== 'IN_PROGRESS') return list;
  pass.events.push({ type: 'Normal', reason: 'DeploymentCompleted', message: say.deploymentCompleted(pass.name, primary.id) });
  const breaker = primary.circuitBreaker ? completeBreaker(primary.circuitBreaker) : undefined;
  return replace(list, { ...primary, rolloutState: 'COMPLETED', rolloutStateReason: say.rolloutCompleted(primary.id), ...(breaker ? { circuitBreaker: breaker } : {}) });
}

function plan(primary: ServiceDeployment, limits: RolloutLimits, blocked: boolean, pass: Pass): RolloutPlan {
  const colon = primary.taskDefinition.lastIndexOf(':');
  return {
    taskDefinition: { family: primary.taskDefinition.slice(0, colon), revision: Number(primary.taskDefinition.slice(colon + 1)) },
    deploymentId: primary.id,
    replicas: pass.daemon ? 0 : pass.desired,
    limits,
    paused: primary.rolloutState === 'FAILED' || blocked,
    suspendScaleIn: primary.rolloutState === 'IN_PROGRESS',
  };
}

function isStuckStarting(pod: ServiceObservation['pods'][number], id: string): boolean {
  if (pod.metadata.labels?.[LABEL_DEPLOYMENT] !== deploymentLabelValue(id)) return false;
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  return statuses.some((s) => START_FAILURE_REASONS.includes(s.state?.waiting?.reason ?? ''));
}

function replace(list: readonly ServiceDeployment[], d: ServiceDeployment): ServiceDeployment[] {
  return list.map((x) => (x.id === d.id ? d : x));
}
