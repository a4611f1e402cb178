import { observeTask } from '../../../src/ecs/tasks.js';
import { at, idOf, pod } from './helpers.js';

describe('pods as ECS tasks', () => {
  test.each([
    ['ready and running: RUNNING', { revision: 1 }, 'RUNNING', true, 0],
    ['not ready yet: PENDING', { revision: 1, ready: false }, 'PENDING', false, 0],
    ['running but unhealthy (crash loop): PENDING, each restart a failure', { revision: 1, ready: false, phase: 'Running' as const, restarts: 4, waiting: 'CrashLoopBackOff' }, 'PENDING', false, 4],
    ['being deleted: STOPPING', { revision: 1, deleting: true }, 'STOPPING', true, 0],
    ['failed: STOPPED, one failure', { revision: 1, ready: false, phase: 'Failed' as const }, 'STOPPED', false, 1],
    ['image cannot be pulled: one failure, one more per minute stuck', { revision: 1, ready: false, waiting: 'ImagePullBackOff', created: 0 }, 'PENDING', false, 3],
    ['missing secret: a start failure too', { revision: 1, ready: false, waiting: 'CreateContainerConfigError', created: 100 }, 'PENDING', false, 1],
  ])('%s', (_name, options, lastStatus, healthy, failures) => {
    const task = observeTask(pod('web-0', options), at(150));
    expect(task).toMatchObject({ name: 'web-0', lastStatus, healthy, failures });
  });

  test('reads the deployment, the revision and the creation time from the pod', () => {
    expect(observeTask(pod('web-0', { revision: 2, created: 5 }), at(10))).toEqual({
      name: 'web-0',
      deploymentId: idOf(2),
      taskDefinition: 'web:2',
      createdAt: '2026-03-01T10:00:05Z',
      lastStatus: 'RUNNING',
      healthy: true,
      failures: 0,
    });
  });

  test('reports why the scheduler cannot place the pod', () => {
    const task = observeTask(pod('web-0', { revision: 1, ready: false, unschedulable: '0/3 nodes are available: 3 Insufficient cpu.' }), at(0));
    expect(task.unschedulable).toBe('0/3 nodes are available: 3 Insufficient cpu.');
  });
});
