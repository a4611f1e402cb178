// ECS's rolling-update limits as absolute task counts.
//
//   minimumHealthyPercent: the lower limit on RUNNING tasks during a deployment, rounded UP
//   maximumPercent:        the upper limit on RUNNING + PENDING tasks, rounded DOWN
//
// so with d desired tasks a deployment may stop d − ceil(d·min/100) tasks below d and start
// floor(d·max/100) − d tasks above it. Kubernetes rounds a percentage maxSurge up, the other way
// from ECS, which is why the workload gets these integers and never the percentages.

export type SchedulingStrategy = 'REPLICA' | 'DAEMON';

export interface RolloutPercents {
  minimumHealthyPercent: number;
  maximumPercent: number;
}

/** ECS's defaults (API and CLI): REPLICA 100/200; DAEMON 0/100 (a daemon cannot surge). */
export const DEFAULT_ROLLOUT_PERCENTS: Readonly<Record<SchedulingStrategy, RolloutPercents>> = {
  REPLICA: { minimumHealthyPercent: 100, maximumPercent: 200 },
  DAEMON: { minimumHealthyPercent: 0, maximumPercent: 100 },
};

export interface RolloutLimits extends RolloutPercents {
  desiredCount: number;
  /** Tasks a deployment may run above desiredCount: floor(d·max/100) − d, at least 0. */
  maxSurge: number;
  /** Tasks a deployment may stop below desiredCount: d − ceil(d·min/100), at least 0. */
  maxUnavailable: number;
  /**
   * True when there are tasks to replace but neither limit lets ECS start or stop one: the
   * deployment cannot make progress and ECS reports "unable to stop or start tasks".
   */
  blocked: boolean;
}

export interface DeploymentConfigurationInput {
  minimumHealthyPercent?: number;
  maximumPercent?: number;
}

export function rolloutPercents(config: DeploymentConfigurationInput | undefined, strategy: SchedulingStrategy): RolloutPercents {
  const defaults = DEFAULT_ROLLOUT_PERCENTS[strategy];
  return {
    minimumHealthyPercent: config?.minimumHealthyPercent ?? defaults.minimumHealthyPercent,
    maximumPercent: config?.maximumPercent ?? defaults.maximumPercent,
  };
}

export function rolloutLimits(
  desiredCount: number,
  config: DeploymentConfigurationInput | undefined,
  strategy: SchedulingStrategy,
): RolloutLimits {
  const percents = rolloutPercents(config, strategy);
  const d = Math.max(0, Math.trunc(desiredCount));
  const maxSurge = Math.max(0, floorDiv(d * percents.maximumPercent, 100) - d);
  const maxUnavailable = Math.max(0, d - ceilDiv(d * percents.minimumHealthyPercent, 100));
  return { ...percents, desiredCount: d, maxSurge, maxUnavailable, blocked: d > 0 && maxSurge === 0 && maxUnavailable === 0 };
}

// Integer division keeps 3·125/100 from becoming 3.7499999 or 3.7500001.
function floorDiv(a: number, b: number): number {
  return (a - (a % b)) / b;
}

function ceilDiv(a: number, b: number): number {
  return floorDiv(a + b - 1, b);
}

/**
 * The service's limits split over workloads that share its tasks (one per capacity provider,
 * `counts` tasks each). Each share gets ECS's rounding of its own count; what the service's
 * limits allow beyond their sum (less than one task per share, rounding being what it is) goes
 * one task at a time to the shares that could replace nothing otherwise, then to the others in
 * order. The shares together stay within the service's limits.
 */
export function splitRolloutLimits(service: RolloutLimits, counts: readonly number[]): RolloutLimits[] {
  const percents = { minimumHealthyPercent: service.minimumHealthyPercent, maximumPercent: service.maximumPercent };
  const shares = counts.map((d) => rolloutLimits(d, percents, 'REPLICA'));
  const withTasks = shares.map((_, i) => i).filter((i) => shares[i].desiredCount > 0);
  const order = [...withTasks.filter((i) => shares[i].blocked), ...withTasks.filter((i) => !shares[i].blocked)];
  const sum = (key: 'maxSurge' | 'maxUnavailable') => shares.reduce((n, s) => n + s[key], 0);
  const surge = service.maxSurge - sum('maxSurge');
  const unavailable = service.maxUnavailable - sum('maxUnavailable');
  order.forEach((i, rank) => {
    const s = shares[i];
    const maxSurge = s.maxSurge + (rank < surge ? 1 : 0);
    const maxUnavailable = s.maxUnavailable + (rank < unavailable ? 1 : 0);
    shares[i] = { ...s, maxSurge, maxUnavailable, blocked: maxSurge === 0 && maxUnavailable === 0 };
  });
  return shares;
}
