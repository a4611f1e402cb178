import { normaliseTaskDefinitionJson, NotATaskDefinition } from '../../../src/render/ecs-input.js';

describe('ECS JSON → RegisterTaskDefinition input', () => {
  test('register input passes through', () => {
    const input = { family: 'web', containerDefinitions: [{ name: 'app', image: 'nginx' }] };
    expect(normaliseTaskDefinitionJson(input)).toEqual({ spec: input, dropped: [] });
  });

  test('describe output: read-only fields dropped and listed', () => {
    const input = {
      taskDefinitionArn: 'arn:aws:ecs:eu-west-1:1:task-definition/web:7',
      family: 'web',
      revision: 7,
      status: 'ACTIVE',
      requiresAttributes: [{ name: 'ecs.capability.task-eni' }],
      compatibilities: ['EC2', 'FARGATE'],
      registeredAt: '2023-10-27T02:11:17.074Z',
      registeredBy: 'arn:aws:iam::1:user/x',
      containerDefinitions: [{ name: 'app', image: 'nginx' }],
    };
    const out = normaliseTaskDefinitionJson(input);
    expect(out.spec).toEqual({ family: 'web', containerDefinitions: [{ name: 'app', image: 'nginx' }] });
    expect(out.dropped).toEqual([
      '$.taskDefinitionArn',
      '$.revision',
      '$.status',
      '$.requiresAttributes',
      '$.compatibilities',
      '$.registeredAt',
      '$.registeredBy',
    ]);
  });

  test('the describe-task-definition wrapper is removed, its tags kept', () => {
    const out = normaliseTaskDefinitionJson({
      taskDefinition: { family: 'web', revision: 2, containerDefinitions: [{ name: 'app', image: 'nginx' }] },
      tags: [{ key: 'team', value: 'core' }],
    });
    expect(out).toEqual({
      spec: { family: 'web', containerDefinitions: [{ name: 'app', image: 'nginx' }], tags: [{ key: 'team', value: 'core' }] },
      dropped: ['$.taskDefinition.revision'],
    });
  });

  test('explicit null fields mean "not set"; a null in a list stays, so validation refuses it at its own index', () => {
    const out = normaliseTaskDefinitionJson({
      ipcMode: null,
      containerDefinitions: [{ name: 'app', image: 'nginx', command: null, linuxParameters: null, mountPoints: [], secrets: [null, { name: 'a', valueFrom: null }] }],
    });
    expect(out.spec).toEqual({ containerDefinitions: [{ name: 'app', image: 'nginx', mountPoints: [], secrets: [null, { name: 'a' }] }] });
  });

  test('deep nesting and __proto__ keys are refused with their path before anything walks them', () => {
    const deep: Record<string, unknown> = {};
    let at = deep;
    for (let i = 0; i < 5000; i++) at = (at.a = {}) as Record<string, unknown>;
    expect(() => normaliseTaskDefinitionJson({ containerDefinitions: [], x: deep })).toThrow(/^\$\.x(\.a){63}: the JSON nests more than 64 levels deep/);
    expect(() => normaliseTaskDefinitionJson(JSON.parse('{"containerDefinitions":[{"__proto__":{}}]}'))).toThrow(/^\$\.containerDefinitions\[0\]\.__proto__: '__proto__' cannot be a key/);
  });

  test('the input is not changed', () => {
    const input = { revision: 1, containerDefinitions: [{ name: 'a', image: 'b', user: null }] };
    const copy = structuredClone(input);
    normaliseTaskDefinitionJson(input);
    expect(input).toEqual(copy);
  });

  test.each([[[]], ['text'], [null], [{ family: 'web' }]])('%j is not a task definition', (input) => {
    expect(() => normaliseTaskDefinitionJson(input)).toThrow(NotATaskDefinition);
  });
});
