import { rolloutLimits, rolloutPercents, type SchedulingStrategy } from '../../../src/ecs/rollout.js';

describe('rollout limits: ECS rounding as absolute task counts', () => {
  // [case, desired, min, max, strategy, maxSurge, maxUnavailable, blocked]
  const cases: [string, number, number | undefined, number | undefined, SchedulingStrategy, number, number, boolean][] = [
    // ECS: "minimumHealthyPercent of 50% and a desired count of four tasks … stop two existing tasks".
    ['min 50, 4 tasks: stop 2 first', 4, 50, 200, 'REPLICA', 4, 2, false],
    // ECS: "desired count of two tasks and a minimumHealthyPercent of 75% … can't stop any" (ceil 1.5 = 2).
    ['min 75, 2 tasks: stop none', 2, 75, 200, 'REPLICA', 2, 0, false],
    // ECS: "maximumPercent of 200% with four tasks … start four new tasks before stopping".
    ['max 200, 4 tasks: start 4 first', 4, 100, 200, 'REPLICA', 4, 0, false],
    // ECS: "maximumPercent 125% with three tasks … can't start any" (floor 3.75 = 3).
    ['max 125, 3 tasks: start none', 3, 0, 125, 'REPLICA', 0, 3, false],
    ['max 125 and min 100, 3 tasks: blocked', 3, 100, 125, 'REPLICA', 0, 0, true],
    ['max 125, 4 tasks: start 1', 4, 100, 125, 'REPLICA', 1, 0, false],
    ['max 150 and min 50, 1 task: blocked (floor 1.5 = 1, ceil 0.5 = 1)', 1, 50, 150, 'REPLICA', 0, 0, true],
    ['defaults 100/200, 3 tasks', 3, undefined, undefined, 'REPLICA', 3, 0, false],
    ['defaults 100/200, 1 task', 1, undefined, undefined, 'REPLICA', 1, 0, false],
    ['min 0 max 200, 1 task (the Mythical Mysfits service)', 1, 0, 200, 'REPLICA', 1, 1, false],
    ['min 0 max 100, 5 tasks: stop all first', 5, 0, 100, 'REPLICA', 0, 5, false],
    ['min 90, 10 tasks: stop 1', 10, 90, 100, 'REPLICA', 0, 1, false],
    ['min 33, 3 tasks: ceil 0.99 = 1 stays, stop 2', 3, 33, 100, 'REPLICA', 0, 2, false],
    ['max 110, 10 tasks: start 1', 10, 100, 110, 'REPLICA', 1, 0, false],
    ['max 199, 1 task: floor 1.99 = 1, start none', 1, 0, 199, 'REPLICA', 0, 1, false],
    ['max below 100 never goes negative', 4, 50, 50, 'REPLICA', 0, 2, false],
    ['no tasks: nothing to replace, not blocked', 0, 100, 100, 'REPLICA', 0, 0, false],
    ['daemon defaults 0/100, 5 nodes: replace all at once', 5, undefined, undefined, 'DAEMON', 0, 5, false],
    ['daemon min 50, 5 nodes: keep ceil 2.5 = 3', 5, 50, undefined, 'DAEMON', 0, 2, false],
    ['daemon min 100: blocked', 3, 100, undefined, 'DAEMON', 0, 0, true],
  ];

  test.each(cases)('%s', (_name, desired, min, max, strategy, maxSurge, maxUnavailable, blocked) => {
    const config = { ...(min === undefined ? {} : { minimumHealthyPercent: min }), ...(max === undefined ? {} : { maximumPercent: max }) };
    expect(rolloutLimits(desired, config, strategy)).toMatchObject({ desiredCount: desired, maxSurge, maxUnavailable, blocked });
  });

  test('defaults: REPLICA 100/200, DAEMON 0/100', () => {
    expect(rolloutPercents(undefined, 'REPLICA')).toEqual({ minimumHealthyPercent: 100, maximumPercent: 200 });
    expect(rolloutPercents(undefined, 'DAEMON')).toEqual({ minimumHealthyPercent: 0, maximumPercent: 100 });
    expect(rolloutPercents({ maximumPercent: 150 }, 'REPLICA')).toEqual({ minimumHealthyPercent: 100, maximumPercent: 150 });
  });

  test('integer arithmetic: no floating-point drift at exact multiples', () => {
    // 7 · 300 / 100 = 21 exactly; 29 · 57 / 100 = 16.53 → ceil 17.
    expect(rolloutLimits(7, { maximumPercent: 300, minimumHealthyPercent: 100 }, 'REPLICA').maxSurge).toBe(14);
    expect(rolloutLimits(29, { minimumHealthyPercent: 57, maximumPercent: 100 }, 'REPLICA').maxUnavailable).toBe(12);
  });
});
