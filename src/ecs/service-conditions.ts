import type { ConditionInput } from '../api/conditions.js';
import type { ServiceDeployment } from '../api/service.js';
import type { ServiceProblem } from './observation.js';
import type { RolloutLimits } from './rollout.js';
import { isRollbackReason } from './messages.js';

// The Service's own conditions, each one question:
//
//   SteadyState     ECS's steady state: the PRIMARY deployment runs the desired count, healthy,
//                   and nothing else runs. What `aws ecs wait services-stable` waits for.
//   Progressing     a deployment is under way (False once it completed, failed or is blocked).
//   CircuitBreaker  True when the breaker failed the deployment the spec asks for.
//   Ready           the spec is what runs: the deployment the spec asks for is PRIMARY and has
//                   COMPLETED (reached a steady state once), and some task runs. Unlike ECS's
//                   steady state, a service rolled back to an older revision is not Ready, so
//                   `kubectl wait --for=condition=Ready` after a change means the change is live;
//                   scaling, or a task being replaced, does not make it un-Ready.

export const CONDITION_READY = 'Ready';
export const CONDITION_STEADY_STATE = 'SteadyState';
export const CONDITION_PROGRESSING = 'Progressing';
export const CONDITION_CIRCUIT_BREAKER = 'CircuitBreaker';

export interface ConditionFacts {
  generation?: number;
  desiredCount: number;
  runningCount: number;
  primary?: ServiceDeployment;
  deployments: readonly ServiceDeployment[];
  steady: boolean;
  /** The deployment id the spec asks for, when known. */
  targetId?: string;
  problem?: ServiceProblem;
  limits: RolloutLimits;
  /** The rollout cannot proceed (blocked limits with tasks to replace). */
  blocked: boolean;
  breakerEnabled: boolean;
}

export function serviceConditions(f: ConditionFacts): ConditionInput[] {
  const g = f.generation === undefined ? {} : { observedGeneration: f.generation };
  return [
    { type: CONDITION_READY, ...g, ...ready(f) },
    { type: CONDITION_STEADY_STATE, ...g, ...steadyState(f) },
    { type: CONDITION_PROGRESSING, ...g, ...progressing(f) },
    { type: CONDITION_CIRCUIT_BREAKER, ...g, ...circuitBreaker(f) },
  ];
}

type Verdict = Pick<ConditionInput, 'status' | 'reason' | 'message'>;

function ready(f: ConditionFacts): Verdict {
  if (f.problem) return { status: 'False', reason: f.problem.reason, message: f.problem.message };
  const p = f.primary;
  if (!p) return { status: 'False', reason: 'NoDeployment', message: 'no task definition revision is deployed yet' };
  if (p.rolloutState === 'FAILED') return { status: 'False', reason: 'DeploymentFailed', message: `deployment ${p.id} (${p.taskDefinition}) failed and there is no completed deployment to roll back to` };
  const failedTarget = f.deployments.find((d) => d.id === f.targetId && d.rolloutState === 'FAILED');
  if (failedTarget && p.id !== f.targetId) {
    return { status: 'False', reason: 'RolledBack', message: `deployment ${failedTarget.id} (${failedTarget.taskDefinition}) failed; the service runs ${p.taskDefinition} (deployment ${p.id})` };
  }
  if (p.rolloutState !== 'COMPLETED') return { status: 'False', reason: 'DeploymentInProgress', message: progress(p, f) };
  if (f.desiredCount > 0 && f.runningCount === 0) return { status: 'False', reason: 'NoTasksRunning', message: `0 of ${f.desiredCount} tasks running` };
  return { status: 'True', reason: 'DeploymentCompleted', message: `${p.taskDefinition}: ${f.runningCount} of ${f.desiredCount} tasks running` };
}

function steadyState(f: ConditionFacts): Verdict {
  if (f.steady) return { status: 'True', reason: 'SteadyState', message: `${f.runningCount} of ${f.desiredCount} tasks running, all of the primary deployment` };
  const p = f.primary;
  if (!p) return { status: 'False', reason: 'NoDeployment', message: 'no task definition revision is deployed yet' };
  if (p.rolloutState === 'FAILED') return { status: 'False', reason: 'DeploymentFailed', message: `deployment ${p.id} failed` };
  if (p.rolloutState === 'IN_PROGRESS') return { status: 'False', reason: 'DeploymentInProgress', message: progress(p, f) };
  return { status: 'False', reason: 'TasksPending', message: `${p.runningCount ?? 0} of ${f.desiredCount} tasks of the primary deployment running` };
}

function progressing(f: ConditionFacts): Verdict {
  const p = f.primary;
  if (!p) return { status: 'False', reason: 'NoDeployment', message: f.problem?.message ?? 'no task definition revision is deployed yet' };
  if (p.rolloutState === 'FAILED') {
    return { status: 'False', reason: 'DeploymentFailed', message: `deployment ${p.id} (${p.taskDefinition}) failed: ${p.failedTasks ?? 0} tasks failed to start` };
  }
  if (p.rolloutState === 'COMPLETED') return { status: 'False', reason: 'DeploymentCompleted', message: `deployment ${p.id} (${p.taskDefinition}) completed` };
  if (f.blocked) {
    const l = f.limits;
    return {
      status: 'False',
      reason: 'DeploymentBlocked',
      message:
        `with ${l.desiredCount} desired tasks, minimumHealthyPercent ${l.minimumHealthyPercent} and maximumPercent ${l.maximumPercent} ` +
        'let no task stop or start: update the minimumHealthyPercent or maximumPercent value',
    };
  }
  return { status: 'True', reason: isRollbackReason(p.rolloutStateReason) ? 'RollingBack' : 'DeploymentInProgress', message: progress(p, f) };
}

function circuitBreaker(f: ConditionFacts): Verdict {
  const tripped = f.deployments.find((d) => d.circuitBreaker?.status === 'TRIGGERED' && (f.targetId === undefined || d.id === f.targetId));
  if (tripped) {
    const cb = tripped.circuitBreaker;
    const after = f.primary && f.primary.id !== tripped.id ? `; rolled back to deployment ${f.primary.id} (${f.primary.taskDefinition})` : '';
    return {
      status: 'True',
      reason: 'Triggered',
      message: `deployment ${tripped.id} (${tripped.taskDefinition}) failed: ${cb?.failureCount ?? 0} tasks failed to start (threshold ${cb?.threshold ?? 0})${after}`,
    };
  }
  const cb = f.primary?.circuitBreaker;
  if (!f.breakerEnabled) return { status: 'False', reason: 'Disabled', message: 'deploymentConfiguration.deploymentCircuitBreaker is not enabled' };
  if (!cb) return { status: 'False', reason: 'Disabled', message: 'no deployment to monitor' };
  switch (cb.status) {
    case 'MONITORING':
      return { status: 'False', reason: 'Monitoring', message: `${cb.failureCount ?? 0} of ${cb.threshold ?? 0} failed tasks of deployment ${f.primary?.id}` };
    case 'MONITORING_COMPLETE':
      return { status: 'False', reason: 'MonitoringComplete', message: `deployment ${f.primary?.id} completed` };
    default:
      return {
        status: 'False',
        reason: 'Disabled',
        message: `not armed for deployment ${f.primary?.id}: the service already ran a task of ${f.primary?.taskDefinition} when it started, or the breaker was enabled after it started`,
      };
  }
}

function progress(p: ServiceDeployment, f: ConditionFacts): string {
  return `deployment ${p.id} (${p.taskDefinition}): ${p.runningCount ?? 0} of ${f.desiredCount} tasks running`;
}
