import type { TaskDefinition, TaskDefinitionSpec } from '../../../src/api/taskdefinition.js';
import {
  canonicalJson, deregisteredRevisions, nextRevision, parseTaskDefinitionRef, resolveRevision, revisionList, type StoredRevision,
} from '../../../src/render/taskdefinition/revisions.js';
import { taskDefinitionStatus } from '../../../src/render/taskdefinition/status.js';

const spec = (image: string) => ({ family: 'web', containerDefinitions: [{ name: 'app', image, memory: 256 }] }) as unknown as TaskDefinitionSpec;
const stored = (...images: string[]): StoredRevision[] => images.map((image, i) => ({ revision: i + 1, spec: spec(image) }));
const td = (annotation?: string): TaskDefinition => ({
  apiVersion: 'ecs.berth.dev/v1alpha1', kind: 'TaskDefinition',
  metadata: { name: 'web', namespace: 'shop', generation: 3, ...(annotation === undefined ? {} : { annotations: { 'ecs.berth.dev/deregistered-revisions': annotation } }) },
  spec: spec('nginx:2'),
});

describe('revisions', () => {
  test.each([
    ['no revision yet', [], 'nginx:1', 1],
    ['same spec as the latest', ['nginx:1'], 'nginx:1', undefined],
    ['changed spec', ['nginx:1'], 'nginx:2', 2],
    ['back to an earlier spec still registers anew', ['nginx:1', 'nginx:2'], 'nginx:1', 3],
  ])('%s', (_, images, image, expected) => {
    expect(nextRevision(spec(image), stored(...images))).toBe(expected);
  });

  test('key order does not make a spec look changed', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: 3 }] })).toBe(canonicalJson({ a: [{ c: 3, d: 2 }], b: 1 }));
    expect(canonicalJson({ a: 1, b: undefined })).toBe(canonicalJson({ a: 1 }));
  });

  test.each([
    ['web', { family: 'web' }],
    ['web:3', { family: 'web', revision: 3 }],
    ['my_app-2:12', { family: 'my_app-2', revision: 12 }],
    ['web:0', undefined],
    ['web:', undefined],
    ['arn:aws:ecs:x', undefined],
  ])('reference %s', (text, expected) => {
    expect(parseTaskDefinitionRef(text)).toEqual(expected);
  });

  test.each([
    ['"1, 3"', '1, 3', [1, 3], []],
    ['empty', '', [], []],
    ['garbage is reported', '1,two,-4', [1], ['two', '-4']],
  ])('deregistration annotation %s', (_, annotation, revisions, invalid) => {
    const parsed = deregisteredRevisions(td(annotation));
    expect([...parsed.revisions]).toEqual(revisions);
    expect(parsed.invalid).toEqual(invalid);
  });

  const three = stored('a', 'b', 'c');
  test.each([
    ['family → latest ACTIVE', { family: 'web' }, new Set<number>(), undefined, { ok: true, revision: 3 }],
    ['family skips INACTIVE latest', { family: 'web' }, new Set([3]), undefined, { ok: true, revision: 2 }],
    ['pinned revision', { family: 'web', revision: 1 }, new Set<number>(), undefined, { ok: true, revision: 1 }],
    ['pinned INACTIVE is refused', { family: 'web', revision: 1 }, new Set([1]), undefined, { ok: false, reason: 'Inactive' }],
    ['pinned INACTIVE already running is kept', { family: 'web', revision: 1 }, new Set([1]), 1, { ok: true, revision: 1 }],
    ['unknown revision', { family: 'web', revision: 9 }, new Set<number>(), undefined, { ok: false, reason: 'NotFound' }],
    ['all INACTIVE', { family: 'web' }, new Set([1, 2, 3]), undefined, { ok: false, reason: 'NoActiveRevision' }],
  ])('resolve: %s', (_, ref, deregistered, current, expected: any) => {
    const result = resolveRevision(ref, three, deregistered, current);
    expect(result.ok).toBe(expected.ok);
    if (result.ok) expect(result.revision.revision).toBe(expected.revision);
    else expect(result.reason).toBe(expected.reason);
  });

  test('resolving nothing registered', () => {
    expect(resolveRevision({ family: 'web' }, [], new Set())).toEqual(expect.objectContaining({ ok: false, reason: 'NotFound', message: 'task definition web is not registered' }));
  });

  test('the revision list is ordered and marks INACTIVE ones', () => {
    expect(revisionList([three[2], three[0], three[1]], new Set([2]))).toEqual([
      { revision: 1, status: 'ACTIVE' }, { revision: 2, status: 'INACTIVE' }, { revision: 3, status: 'ACTIVE' },
    ]);
  });
});

describe('TaskDefinition status', () => {
  const now = new Date('2026-01-02T03:04:05Z');
  const base = { stored: stored('a', 'b'), deregistered: new Set<number>(), invalidDeregistrations: [], ignored: [], blockingServices: [] };

  test('a registered family reports its latest revision and ARN', () => {
    const status = taskDefinitionStatus({ td: td(), ...base }, now);
    expect(status).toEqual(expect.objectContaining({ observedGeneration: 3, revision: 2, taskDefinitionArn: 'arn:berth:ecs:shop:task-definition/web:2' }));
    expect(status.conditions).toEqual([
      { type: 'Accepted', status: 'True', reason: 'Registered', message: 'revision 2 is the latest', observedGeneration: 3, lastTransitionTime: '2026-01-02T03:04:05Z' },
      { type: 'FieldsIgnored', status: 'False', reason: 'AllHonoured', message: 'every field is honoured', observedGeneration: 3, lastTransitionTime: '2026-01-02T03:04:05Z' },
    ]);
  });

  test('recomputing an unchanged status keeps it identical (no write)', () => {
    const first = taskDefinitionStatus({ td: td(), ...base }, now);
    const again = taskDefinitionStatus({ td: { ...td(), status: first }, ...base }, new Date('2026-05-05T00:00:00Z'));
    expect(canonicalJson(again)).toBe(canonicalJson(first));
  });

  test('a refusal, ignored fields and a blocked deletion are conditions', () => {
    const deleting = { ...td(), metadata: { ...td().metadata, deletionTimestamp: '2026-01-02T03:00:00Z' } };
    const status = taskDefinitionStatus({
      td: deleting, ...base, refusal: { path: 'spec.containerDefinitions[0].image', message: 'must not be empty' },
      ignored: [{ path: '$.containerDefinitions[0].ulimits', reason: 'no Kubernetes equivalent' }], blockingServices: ['b', 'a'],
    }, now);
    const byType = Object.fromEntries(status.conditions!.map((c) => [c.type, c]));
    expect(byType.Accepted).toEqual(expect.objectContaining({ status: 'False', reason: 'Invalid', message: 'spec.containerDefinitions[0].image: must not be empty' }));
    expect(byType.FieldsIgnored).toEqual(expect.objectContaining({ status: 'True', message: '$.containerDefinitions[0].ulimits: no Kubernetes equivalent' }));
    expect(byType.Deleting).toEqual(expect.objectContaining({ reason: 'InUse', message: 'DELETE_IN_PROGRESS: waiting for a, b to stop using it' }));
  });
});
