import * as say from '../../../src/ecs/messages.js';

describe('ECS service event wording', () => {
  test.each([
    [say.steadyState('web'), '(service web) has reached a steady state.'],
    [say.tasksStarted('web', ['web-a', 'web-b']), '(service web) has started 2 tasks: (task web-a) (task web-b).'],
    [say.tasksStopped('web', ['web-a']), '(service web) has stopped 1 running tasks: (task web-a).'],
    [say.deploymentCompleted('web', 'ecs-svc/1'), '(service web) (deployment ecs-svc/1) deployment completed.'],
    [say.deploymentFailed('web', 'ecs-svc/2'), '(service web) (deployment ecs-svc/2) deployment failed: tasks failed to start.'],
    [say.rollingBack('web', 'ecs-svc/1'), '(service web) rolling back to deployment ecs-svc/1.'],
    [
      say.unableToStopOrStart('web'),
      '(service web) was unable to stop or start tasks during a deployment because of the service deployment configuration. ' +
        'Update the minimumHealthyPercent or maximumPercent value and try again.',
    ],
    [say.rolloutInProgress('ecs-svc/1'), 'ECS deployment ecs-svc/1 in progress.'],
    [say.rolloutCompleted('ecs-svc/1'), 'ECS deployment ecs-svc/1 completed.'],
    [say.ROLLOUT_FAILED, 'ECS deployment circuit breaker: tasks failed to start.'],
  ])('%s', (actual, expected) => {
    expect(actual).toBe(expected);
  });

  test('task names read back from started and stopped messages only', () => {
    expect(say.tasksIn(say.tasksStarted('web', ['web-a', 'web-b']), 'started')).toEqual(['web-a', 'web-b']);
    expect(say.tasksIn(say.tasksStopped('web', ['web-a']), 'stopped')).toEqual(['web-a']);
    expect(say.tasksIn(say.tasksStopped('web', ['web-a']), 'started')).toBeUndefined();
    expect(say.tasksIn(say.steadyState('web'), 'started')).toBeUndefined();
  });

  test('kinds of messages are recognised', () => {
    expect(say.isSteadyStateMessage(say.steadyState('a-b'))).toBe(true);
    expect(say.isUnableToPlaceMessage(say.unableToPlace('web', 'no nodes'))).toBe(true);
    expect(say.isRollbackReason(say.rolloutRollingBack('ecs-svc/2'))).toBe(true);
    expect(say.isRollbackReason(say.ROLLOUT_FAILED)).toBe(false);
  });
});
