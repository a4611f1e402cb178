import { stringify } from 'yaml';
import { kubectl, kubectlJson, newNamespace, removeNamespace, waitFor } from './cluster.js';
import { installCrds, resourceWebhookServed, startOperator, type OperatorProcess } from './operator.js';

// Berth's own kinds at admission, end to end: the operator serves /validate-berth on 127.0.0.1
// and registers ValidatingWebhookConfiguration berth-resources by URL; `kubectl apply` is
// answered as ECS's API answers. Then the operator dies (SIGKILL, so the configuration stays,
// failing closed): nothing can be created, but everything can be deleted, finalizers included;
// once an operator is back, objects apply again.

const API = 'ecs.berth.dev/v1alpha1';
const BROKEN = 'attribute:ecs.instance-type =~ t2.* and';
const CONFIGURATION = 'berth-resources';

let operator: OperatorProcess;
let ns: string;

function container(name: string, extra: Record<string, unknown> = {}) {
  return { name, image: 'nginx:1.27', memory: 64, ...extra };
}

function taskDefinition(name: string, spec: Record<string, unknown> = {}) {
  return { apiVersion: API, kind: 'TaskDefinition', metadata: { name }, spec: { requiresCompatibilities: ['EC2'], containerDefinitions: [container('app')], ...spec } };
}

function service(name: string, spec: Record<string, unknown> = {}) {
  return { apiVersion: API, kind: 'Service', metadata: { name }, spec: { taskDefinition: 'web', desiredCount: 1, launchType: 'EC2', ...spec } };
}

/** kubectl apply of one object; resolves to kubectl's output, rejects with its error. */
function apply(object: object, extra: string[] = []): Promise<string> {
  return kubectl(['apply', '-n', ns, ...extra, '-f', '-'], stringify(object));
}

/** What kubectl says when it refuses, or 'applied'. */
async function refusal(object: object): Promise<string> {
  try {
    await apply(object);
    return 'applied';
  } catch (err) {
    return (err as Error).message;
  }
}

/** What a server dry run of a create says: the webhooks' answer, with nothing stored. */
function dryRun(object: object): Promise<string> {
  return kubectl(['create', '--dry-run=server', '-n', ns, '-f', '-'], stringify(object)).catch((err: Error) => err.message);
}

const names = async (kind: string): Promise<string[]> => (await kubectl(['get', kind, '-n', ns, '-o', 'name'])).split('\n').filter(Boolean).map((n) => n.split('/')[1]);

async function start(): Promise<void> {
  operator = await startOperator(['--webhook-address', '127.0.0.1:0']);
  await resourceWebhookServed(ns);
}

beforeAll(async () => {
  await installCrds();
  ns = await newNamespace('admission');
  await start();
});

afterAll(async () => {
  await removeNamespace(ns);
  expect(await operator.stop()).toBe(0);
  // Registered by URL: the configuration leaves with the operator that stops cleanly.
  const left = JSON.parse(await kubectl(['get', 'validatingwebhookconfiguration', '-o', 'json'])).items as any[];
  expect(left.filter((c) => c.metadata.name === CONFIGURATION && c.webhooks?.some((w: any) => w.clientConfig?.url?.includes('127.0.0.1')))).toEqual([]);
});

describe('admission of TaskDefinitions and Services', () => {
  test('a Service with a broken memberOf expression is refused, naming the field and the column', async () => {
    const message = await refusal(service('broken', { placementConstraints: [{ type: 'memberOf', expression: BROKEN }] }));
    expect(message).toContain(
      'admission webhook "resources.ecs.berth.dev" denied the request: InvalidParameterException: spec.placementConstraints[0].expression: at column 40: expected a subject',
    );
    await expect(kubectl(['get', 'services.ecs.berth.dev', 'broken', '-n', ns])).rejects.toThrow(/NotFound/);
  });

  test('a dependsOn cycle of five containers, longer than the CRD rule sees, is refused', async () => {
    const names = ['a', 'b', 'c', 'd', 'e'];
    const containers = names.map((n, i) => container(n, { dependsOn: [{ containerName: names[(i + 1) % names.length], condition: 'START' }] }));
    expect(await refusal(taskDefinition('cycle', { containerDefinitions: containers }))).toContain(
      'denied the request: ClientException: spec.containerDefinitions[0].dependsOn, spec.containerDefinitions[1].dependsOn, spec.containerDefinitions[2].dependsOn, spec.containerDefinitions[3].dependsOn, spec.containerDefinitions[4].dependsOn: spec.containerDefinitions[].dependsOn must not form a cycle',
    );
  });

  test('a valid TaskDefinition and Service are accepted, and the operator still writes their status', async () => {
    await apply(taskDefinition('web', { requiresCompatibilities: ['EC2', 'FARGATE'], networkMode: 'awsvpc', cpu: '256', memory: '512' }));
    await apply(service('web', { placementConstraints: [{ type: 'memberOf', expression: 'attribute:ecs.instance-type =~ t2.*' }] }));
    await waitFor('revision 1 of web in the status', async () => (await kubectlJson(['get', 'taskdefinitions.ecs.berth.dev', 'web', '-n', ns])).status?.revision === 1);
    await waitFor('the Service status naming web:1', async () => (await kubectlJson(['get', 'services.ecs.berth.dev', 'web', '-n', ns])).status?.taskDefinition === 'web:1');
    // A spec update that brings nothing wrong, and a scale (a subresource the webhook never sees).
    await apply(service('web', { desiredCount: 2, placementConstraints: [{ type: 'memberOf', expression: 'attribute:ecs.instance-type =~ t2.*' }] }));
    await kubectl(['scale', 'services.ecs.berth.dev', 'web', '-n', ns, '--replicas=3']);
    expect((await kubectlJson(['get', 'services.ecs.berth.dev', 'web', '-n', ns])).spec.desiredCount).toBe(3);
  });

  test('a FARGATE Service naming an EC2-only task definition is refused, as ECS refuses CreateService', async () => {
    await apply(taskDefinition('legacy'));
    await waitFor('revision 1 of legacy', async () => (await kubectlJson(['get', 'taskdefinitions.ecs.berth.dev', 'legacy', '-n', ns])).status?.revision === 1);
    expect(await refusal(service('fast', { taskDefinition: 'legacy', launchType: 'FARGATE' }))).toContain(
      'denied the request: InvalidParameterException: spec.taskDefinition: task definition legacy does not support launch type FARGATE: its requiresCompatibilities ([EC2]) do not include FARGATE',
    );
    expect(await refusal(service('fast', { taskDefinition: 'legacy:1', launchType: undefined, capacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }] }))).toContain(
      'task definition legacy:1 does not support launch type FARGATE',
    );
    // A deregistered revision is refused to a new Service, as ECS refuses an INACTIVE one.
    await kubectl(['annotate', 'taskdefinitions.ecs.berth.dev', 'legacy', '-n', ns, 'ecs.berth.dev/deregistered-revisions=1']);
    const pinned = service('old', { taskDefinition: 'legacy:1' });
    await waitFor('the webhook to see legacy:1 deregistered', async () => (await dryRun(pinned)).includes('task definition legacy:1 is INACTIVE'));
    expect(await refusal(pinned)).toContain('denied the request: InvalidParameterException: spec.taskDefinition: task definition legacy:1 is INACTIVE (deregistered)');
    // Switching a running EC2 Service over is refused the same way, and leaves it as it was.
    expect(await refusal(service('web', { launchType: 'FARGATE', taskDefinition: 'legacy' }))).toContain('task definition legacy does not support launch type FARGATE');
    expect((await kubectlJson(['get', 'services.ecs.berth.dev', 'web', '-n', ns])).spec.launchType).toBe('EC2');
  });

  test('the configuration: CREATE and UPDATE of the three kinds, fail closed, our URL; put back when deleted', async () => {
    const [webhook] = (await kubectlJson(['get', 'validatingwebhookconfiguration', CONFIGURATION])).webhooks;
    expect(webhook).toEqual(expect.objectContaining({ name: 'resources.ecs.berth.dev', failurePolicy: 'Fail', sideEffects: 'None' }));
    expect(webhook.rules).toEqual([expect.objectContaining({ operations: ['CREATE', 'UPDATE'], apiGroups: ['ecs.berth.dev'], resources: ['taskdefinitions', 'services', 'fargateprofiles'] })]);
    expect(webhook.clientConfig.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/validate-berth$/);
    await kubectl(['delete', 'validatingwebhookconfiguration', CONFIGURATION]);
    await resourceWebhookServed(ns);
  });

  test('a Service whose task definition does not exist yet is accepted: files apply in any order', async () => {
    await apply(service('early', { taskDefinition: 'later', launchType: 'FARGATE' }));
    await apply(taskDefinition('later', { requiresCompatibilities: ['FARGATE'], networkMode: 'awsvpc', cpu: '256', memory: '512' }));
  });
});

describe('with the operator down', () => {
  beforeAll(async () => {
    await operator.kill();
  });

  test('Berth objects cannot be created: the configuration fails closed', async () => {
    const message = await refusal(service('while-down'));
    expect(message).toContain('failed calling webhook "resources.ecs.berth.dev"');
    await expect(kubectl(['get', 'services.ecs.berth.dev', 'while-down', '-n', ns])).rejects.toThrow(/NotFound/);
  });

  test('labels still change: an update that leaves the spec alone never goes to the webhook', async () => {
    await kubectl(['label', 'taskdefinitions.ecs.berth.dev', 'legacy', '-n', ns, 'team=shop']);
    expect((await kubectlJson(['get', 'taskdefinitions.ecs.berth.dev', 'legacy', '-n', ns])).metadata.labels).toEqual({ team: 'shop' });
  });

  test('objects can be deleted, and a finalizer taken off by hand', async () => {
    await kubectl(['delete', 'services.ecs.berth.dev', 'web', '-n', ns, '--timeout=60s']);
    await kubectl(['delete', 'taskdefinitions.ecs.berth.dev', 'web', '-n', ns, '--wait=false']);
    // Nobody removes the in-use finalizer while the operator is down; the user may.
    const td = await kubectlJson(['get', 'taskdefinitions.ecs.berth.dev', 'web', '-n', ns]);
    expect(td.metadata.deletionTimestamp).toBeDefined();
    expect(td.metadata.finalizers).toEqual(['ecs.berth.dev/in-use-protection']);
    await kubectl(['patch', 'taskdefinitions.ecs.berth.dev', 'web', '-n', ns, '--type=merge', '-p', '{"metadata":{"finalizers":null}}']);
    await waitFor('TaskDefinition web gone', async () => !(await names('taskdefinitions.ecs.berth.dev')).includes('web'));
  });

  test('once an operator is back, objects apply again', async () => {
    await start();
    await apply(taskDefinition('again'));
    await apply(service('again', { taskDefinition: 'again' }));
    await waitFor('revision 1 of again', async () => (await kubectlJson(['get', 'taskdefinitions.ecs.berth.dev', 'again', '-n', ns])).status?.revision === 1);
    expect(await names('services.ecs.berth.dev')).toEqual(['again', 'early']);
  });
});
