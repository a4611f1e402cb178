import { describe, expect, it } from '@jest/globals';
import type { NodeSelectorRequirement, NodeSelectorTerm } from '../../../src/api/kube.js';
import { UNSATISFIABLE_TERM, compileExpression, type CompiledQuery } from '../../../src/placement/compile.js';
import { collectLabelValues } from '../../../src/placement/placement.js';

const ZONE = 'topology.kubernetes.io/zone';
const TYPE = 'node.kubernetes.io/instance-type';
const ARCH = 'kubernetes.io/arch';
const OS = 'kubernetes.io/os';
const GROUP = 'ecs.berth.dev/task-group';
const HOST = 'kubernetes.io/hostname';

const nodes = [
  { [ZONE]: 'us-east-1a', [TYPE]: 't2.small', [ARCH]: 'amd64', [OS]: 'linux' },
  { [ZONE]: 'us-east-1b', [TYPE]: 't2.medium', [ARCH]: 'amd64', [OS]: 'linux' },
  { [ZONE]: 'us-east-1c', [TYPE]: 'g2.2xlarge', [ARCH]: 'arm64', [OS]: 'linux' },
  { [ZONE]: 'us-east-1d', [TYPE]: 'm5.large', [ARCH]: 'amd64', [OS]: 'windows' },
];
const known = collectLabelValues([
  ...nodes.map((labels) => ({ metadata: { labels } })),
  { metadata: { labels: { [GROUP]: 'service.web' } } },
  { metadata: { labels: { [GROUP]: 'service.worker' } } },
]);

function compile(text: string): CompiledQuery {
  const r = compileExpression(text, { knownLabelValues: known });
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('\n'));
  return r.compiled;
}

const req = (key: string, operator: NodeSelectorRequirement['operator'], ...values: string[]): NodeSelectorRequirement =>
  values.length > 0 ? { key, operator, values } : { key, operator };
const term = (...matchExpressions: NodeSelectorRequirement[]): NodeSelectorTerm => ({ matchExpressions });

describe('compileExpression: node affinity', () => {
  // [expression, expected nodeSelectorTerms (undefined: no node constraint)]
  const cases: [string, NodeSelectorTerm[] | undefined][] = [
    ['attribute:ecs.instance-type == t2.small', [term(req(TYPE, 'In', 't2.small'))]],
    ['attribute:ecs.availability-zone in [us-east-1a, us-east-1b]', [term(req(ZONE, 'In', 'us-east-1a', 'us-east-1b'))]],
    ['attribute:ecs.availability-zone != us-east-1d', [term(req(ZONE, 'Exists'), req(ZONE, 'NotIn', 'us-east-1d'))]],
    ['not(attribute:ecs.availability-zone == us-east-1d)', [term(req(ZONE, 'NotIn', 'us-east-1d'))]],
    ['attribute:ecs.availability-zone !in [us-east-1c, us-east-1d]', [term(req(ZONE, 'Exists'), req(ZONE, 'NotIn', 'us-east-1c', 'us-east-1d'))]],
    ['not(attribute:stack != prod)', [term(req('attribute.ecs.berth.dev/stack', 'DoesNotExist')), term(req('attribute.ecs.berth.dev/stack', 'In', 'prod'))]],
    ['attribute:stack exists', [term(req('attribute.ecs.berth.dev/stack', 'Exists'))]],
    ['attribute:stack !exists', [term(req('attribute.ecs.berth.dev/stack', 'DoesNotExist'))]],
    ['not(attribute:stack exists)', [term(req('attribute.ecs.berth.dev/stack', 'DoesNotExist'))]],
    ['attribute:cores > 4', [term(req('attribute.ecs.berth.dev/cores', 'Gt', '4'))]],
    ['attribute:cores >= 4', [term(req('attribute.ecs.berth.dev/cores', 'Gt', '3'))]],
    ['attribute:cores < 4', [term(req('attribute.ecs.berth.dev/cores', 'Lt', '4'))]],
    ['attribute:cores <= 4', [term(req('attribute.ecs.berth.dev/cores', 'Lt', '5'))]],
    ['not(attribute:cores > 4)', [term(req('attribute.ecs.berth.dev/cores', 'DoesNotExist')), term(req('attribute.ecs.berth.dev/cores', 'Lt', '5'))]],
    ['attribute:cores > 2 and attribute:cores < 8', [term(req('attribute.ecs.berth.dev/cores', 'Gt', '2'), req('attribute.ecs.berth.dev/cores', 'Lt', '8'))]],
    // ECS values that differ from the label values are mapped.
    ['attribute:ecs.cpu-architecture == x86_64', [term(req(ARCH, 'In', 'amd64'))]],
    ['attribute:ecs.cpu-architecture == arm64', [term(req(ARCH, 'In', 'arm64'))]],
    ['attribute:ecs.os-type == linux', [term(req(OS, 'In', 'linux'))]],
    // Regexes and wildcards expand against the values known now.
    ['attribute:ecs.instance-type =~ t2.*', [term(req(TYPE, 'In', 't2.medium', 't2.small'))]],
    ['attribute:ecs.instance-type in [t2.*, m5.large]', [term(req(TYPE, 'In', 'm5.large', 't2.medium', 't2.small'))]],
    ['attribute:ecs.instance-type == g2.*', [term(req(TYPE, 'In', 'g2.2xlarge'))]],
    ['attribute:ecs.instance-type !~ t2.*', [term(req(TYPE, 'Exists'), req(TYPE, 'NotIn', 't2.medium', 't2.small'))]],
    ['not(attribute:ecs.instance-type =~ t2.*)', [term(req(TYPE, 'NotIn', 't2.medium', 't2.small'))]],
    ['attribute:ecs.cpu-architecture =~ x86.*', [term(req(ARCH, 'In', 'amd64'))]],
    // An expansion that matches nothing on the negative side constrains nothing more.
    ['attribute:ecs.instance-type !~ p3.*', [term(req(TYPE, 'Exists'))]],
    ['not(attribute:ecs.instance-type =~ p3.*)', undefined],
    // Compound forms: or gives several terms, and multiplies out.
    ['attribute:ecs.instance-type =~ g2.* and attribute:ecs.availability-zone != us-east-1d', [
      term(req(TYPE, 'In', 'g2.2xlarge'), req(ZONE, 'Exists'), req(ZONE, 'NotIn', 'us-east-1d')),
    ]],
    ['attribute:ecs.availability-zone == us-east-1a or attribute:ecs.instance-type == m5.large', [
      term(req(ZONE, 'In', 'us-east-1a')),
      term(req(TYPE, 'In', 'm5.large')),
    ]],
    ['(attribute:a == 1 or attribute:b == 2) and (attribute:c == 3 or attribute:d == 4)', [
      term(req('attribute.ecs.berth.dev/a', 'In', '1'), req('attribute.ecs.berth.dev/c', 'In', '3')),
      term(req('attribute.ecs.berth.dev/a', 'In', '1'), req('attribute.ecs.berth.dev/d', 'In', '4')),
      term(req('attribute.ecs.berth.dev/b', 'In', '2'), req('attribute.ecs.berth.dev/c', 'In', '3')),
      term(req('attribute.ecs.berth.dev/b', 'In', '2'), req('attribute.ecs.berth.dev/d', 'In', '4')),
    ]],
    ['not(attribute:a == 1 or attribute:b == 2)', [term(req('attribute.ecs.berth.dev/a', 'NotIn', '1'), req('attribute.ecs.berth.dev/b', 'NotIn', '2'))]],
    ['not(attribute:a == 1 and attribute:b == 2)', [term(req('attribute.ecs.berth.dev/a', 'NotIn', '1')), term(req('attribute.ecs.berth.dev/b', 'NotIn', '2'))]],
    // Folding: In sets intersect, NotIn removes from In, contradictions vanish, implied terms go.
    ['attribute:ecs.availability-zone in [us-east-1a, us-east-1b] and attribute:ecs.availability-zone in [us-east-1b, us-east-1c]', [term(req(ZONE, 'In', 'us-east-1b'))]],
    ['attribute:ecs.availability-zone in [us-east-1a, us-east-1b] and attribute:ecs.availability-zone != us-east-1a', [term(req(ZONE, 'In', 'us-east-1b'))]],
    ['attribute:a == 1 or (attribute:a == 1 and attribute:b == 2)', [term(req('attribute.ecs.berth.dev/a', 'In', '1'))]],
    ['(attribute:a exists and attribute:a !exists) or attribute:b == 2', [term(req('attribute.ecs.berth.dev/b', 'In', '2'))]],
    ['attribute:a exists or not(attribute:a exists)', undefined],
    // Custom names that are label keys are used as they are.
    ['attribute:node.kubernetes.io/instance-type == t2.small', [term(req(TYPE, 'In', 't2.small'))]],
    ['attribute:example.com/gpu == "true"', [term(req('example.com/gpu', 'In', 'true'))]],
  ];
  it.each(cases)('%s', (text, expected) => {
    const c = compile(text);
    expect(c.nodeSelectorTerms).toEqual(expected);
    expect(c.matchesNothing).toBe(false);
  });
});

describe('compileExpression: matching nothing', () => {
  it.each([
    'attribute:ecs.instance-type =~ p3.*',
    'attribute:ecs.instance-type == p3.*',
    'attribute:ecs.availability-zone == us-east-1a and attribute:ecs.availability-zone == us-east-1b',
    'attribute:cores > 8 and attribute:cores < 9',
    'attribute:a exists and not(attribute:a exists)',
  ])('%s', (text) => {
    const c = compile(text);
    expect(c.matchesNothing).toBe(true);
    expect(c.nodeSelectorTerms).toEqual([UNSATISFIABLE_TERM]);
  });
});

describe('compileExpression: expansions are reported for re-expansion', () => {
  it('records what each pattern matched', () => {
    const c = compile('attribute:ecs.instance-type =~ t2.* or attribute:ecs.availability-zone == us-east-1*');
    expect(c.expansions).toEqual([
      { subject: 'attribute:ecs.instance-type', labelKey: TYPE, kind: 'regex', pattern: 't2.*', values: ['t2.medium', 't2.small'], position: 32 },
      { subject: 'attribute:ecs.availability-zone', labelKey: ZONE, kind: 'wildcard', pattern: 'us-east-1*', values: ['us-east-1a', 'us-east-1b', 'us-east-1c', 'us-east-1d'], position: 75 },
    ]);
  });

  it('has none without patterns', () => {
    expect(compile('attribute:ecs.instance-type == t2.small').expansions).toEqual([]);
  });

  it('expands again with other label values', () => {
    const r = compileExpression('attribute:ecs.instance-type =~ t2.*', { knownLabelValues: new Map([[TYPE, new Set(['t2.nano'])]]) });
    expect(r.ok && r.compiled.nodeSelectorTerms).toEqual([term(req(TYPE, 'In', 't2.nano'))]);
  });

  it('anchors regexes to the whole value, as Java matches() does', () => {
    const r = compileExpression('attribute:ecs.instance-type =~ t2', { knownLabelValues: known });
    expect(r.ok && r.compiled.matchesNothing).toBe(true);
  });

  it('anchors an alternation as a whole', () => {
    const c = compile('attribute:ecs.instance-type =~ t2|m5');
    expect(c.matchesNothing).toBe(true);
    expect(compile('attribute:ecs.instance-type =~ t2.*|m5.*').nodeSelectorTerms).toEqual([term(req(TYPE, 'In', 'm5.large', 't2.medium', 't2.small'))]);
  });

  it('evaluates a catastrophic-backtracking pattern in linear time (RE2)', () => {
    const hosts = new Map([[HOST, new Set(Array.from({ length: 200 }, (_, i) => `node-${i}-${'a'.repeat(50)}`))]]);
    const r = compileExpression('attribute:kubernetes.io/hostname =~ (.*.*.*.*.*)*x', { knownLabelValues: hosts });
    expect(r.ok && r.compiled.matchesNothing).toBe(true);
    const some = compileExpression('attribute:kubernetes.io/hostname =~ (.*.*.*.*.*)*-1-a*', { knownLabelValues: hosts });
    expect(some.ok && some.compiled.expansions[0].values).toEqual([`node-1-${'a'.repeat(50)}`]);
  });
});

describe('compileExpression: task:group becomes pod (anti-)affinity on the node', () => {
  const sel = (...matchExpressions: object[]) => ({ labelSelector: { matchExpressions }, topologyKey: HOST });
  it.each<[string, object[], object[]]>([
    ['task:group == service:production', [sel({ key: GROUP, operator: 'In', values: ['service.production'] })], []],
    ['not(task:group == database)', [], [sel({ key: GROUP, operator: 'In', values: ['database'] })]],
    ['task:group in [service:a, service:b]', [sel({ key: GROUP, operator: 'In', values: ['service.a', 'service.b'] })], []],
    ['task:group !in [service:a]', [sel({ key: GROUP, operator: 'Exists' }, { key: GROUP, operator: 'NotIn', values: ['service.a'] })], []],
    ['task:group != database', [sel({ key: GROUP, operator: 'Exists' }, { key: GROUP, operator: 'NotIn', values: ['database'] })], []],
    ['task:group exists', [sel({ key: GROUP, operator: 'Exists' })], []],
    ['task:group !exists', [], [sel({ key: GROUP, operator: 'Exists' })]],
    ['task:group == service:w*', [sel({ key: GROUP, operator: 'In', values: ['service.web', 'service.worker'] })], []],
  ])('%s', (text, affinity, anti) => {
    const c = compile(text);
    expect(c.podAffinityTerms).toEqual(affinity);
    expect(c.podAntiAffinityTerms).toEqual(anti);
    expect(c.nodeSelectorTerms).toBeUndefined();
  });

  it('combines with node conditions under and', () => {
    const c = compile('not(task:group == db) and (attribute:ecs.availability-zone == us-east-1a or attribute:ecs.availability-zone == us-east-1b)');
    expect(c.podAntiAffinityTerms).toEqual([sel({ key: GROUP, operator: 'In', values: ['db'] })]);
    expect(c.nodeSelectorTerms).toEqual([term(req(ZONE, 'In', 'us-east-1a')), term(req(ZONE, 'In', 'us-east-1b'))]);
  });

  it('matches nothing when a group pattern matches no group', () => {
    expect(compile('task:group == nothing:*').matchesNothing).toBe(true);
  });
});

describe('compileExpression: errors name the attribute and the column', () => {
  // [expression, column, fragment]
  const cases: [string, number, string][] = [
    ['registeredAt < 2018-02-13', 1, 'registeredAt cannot be compiled'],
    ['runningTasksCount == 1', 1, 'runningTasksCount cannot be compiled'],
    ['agentVersion < 1.14.5', 1, 'agentVersion cannot be compiled'],
    ['agentConnected == true', 1, 'agentConnected cannot be compiled'],
    ['ec2InstanceId in [i-1]', 1, 'ec2InstanceId cannot be compiled'],
    ['attribute:ecs.ami-id == ami-1234', 1, 'attribute:ecs.ami-id has no Kubernetes node label'],
    ['attribute:ecs.os-family == LINUX', 1, 'use attribute:ecs.os-type'],
    ['attribute:ecs.subnet-id == subnet-1', 1, 'use attribute:ecs.availability-zone'],
    ['attribute:ecs.vpc-id == vpc-1', 1, 'attribute:ecs.vpc-id has no Kubernetes node label'],
    ['attribute:a\\b == x', 1, 'cannot become the node label'],
    ['attribute:Bad_/x == y', 1, 'neither a plain attribute name nor a valid Kubernetes label key'],
    ["attribute:stack == 'my prod'", 20, "'my prod' can never be the value of node label attribute.ecs.berth.dev/stack"],
    ['attribute:ecs.instance-type > t2', 31, 'needs an integer argument'],
    ['attribute:ecs.instance-type =~ (t2', 32, 'invalid regular expression (RE2 syntax): error parsing regexp: missing closing )'],
    ['attribute:ecs.instance-type =~ (a)\\1', 32, 'invalid escape sequence'],
    ['attribute:ecs.instance-type =~ (?=t2).*', 32, 'invalid or unsupported Perl syntax'],
    [`attribute:ecs.instance-type =~ ${'a'.repeat(257)}`, 32, 'more than the limit of 256'],
    ['attribute:ecs.instance-type =~ (?:.?.?.?.?.?.?.?.?.?.?.?.?.?.?.?.?.?.?.?.?.?.?.?.?.?){1000}', 32, "counted repetitions ({n,m}) expand it to about"],
    ['attribute:ecs.instance-type =~ (?:.?){300}', 32, 'compiles to 602 instructions, more than the limit of 500'],
    ['attribute:a =~ (?:.?){200} and attribute:b =~ (?:.?){200} and attribute:c =~ (?:.?){200} and attribute:d =~ (?:.?){200} and attribute:e =~ (?:.?){200} and attribute:f =~ x', 140, 'together compile to more than 2000 instructions'],
    ['task:group =~ service:.*', 1, 'task:group supports'],
    ['task:group > 3', 1, 'task:group supports'],
    ['task:group == a or attribute:x == 1', 1, "task:group can only be joined to the rest of the expression with 'and'"],
    ['not(task:group == a and attribute:x == 1)', 5, "task:group can only be joined"],
    ['attribute:a == 1 and', 21, 'expected a subject'],
  ];
  it.each(cases)('%s', (text, column, fragment) => {
    const r = compileExpression(text, { knownLabelValues: known });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors[0].position).toBe(column);
    expect(r.errors[0].message).toContain(`at column ${column}: `);
    expect(r.errors[0].message).toContain(fragment);
  });

  it('reports every error, not only the first', () => {
    const r = compileExpression('registeredAt < 2018-02-13 and runningTasksCount == 1');
    expect(!r.ok && r.errors.map((e) => e.position)).toEqual([1, 31]);
  });

  it('refuses expressions that multiply out beyond the limit', () => {
    const clause = (i: number) => `(attribute:a${i} == 1 or attribute:b${i} == 1)`;
    const r = compileExpression(Array.from({ length: 7 }, (_, i) => clause(i)).join(' and '));
    expect(!r.ok && r.errors[0].message).toContain('more than 64 alternatives');
  });
});
