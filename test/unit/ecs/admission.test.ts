import { describe, expect, test } from '@jest/globals';
import { admissionMessage, admitResource, type AdmissionContext, type AdmissionVerdict } from '../../../src/ecs/admission.js';

const API = 'ecs.berth.dev/v1alpha1';

function container(name: string, extra: Record<string, unknown> = {}) {
  return { name, image: 'nginx:1.27', memory: 128, ...extra };
}

function taskDefinition(spec: Record<string, unknown> = {}, name = 'web') {
  return { apiVersion: API, kind: 'TaskDefinition', metadata: { name, namespace: 'shop' }, spec: { containerDefinitions: [container('app')], ...spec } };
}

function service(spec: Record<string, unknown> = {}) {
  return { apiVersion: API, kind: 'Service', metadata: { name: 'web', namespace: 'shop' }, spec: { taskDefinition: 'web', desiredCount: 1, ...spec } };
}

const profile = (spec: Record<string, unknown>) => ({ apiVersion: API, kind: 'FargateProfile', metadata: { name: 'fp' }, spec });

const ec2Only: AdmissionContext = {
  taskDefinition: (namespace, ref) => (namespace === 'shop' && ref.family === 'web' ? { label: ref.revision ? `web:${ref.revision}` : 'web', spec: { requiresCompatibilities: ['EC2'] } } : undefined),
};
const deregistered: AdmissionContext = { taskDefinition: (_ns, ref) => ({ label: `web:${ref.revision}`, spec: {}, inactive: ref.revision === 1 }) };
const fargateReady: AdmissionContext = { taskDefinition: () => ({ label: 'web', spec: { requiresCompatibilities: ['EC2', 'FARGATE'] } }) };

function message(verdict: AdmissionVerdict): string {
  return verdict.allowed ? 'allowed' : admissionMessage(verdict);
}

// Each rule: an object it refuses, with the whole message, and a close one it lets through.
const cases: [string, unknown, AdmissionContext, string][] = [
  ['a schema error names the field', service({ desiredCount: -1 }), {}, 'InvalidParameterException: spec.desiredCount: '],
  ['a TaskDefinition schema error is a ClientException', taskDefinition({ containerDefinitions: [] }), {}, 'ClientException: spec.containerDefinitions'],
  ['a FargateProfile without selectors', profile({}), {}, 'InvalidParameterException: spec.selectors'],
  [
    'a dependsOn cycle of five containers (beyond the CRD rule)',
    taskDefinition({
      containerDefinitions: ['a', 'b', 'c', 'd', 'e'].map((n, i, all) => container(n, { dependsOn: [{ containerName: all[(i + 1) % all.length], condition: 'START' }] })),
    }),
    {},
    'ClientException: spec.containerDefinitions[0].dependsOn, spec.containerDefinitions[1].dependsOn, spec.containerDefinitions[2].dependsOn, spec.containerDefinitions[3].dependsOn, spec.containerDefinitions[4].dependsOn: spec.containerDefinitions[].dependsOn must not form a cycle',
  ],
  [
    'what the renderer refuses: containers reserving more than the task',
    taskDefinition({ memory: '256', containerDefinitions: [container('app', { memory: 512 })] }),
    {},
    "ClientException: spec.memory: the containers reserve 512 MiB, more than the task's 256 MiB",
  ],
  [
    'a broken memberOf expression in a Service, by column',
    service({ placementConstraints: [{ type: 'memberOf', expression: 'attribute:ecs.instance-type =~ t2.* and' }] }),
    {},
    'InvalidParameterException: spec.placementConstraints[0].expression: at column 40: expected a subject',
  ],
  [
    'an invalid regular expression in memberOf',
    service({ placementConstraints: [{ type: 'memberOf', expression: 'attribute:x =~ (ab' }] }),
    {},
    "InvalidParameterException: spec.placementConstraints[0].expression: at column 16: '(ab': invalid regular expression (RE2 syntax)",
  ],
  [
    'an unknown placement strategy field',
    service({ placementStrategy: [{ type: 'binpack', field: 'disk' }] }),
    {},
    'InvalidParameterException: spec.placementStrategy[0]',
  ],
  [
    "a broken memberOf in a task definition's own constraints",
    taskDefinition({ placementConstraints: [{ type: 'memberOf', expression: 'attribute:ecs.os-type == linux or' }] }),
    {},
    'ClientException: spec.placementConstraints[0].expression: at column 34',
  ],
  [
    'a FARGATE Service naming an EC2-only task definition',
    service({ launchType: 'FARGATE' }),
    ec2Only,
    'InvalidParameterException: spec.taskDefinition: task definition web does not support launch type FARGATE: its requiresCompatibilities ([EC2]) do not include FARGATE',
  ],
  [
    'only Fargate capacity providers count as FARGATE',
    service({ taskDefinition: 'web:2', capacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1 }, { capacityProvider: 'FARGATE_SPOT', weight: 1 }] }),
    ec2Only,
    'InvalidParameterException: spec.taskDefinition: task definition web:2 does not support launch type FARGATE',
  ],
  [
    'a pinned revision that was deregistered',
    service({ taskDefinition: 'web:1' }),
    deregistered,
    'InvalidParameterException: spec.taskDefinition: task definition web:1 is INACTIVE (deregistered) and cannot be used by a new deployment',
  ],
  [
    'a FARGATE capacity provider next to an EC2 one: its share would run on Fargate',
    service({ capacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1 }, { capacityProvider: 'pool-a', weight: 1 }] }),
    ec2Only,
    'InvalidParameterException: spec.taskDefinition: task definition web does not support launch type FARGATE',
  ],
];

const allowed: [string, unknown, AdmissionContext][] = [
  ['a plain TaskDefinition', taskDefinition(), {}],
  ['a dependsOn chain without a cycle', taskDefinition({ containerDefinitions: [container('a', { dependsOn: [{ containerName: 'b', condition: 'START' }] }), container('b')] }), {}],
  ['a Service with a valid memberOf and strategy', service({ placementConstraints: [{ type: 'memberOf', expression: 'attribute:ecs.instance-type =~ t2.*' }], placementStrategy: [{ type: 'spread', field: 'attribute:ecs.availability-zone' }] }), {}],
  ['a FARGATE Service whose task definition lists FARGATE', service({ launchType: 'FARGATE' }), fargateReady],
  ['a FARGATE Service whose task definition does not exist yet', service({ launchType: 'FARGATE', taskDefinition: 'other' }), ec2Only],
  ['an EC2 Service of an EC2-only task definition', service({ launchType: 'EC2' }), ec2Only],
  ['an ACTIVE pinned revision', service({ taskDefinition: 'web:2' }), deregistered],
  ['the INACTIVE revision the Service already runs (ECS lets it keep going)', { ...service({ taskDefinition: 'web:1' }), status: { taskDefinition: 'web:1' } }, deregistered],
  ['a FargateProfile', profile({ selectors: [{ namespace: 'shop' }] }), {}],
];

describe('admission of Berth objects', () => {
  test.each(cases)('refuses %s', (_name, object, context, expected) => {
    expect(message(admitResource(object, context))).toContain(expected);
    expect(message(admitResource(object, context)).startsWith(expected.split(':')[0])).toBe(true);
  });

  test.each(allowed)('allows %s', (_name, object, context) => {
    expect(admitResource(object, context)).toEqual({ allowed: true });
  });

  test('every problem is listed, each with its field', () => {
    const verdict = admitResource(service({
      launchType: 'EC2',
      placementConstraints: [{ type: 'memberOf', expression: 'attribute:a ==' }, { type: 'memberOf', expression: 'runningTasksCount in [1]' }],
    }), {});
    expect(verdict.allowed).toBe(false);
    expect(verdict.allowed ? [] : verdict.findings.map((f) => f.path)).toEqual(['spec.placementConstraints[0].expression', 'spec.placementConstraints[1].expression']);
  });

  test('something that is not a Berth object is refused with the rule', () => {
    expect(message(admitResource({ apiVersion: 'v1', kind: 'Pod' }))).toBe('InvalidParameterException: apiVersion/kind must be ecs.berth.dev/v1alpha1 with kind TaskDefinition, Service, FargateProfile');
  });
});
