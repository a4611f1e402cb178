// Service event messages in ECS's own words, as `aws ecs describe-services` shows them, so that
// people and tools that read ECS events (deploy scripts grepping for "has reached a steady
// state", "deployment failed") read Berth's the same way. A task is named by its pod.

/** ECS lists at most this many tasks in one "has started" / "has stopped" message. */
export const TASKS_PER_MESSAGE = 10;

export function steadyState(service: string): string {
  return `(service ${service}) has reached a steady state.`;
}

export function tasksStarted(service: string, tasks: readonly string[]): string {
  return `(service ${service}) has started ${tasks.length} tasks: ${taskList(tasks)}.`;
}

export function tasksStopped(service: string, tasks: readonly string[]): string {
  return `(service ${service}) has stopped ${tasks.length} running tasks: ${taskList(tasks)}.`;
}

export function deploymentCompleted(service: string, deploymentId: string): string {
  return `(service ${service}) (deployment ${deploymentId}) deployment completed.`;
}

export function deploymentFailed(service: string, deploymentId: string): string {
  return `(service ${service}) (deployment ${deploymentId}) deployment failed: tasks failed to start.`;
}

export function rollingBack(service: string, deploymentId: string): string {
  return `(service ${service}) rolling back to deployment ${deploymentId}.`;
}

export function unableToStopOrStart(service: string): string {
  return (
    `(service ${service}) was unable to stop or start tasks during a deployment because of the service deployment configuration. ` +
    'Update the minimumHealthyPercent or maximumPercent value and try again.'
  );
}

export function unableToPlace(service: string, reason: string): string {
  return `(service ${service}) was unable to place a task because no container instance met all of its requirements. Reason: ${reason}`;
}

// rolloutStateReason texts, as ECS writes them.

export function rolloutInProgress(deploymentId: string): string {
  return `ECS deployment ${deploymentId} in progress.`;
}

export function rolloutCompleted(deploymentId: string): string {
  return `ECS deployment ${deploymentId} completed.`;
}

export const ROLLOUT_FAILED = 'ECS deployment circuit breaker: tasks failed to start.';

export function rolloutRollingBack(failedDeploymentId: string): string {
  return `ECS deployment circuit breaker: rolling back from deployment ${failedDeploymentId}.`;
}

/** True when the reason marks a deployment started by a rollback. */
export function isRollbackReason(reason: string | undefined): boolean {
  return reason?.startsWith('ECS deployment circuit breaker: rolling back') ?? false;
}

// Reading messages back: the status's own event list remembers which tasks were reported.

export type TaskMessageKind = 'started' | 'stopped';

/** The tasks named by a "has started" or "has stopped" message, or undefined for other messages. */
export function tasksIn(message: string, kind: TaskMessageKind): string[] | undefined {
  const marker = kind === 'started' ? ' has started ' : ' has stopped ';
  if (!message.startsWith('(service ') || !message.includes(marker)) return undefined;
  return [...message.matchAll(/\(task ([^)\s]+)\)/g)].map((m) => m[1]);
}

export function isSteadyStateMessage(message: string): boolean {
  return message.startsWith('(service ') && message.endsWith(') has reached a steady state.');
}

export function isUnableToPlaceMessage(message: string): boolean {
  return message.startsWith('(service ') && message.includes(') was unable to place a task ');
}

function taskList(tasks: readonly string[]): string {
  return tasks.map((t) => `(task ${t})`).join(' ');
}
