import type { ServiceDeployment } from '../api/service.js';

// The deployment circuit breaker. ECS fails a rolling deployment once the tasks of the new
// deployment that failed to start, or failed health checks, reach a threshold of half the
// desired count, rounded up, and at least 3 and at most 200 (recomputed from the latest desired
// count). A FAILED deployment launches no new tasks; with rollback, ECS rolls the service back
// to the most recent COMPLETED deployment.
//
// Failures are counted the way ECS counts them by default (resetOnHealthyTask): only failures
// not followed by a healthy task. Pods restart in place rather than being replaced, so a pod's
// failures are its restarts (see tasks.ts), and they count only while the pod is not healthy:
// a pod that recovers resets its share of the count, as a task that reaches a healthy state
// resets ECS's.

export const BREAKER_MIN_THRESHOLD = 3;
export const BREAKER_MAX_THRESHOLD = 200;
/** ECS's default BOUNDED_PERCENT value. */
export const BREAKER_PERCENT = 50;

export type BreakerState = NonNullable<ServiceDeployment['circuitBreaker']>;

/** ceil(desired · 50%) clamped to [3, 200]. */
export function breakerThreshold(desiredCount: number): number {
  const half = Math.ceil((Math.max(0, desiredCount) * BREAKER_PERCENT) / 100);
  return Math.min(BREAKER_MAX_THRESHOLD, Math.max(BREAKER_MIN_THRESHOLD, half));
}

export interface ArmInput {
  /** deploymentConfiguration.deploymentCircuitBreaker.enable */
  enabled: boolean;
  /**
   * The service already had a RUNNING task of the new deployment's task definition when the
   * deployment started: ECS does not start the breaker then.
   */
  alreadyRunning: boolean;
  desiredCount: number;
}

/** The breaker of a deployment that starts now. */
export function armBreaker(input: ArmInput): BreakerState {
  const threshold = breakerThreshold(input.desiredCount);
  const status = input.enabled && !input.alreadyRunning ? 'MONITORING' : 'DISABLED';
  return { status, failureCount: 0, threshold };
}

export interface BreakerObservation {
  /** The breaker is still enabled in the spec. */
  enabled: boolean;
  /** Failures of the deployment's tasks not followed by a healthy task, now. */
  failures: number;
  desiredCount: number;
}

export interface BreakerVerdict {
  state: BreakerState;
  /** True on the pass where the breaker trips. */
  tripped: boolean;
}

/**
 * One evaluation of a deployment that is IN_PROGRESS. A breaker that is not MONITORING keeps
 * its state (a disabled one only records the count); turning the breaker off in the spec stops
 * a monitoring one. Turning it on does not arm a running deployment: the next one is armed.
 */
export function evaluateBreaker(previous: BreakerState, observed: BreakerObservation): BreakerVerdict {
  const threshold = breakerThreshold(observed.desiredCount);
  if (previous.status === 'MONITORING' && !observed.enabled) {
    return { state: { status: 'DISABLED', failureCount: observed.failures, threshold }, tripped: false };
  }
  if (previous.status === 'DISABLED') return { state: { ...previous, failureCount: observed.failures, threshold }, tripped: false };
  if (previous.status !== 'MONITORING') return { state: previous, tripped: false };
  if (observed.failures >= threshold) {
    return { state: { status: 'TRIGGERED', failureCount: observed.failures, threshold }, tripped: true };
  }
  return { state: { status: 'MONITORING', failureCount: observed.failures, threshold }, tripped: false };
}

/** The breaker of a deployment that reached COMPLETED. */
export function completeBreaker(state: BreakerState): BreakerState {
  return state.status === 'MONITORING' ? { ...state, status: 'MONITORING_COMPLETE' } : state;
}
