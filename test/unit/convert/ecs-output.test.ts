import { describe, expect, test } from '@jest/globals';
import { stringify } from 'yaml';
import { ANNOTATION_ECS_OUTPUT, outputOnlyFields, SERVICE_FIELDS, TASK_DEFINITION_FIELDS } from '../../../src/api/ecs-fields.js';
import { exportResources } from '../../../src/convert/export.js';
import { formatMessage } from '../../../src/convert/findings.js';
import { importEcs } from '../../../src/convert/import.js';
import { readFixture } from '../../corpus.js';
import { strangers } from '../../ecs-model.js';

// What ECS prints today imports losslessly: the input members become the spec, the output-only
// members an annotation; and `berth export` gives back what create-service and
// register-task-definition take, checked member by member against the ECS model.

const without = (o: Record<string, unknown>, fields: readonly string[]) => Object.fromEntries(Object.entries(o).filter(([k]) => !fields.includes(k)));

function importFile(name: string) {
  const result = importEcs([{ file: name, text: readFixture(name) }], { namespace: 'shop' });
  return { resources: result.resources, lines: result.messages.map(formatMessage) };
}

function exportBack(resources: readonly unknown[]) {
  const result = exportResources('out.yaml', resources.map((r) => stringify(r)).join('---\n'));
  return { objects: result.objects, lines: result.messages.map(formatMessage) };
}

describe('describe-services output of today', () => {
  const written = JSON.parse(readFixture('describe-services-rolling-2026.json')).services[0] as Record<string, unknown>;
  const { resources, lines } = importFile('describe-services-rolling-2026.json');

  test('imports: strategy ROLLING, availabilityZoneRebalancing and the new deployment fields are accepted', () => {
    expect(lines.filter((l) => l.startsWith('error'))).toEqual([]);
    expect(resources).toHaveLength(1);
    expect(resources[0].spec).toMatchObject({
      deploymentConfiguration: { strategy: 'ROLLING', bakeTimeInMinutes: 0 },
      availabilityZoneRebalancing: 'ENABLED',
      loadBalancers: [{ advancedConfiguration: { alternateTargetGroupArn: expect.stringContaining('web-green') } }],
    });
  });

  test('says what it does not honour, the new fields among them', () => {
    const warned = lines.filter((l) => l.startsWith('warning')).map((l) => l.split(': ')[2]);
    expect(warned).toEqual(expect.arrayContaining(['$.services[0].availabilityZoneRebalancing', '$.services[0].loadBalancers[0].advancedConfiguration']));
    expect(warned).not.toContain('$.services[0].deploymentConfiguration.strategy'); // ROLLING is what Berth runs
  });

  test('keeps every output-only field in annotation ecs.berth.dev/ecs-output', () => {
    const kept = JSON.parse(resources[0].metadata.annotations?.[ANNOTATION_ECS_OUTPUT] ?? '{}');
    const printed = outputOnlyFields(SERVICE_FIELDS).filter((f) => written[f] !== undefined);
    expect(printed).toEqual(expect.arrayContaining(['currentServiceDeployment', 'currentServiceRevisions', 'deployments', 'events', 'platformFamily']));
    expect(kept).toEqual(Object.fromEntries(printed.map((f) => [f, written[f]])));
  });

  test('exports back to create-service input: only its members, every input member as written', () => {
    const { objects, lines: exported } = exportBack(resources);
    expect(exported.filter((l) => l.startsWith('error'))).toEqual([]);
    expect(strangers(objects[0], 'CreateServiceRequest')).toEqual([]);
    expect(objects[0]).toEqual(without(written, outputOnlyFields(SERVICE_FIELDS)));
  });
});

describe('describe-task-definition output of today', () => {
  const file = JSON.parse(readFixture('describe-task-definition-2026.json')) as { taskDefinition: Record<string, unknown>; tags: unknown[] };
  const { resources, lines } = importFile('describe-task-definition-2026.json');

  test('imports, with the output-only fields in the annotation and the tags in the spec', () => {
    expect(lines.filter((l) => l.startsWith('error'))).toEqual([]);
    const kept = JSON.parse(resources[0].metadata.annotations?.[ANNOTATION_ECS_OUTPUT] ?? '{}');
    expect(Object.keys(kept).sort()).toEqual(['compatibilities', 'registeredAt', 'registeredBy', 'requiresAttributes', 'revision', 'status', 'taskDefinitionArn']);
    expect(resources[0].spec).toMatchObject({ cpu: '1 vCPU', memory: '2GB', tags: file.tags });
  });

  test('exports back to register-task-definition input: only its members, every input member as written', () => {
    const { objects } = exportBack(resources);
    expect(strangers(objects[0], 'RegisterTaskDefinitionRequest')).toEqual([]);
    expect(objects[0]).toEqual({ ...without(file.taskDefinition, outputOnlyFields(TASK_DEFINITION_FIELDS)), tags: file.tags });
  });
});
