import { armBreaker, breakerThreshold, completeBreaker, evaluateBreaker } from '../../../src/ecs/breaker.js';

describe('circuit breaker threshold: ceil(50% of desired), at least 3, at most 200', () => {
  // ECS's table: 1 → 3 (below the minimum), 25 → 13 (rounded up), 400 and 800 → 200 (the maximum).
  test.each([
    [0, 3],
    [1, 3],
    [2, 3],
    [6, 3],
    [7, 4],
    [10, 5],
    [25, 13],
    [399, 200],
    [400, 200],
    [800, 200],
  ])('desired %i → %i', (desired, threshold) => {
    expect(breakerThreshold(desired)).toBe(threshold);
  });
});

describe('circuit breaker evaluation', () => {
  const monitoring = armBreaker({ enabled: true, alreadyRunning: false, desiredCount: 4 });

  test('armed when enabled and no task of the new revision was running', () => {
    expect(monitoring).toEqual({ status: 'MONITORING', failureCount: 0, threshold: 3 });
  });

  test('not armed when a task of the new revision already ran, nor when disabled', () => {
    expect(armBreaker({ enabled: true, alreadyRunning: true, desiredCount: 4 }).status).toBe('DISABLED');
    expect(armBreaker({ enabled: false, alreadyRunning: false, desiredCount: 4 }).status).toBe('DISABLED');
  });

  test.each([
    ['below the threshold', 2, 4, 'MONITORING', false],
    ['at the threshold', 3, 4, 'TRIGGERED', true],
    ['the threshold follows the latest desired count', 3, 8, 'MONITORING', false],
    ['a count that fell back (tasks became healthy) does not trip', 0, 4, 'MONITORING', false],
  ])('%s', (_name, failures, desired, status, tripped) => {
    const verdict = evaluateBreaker(monitoring, { enabled: true, failures, desiredCount: desired });
    expect(verdict.state.status).toBe(status);
    expect(verdict.tripped).toBe(tripped);
    expect(verdict.state.failureCount).toBe(failures);
  });

  test('a triggered breaker stays triggered and does not trip again', () => {
    const triggered = evaluateBreaker(monitoring, { enabled: true, failures: 5, desiredCount: 4 }).state;
    expect(evaluateBreaker(triggered, { enabled: true, failures: 9, desiredCount: 4 })).toEqual({ state: triggered, tripped: false });
  });

  test('disabling the breaker in the spec stops a monitoring one', () => {
    expect(evaluateBreaker(monitoring, { enabled: false, failures: 7, desiredCount: 4 })).toEqual({
      state: { status: 'DISABLED', failureCount: 7, threshold: 3 },
      tripped: false,
    });
  });

  test('a disabled breaker records failures and never trips', () => {
    const disabled = armBreaker({ enabled: false, alreadyRunning: false, desiredCount: 4 });
    expect(evaluateBreaker(disabled, { enabled: true, failures: 50, desiredCount: 4 })).toEqual({ state: { ...disabled, failureCount: 50 }, tripped: false });
  });

  test('completion ends monitoring', () => {
    expect(completeBreaker(monitoring).status).toBe('MONITORING_COMPLETE');
    expect(completeBreaker({ status: 'DISABLED', failureCount: 0, threshold: 3 }).status).toBe('DISABLED');
  });
});
