import { describe, expect, test } from '@jest/globals';
import { formatPath } from '../../../src/api/rules.js';
import { ecsDocumentsIn } from '../../../src/convert/recognise.js';

const td = { family: 'web', containerDefinitions: [{ name: 'app', image: 'nginx' }] };
const svc = { serviceName: 'web', taskDefinition: 'web' };

describe('what an ECS JSON file holds', () => {
  test.each([
    ['register-task-definition input', td, [['TaskDefinition', '$']]],
    ['describe-task-definition output', { taskDefinition: td, tags: [] }, [['TaskDefinition', '$']]],
    ['create-service input', svc, [['Service', '$']]],
    ['create-service input without a name (a tool fills it in)', { desiredCount: 1, launchType: 'FARGATE' }, [['Service', '$']]],
    ['one service of describe-services output', { serviceArn: 'arn:aws:ecs:r:1:service/c/web', status: 'ACTIVE' }, [['Service', '$']]],
    ['create-service output', { service: svc }, [['Service', '$.service']]],
    ['describe-services output', { services: [svc, svc], failures: [] }, [['Service', '$.services[0]'], ['Service', '$.services[1]']]],
  ])('%s', (_name, json, expected) => {
    const found = ecsDocumentsIn(json);
    expect(found.errors).toEqual([]);
    expect(found.value?.map((d) => [d.kind, formatPath(d.base)])).toEqual(expected);
  });

  test.each([
    ['a list', [td], '$: not a JSON object: expected register-task-definition input'],
    ['a string', 'web', '$: not a JSON object'],
    ['a Kubernetes object', { apiVersion: 'ecs.berth.dev/v1alpha1', kind: 'TaskDefinition', spec: td }, '$: this is a Kubernetes TaskDefinition, not ECS JSON'],
    ['describe-services that found nothing', { services: [], failures: [{ reason: 'MISSING' }] }, '$.services: describe-services found no services'],
    ['a service that is not an object', { services: [svc, 'web'] }, '$.services[1]: a service must be a JSON object'],
    ['something else', { name: 'web', image: 'nginx' }, '$: not ECS JSON Berth knows'],
  ])('%s is refused', (_name, json, message) => {
    const found = ecsDocumentsIn(json);
    expect(found.value).toBeUndefined();
    expect(found.errors.map((e) => `${e.path}: ${e.message}`).join('\n')).toContain(message);
  });
});
