import { describe, expect, it } from '@jest/globals';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { serviceSpecFromEcs, taskDefinitionSpecFromEcs } from '../../../src/api/ecsjson.js';
import { ServiceSpec } from '../../../src/api/service.js';
import { TaskDefinitionSpec } from '../../../src/api/taskdefinition.js';
import { containersOnDependencyCycles } from '../../../src/api/taskdefinition-rules.js';
import { validateResource, validateSpec } from '../../../src/api/validate.js';
import { CORPUS, describeCorpus } from '../../corpus.js';
import { INVALID_FARGATE_PROFILES, INVALID_OBJECTS, INVALID_SERVICES, INVALID_TASK_DEFINITIONS } from './fixtures/invalid-objects.js';
import { ec2TaskDefinition, fargateProfile, fargateTaskDefinition, replicaService, serviceWithNewFields, taskDefinitionWithNewFields, variant } from './fixtures/objects.js';

const read = (path: string): unknown => JSON.parse(readFileSync(path, 'utf8'));

/** Corpus task definitions ECS itself would refuse (see the corpus's SOURCES.md), with the field at fault. */
const INVALID_CORPUS_TASK_DEFINITIONS: Record<string, string> = {
  'ec2-awsvpc-mysfits-task-cpu-mem-invalid-protocol-http.json': 'spec.containerDefinitions[0].portMappings[0].protocol',
  'fargate-empty-image-placeholder-nonblocking-logs-tags.json': 'spec.containerDefinitions[0].image',
};

/** Corpus create-service inputs Berth refuses, with the field at fault. */
const INVALID_CORPUS_SERVICES: Record<string, string> = {
  // Not a CreateService field.
  'fargate-circuitBreaker-execCommand-unknown-enableLogging.json': 'spec: Unrecognized key: "enableLogging"',
  // The tool that reads it supplies taskDefinition, and its template leaves deploymentController.type unrendered.
  'fargate-spot-volumeConfigurations-managedEBS-execCommand-gotemplate.json': 'spec.taskDefinition',
  // CloudFormation-export placeholders ("stack:Output") where a family and a container name belong.
  'fargate-codedeploy-controller-alb-awsvpc.json': 'spec.taskDefinition',
};

describe('the valid examples', () => {
  it.each([
    ['Fargate task definition', fargateTaskDefinition()],
    ['EC2 task definition', ec2TaskDefinition()],
    ['REPLICA service', replicaService()],
    ['Fargate profile', fargateProfile()],
    ['task definition with every new ECS field', taskDefinitionWithNewFields()],
    ['service with every new ECS field', serviceWithNewFields()],
  ])('%s is accepted', (_name, object) => {
    expect(validateResource(object)).toEqual({ ok: true, value: object });
  });

  it('accepts every string form of a Fargate size', () => {
    for (const [cpu, memory] of [
      ['0.25 vCPU', '0.5GB'],
      [512, '4 GB'],
      ['1 vcpu', 8192],
      ['4096', '30GB'],
      ['16 vCPU', '120 GB'],
    ]) {
      expect(validateResource(variant(fargateTaskDefinition(), (s) => Object.assign(s, { cpu, memory }))).ok).toBe(true);
    }
  });

  it('reads a null field as absent, as the apiserver does; a null in a list is refused at its index', () => {
    const withNull = variant(ec2TaskDefinition(), (s) => Object.assign(s, { memory: null }));
    const without = variant(ec2TaskDefinition(), (s) => delete s.memory);
    expect(validateResource(withNull)).toEqual({ ok: true, value: without });
    const nullInList = validateResource(variant(replicaService(), (s) => (s.placementStrategy = [null])));
    expect(nullInList.ok ? [] : nullInList.errors).toEqual([expect.stringMatching(/^spec\.placementStrategy\[0\]: /)]);
  });

  it('accepts a numeric or string forceNewDeployment token', () => {
    expect(validateResource(variant(replicaService(), (s) => (s.forceNewDeployment = 3))).ok).toBe(true);
    expect(validateResource(variant(replicaService(), (s) => (s.forceNewDeployment = '2025-01-01T00:00:00Z'))).ok).toBe(true);
  });
});

describeCorpus('the ECS corpus', () => {
  const files = readdirSync(join(CORPUS, 'taskdefs')).sort();

  it('has the files this test expects', () => {
    expect(files.length).toBeGreaterThanOrEqual(27);
  });

  it.each(files.filter((f) => !(f in INVALID_CORPUS_TASK_DEFINITIONS)))('task definition %s is accepted', (file) => {
    const { spec } = taskDefinitionSpecFromEcs(read(join(CORPUS, 'taskdefs', file)));
    const result = validateSpec(TaskDefinitionSpec, spec);
    expect(result.ok ? [] : result.errors).toEqual([]);
  });

  it.each(Object.entries(INVALID_CORPUS_TASK_DEFINITIONS))('task definition %s is refused at %s', (file, field) => {
    const result = validateSpec(TaskDefinitionSpec, taskDefinitionSpecFromEcs(read(join(CORPUS, 'taskdefs', file))).spec);
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.errors.map((e) => e.split(':')[0])).toContain(field);
  });

  const services = readdirSync(join(CORPUS, 'services')).sort();

  it.each(services.filter((f) => !(f in INVALID_CORPUS_SERVICES)))('service %s is accepted', (file) => {
    const result = validateSpec(ServiceSpec, serviceSpecFromEcs(read(join(CORPUS, 'services', file))).spec);
    expect(result.ok ? [] : result.errors).toEqual([]);
  });

  it.each(Object.entries(INVALID_CORPUS_SERVICES))('service %s is refused: %s', (file, error) => {
    const result = validateSpec(ServiceSpec, serviceSpecFromEcs(read(join(CORPUS, 'services', file))).spec);
    expect(result.ok ? [] : result.errors.join('\n')).toContain(error);
  });
});

describe('ECS JSON intake', () => {
  it('unwraps describe output, drops nulls and computed fields, and says so', () => {
    const input = { taskDefinition: { family: 'web', revision: 3, status: 'ACTIVE', ipcMode: null, containerDefinitions: [{ name: 'a', image: 'x', user: null }] } };
    expect(taskDefinitionSpecFromEcs(input)).toEqual({
      spec: { family: 'web', containerDefinitions: [{ name: 'a', image: 'x' }] },
      dropped: ['spec.ipcMode', 'spec.containerDefinitions[0].user', 'spec.revision', 'spec.status'],
    });
  });

  it('leaves create-service input alone', () => {
    const input = { serviceName: 'web', taskDefinition: 'web:1', desiredCount: 2 };
    expect(serviceSpecFromEcs(input)).toEqual({ spec: input, dropped: [] });
  });
});

describe('invalid objects', () => {
  it('the table is large enough and has unique names', () => {
    expect(INVALID_TASK_DEFINITIONS.length + INVALID_SERVICES.length + INVALID_FARGATE_PROFILES.length).toBeGreaterThanOrEqual(40);
    expect(new Set(INVALID_OBJECTS.map((c) => `${c.object.kind}: ${c.name}`)).size).toBe(INVALID_OBJECTS.length);
  });

  it.each(INVALID_OBJECTS.map((c) => [`${c.object.kind}: ${c.name}`, c] as const))('%s is refused', (_name, c) => {
    const result = validateResource(c.object);
    expect(result.ok).toBe(false);
    const errors = result.ok ? [] : result.errors;
    const named = errors.filter((e) => e.startsWith(`${c.field}:`) && (c.message === undefined || e.includes(c.message)));
    expect({ errors, named: named.length > 0 }).toEqual({ errors, named: true });
  });
});

describe('dependsOn cycles', () => {
  const c = (name: string, ...on: string[]) => ({ name, dependsOn: on.map((containerName) => ({ containerName, condition: 'START' as const })) });

  it.each([
    ['none', [c('a', 'b'), c('b')], []],
    ['self', [c('a', 'a')], [0]],
    ['two', [c('a', 'b'), c('b', 'a'), c('x', 'a')], [0, 1]],
    ['four', [c('a', 'b'), c('b', 'c'), c('c', 'd'), c('d', 'a')], [0, 1, 2, 3]],
    ['diamond, no cycle', [c('a', 'b', 'c'), c('b', 'd'), c('c', 'd'), c('d')], []],
    ['unknown target', [c('a', 'ghost')], []],
  ])('%s', (_name, containers, onCycle) => {
    expect(containersOnDependencyCycles(containers)).toEqual(onCycle);
  });
});
