import { rolloutLimits, rolloutPercents, splitRolloutLimits, type SchedulingStrategy } from '../../../src/ecs/rollout.js';

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

describe('rollout limits split over the workloads of capacity provider shares', () => {
  // [case, min, max, counts, [maxSurge, maxUnavailable] per share]
  const cases: [string, number, number, number[], [number, number][]][] = [
    ['defaults 100/200: each share surges by its own count', 100, 200, [2, 3], [[2, 0], [3, 0]]],
    // Service: 4 tasks at 150% may start 2. Alone, a share of 1 could start none (floor 1.5 = 1).
    ['the rounding left over goes to the share that could replace nothing', 100, 150, [1, 3], [[1, 0], [1, 0]]],
    // Service: 5 at 50% may stop 2; shares of 2 and 3 stop 1 each by themselves.
    ['min 50: 1 + 1 = 2', 50, 200, [2, 3], [[2, 1], [3, 1]]],
    // Service: 3 at 50% may stop 1 (ceil 1.5 = 2 stay); shares of 1 stop none alone.
    ['min 50, 1 + 1 + 1: the first share gets the one task the service may stop', 50, 100, [1, 1, 1], [[0, 1], [0, 0], [0, 0]]],
    ['a share without tasks gets nothing', 100, 150, [0, 4], [[0, 0], [2, 0]]],
    ['blocked service: every share blocked', 100, 100, [2, 2], [[0, 0], [0, 0]]],
  ];

  test.each(cases)('%s', (_name, min, max, counts, expected) => {
    const config = { minimumHealthyPercent: min, maximumPercent: max };
    const service = rolloutLimits(counts.reduce((a, b) => a + b, 0), config, 'REPLICA');
    const shares = splitRolloutLimits(service, counts);
    expect(shares.map((s) => [s.maxSurge, s.maxUnavailable])).toEqual(expected);
    expect(shares.map((s) => s.desiredCount)).toEqual(counts);
    expect(shares.map((s) => s.blocked)).toEqual(counts.map((d, i) => d > 0 && expected[i][0] === 0 && expected[i][1] === 0));
  });

  test('the shares together never exceed the service, and get all it allows', () => {
    for (const [min, max] of [[100, 200], [50, 150], [75, 125], [0, 100], [33, 133]]) {
      for (const counts of [[1, 1], [1, 4], [2, 3, 5], [7, 0, 1], [1, 1, 1, 1, 1]]) {
        const service = rolloutLimits(counts.reduce((a, b) => a + b, 0), { minimumHealthyPercent: min, maximumPercent: max }, 'REPLICA');
        const shares = splitRolloutLimits(service, counts);
        expect(shares.reduce((n, s) => n + s.maxSurge, 0)).toBe(service.maxSurge);
        expect(shares.reduce((n, s) => n + s.maxUnavailable, 0)).toBe(service.maxUnavailable);
        shares.forEach((s) => expect(s.maxUnavailable).toBeLessThanOrEqual(s.desiredCount));
      }
    }
  });
});
