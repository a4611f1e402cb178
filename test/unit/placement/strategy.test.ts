import { describe, expect, it } from '@jest/globals';
import type { TopologySpreadConstraint } from '../../../src/api/kube.js';
import { compileStrategy, type PlacementStrategyInput, type StrategyOptions } from '../../../src/placement/strategy.js';

const GROUP = 'ecs.berth.dev/task-group';
const spread = (topologyKey: string): TopologySpreadConstraint => ({
  maxSkew: 1,
  topologyKey,
  whenUnsatisfiable: 'ScheduleAnyway',
  labelSelector: { matchLabels: { [GROUP]: 'service.web' } },
});
const ZONE = spread('topology.kubernetes.io/zone');
const HOST = spread('kubernetes.io/hostname');

describe('compileStrategy', () => {
  // [strategies, options, spread constraints, annotations, schedulerName, number of notes]
  const cases: [string, PlacementStrategyInput[] | undefined, Partial<StrategyOptions>, TopologySpreadConstraint[], Record<string, string>, string | undefined, number][] = [
    ['REPLICA default: spread by zone', undefined, {}, [ZONE], {}, undefined, 0],
    ['empty list: spread by zone', [], {}, [ZONE], {}, undefined, 0],
    ['spread by zone', [{ type: 'spread', field: 'attribute:ecs.availability-zone' }], {}, [ZONE], {}, undefined, 0],
    ['spread by instanceId', [{ type: 'spread', field: 'instanceId' }], {}, [HOST], {}, undefined, 0],
    ['spread by host', [{ type: 'spread', field: 'host' }], {}, [HOST], {}, undefined, 0],
    ['spread by instance type', [{ type: 'spread', field: 'attribute:ecs.instance-type' }], {}, [spread('node.kubernetes.io/instance-type')], {}, undefined, 0],
    ['spread by a custom attribute', [{ type: 'spread', field: 'attribute:rack' }], {}, [spread('attribute.ecs.berth.dev/rack')], {}, undefined, 0],
    [
      'zone then host, as ECS documents',
      [{ type: 'spread', field: 'attribute:ecs.availability-zone' }, { type: 'spread', field: 'instanceId' }],
      {}, [ZONE, HOST], {}, undefined, 1,
    ],
    ['instanceId and host spread once', [{ type: 'spread', field: 'instanceId' }, { type: 'spread', field: 'host' }], {}, [HOST], {}, undefined, 1],
    ['binpack memory: a hint', [{ type: 'binpack', field: 'memory' }], {}, [], { 'ecs.berth.dev/placement-binpack': 'memory' }, undefined, 1],
    ['binpack cpu with a packing scheduler', [{ type: 'binpack', field: 'cpu' }], { binpackSchedulerName: 'bin-packing' }, [], { 'ecs.berth.dev/placement-binpack': 'cpu' }, 'bin-packing', 1],
    [
      'zone spread then binpack',
      [{ type: 'spread', field: 'attribute:ecs.availability-zone' }, { type: 'binpack', field: 'memory' }],
      {}, [ZONE], { 'ecs.berth.dev/placement-binpack': 'memory' }, undefined, 2,
    ],
    ['two binpacks: the first wins', [{ type: 'binpack', field: 'cpu' }, { type: 'binpack', field: 'memory' }], {}, [], { 'ecs.berth.dev/placement-binpack': 'cpu' }, undefined, 3],
    ['random: nothing', [{ type: 'random' }], {}, [], {}, undefined, 1],
    ['DAEMON: nothing', undefined, { schedulingStrategy: 'DAEMON' }, [], {}, undefined, 0],
    ['FARGATE: spread by zone', undefined, { launchType: 'FARGATE' }, [ZONE], {}, undefined, 0],
    ['FARGATE ignores strategies', [{ type: 'binpack', field: 'cpu' }], { launchType: 'FARGATE' }, [ZONE], {}, undefined, 1],
  ];
  it.each(cases)('%s', (_name, strategies, options, tsc, annotations, schedulerName, notes) => {
    const r = compileStrategy(strategies, { taskGroup: 'service:web', ...options });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.topologySpreadConstraints).toEqual(tsc);
    expect(r.annotations).toEqual(annotations);
    expect(r.schedulerName).toBe(schedulerName);
    expect(r.notes).toHaveLength(notes);
  });

  // [strategies, options, path, fragment]
  it.each<[PlacementStrategyInput[], Partial<StrategyOptions>, string, string]>([
    [[{ type: 'spread' }], {}, 'spec.placementStrategy[0].field', 'spread takes field instanceId, host or attribute:<name>'],
    [[{ type: 'spread', field: 'cpu' }], {}, 'spec.placementStrategy[0].field', "found 'cpu'"],
    [[{ type: 'spread', field: 'attribute:ecs.ami-id' }], {}, 'spec.placementStrategy[0].field', 'attribute:ecs.ami-id has no Kubernetes node label'],
    [[{ type: 'random' }, { type: 'binpack', field: 'disk' as 'cpu' }], {}, 'spec.placementStrategy[1].field', 'binpack takes field cpu or memory'],
    [[{ type: 'pack' } as unknown as PlacementStrategyInput], {}, 'spec.placementStrategy[0].type', "unknown placement strategy type 'pack'"],
    [[{ type: 'random' }], { schedulingStrategy: 'DAEMON' }, 'spec.placementStrategy', 'not supported with schedulingStrategy DAEMON'],
    [Array.from({ length: 6 }, () => ({ type: 'random' as const })), {}, 'spec.placementStrategy', 'at most 5'],
  ])('refuses %j', (strategies, options, path, fragment) => {
    const r = compileStrategy(strategies, { taskGroup: 'service:web', ...options });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors[0].path).toBe(path);
    expect(r.errors[0].message).toContain(fragment);
  });
});
