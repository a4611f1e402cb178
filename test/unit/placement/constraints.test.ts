import { describe, expect, it } from '@jest/globals';
import { compileConstraints, locate, type PlacementConstraintInput } from '../../../src/placement/constraints.js';

const GROUP = 'ecs.berth.dev/task-group';
const HOST = 'kubernetes.io/hostname';
const ZONE = 'topology.kubernetes.io/zone';
const TYPE = 'node.kubernetes.io/instance-type';
const known = new Map([[TYPE, new Set(['t2.small', 'm5.large'])]]);

function run(constraints: PlacementConstraintInput[]) {
  return compileConstraints(locate(constraints, 'spec.placementConstraints'), { taskGroup: 'service:web', knownLabelValues: known });
}

describe('compileConstraints', () => {
  it('distinctInstance: required anti-affinity on the hostname against the group’s own pods', () => {
    const r = run([{ type: 'distinctInstance' }]);
    expect(r).toEqual({
      ok: true,
      affinity: {
        podAntiAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { [GROUP]: 'service.web' } }, topologyKey: HOST }],
        },
      },
      expansions: [],
      matchesNothing: false,
      notes: [],
    });
  });

  it('memberOf: the compiled expression as required node affinity', () => {
    const r = run([{ type: 'memberOf', expression: 'attribute:ecs.availability-zone in [a, b]' }]);
    expect(r.ok && r.affinity).toEqual({
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: ZONE, operator: 'In', values: ['a', 'b'] }] }] },
      },
    });
  });

  it('ANDs several memberOf constraints and adds distinctInstance to the expression’s anti-affinity', () => {
    const r = run([
      { type: 'memberOf', expression: 'attribute:ecs.availability-zone == a or attribute:ecs.availability-zone == b' },
      { type: 'memberOf', expression: 'not(task:group == service:db)' },
      { type: 'distinctInstance' },
      { type: 'memberOf', expression: 'attribute:ecs.instance-type =~ t2.*' },
    ]);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.affinity.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms).toEqual([
      { matchExpressions: [{ key: ZONE, operator: 'In', values: ['a'] }, { key: TYPE, operator: 'In', values: ['t2.small'] }] },
      { matchExpressions: [{ key: ZONE, operator: 'In', values: ['b'] }, { key: TYPE, operator: 'In', values: ['t2.small'] }] },
    ]);
    expect(r.affinity.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution).toEqual([
      { labelSelector: { matchExpressions: [{ key: GROUP, operator: 'In', values: ['service.db'] }] }, topologyKey: HOST },
      { labelSelector: { matchLabels: { [GROUP]: 'service.web' } }, topologyKey: HOST },
    ]);
    expect(r.expansions).toHaveLength(1);
    expect(r.notes.map((n) => n.message)).toEqual([
      'attribute:ecs.instance-type =~ t2.* matched [t2.small] of label node.kubernetes.io/instance-type among the values seen now; placement is recomputed when they change',
      'regular expressions are evaluated by RE2 (linear time), which agrees with Java (what ECS uses) on common patterns; backreferences and lookaround are not supported',
      'task:group looks at pods of the same namespace through label ecs.berth.dev/task-group',
    ]);
  });

  it('says when nothing can match', () => {
    const r = run([{ type: 'memberOf', expression: 'attribute:ecs.instance-type =~ p3.*' }]);
    expect(r.ok && r.matchesNothing).toBe(true);
    expect(r.ok && r.notes.map((n) => n.message)).toContain('no node can satisfy the placement constraints; the pods stay Pending, as ECS tasks stay PENDING');
  });

  it('is empty without constraints', () => {
    expect(run([])).toEqual({ ok: true, affinity: {}, expansions: [], matchesNothing: false, notes: [] });
  });

  // [constraints, expected error paths and fragments]
  it.each<[PlacementConstraintInput[], [string, string][]]>([
    [[{ type: 'memberOf' }], [['spec.placementConstraints[0].expression', 'needs an expression']]],
    [[{ type: 'distinctInstance', expression: 'x' } as PlacementConstraintInput], [['spec.placementConstraints[0].expression', 'takes no expression']]],
    [[{ type: 'sameHost' } as unknown as PlacementConstraintInput], [['spec.placementConstraints[0].type', "unknown placement constraint type 'sameHost'"]]],
    [
      [{ type: 'distinctInstance' }, { type: 'memberOf', expression: 'attribute:a ==' }],
      [['spec.placementConstraints[1].expression', "at column 15: expected a value after '=='"]],
    ],
    [
      [{ type: 'memberOf', expression: 'registeredAt < 2020-01-01' }, { type: 'memberOf', expression: 'attribute:ecs.ami-id == x' }],
      [
        ['spec.placementConstraints[0].expression', 'registeredAt cannot be compiled'],
        ['spec.placementConstraints[1].expression', 'attribute:ecs.ami-id has no Kubernetes node label'],
      ],
    ],
    [Array.from({ length: 11 }, () => ({ type: 'distinctInstance' as const })), [['spec.placementConstraints[10]', 'at most 10 placement constraints']]],
  ])('refuses %j', (constraints, expected) => {
    const r = run(constraints);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => e.path)).toEqual(expected.map(([p]) => p));
    r.errors.forEach((e, i) => expect(e.message).toContain(expected[i][1]));
  });
});
