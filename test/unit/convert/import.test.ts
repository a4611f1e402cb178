import { describe, expect, test } from '@jest/globals';
import { formatMessage } from '../../../src/convert/findings.js';
import { importEcs } from '../../../src/convert/import.js';
import type { ImportOptions } from '../../../src/convert/resource.js';

function run(json: unknown, options: ImportOptions = {}) {
  const result = importEcs([{ file: 'in.json', text: JSON.stringify(json) }], options);
  return { resources: result.resources, lines: result.messages.map(formatMessage) };
}

const app = { name: 'app', image: 'nginx', memory: 128 };

describe('task definitions', () => {
  test('register input: the spec as written, named after the family', () => {
    const json = { family: 'web', cpu: '256', containerDefinitions: [app] };
    expect(run(json)).toEqual({
      resources: [{ apiVersion: 'ecs.berth.dev/v1alpha1', kind: 'TaskDefinition', metadata: { name: 'web' }, spec: json }],
      lines: [],
    });
  });

  test('describe output: wrapper, read-only fields and nulls go; paths point into the wrapper', () => {
    const json = {
      taskDefinition: {
        taskDefinitionArn: 'arn:aws:ecs:eu-west-1:1:task-definition/web:7',
        family: 'web',
        revision: 7,
        status: 'ACTIVE',
        compatibilities: ['EC2'],
        ipcMode: null,
        containerDefinitions: [{ ...app, logConfiguration: { logDriver: 'awslogs' }, user: null }],
      },
    };
    const { resources, lines } = run(json);
    expect(resources[0].spec).toEqual({ family: 'web', containerDefinitions: [{ ...app, logConfiguration: { logDriver: 'awslogs' } }] });
    expect(lines).toEqual([expect.stringMatching(/^warning: in\.json: \$\.taskDefinition\.containerDefinitions\[0\]\.logConfiguration: not honoured: /)]);
  });

  test('a family that is no Kubernetes name: renamed, family left out of the spec, kept in an annotation', () => {
    const { resources, lines } = run({ family: 'Web_App', containerDefinitions: [app] });
    expect(resources[0].metadata).toEqual({ name: 'web-app', annotations: { 'ecs.berth.dev/original-name': 'Web_App' } });
    expect(resources[0].spec).toEqual({ containerDefinitions: [app] });
    expect(lines).toEqual([
      'warning: in.json: $.family: renamed: "Web_App" is not a Kubernetes name, so the TaskDefinition is "web-app"; the family "Web_App" is kept in annotation ecs.berth.dev/original-name',
    ]);
  });

  test('--namespace and --name', () => {
    const { resources } = run({ family: 'web', containerDefinitions: [app] }, { namespace: 'shop', name: 'web' });
    expect(resources[0].metadata).toEqual({ name: 'web', namespace: 'shop' });
    expect(run({ family: 'web', containerDefinitions: [app] }, { name: 'Web' }).lines).toEqual([
      'error: in.json: --name "Web" is not a Kubernetes name: use lowercase letters, digits and "-", starting and ending with a letter or digit, at most 253 characters',
    ]);
  });

  test('no family: an error unless --name gives the name', () => {
    expect(run({ containerDefinitions: [app] }).lines).toEqual([
      'error: in.json: $.family: required: a TaskDefinition is named after its family; add it, or name the TaskDefinition with --name',
    ]);
    expect(run({ containerDefinitions: [app] }, { name: 'web' }).resources[0]).toMatchObject({ metadata: { name: 'web' }, spec: { containerDefinitions: [app] } });
  });

  test('schema errors name the path into the file and the rule', () => {
    const json = { family: 'web', requiresCompatibilities: ['FARGATE'], networkMode: 'bridge', containerDefinitions: [{ ...app, colour: 'red' }] };
    expect(run(json).lines).toEqual([
      'error: in.json: $.containerDefinitions[0].colour: unknown field: Berth knows no ECS field of this name here',
      'error: in.json: $.networkMode: spec.networkMode must be awsvpc when spec.requiresCompatibilities includes FARGATE',
      'error: in.json: $.cpu: spec.cpu and spec.memory are required when spec.requiresCompatibilities includes FARGATE',
    ]);
  });

  test('what ECS itself would refuse, the renderer finds', () => {
    const json = { family: 'web', memory: '512', containerDefinitions: [{ ...app, memory: 1024 }] };
    expect(run({ taskDefinition: json }).lines).toEqual(["error: in.json: $.taskDefinition.memory: the containers reserve 1024 MiB, more than the task's 512 MiB"]);
  });

  test('a wrapper without a task definition in it', () => {
    expect(run({ taskDefinition: { family: 'web' } }).lines).toEqual([
      'error: in.json: $.taskDefinition.containerDefinitions is missing: this is not a task definition',
    ]);
  });
});

describe('services', () => {
  test('create-service input: cluster dropped with a warning, the rest as written', () => {
    const json = { cluster: 'prod', serviceName: 'web', taskDefinition: 'web', desiredCount: 2, launchType: 'FARGATE' };
    const { resources, lines } = run(json, { namespace: 'prod' });
    expect(resources).toEqual([
      {
        apiVersion: 'ecs.berth.dev/v1alpha1',
        kind: 'Service',
        metadata: { name: 'web', namespace: 'prod' },
        spec: { serviceName: 'web', taskDefinition: 'web', desiredCount: 2, launchType: 'FARGATE' },
      },
    ]);
    expect(lines).toEqual(['warning: in.json: $.cluster: dropped: the namespace plays the part of the ECS cluster (choose it with --namespace)']);
  });

  test('the taskDefinition follows the name rule; the reference as written is kept', () => {
    const json = { serviceName: 'Web_App', taskDefinition: 'arn:aws:ecs:us-east-1:123456789012:task-definition/Web_App:3' };
    const { resources, lines } = run(json);
    expect(resources[0].metadata).toEqual({
      name: 'web-app',
      annotations: {
        'ecs.berth.dev/original-name': 'Web_App',
        'ecs.berth.dev/original-task-definition': 'arn:aws:ecs:us-east-1:123456789012:task-definition/Web_App:3',
      },
    });
    expect(resources[0].spec).toEqual({ taskDefinition: 'web-app:3' });
    expect(lines).toEqual([
      'warning: in.json: $.serviceName: renamed: "Web_App" is not a Kubernetes name, so the Service is "web-app"; the serviceName "Web_App" is kept in annotation ecs.berth.dev/original-name',
      'warning: in.json: $.taskDefinition: rewritten: "web-app:3", the TaskDefinition in the Service\'s namespace; "arn:aws:ecs:us-east-1:123456789012:task-definition/Web_App:3" is kept in annotation ecs.berth.dev/original-task-definition',
      'warning: in.json: $.taskDefinition: pins revision 3 as numbered by ECS: Berth numbers the revisions it registers from 1; "web-app" runs the latest revision',
    ]);
  });

  test('describe-services output: one Service each, read-only fields gone, paths per service', () => {
    const described = (name: string) => ({
      serviceArn: `arn:aws:ecs:us-west-2:123456789012:service/prod/${name}`,
      serviceName: name,
      clusterArn: 'arn:aws:ecs:us-west-2:123456789012:cluster/prod',
      loadBalancers: [],
      serviceRegistries: [],
      status: 'ACTIVE',
      desiredCount: 2,
      runningCount: 2,
      pendingCount: 0,
      launchType: 'FARGATE',
      platformVersion: 'LATEST',
      platformFamily: 'Linux',
      taskDefinition: `arn:aws:ecs:us-west-2:123456789012:task-definition/${name}`,
      deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true }, maximumPercent: 200, minimumHealthyPercent: 100 },
      deployments: [{ id: 'ecs-svc/1', status: 'PRIMARY', taskDefinition: 'x', desiredCount: 2 }],
      roleArn: 'arn:aws:iam::123456789012:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS',
      events: [{ id: 'e', createdAt: '2024-01-01T00:00:00Z', message: 'has reached a steady state.' }],
      createdAt: '2024-01-01T00:00:00Z',
      placementConstraints: [],
      placementStrategy: [],
      schedulingStrategy: 'REPLICA',
      deploymentController: { type: 'ECS' },
      createdBy: 'arn:aws:iam::123456789012:role/deployer',
      enableECSManagedTags: false,
      propagateTags: 'NONE',
      enableExecuteCommand: false,
      availabilityZoneRebalancing: 'DISABLED',
    });
    const { resources, lines } = run({ services: [described('web'), described('api')], failures: [] });
    expect(resources.map((r) => r.metadata.name)).toEqual(['web', 'api']);
    expect(resources[1].spec).toEqual({
      serviceName: 'api',
      loadBalancers: [],
      serviceRegistries: [],
      desiredCount: 2,
      launchType: 'FARGATE',
      platformVersion: 'LATEST',
      taskDefinition: 'api',
      deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true }, maximumPercent: 200, minimumHealthyPercent: 100 },
      placementConstraints: [],
      placementStrategy: [],
      schedulingStrategy: 'REPLICA',
      deploymentController: { type: 'ECS' },
      enableECSManagedTags: false,
      propagateTags: 'NONE',
      enableExecuteCommand: false,
      availabilityZoneRebalancing: 'DISABLED',
    });
    expect(lines.filter((l) => l.includes('$.services[1]'))).toEqual([
      expect.stringMatching(/^warning: in\.json: \$\.services\[1\]\.taskDefinition: rewritten: "api"/),
      expect.stringMatching(/^warning: in\.json: \$\.services\[1\]\.platformVersion: not honoured: /),
    ]);
  });

  test('errors carry the path of their service', () => {
    const { resources, lines } = run({ services: [{ serviceName: 'web', taskDefinition: 'web' }, { serviceName: 'api', desiredCount: -1, taskDefinition: 'api' }] });
    expect(resources).toEqual([]);
    expect(lines).toEqual(['error: in.json: $.services[1].desiredCount: Too small: expected number to be >=0']);
  });

  test('no serviceName: an error unless --name gives the name', () => {
    expect(run({ taskDefinition: 'web' }).lines).toEqual([
      'error: in.json: $.serviceName: required: a Service is named after its serviceName; add it, or name the Service with --name',
    ]);
    expect(run({ taskDefinition: 'web' }, { name: 'web' }).resources[0].spec).toEqual({ taskDefinition: 'web' });
  });

  test('a Service name is at most 63 characters; its TaskDefinition keeps a longer family', () => {
    const family = `family-${'f'.repeat(60)}`;
    const { resources } = run({ serviceName: `service-${'s'.repeat(60)}`, taskDefinition: family });
    expect(resources[0].metadata.name).toMatch(/^service-s+-[0-9a-f]{8}$/);
    expect(resources[0].metadata.name.length).toBeLessThanOrEqual(63);
    expect(resources[0].spec.taskDefinition).toBe(family);
  });
});

describe('several inputs', () => {
  const td = (family: string) => JSON.stringify({ family, containerDefinitions: [app] });

  test('nothing is imported when any input has an error', () => {
    const result = importEcs([
      { file: 'a.json', text: td('web') },
      { file: 'b.json', text: '{"family": ' },
    ]);
    expect(result.resources).toEqual([]);
    expect(result.messages.map(formatMessage)).toEqual([expect.stringMatching(/^error: b\.json: not valid JSON or YAML: /)]);
  });

  test('a byte order mark before the JSON is no error', () => {
    const result = importEcs([{ file: 'a.json', text: `\uFEFF${td('web')}` }]);
    expect(result.messages).toEqual([]);
    expect(result.resources[0].metadata.name).toBe('web');
  });

  test('YAML input is read too', () => {
    const result = importEcs([{ file: 'a.yaml', text: 'family: web\ncontainerDefinitions:\n  - name: app\n    image: nginx\n    memory: 128\n' }]);
    expect(result.resources[0].spec).toEqual({ family: 'web', containerDefinitions: [app] });
  });

  test('two revisions of one family may be imported together', () => {
    const result = importEcs([
      { file: 'a.json', text: td('web') },
      { file: 'b.json', text: td('web') },
    ]);
    expect(result.messages).toEqual([]);
    expect(result.resources).toHaveLength(2);
  });

  test('two families that the name rule makes one are refused', () => {
    const result = importEcs([
      { file: 'a.json', text: td('web_app') },
      { file: 'b.json', text: td('Web-App') },
    ]);
    expect(result.resources).toEqual([]);
    expect(result.messages.filter((m) => m.severity === 'error').map(formatMessage)).toEqual([
      'error: b.json: "Web-App" and "web_app" both become TaskDefinition "web-app"; import them separately with --name',
    ]);
  });

  test('a TaskDefinition and a Service may share a name', () => {
    const result = importEcs([
      { file: 'a.json', text: td('Web') },
      { file: 'b.json', text: JSON.stringify({ serviceName: 'web', taskDefinition: 'Web' }) },
    ]);
    expect(result.resources.map((r) => [r.kind, r.metadata.name, r.spec.taskDefinition])).toEqual([
      ['TaskDefinition', 'web', undefined],
      ['Service', 'web', 'web'],
    ]);
  });
});
