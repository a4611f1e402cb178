import { describe, expect, it } from '@jest/globals';
import { isValidLabelValue, serviceTaskGroup, toLabelValue } from '../../../src/placement/labels.js';
import { collectLabelValues, renderPlacement } from '../../../src/placement/placement.js';
import { wildcardMatch } from '../../../src/placement/wildcard.js';

const GROUP = 'ecs.berth.dev/task-group';

describe('renderPlacement', () => {
  it('renders a plain REPLICA service: its group label and a zone spread', () => {
    expect(renderPlacement({ serviceName: 'web' })).toEqual({
      ok: true,
      topologySpreadConstraints: [
        { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { [GROUP]: 'service.web' } } },
      ],
      labels: { [GROUP]: 'service.web' },
      annotations: {},
      expansions: [],
      matchesNothing: false,
      notes: [],
    });
  });

  it('joins the task definition’s and the service’s constraints, with strategies', () => {
    const r = renderPlacement({
      serviceName: 'web',
      taskDefinitionConstraints: [{ type: 'memberOf', expression: 'attribute:ecs.os-type == linux' }],
      placementConstraints: [{ type: 'distinctInstance' }],
      placementStrategy: [{ type: 'spread', field: 'instanceId' }, { type: 'binpack', field: 'memory' }],
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.affinity).toEqual({
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/os', operator: 'In', values: ['linux'] }] }] },
      },
      podAntiAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { [GROUP]: 'service.web' } }, topologyKey: 'kubernetes.io/hostname' }],
      },
    });
    expect(r.topologySpreadConstraints.map((c) => c.topologyKey)).toEqual(['kubernetes.io/hostname']);
    expect(r.annotations).toEqual({ 'ecs.berth.dev/placement-binpack': 'memory' });
  });

  it('uses a custom task group', () => {
    const r = renderPlacement({ serviceName: 'web', taskGroup: 'databases', placementConstraints: [{ type: 'distinctInstance' }] });
    expect(r.ok && r.labels).toEqual({ [GROUP]: 'databases' });
  });

  it('ignores constraints and strategies for FARGATE, with notes', () => {
    const r = renderPlacement({
      serviceName: 'web',
      launchType: 'FARGATE',
      placementConstraints: [{ type: 'distinctInstance' }],
      placementStrategy: [{ type: 'random' }],
    });
    expect(r.ok && r.affinity).toBeUndefined();
    expect(r.ok && r.notes.map((n) => n.path)).toEqual(['spec.placementConstraints[0]', 'spec.placementStrategy']);
  });

  it('reports errors from constraints and strategies together, with their paths', () => {
    const r = renderPlacement({
      serviceName: 'web',
      taskDefinitionConstraints: [{ type: 'memberOf', expression: 'runningTasksCount == 0' }],
      placementStrategy: [{ type: 'spread', field: 'attribute:ecs.vpc-id' }],
    });
    expect(!r.ok && r.errors.map((e) => e.path)).toEqual(['taskDefinition.spec.placementConstraints[0].expression', 'spec.placementStrategy[0].field']);
  });

  it('renders DAEMON services without a spread', () => {
    const r = renderPlacement({ serviceName: 'agent', schedulingStrategy: 'DAEMON' });
    expect(r.ok && r.topologySpreadConstraints).toEqual([]);
  });
});

describe('labels', () => {
  it.each([
    ['service:web', 'service.web'],
    ['databases', 'databases'],
    ['FARGATE_SPOT', 'FARGATE_SPOT'],
  ])('%s → %s', (name, value) => expect(toLabelValue(name)).toBe(value));

  it('shortens and hashes names that cannot be label values', () => {
    const long = toLabelValue(`service:${'a'.repeat(100)}`);
    expect(isValidLabelValue(long)).toBe(true);
    expect(long).not.toBe(toLabelValue(`service:${'a'.repeat(101)}`));
    expect(isValidLabelValue(toLabelValue('a b/c'))).toBe(true);
    expect(isValidLabelValue(toLabelValue('///'))).toBe(true);
  });

  it('names the default group of a service', () => expect(serviceTaskGroup('web')).toBe('service:web'));

  it('collects label values per key', () => {
    const known = collectLabelValues([{ metadata: { labels: { a: '1' } } }, { metadata: { labels: { a: '2', b: 'x' } } }, {}]);
    expect(known).toEqual(new Map([['a', new Set(['1', '2'])], ['b', new Set(['x'])]]));
  });
});

describe('wildcardMatch', () => {
  it.each<[string, string, boolean]>([
    ['*', '', true],
    ['*', 'anything', true],
    ['prod-*', 'prod-a', true],
    ['prod-*', 'prod-', true],
    ['prod-*', 'dev-a', false],
    ['?', 'a', true],
    ['?', '', false],
    ['?', 'ab', false],
    ['a?c', 'abc', true],
    ['*-team-?', 'x-team-1', true],
    ['*-team-?', 'x-team-12', false],
    ['a*b*c', 'aXXbYYc', true],
    ['a*b*c', 'aXXbYY', false],
    ['t2.*', 't2.small', true],
    ['t2.*', 't2xsmall', false],
    ['exact', 'exact', true],
    ['exact', 'exactly', false],
  ])('%s ~ %s = %s', (pattern, text, result) => expect(wildcardMatch(pattern, text)).toBe(result));
});
