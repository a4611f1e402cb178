import { deriveServiceStatus } from '../../../src/ecs/status.js';
import {
  Scenario,
  at,
  condition,
  daemonSetRunning,
  deploymentRunning,
  deploymentsOf,
  iso,
  idOf,
  messages,
  pods,
  replicaSet,
  type World,
} from './helpers.js';

const V1 = { family: 'web', revision: 1 };
const V2 = { family: 'web', revision: 2 };
const V3 = { family: 'web', revision: 3 };

/** A service created with web:1 and 3 tasks, run to its steady state. */
function steadyOnV1(spec = {}): { s: Scenario; world: World } {
  const s = new Scenario(spec);
  s.pass({ target: V1 }, 0);
  const world: World = { target: V1, workload: deploymentRunning(idOf(1), 3), replicaSets: [replicaSet(idOf(1), 3)], pods: pods(3, { revision: 1, created: 1 }) };
  s.pass(world, 10);
  return { s, world };
}

describe('a new service reaches its steady state', () => {
  test('create, tasks start, tasks run, steady; then nothing more', () => {
    const s = new Scenario();

    const created = s.pass({ target: V1 }, 0);
    expect(deploymentsOf(created)).toEqual([{ id: idOf(1), status: 'PRIMARY', taskDefinition: 'web:1', rolloutState: 'IN_PROGRESS' }]);
    expect(created.rollout).toMatchObject({ taskDefinition: V1, deploymentId: idOf(1), replicas: 3, paused: false, suspendScaleIn: true });
    expect(created.rollout?.limits).toMatchObject({ maxSurge: 3, maxUnavailable: 0, blocked: false });
    expect(created.events).toEqual([]);
    expect(condition(created, 'Ready')).toMatchObject({ status: 'False', reason: 'DeploymentInProgress', observedGeneration: 1 });
    expect(condition(created, 'Progressing')).toMatchObject({ status: 'True', reason: 'DeploymentInProgress' });
    expect(created.status).toMatchObject({ observedGeneration: 1, desiredCount: 3, runningCount: 0, pendingCount: 0, taskDefinition: 'web:1', selector: 'ecs.berth.dev/service=web' });

    const startingWorld: World = { target: V1, workload: deploymentRunning(idOf(1), 3), replicaSets: [replicaSet(idOf(1), 3)], pods: pods(3, { revision: 1, ready: false, created: 1 }) };
    const justCreated = s.pass(startingWorld, 2);
    expect(messages(justCreated)).toEqual([]);
    expect(justCreated.requeueAfterSeconds).toBe(2);
    const starting = s.pass(startingWorld, 4);
    expect(messages(starting)).toEqual(['(service web) has started 3 tasks: (task web-1-0) (task web-1-1) (task web-1-2).']);
    expect(starting.status).toMatchObject({ runningCount: 0, pendingCount: 3 });

    const world: World = { target: V1, workload: deploymentRunning(idOf(1), 3), replicaSets: [replicaSet(idOf(1), 3)], pods: pods(3, { revision: 1, created: 1 }) };
    const steady = s.pass(world, 10);
    expect(messages(steady)).toEqual([`(service web) (deployment ${idOf(1)}) deployment completed.`, '(service web) has reached a steady state.']);
    expect(steady.events.map((e) => e.reason)).toEqual(['DeploymentCompleted', 'SteadyState']);
    expect(steady.status.deployments?.[0]).toEqual({
      id: idOf(1),
      status: 'PRIMARY',
      taskDefinition: 'web:1',
      desiredCount: 3,
      runningCount: 3,
      pendingCount: 0,
      failedTasks: 0,
      rolloutState: 'COMPLETED',
      rolloutStateReason: `ECS deployment ${idOf(1)} completed.`,
      circuitBreaker: { status: 'DISABLED', failureCount: 0, threshold: 3 },
      createdAt: iso(0),
      updatedAt: iso(10),
    });
    expect(steady.status.events?.map((e) => e.message)).toEqual([
      '(service web) has reached a steady state.',
      `(service web) (deployment ${idOf(1)}) deployment completed.`,
      '(service web) has started 3 tasks: (task web-1-0) (task web-1-1) (task web-1-2).',
    ]);
    for (const type of ['Ready', 'SteadyState']) expect(condition(steady, type)).toMatchObject({ status: 'True', lastTransitionTime: iso(10) });
    expect(condition(steady, 'Progressing')).toMatchObject({ status: 'False', reason: 'DeploymentCompleted' });
    expect(steady.rollout).toMatchObject({ paused: false, suspendScaleIn: false });

    // Converged: the same world an hour later derives the very same status and no events.
    const again = s.pass(world, 3600);
    expect(again.status).toEqual(steady.status);
    expect(again.events).toEqual([]);
  });

  test('a deployment is not complete until the workload runs its template', () => {
    const s = new Scenario();
    s.pass({ target: V1 }, 0);
    const stale = { ...deploymentRunning(idOf(1), 3), status: { observedGeneration: 1 } };
    const r = s.pass({ target: V1, workload: stale, pods: pods(3, { revision: 1 }) }, 5);
    expect(deploymentsOf(r)[0].rolloutState).toBe('IN_PROGRESS');
    expect(condition(r, 'SteadyState')?.status).toBe('False');
  });

  test('a service with no tasks to run completes at once', () => {
    const s = new Scenario({ desiredCount: 0 });
    s.pass({ target: V1 }, 0);
    const r = s.pass({ target: V1, workload: deploymentRunning(idOf(1), 0) }, 1);
    expect(deploymentsOf(r)[0].rolloutState).toBe('COMPLETED');
    expect(condition(r, 'Ready')?.status).toBe('True');
  });
});

describe('a new revision rolls out over the old one', () => {
  test('two deployments, PRIMARY and ACTIVE, until the old tasks are gone', () => {
    const { s } = steadyOnV1();
    s.update({ taskDefinition: 'web:2' });

    const started = s.pass({ target: V2, workload: deploymentRunning(idOf(1), 3), replicaSets: [replicaSet(idOf(1), 3)], pods: pods(3, { revision: 1, created: 1 }) }, 20);
    expect(deploymentsOf(started)).toEqual([
      { id: idOf(2), status: 'PRIMARY', taskDefinition: 'web:2', rolloutState: 'IN_PROGRESS' },
      { id: idOf(1), status: 'ACTIVE', taskDefinition: 'web:1', rolloutState: 'COMPLETED' },
    ]);
    expect(started.rollout).toMatchObject({ taskDefinition: V2, deploymentId: idOf(2), paused: false });
    expect(started.status.taskDefinition).toBe('web:2');
    expect(condition(started, 'SteadyState')).toMatchObject({ status: 'False', reason: 'DeploymentInProgress', lastTransitionTime: iso(20) });

    // maxSurge 3: the new tasks start beside the old ones.
    const both = [...pods(3, { revision: 1, created: 1 }), ...pods(3, { revision: 2, created: 21 })];
    const rolling = s.pass({ target: V2, workload: deploymentRunning(idOf(2), 3), replicaSets: [replicaSet(idOf(1), 3), replicaSet(idOf(2), 3)], pods: both }, 30);
    expect(rolling.status.deployments?.map((d) => [d.status, d.desiredCount, d.runningCount, d.pendingCount])).toEqual([
      ['PRIMARY', 3, 3, 0],
      ['ACTIVE', 3, 3, 0],
    ]);
    expect(rolling.status).toMatchObject({ runningCount: 6, pendingCount: 0 });
    expect(deploymentsOf(rolling)[0].rolloutState).toBe('IN_PROGRESS');

    // The old ReplicaSet scaled to 0 and its pods terminating: still not done.
    const draining = [...pods(3, { revision: 1, created: 1, deleting: true }), ...pods(3, { revision: 2, created: 21 })];
    const stopping = s.pass({ target: V2, workload: deploymentRunning(idOf(2), 3), replicaSets: [replicaSet(idOf(1), 0), replicaSet(idOf(2), 3)], pods: draining }, 40);
    expect(messages(stopping)).toEqual(['(service web) has stopped 3 running tasks: (task web-1-0) (task web-1-1) (task web-1-2).']);
    expect(deploymentsOf(stopping).map((d) => d.status)).toEqual(['PRIMARY', 'ACTIVE']);

    const done = s.pass({ target: V2, workload: deploymentRunning(idOf(2), 3), replicaSets: [replicaSet(idOf(1), 0), replicaSet(idOf(2), 3)], pods: pods(3, { revision: 2, created: 21 }) }, 50);
    expect(deploymentsOf(done)).toEqual([{ id: idOf(2), status: 'PRIMARY', taskDefinition: 'web:2', rolloutState: 'COMPLETED' }]);
    expect(messages(done)).toEqual([`(service web) (deployment ${idOf(2)}) deployment completed.`, '(service web) has reached a steady state.']);
    expect(condition(done, 'Ready')).toMatchObject({ status: 'True', observedGeneration: 2 });
  });

  test('forceNewDeployment with a new token starts a deployment of the same revision', () => {
    const { s, world } = steadyOnV1();
    s.update({ forceNewDeployment: 'restart-1' });
    const r = s.pass(world, 20);
    expect(r.rollout?.deploymentId).toBe(idOf(1, 'restart-1'));
    expect(deploymentsOf(r)).toEqual([
      { id: idOf(1, 'restart-1'), status: 'PRIMARY', taskDefinition: 'web:1', rolloutState: 'IN_PROGRESS' },
      { id: idOf(1), status: 'ACTIVE', taskDefinition: 'web:1', rolloutState: 'COMPLETED' },
    ]);
    // The same token again changes nothing.
    expect(s.pass(world, 30).rollout?.deploymentId).toBe(idOf(1, 'restart-1'));
  });

  test('a spec that asks for what already runs starts nothing', () => {
    const { s, world } = steadyOnV1();
    s.update({ taskDefinition: 'web:1' });
    const r = s.pass(world, 20);
    expect(deploymentsOf(r)).toHaveLength(1);
    expect(r.events).toEqual([]);
  });
});

describe('the circuit breaker', () => {
  const breaker = { deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } } };

  function rollingToV2(spec = breaker) {
    const { s } = steadyOnV1(spec);
    s.update({ taskDefinition: 'web:2' });
    s.pass({ target: V2, workload: deploymentRunning(idOf(1), 3), replicaSets: [replicaSet(idOf(1), 3)], pods: pods(3, { revision: 1, created: 1 }) }, 20);
    return s;
  }

  function crashing(restarts: number[]): World {
    const failing = restarts.map((n, i) => pods(1, { revision: 2, prefix: `web-2-${i}`, ready: false, phase: 'Running', restarts: n, waiting: 'CrashLoopBackOff', created: 21 })[0]);
    return {
      target: V2,
      workload: deploymentRunning(idOf(2), 3),
      replicaSets: [replicaSet(idOf(1), 3), replicaSet(idOf(2), 3)],
      pods: [...pods(3, { revision: 1, created: 1 }), ...failing],
    };
  }

  test('counts failures of the new tasks and trips at the threshold, then rolls back', () => {
    const s = rollingToV2();
    expect(s.last?.status.deployments?.[0].circuitBreaker).toEqual({ status: 'MONITORING', failureCount: 0, threshold: 3 });

    const counting = s.pass(crashing([1, 1, 0]), 30);
    expect(counting.status.deployments?.[0]).toMatchObject({ failedTasks: 2, circuitBreaker: { status: 'MONITORING', failureCount: 2, threshold: 3 } });
    expect(condition(counting, 'CircuitBreaker')).toMatchObject({ status: 'False', reason: 'Monitoring' });

    const tripped = s.pass(crashing([2, 1, 0]), 40);
    expect(messages(tripped)).toEqual([
      `(service web) (deployment ${idOf(2)}) deployment failed: tasks failed to start.`,
      `(service web) rolling back to deployment ${idOf(1)}.`,
    ]);
    expect(deploymentsOf(tripped)).toEqual([
      { id: idOf(1), status: 'PRIMARY', taskDefinition: 'web:1', rolloutState: 'IN_PROGRESS' },
      { id: idOf(2), status: 'ACTIVE', taskDefinition: 'web:2', rolloutState: 'FAILED' },
    ]);
    expect(tripped.status.deployments?.[1]).toMatchObject({
      failedTasks: 3,
      rolloutStateReason: 'ECS deployment circuit breaker: tasks failed to start.',
      circuitBreaker: { status: 'TRIGGERED', failureCount: 3, threshold: 3 },
    });
    expect(tripped.status.deployments?.[0].rolloutStateReason).toBe(`ECS deployment circuit breaker: rolling back from deployment ${idOf(2)}.`);
    // The workload goes back to the old revision with the old deployment's id: the old ReplicaSet.
    expect(tripped.rollout).toMatchObject({ taskDefinition: V1, deploymentId: idOf(1), paused: false });
    expect(tripped.status.taskDefinition).toBe('web:1');
    expect(condition(tripped, 'CircuitBreaker')).toMatchObject({ status: 'True', reason: 'Triggered' });
    expect(condition(tripped, 'Progressing')).toMatchObject({ status: 'True', reason: 'RollingBack' });
    expect(condition(tripped, 'Ready')).toMatchObject({ status: 'False', reason: 'RolledBack' });

    // The failed tasks go; web:1 is steady again; web:2 is remembered as FAILED and not retried.
    const back: World = { target: V2, workload: deploymentRunning(idOf(1), 3), replicaSets: [replicaSet(idOf(1), 3), replicaSet(idOf(2), 0)], pods: pods(3, { revision: 1, created: 1 }) };
    const settled = s.pass(back, 60);
    expect(deploymentsOf(settled)).toEqual([
      { id: idOf(1), status: 'PRIMARY', taskDefinition: 'web:1', rolloutState: 'COMPLETED' },
      { id: idOf(2), status: 'INACTIVE', taskDefinition: 'web:2', rolloutState: 'FAILED' },
    ]);
    expect(condition(settled, 'SteadyState')?.status).toBe('True');
    expect(condition(settled, 'Ready')).toMatchObject({ status: 'False', reason: 'RolledBack' });
    expect(condition(settled, 'CircuitBreaker')?.status).toBe('True');
    expect(s.pass(back, 120).events).toEqual([]);
    expect(s.last?.rollout?.taskDefinition).toEqual(V1);

    // A new revision is a new deployment; the failed one is forgotten.
    s.update({ taskDefinition: 'web:3' });
    const next = s.pass({ ...back, target: V3 }, 130);
    expect(deploymentsOf(next).map((d) => [d.taskDefinition, d.status])).toEqual([
      ['web:3', 'PRIMARY'],
      ['web:1', 'ACTIVE'],
    ]);
    expect(condition(next, 'CircuitBreaker')).toMatchObject({ status: 'False', reason: 'Monitoring' });
  });

  test('deriving the tripping world again changes nothing', () => {
    const s = rollingToV2();
    const world = crashing([2, 1, 0]);
    const tripped = s.pass(world, 40);
    const again = s.pass(world, 41);
    expect(again.status).toEqual(tripped.status);
    expect(again.events).toEqual([]);
    expect(again.rollout).toEqual(tripped.rollout);
  });

  test('a task that recovers resets its share of the count', () => {
    const s = rollingToV2();
    s.pass(crashing([2, 0, 0]), 30);
    const world = crashing([0, 0, 0]);
    world.pods = [...pods(3, { revision: 1, created: 1 }), ...pods(3, { revision: 2, restarts: 2, created: 21 })];
    const r = s.pass(world, 40);
    expect(r.status.deployments?.[0]).toMatchObject({ failedTasks: 0, circuitBreaker: { status: 'MONITORING', failureCount: 0 } });
  });

  test('without rollback the failed deployment stays PRIMARY and the rollout is held', () => {
    const s = rollingToV2({ deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: false } } });
    const r = s.pass(crashing([3, 0, 0]), 30);
    expect(messages(r)).toEqual([
      '(service web) has started 3 tasks: (task web-2-0-0) (task web-2-1-0) (task web-2-2-0).',
      `(service web) (deployment ${idOf(2)}) deployment failed: tasks failed to start.`,
    ]);
    expect(deploymentsOf(r)[0]).toMatchObject({ status: 'PRIMARY', rolloutState: 'FAILED' });
    expect(r.rollout).toMatchObject({ taskDefinition: V2, paused: true, suspendScaleIn: false });
    expect(condition(r, 'Ready')).toMatchObject({ status: 'False', reason: 'DeploymentFailed' });
    expect(condition(r, 'Progressing')).toMatchObject({ status: 'False', reason: 'DeploymentFailed' });
  });

  test('with nothing COMPLETED to roll back to, the deployment stalls', () => {
    const s = new Scenario(breaker);
    s.pass({ target: V1 }, 0);
    const failing = pods(3, { revision: 1, ready: false, phase: 'Running', restarts: 1, waiting: 'CrashLoopBackOff', created: 1 });
    const r = s.pass({ target: V1, workload: deploymentRunning(idOf(1), 3), pods: failing }, 10);
    expect(deploymentsOf(r)).toEqual([{ id: idOf(1), status: 'PRIMARY', taskDefinition: 'web:1', rolloutState: 'FAILED' }]);
    expect(r.rollout?.paused).toBe(true);
  });

  test('not armed when the service already ran a task of the new revision', () => {
    const { s } = steadyOnV1(breaker);
    s.update({ taskDefinition: 'web:2' });
    const mixed = [...pods(3, { revision: 1, created: 1 }), ...pods(1, { revision: 2, deployment: idOf(2, 'earlier'), created: 5 })];
    const r = s.pass({ target: V2, workload: deploymentRunning(idOf(1), 3), pods: mixed }, 20);
    expect(r.status.deployments?.[0].circuitBreaker?.status).toBe('DISABLED');
    expect(condition(r, 'CircuitBreaker')).toMatchObject({ status: 'False', reason: 'Disabled' });
  });

  test('a task that cannot pull its image counts again every minute, and the pass asks to be repeated', () => {
    const s = rollingToV2();
    const stuck = (t: number) => s.pass({ ...crashing([]), pods: [...pods(3, { revision: 1, created: 1 }), ...pods(1, { revision: 2, ready: false, waiting: 'ImagePullBackOff', created: 21 })] }, t);
    expect(stuck(30)).toMatchObject({ requeueAfterSeconds: 60 });
    expect(s.last?.status.deployments?.[0].failedTasks).toBe(1);
    stuck(90);
    expect(s.last?.status.deployments?.[0].failedTasks).toBe(2);
    expect(deploymentsOf(stuck(150))[1]).toMatchObject({ taskDefinition: 'web:2', rolloutState: 'FAILED' });
  });
});

describe('a daemon', () => {
  test('runs one task per node, its desired count the DaemonSet’s, and replaces them all at once by default', () => {
    const s = new Scenario({ schedulingStrategy: 'DAEMON', desiredCount: undefined });
    const created = s.pass({ target: V1 }, 0);
    expect(created.rollout).toMatchObject({ replicas: 0, paused: false });
    expect(created.status.desiredCount).toBe(0);

    const world: World = { target: V1, workload: daemonSetRunning(idOf(1), 4), pods: pods(4, { revision: 1, created: 1 }) };
    const steady = s.pass(world, 10);
    expect(steady.status).toMatchObject({ desiredCount: 4, runningCount: 4 });
    expect(deploymentsOf(steady)[0].rolloutState).toBe('COMPLETED');
    expect(steady.rollout?.limits).toMatchObject({ desiredCount: 4, maxSurge: 0, maxUnavailable: 4 });

    s.update({ taskDefinition: 'web:2' });
    const rolling = s.pass({ ...world, target: V2 }, 20);
    expect(rolling.status.deployments?.map((d) => [d.taskDefinition, d.status, d.desiredCount, d.runningCount])).toEqual([
      ['web:2', 'PRIMARY', 4, 0],
      ['web:1', 'ACTIVE', 0, 4],
    ]);
  });
});

describe('deployment configurations that let nothing be replaced', () => {
  const tight = { desiredCount: 3, deploymentConfiguration: { minimumHealthyPercent: 100, maximumPercent: 125 } };

  test('an update is held, with ECS’s event, until the configuration changes', () => {
    const { s, world } = steadyOnV1(tight);
    s.update({ taskDefinition: 'web:2' });
    const held = s.pass({ ...world, target: V2 }, 20);
    expect(held.rollout).toMatchObject({ taskDefinition: V2, paused: true });
    expect(held.rollout?.limits).toMatchObject({ maxSurge: 0, maxUnavailable: 0, blocked: true });
    expect(messages(held)).toEqual([
      '(service web) was unable to stop or start tasks during a deployment because of the service deployment configuration. ' +
        'Update the minimumHealthyPercent or maximumPercent value and try again.',
    ]);
    expect(condition(held, 'Progressing')).toMatchObject({ status: 'False', reason: 'DeploymentBlocked' });
    expect(s.pass({ ...world, target: V2 }, 30).events).toEqual([]);

    s.update({ deploymentConfiguration: { minimumHealthyPercent: 50, maximumPercent: 125 } });
    const freed = s.pass({ ...world, target: V2 }, 40);
    expect(freed.rollout).toMatchObject({ paused: false });
    expect(freed.rollout?.limits).toMatchObject({ maxSurge: 0, maxUnavailable: 1 });
    expect(condition(freed, 'Progressing')).toMatchObject({ status: 'True', reason: 'DeploymentInProgress' });
  });

  test('a new service starts its tasks anyway: there is nothing to replace', () => {
    const s = new Scenario(tight);
    const r = s.pass({ target: V1 }, 0);
    expect(r.rollout).toMatchObject({ paused: false });
    expect(r.events).toEqual([]);
  });
});

describe('scaling', () => {
  test('a new desired count is no new deployment; steady state is reached again', () => {
    const { s } = steadyOnV1();
    s.update({ desiredCount: 5 });
    const world: World = { target: V1, workload: deploymentRunning(idOf(1), 5), replicaSets: [replicaSet(idOf(1), 5)], pods: pods(3, { revision: 1, created: 1 }) };
    const scaling = s.pass(world, 20);
    expect(deploymentsOf(scaling)).toEqual([{ id: idOf(1), status: 'PRIMARY', taskDefinition: 'web:1', rolloutState: 'COMPLETED' }]);
    expect(scaling.rollout).toMatchObject({ replicas: 5, suspendScaleIn: false });
    expect(condition(scaling, 'SteadyState')).toMatchObject({ status: 'False', reason: 'TasksPending' });
    expect(condition(scaling, 'Ready')).toMatchObject({ status: 'True', reason: 'DeploymentCompleted', lastTransitionTime: iso(10) });

    const more = s.pass({ ...world, pods: [...pods(3, { revision: 1, created: 1 }), ...pods(2, { revision: 1, prefix: 'web-1-new', created: 21 })] }, 30);
    expect(messages(more)).toEqual(['(service web) has started 2 tasks: (task web-1-new-0) (task web-1-new-1).', '(service web) has reached a steady state.']);
    expect(more.status.deployments?.[0]).toMatchObject({ desiredCount: 5, runningCount: 5 });
  });

  test('with autoScaling and no desiredCount, the service starts at minCapacity', () => {
    const s = new Scenario({ desiredCount: undefined, autoScaling: { minCapacity: 2, maxCapacity: 10, targetTrackingPolicies: [{ predefinedMetric: 'ECSServiceAverageCPUUtilization', targetValue: 60 }] } });
    expect(s.pass({ target: V1 }, 0).rollout?.replicas).toBe(2);
  });
});

describe('when the spec cannot be deployed', () => {
  test('what runs keeps running and Ready says why', () => {
    const { s, world } = steadyOnV1();
    s.update({ taskDefinition: 'web:2' });
    const problem = { reason: 'IncompatibleLaunchType', message: 'task definition web:2 does not support launch type FARGATE' };
    const r = s.pass({ ...world, target: V2, problem }, 20);
    expect(deploymentsOf(r)).toHaveLength(1);
    expect(r.rollout?.taskDefinition).toEqual(V1);
    expect(condition(r, 'Ready')).toMatchObject({ status: 'False', reason: 'IncompatibleLaunchType', message: problem.message });
    expect(condition(r, 'SteadyState')?.status).toBe('True');
  });

  test('with no revision at all, nothing is rendered', () => {
    const r = new Scenario().pass({ problem: { reason: 'TaskDefinitionNotFound', message: 'no TaskDefinition web' } }, 0);
    expect(r.rollout).toBeUndefined();
    expect(r.status.deployments).toEqual([]);
    expect(condition(r, 'Ready')).toMatchObject({ status: 'False', reason: 'TaskDefinitionNotFound' });
  });
});

describe('events', () => {
  test('tasks started together are reported in one message, whichever pass sees them first', () => {
    const { s } = steadyOnV1();
    s.update({ desiredCount: 6 });
    const base = pods(3, { revision: 1, created: 1 });
    const batch = (n: number) => pods(n, { revision: 1, prefix: 'web-1-b', ready: false, created: 20 });
    const world = (n: number): World => ({ target: V1, workload: deploymentRunning(idOf(1), 6), replicaSets: [replicaSet(idOf(1), 6)], pods: [...base, ...batch(n)] });
    // The ReplicaSet's pods arrive one watch event at a time.
    for (const n of [1, 2, 3]) {
      const held = s.pass(world(n), 20);
      expect(messages(held).filter((m) => m.includes('has started'))).toEqual([]);
      expect(held.requeueAfterSeconds).toBe(3);
    }
    expect(messages(s.pass(world(3), 23))).toEqual(['(service web) has started 3 tasks: (task web-1-b-0) (task web-1-b-1) (task web-1-b-2).']);
    expect(messages(s.pass(world(3), 25)).filter((m) => m.includes('has started'))).toEqual([]);
  });

  test('a task already running is reported at once, with the rest of its batch', () => {
    const { s } = steadyOnV1();
    s.update({ desiredCount: 5 });
    const w: World = {
      target: V1,
      workload: deploymentRunning(idOf(1), 5),
      replicaSets: [replicaSet(idOf(1), 5)],
      pods: [...pods(3, { revision: 1, created: 1 }), ...pods(2, { revision: 1, prefix: 'web-1-c', created: 40 })],
    };
    const out = s.pass(w, 40);
    expect(messages(out)).toContain('(service web) has started 2 tasks: (task web-1-c-0) (task web-1-c-1).');
  });

  test('a task the scheduler cannot place is reported once, until it is resolved', () => {
    const { s } = steadyOnV1();
    s.update({ desiredCount: 4 });
    const reason = '0/3 nodes are available: 3 Insufficient cpu.';
    const world: World = {
      target: V1,
      workload: deploymentRunning(idOf(1), 4),
      pods: [...pods(3, { revision: 1, created: 1 }), ...pods(1, { revision: 1, prefix: 'web-1-x', ready: false, unschedulable: reason, created: 15 })],
    };
    const first = s.pass(world, 20);
    expect(messages(first)).toContain(`(service web) was unable to place a task because no container instance met all of its requirements. Reason: ${reason}`);
    expect(first.events.find((e) => e.reason === 'TaskPlacementFailed')?.type).toBe('Warning');
    expect(s.pass(world, 30).events).toEqual([]);
    // ECS repeats an unresolved placement failure after six hours.
    expect(messages(s.pass(world, 30 + 6 * 3600)).some((m) => m.includes('unable to place'))).toBe(true);
  });

  test('a service whose tasks nothing can take (no FargateProfile) is reported as unplaceable, once', () => {
    const problem = { reason: 'NoFargateProfile', message: 'FARGATE: no FargateProfile selects namespace "shop" with the pod\'s labels', unplaceable: true };
    const s = new Scenario({ launchType: 'FARGATE' });
    const first = s.pass({ target: V1, problem }, 0);
    expect(first.rollout).toBeUndefined();
    expect(messages(first)).toEqual([`(service web) was unable to place a task because no container instance met all of its requirements. Reason: ${problem.message}`]);
    expect(first.events[0]).toMatchObject({ type: 'Warning', reason: 'TaskPlacementFailed' });
    expect(condition(first, 'Ready')).toMatchObject({ status: 'False', reason: 'NoFargateProfile', message: problem.message });
    expect(s.pass({ target: V1, problem }, 60).events).toEqual([]);
    // The same problem without the flag is a condition only.
    expect(new Scenario().pass({ target: V1, problem: { ...problem, unplaceable: false } }, 0).events).toEqual([]);
  });

  test('a problem the user must fix (warn) is a Warning Event when it appears or changes', () => {
    const problem = { reason: 'InvalidForKubernetes', message: 'spec.loadBalancers[0].containerPort 0: must be between 1 and 65535, inclusive (Service web: spec.ports[0].port)', warn: true };
    const s = new Scenario();
    const first = s.pass({ target: V1, problem }, 0);
    expect(first.rollout).toBeUndefined();
    expect(first.events).toEqual([{ type: 'Warning', reason: 'InvalidForKubernetes', message: problem.message }]);
    expect(condition(first, 'Ready')).toMatchObject({ status: 'False', reason: 'InvalidForKubernetes', message: problem.message });
    expect(s.pass({ target: V1, problem }, 60).events).toEqual([]);
    const changed = { ...problem, message: 'spec.loadBalancers[0].containerPort 70000: must be between 1 and 65535, inclusive (Service web: spec.ports[0].port)' };
    expect(s.pass({ target: V1, problem: changed }, 120).events).toEqual([{ type: 'Warning', reason: 'InvalidForKubernetes', message: changed.message }]);
  });

  test('status keeps the newest 20 events, and tasks reported before are not reported again', () => {
    const s = new Scenario({ desiredCount: 2 });
    s.pass({ target: V1 }, 0);
    // One task lives throughout; the other is replaced again and again.
    const keep = pods(1, { revision: 1, prefix: 'web-keep', created: 1 });
    let alive = pods(1, { revision: 1, prefix: 'web-a', created: 1 });
    const world = (p: typeof alive): World => ({ target: V1, workload: deploymentRunning(idOf(1), 2), pods: [...keep, ...p] });
    expect(messages(s.pass(world(alive), 5))).toContain('(service web) has started 2 tasks: (task web-a-0) (task web-keep-0).');
    for (let i = 0; i < 15; i++) {
      const next = pods(1, { revision: 1, prefix: `web-r${i}`, created: 10 + i * 10 });
      s.pass(world([...alive, ...next]), 10 + i * 10);
      alive = next;
      s.pass(world(alive), 15 + i * 10);
    }
    const events = s.svc.status?.events ?? [];
    expect(events).toHaveLength(20);
    expect(events.some((e) => e.message.includes('web-keep-0'))).toBe(false);
    // The long-lived task's report has left the log; it is older than every event kept, so it is not reported again.
    expect(s.pass(world(alive), 500).events).toEqual([]);
  });

  test('deriving twice from one world is idempotent at every step', () => {
    const s = new Scenario();
    const worlds: [World, number][] = [
      [{ target: V1 }, 0],
      [{ target: V1, workload: deploymentRunning(idOf(1), 3), pods: pods(3, { revision: 1, ready: false, created: 1 }) }, 5],
      [{ target: V1, workload: deploymentRunning(idOf(1), 3), pods: pods(3, { revision: 1, created: 1 }) }, 10],
    ];
    for (const [world, t] of worlds) {
      const first = s.pass(world, t);
      const second = deriveServiceStatus({ service: s.svc, target: world.target, workloads: world.workload ? [world.workload] : [], pods: world.pods ?? [], now: at(t + 1) });
      expect(second.status).toEqual(first.status);
      expect(second.events).toEqual([]);
    }
  });
});
