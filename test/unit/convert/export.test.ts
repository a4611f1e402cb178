import { describe, expect, test } from '@jest/globals';
import { stringify } from 'yaml';
import { exportResources, serviceToEcs, taskDefinitionToEcs } from '../../../src/convert/export.js';
import { formatMessage } from '../../../src/convert/findings.js';

const app = { name: 'app', image: 'nginx', memory: 128 };
const ORIGINAL = 'ecs.berth.dev/original-name';
const ORIGINAL_TD = 'ecs.berth.dev/original-task-definition';

function taskDefinition(name: string, spec: Record<string, unknown>, annotations?: Record<string, string>) {
  return { apiVersion: 'ecs.berth.dev/v1alpha1', kind: 'TaskDefinition', metadata: { name, namespace: 'shop', ...(annotations ? { annotations } : {}) }, spec };
}

function service(name: string, spec: Record<string, unknown>, annotations?: Record<string, string>) {
  return { apiVersion: 'ecs.berth.dev/v1alpha1', kind: 'Service', metadata: { name, ...(annotations ? { annotations } : {}) }, spec };
}

function run(...objects: unknown[]) {
  const result = exportResources('in.yaml', objects.map((o) => stringify(o)).join('---\n'));
  return { objects: result.objects, lines: result.messages.map(formatMessage) };
}

describe('TaskDefinition → RegisterTaskDefinition input', () => {
  test('the family is the name when the spec leaves it out; task cpu and memory become strings', () => {
    expect(taskDefinitionToEcs({ name: 'web' }, { cpu: 256, memory: '0.5GB', containerDefinitions: [{ ...app, cpu: 128 }] }).json).toEqual({
      family: 'web',
      cpu: '256',
      memory: '0.5GB',
      containerDefinitions: [{ ...app, cpu: 128 }],
    });
  });

  test('the ECS family comes back from the annotation while the name rule still gives the name', () => {
    expect(taskDefinitionToEcs({ name: 'web-app', annotations: { [ORIGINAL]: 'Web_App' } }, { containerDefinitions: [app] }).json.family).toBe('Web_App');
    // Saved under another name, the copy is that other family.
    expect(taskDefinitionToEcs({ name: 'web-app-2', annotations: { [ORIGINAL]: 'Web_App' } }, { containerDefinitions: [app] }).json.family).toBe('web-app-2');
    // Not an ECS name: ECS would refuse it.
    expect(taskDefinitionToEcs({ name: 'web-app', annotations: { [ORIGINAL]: 'web.app' } }, { containerDefinitions: [app] }).json.family).toBe('web-app');
  });

  test('spec.kubernetes is left out with a warning', () => {
    const { json, warnings } = taskDefinitionToEcs({ name: 'web' }, { family: 'web', containerDefinitions: [app], kubernetes: { serviceAccountName: 'web' } });
    expect(json).toEqual({ family: 'web', containerDefinitions: [app] });
    expect(warnings).toEqual([{ path: 'spec.kubernetes', message: 'dropped: Kubernetes-only settings have no ECS field' }]);
  });
});

describe('Service → CreateService input', () => {
  test('serviceName and taskDefinition come back as written before import', () => {
    const annotations = { [ORIGINAL]: 'Web_App', [ORIGINAL_TD]: 'arn:aws:ecs:us-east-1:1:task-definition/Web_App:3' };
    expect(serviceToEcs({ name: 'web-app', annotations }, { taskDefinition: 'web-app:3', desiredCount: 2 }).json).toEqual({
      serviceName: 'Web_App',
      taskDefinition: 'arn:aws:ecs:us-east-1:1:task-definition/Web_App:3',
      desiredCount: 2,
    });
  });

  test('a taskDefinition changed since import is exported as it now is', () => {
    const annotations = { [ORIGINAL_TD]: 'Web_App:3' };
    expect(serviceToEcs({ name: 'web', annotations }, { taskDefinition: 'web-app:4' }).json.taskDefinition).toBe('web-app:4');
    expect(serviceToEcs({ name: 'web', annotations }, { taskDefinition: 'web-app' }).json.taskDefinition).toBe('web-app');
  });

  test('Kubernetes-only fields are left out with a warning', () => {
    const spec = {
      serviceName: 'web',
      taskDefinition: 'web',
      forceNewDeployment: 2,
      autoScaling: { minCapacity: 1, maxCapacity: 4, targetTrackingPolicies: [{ predefinedMetric: 'ECSServiceAverageCPUUtilization', targetValue: 60 }] },
      kubernetes: { serviceType: 'LoadBalancer' },
    };
    const { json, warnings } = serviceToEcs({ name: 'web' }, spec);
    expect(json).toEqual({ serviceName: 'web', taskDefinition: 'web' });
    expect(warnings.map((w) => w.path)).toEqual(['spec.autoScaling', 'spec.forceNewDeployment', 'spec.kubernetes']);
  });
});

describe('export of a stream', () => {
  test('several resources, a List, status and metadata left out', () => {
    const td = { ...taskDefinition('web', { containerDefinitions: [app] }), status: { revision: 3 } };
    const list = { apiVersion: 'v1', kind: 'List', items: [service('web', { taskDefinition: 'web' })] };
    expect(run(td, list)).toEqual({
      objects: [
        { family: 'web', containerDefinitions: [app] },
        { serviceName: 'web', taskDefinition: 'web' },
      ],
      lines: [],
    });
  });

  test('JSON input works too', () => {
    const result = exportResources('in.json', JSON.stringify(taskDefinition('web', { containerDefinitions: [app] })));
    expect(result.objects).toEqual([{ family: 'web', containerDefinitions: [app] }]);
  });

  test('warnings name the resource', () => {
    expect(run(taskDefinition('web', { containerDefinitions: [app], kubernetes: {} })).lines).toEqual([
      'warning: in.yaml: TaskDefinition/web: spec.kubernetes: dropped: Kubernetes-only settings have no ECS field',
    ]);
  });

  test('an invalid resource: its errors, and nothing exported', () => {
    expect(run(taskDefinition('web', { containerDefinitions: [app] }), taskDefinition('api', { family: 'web', containerDefinitions: [app] }))).toEqual({
      objects: [],
      lines: ['error: in.yaml: TaskDefinition/api: spec.family: spec.family must equal metadata.name (a TaskDefinition is named after its family)'],
    });
  });

  test.each([
    ['a FargateProfile', { apiVersion: 'ecs.berth.dev/v1alpha1', kind: 'FargateProfile', metadata: { name: 'fp' }, spec: {} }, 'FargateProfile/fp: a FargateProfile has no ECS form'],
    ['a Deployment', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: {} }, 'Deployment/web: apiVersion/kind must be ecs.berth.dev/v1alpha1'],
    ['a string', 'web', 'object 1: the object must be a mapping'],
  ])('%s is refused', (_name, object, message) => {
    const { objects, lines } = run(object);
    expect(objects).toEqual([]);
    expect(lines.join('\n')).toContain(`error: in.yaml: ${message}`);
  });

  test('empty or unreadable input', () => {
    expect(exportResources('in.yaml', '').messages.map(formatMessage)).toEqual(['error: in.yaml: no TaskDefinition or Service in the input']);
    expect(exportResources('in.yaml', 'a: [').messages.map(formatMessage)).toEqual([expect.stringMatching(/^error: in\.yaml: not valid YAML or JSON: /)]);
  });
});
