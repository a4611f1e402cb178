import { apply, kubectl, kubectlJson, newNamespace, waitFor } from './cluster.js';
import { useOperator } from './operator.js';

// The TaskDefinition lifecycle as a user drives it with kubectl: revisions, deregistration and
// deletion held back while a Service still uses the family.

const taskDefinition = (namespace: string, image: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'ecs.berth.dev/v1alpha1',
  kind: 'TaskDefinition',
  metadata: { name: 'web', namespace },
  spec: { family: 'web', containerDefinitions: [{ name: 'app', image, memory: 256, essential: true, ...extra }] },
});

describe('TaskDefinition controller', () => {
  useOperator();

  const status = async (ns: string) => (await kubectlJson(['get', 'taskdefinition', 'web', '-n', ns])).status ?? {};

  test('each spec change registers the next revision; earlier revisions stay readable', async () => {
    const ns = await newNamespace('td-rev');
    await apply([taskDefinition(ns, 'nginx:1.26')]);
    const first = await waitFor('revision 1', async () => ((await status(ns)).revision === 1 ? status(ns) : undefined));
    expect(first.taskDefinitionArn).toBe(`arn:berth:ecs:${ns}:task-definition/web:1`);
    expect(first.conditions.find((c: any) => c.type === 'Accepted')).toEqual(expect.objectContaining({ status: 'True', reason: 'Registered' }));

    await apply([taskDefinition(ns, 'nginx:1.27')]);
    const second = await waitFor('revision 2', async () => ((await status(ns)).revision === 2 ? status(ns) : undefined));
    expect(second.revisions.map((r: any) => [r.revision, r.status])).toEqual([[1, 'ACTIVE'], [2, 'ACTIVE']]);

    const revisions = await kubectlJson<{ items: any[] }>(['get', 'controllerrevisions', '-n', ns, '-l', 'ecs.berth.dev/family=web']);
    const byName = new Map(revisions.items.map((r) => [r.metadata.name, r]));
    expect(byName.get('web-1').data.spec.containerDefinitions[0].image).toBe('nginx:1.26');
    expect(byName.get('web-2').data.spec.containerDefinitions[0].image).toBe('nginx:1.27');
    expect(byName.get('web-1').metadata.ownerReferences[0]).toEqual(expect.objectContaining({ kind: 'TaskDefinition', name: 'web' }));

    // Applying the same spec again registers nothing new.
    await apply([taskDefinition(ns, 'nginx:1.27')]);
    await new Promise((r) => setTimeout(r, 1500));
    expect((await status(ns)).revision).toBe(2);
  });

  test('fields Berth does not honour are reported in FieldsIgnored with their paths', async () => {
    const ns = await newNamespace('td-ignored');
    await apply([taskDefinition(ns, 'nginx:1.27', { logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': 'g' } } })]);
    const condition = await waitFor('FieldsIgnored', async () => ((await status(ns)).conditions ?? []).find((c: any) => c.type === 'FieldsIgnored'));
    expect(condition.status).toBe('True');
    expect(condition.message).toContain('$.containerDefinitions[0].logConfiguration');
  });

  test('deregistered revisions are INACTIVE', async () => {
    const ns = await newNamespace('td-dereg');
    await apply([taskDefinition(ns, 'nginx:1.26')]);
    await waitFor('revision 1', async () => (await status(ns)).revision === 1);
    await apply([taskDefinition(ns, 'nginx:1.27')]);
    await waitFor('revision 2', async () => (await status(ns)).revision === 2);
    await kubectl(['annotate', 'taskdefinition', 'web', '-n', ns, 'ecs.berth.dev/deregistered-revisions=1', '--overwrite']);
    const after = await waitFor('revision 1 INACTIVE', async () => {
      const s = await status(ns);
      return s.revisions?.[0]?.status === 'INACTIVE' ? s : undefined;
    });
    expect(after.revisions.map((r: any) => r.status)).toEqual(['INACTIVE', 'ACTIVE']);
  });

  test('deleting a TaskDefinition that a Service still uses waits until the Service is gone', async () => {
    const ns = await newNamespace('td-delete');
    await apply([taskDefinition(ns, 'nginx:1.27')]);
    await waitFor('revision 1', async () => (await status(ns)).revision === 1);
    await apply([{ apiVersion: 'ecs.berth.dev/v1alpha1', kind: 'Service', metadata: { name: 'api', namespace: ns }, spec: { taskDefinition: 'web', desiredCount: 0 } }]);
    await kubectl(['delete', 'taskdefinition', 'web', '-n', ns, '--wait=false']);
    const deleting = await waitFor('the Deleting condition', async () => ((await status(ns)).conditions ?? []).find((c: any) => c.type === 'Deleting'));
    expect(deleting).toEqual(expect.objectContaining({ status: 'True', reason: 'InUse' }));
    expect(deleting.message).toContain('api');
    await kubectl(['delete', 'service.ecs.berth.dev', 'api', '-n', ns]);
    await waitFor('the TaskDefinition to be gone', async () => (await kubectl(['get', 'taskdefinitions', '-n', ns, '-o', 'name'])).trim() === '');
  });
});
