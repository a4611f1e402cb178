import { describe, expect, test } from '@jest/globals';
import { isKubernetesName, kubernetesName, SERVICE_NAME_MAX, TASK_DEFINITION_NAME_MAX, taskDefinitionReference } from '../../../src/convert/names.js';

describe('the name rule', () => {
  test.each([
    ['web', 'web'],
    ['a--b', 'a--b'],
    ['consulServer', 'consulserver'],
    ['service_spring-petclinic', 'service-spring-petclinic'],
    ['ECSDemo-Service-1', 'ecsdemo-service-1'],
    ['my__app', 'my-app'],
    ['_private_', 'private'],
    ['-x-', 'x'],
    ['007', '007'],
  ])('%s → %s', (ecs, kube) => {
    expect(kubernetesName(ecs, TASK_DEFINITION_NAME_MAX)).toBe(kube);
  });

  test('a name too long is cut and ends in a hash of the ECS name', () => {
    const long = `Service_${'a'.repeat(70)}`;
    const name = kubernetesName(long, SERVICE_NAME_MAX);
    expect(name).toMatch(/^service-a+-[0-9a-f]{8}$/);
    expect(name.length).toBeLessThanOrEqual(SERVICE_NAME_MAX);
    expect(kubernetesName(`${long}b`, SERVICE_NAME_MAX)).not.toBe(name);
    expect(kubernetesName('a'.repeat(255), TASK_DEFINITION_NAME_MAX)).toHaveLength(253);
    expect(kubernetesName('a'.repeat(253), TASK_DEFINITION_NAME_MAX)).toBe('a'.repeat(253));
  });

  test('a family longer than 63 characters keeps its name as a TaskDefinition', () => {
    const family = 'github-actions-deploy-task-def-integ-tests-run-task-volume-config';
    expect(kubernetesName(family, TASK_DEFINITION_NAME_MAX)).toBe(family);
    expect(kubernetesName(family, SERVICE_NAME_MAX)).not.toBe(family);
  });

  test('the rule is idempotent and always gives a Kubernetes name', () => {
    for (const ecs of ['consulServer', 'A_B__C', '__', 'x'.repeat(255), 'Z9-_-9z']) {
      for (const max of [TASK_DEFINITION_NAME_MAX, SERVICE_NAME_MAX]) {
        const name = kubernetesName(ecs, max);
        expect(isKubernetesName(name, max)).toBe(true);
        expect(kubernetesName(name, max)).toBe(name);
      }
    }
  });

  test.each([
    ['web', true],
    ['web-1', true],
    ['Web', false],
    ['web_1', false],
    ['-web', false],
    ['web-', false],
    ['', false],
    ['a'.repeat(64), false],
  ])('isKubernetesName(%j, 63) is %s', (value, ok) => {
    expect(isKubernetesName(value, 63)).toBe(ok);
  });
});

describe('taskDefinition references', () => {
  test.each([
    ['web', 'web'],
    ['web:3', 'web:3'],
    ['Web_App', 'web-app'],
    ['Web_App:12', 'web-app:12'],
    ['arn:aws:ecs:us-east-2:123456789012:task-definition/ECSDemo-Task_1:3', 'ecsdemo-task-1:3'],
    ['arn:aws-cn:ecs:cn-north-1:123456789012:task-definition/web', 'web'],
  ])('%s → %s', (ref, rewritten) => {
    expect(taskDefinitionReference(ref)).toBe(rewritten);
  });

  test('a reference that is none is refused', () => {
    expect(() => taskDefinitionReference('stack:Output')).toThrow('taskDefinition "stack:Output" must be');
  });
});
