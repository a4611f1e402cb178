import type { Deployment, Pod } from '../../../src/api/kube.js';
import { workloadsRun, workloadsToRetire } from '../../../src/ecs/workloads.js';
import { Scenario, condition, deploymentRunning, idOf, messages, pods, replicaSet, type PodOptions, type World } from './helpers.js';

// A Service with one Deployment per capacity provider: its status counts the tasks of all of
// them, and a workload the spec no longer asks for goes once the others have their tasks.

const V1 = { family: 'web', revision: 1 };
const V2 = { family: 'web', revision: 2 };
const NAMES = ['web-fargate', 'web-fargate-spot'];
const STRATEGY = { capacityProviderStrategy: [{ capacityProvider: 'FARGATE', base: 1, weight: 1 }, { capacityProvider: 'FARGATE_SPOT', weight: 3 }] };

function workload(name: string, id: string, replicas: number, available = replicas): Deployment {
  const d = deploymentRunning(id, replicas);
  return { ...d, metadata: { ...d.metadata, name }, status: { ...d.status, replicas, updatedReplicas: replicas, availableReplicas: available } };
}

function providerPods(provider: string, count: number, revision: number, extra: Partial<PodOptions> = {}): Pod[] {
  return pods(count, { revision, created: 1, prefix: `web-${provider}-${revision}`, ...extra });
}

/** web:1 on 2 FARGATE and 3 FARGATE_SPOT tasks (5 desired). */
function split(revision: number, fargate: Pod[], spot: Pod[]): World {
  const id = idOf(revision);
  return {
    target: revision === 1 ? V1 : V2,
    workloads: [workload('web-fargate', id, 2), workload('web-fargate-spot', id, 3)],
    workloadNames: NAMES,
    replicaSets: [replicaSet(id, 2), replicaSet(id, 3)],
    pods: [...fargate, ...spot],
  };
}

describe('status across the workloads of a split Service', () => {
  test('the tasks of every workload count; steady when all run the primary deployment', () => {
    const s = new Scenario({ ...STRATEGY, desiredCount: 5 });
    s.pass({ target: V1 }, 0);
    const starting = s.pass(split(1, providerPods('fargate', 2, 1, { ready: false }), providerPods('spot', 3, 1, { ready: false })), 2);
    expect(starting.status).toMatchObject({ desiredCount: 5, runningCount: 0, pendingCount: 5 });
    const steady = s.pass(split(1, providerPods('fargate', 2, 1), providerPods('spot', 3, 1)), 10);
    expect(steady.status).toMatchObject({ runningCount: 5, pendingCount: 0 });
    expect(steady.status.deployments).toEqual([expect.objectContaining({ status: 'PRIMARY', desiredCount: 5, runningCount: 5, rolloutState: 'COMPLETED' })]);
    expect(messages(steady)).toContain('(service web) has reached a steady state.');
  });

  test('not steady while a workload the spec asks for is missing', () => {
    const s = new Scenario({ ...STRATEGY, desiredCount: 5 });
    s.pass({ target: V1 }, 0);
    const world = split(1, providerPods('fargate', 2, 1), providerPods('spot', 3, 1));
    const missing = s.pass({ ...world, workloads: world.workloads?.slice(0, 1) }, 10);
    expect(condition(missing, 'SteadyState')?.status).toBe('False');
  });

  test('the circuit breaker counts the failures of every workload against the service’s threshold', () => {
    const s = new Scenario({ ...STRATEGY, desiredCount: 5, deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } } });
    s.pass({ target: V1 }, 0);
    s.pass(split(1, providerPods('fargate', 2, 1), providerPods('spot', 3, 1)), 10);
    s.update({ taskDefinition: 'web:2' });
    s.pass({ ...split(1, providerPods('fargate', 2, 1), providerPods('spot', 3, 1)), target: V2 }, 20);
    // Threshold max(3, ceil(5 / 2)) = 3: one failing task on FARGATE, two on FARGATE_SPOT.
    const failing = (provider: string, n: number) => providerPods(provider, n, 2, { ready: false, restarts: 1, created: 21 });
    const world = { ...split(1, [...providerPods('fargate', 2, 1), ...failing('fargate', 1)], [...providerPods('spot', 3, 1), ...failing('spot', 2)]), target: V2 };
    const tripped = s.pass(world, 30);
    expect(tripped.status.deployments?.find((d) => d.taskDefinition === 'web:2')).toMatchObject({ rolloutState: 'FAILED', failedTasks: 3 });
    expect(tripped.rollout?.deploymentId).toBe(idOf(1));
  });
});

describe('retiring the workloads the spec no longer asks for', () => {
  const id = idOf(1);

  test('a retiring workload keeps the Service from its steady state', () => {
    const s = new Scenario({ ...STRATEGY, desiredCount: 5 });
    s.pass({ target: V1 }, 0);
    const world = split(1, providerPods('fargate', 2, 1), providerPods('spot', 3, 1));
    const leftover = s.pass({ ...world, workloads: [...(world.workloads ?? []), workload('web', id, 0)] }, 10);
    expect(condition(leftover, 'SteadyState')?.status).toBe('False');
    expect(workloadsRun([workload('web-fargate', id, 2), workload('web-fargate-spot', id, 3), workload('web', id, 0)], NAMES, id)).toBe(false);
  });

  test('it goes once every workload the spec asks for has all its tasks available', () => {
    const old = workload('web', id, 5);
    expect(workloadsToRetire([old], NAMES)).toEqual([]);
    expect(workloadsToRetire([old, workload('web-fargate', id, 2), workload('web-fargate-spot', id, 3, 1)], NAMES)).toEqual([]);
    const unobserved = { ...workload('web-fargate', id, 2), metadata: { name: 'web-fargate', generation: 3 } };
    expect(workloadsToRetire([old, unobserved, workload('web-fargate-spot', id, 3)], NAMES)).toEqual([]);
    expect(workloadsToRetire([old, workload('web-fargate', id, 2), workload('web-fargate-spot', id, 3)], NAMES)).toEqual([old]);
  });

  test('a provider removed from the strategy: its workload goes when the others are ready', () => {
    const fargate = workload('web-fargate', id, 5);
    const spot = workload('web-fargate-spot', id, 3);
    expect(workloadsToRetire([fargate, spot], ['web-fargate'])).toEqual([spot]);
    expect(workloadsToRetire([workload('web-fargate', id, 5, 2), spot], ['web-fargate'])).toEqual([]);
    expect(workloadsToRetire([fargate], ['web-fargate'])).toEqual([]);
  });

  test('nothing runs without workloads', () => {
    expect(workloadsRun([], undefined, id)).toBe(false);
    expect(workloadsRun([], NAMES, id)).toBe(false);
  });
});
