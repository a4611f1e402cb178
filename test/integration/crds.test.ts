import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { taskDefinitionSpecFromEcs } from '../../src/api/ecsjson.js';
import { INVALID_OBJECTS } from '../unit/api/fixtures/invalid-objects.js';
import { ec2TaskDefinition, fargateProfile, fargateTaskDefinition, replicaService, serviceWithNewFields, taskDefinitionWithNewFields, variant } from '../unit/api/fixtures/objects.js';
import { CORPUS, describeCorpus, HAS_CORPUS } from '../corpus.js';
import { kubectl, kubectlJson, newNamespace, waitFor } from './cluster.js';
import { installCrds } from './operator.js';

// The generated CRDs on a real apiserver: they install, kubectl knows the kinds, and admission
// refuses exactly what offline validation refuses, with the same messages.

const TASK_DEFINITIONS = join(CORPUS, 'taskdefs');
const INVALID_CORPUS = new Set(['ec2-awsvpc-mysfits-task-cpu-mem-invalid-protocol-http.json', 'fargate-empty-image-placeholder-nonblocking-logs-tags.json']);

/** Server-side dry run: full admission, nothing stored. Resolves to the error text, or '' when accepted. */
async function admit(object: object, namespace: string): Promise<string> {
  try {
    await kubectl(['apply', '--server-side', '--dry-run=server', '--field-manager=berth-test', '-n', namespace, '-f', '-'], JSON.stringify(object));
    return '';
  } catch (e) {
    return (e as Error).message;
  }
}

let ns: string;

beforeAll(async () => {
  await installCrds();
  ns = await newNamespace('crds');
  // Discovery is cached by kubectl; wait until the short names resolve.
  await waitFor('the ecs category in discovery', async () => {
    try {
      await kubectl(['get', 'ecs', '-n', ns]);
      return true;
    } catch {
      return false;
    }
  });
});

describe('CRDs on a real apiserver', () => {
  it('installs all three, structural and established', async () => {
    const crds = await kubectlJson<{ items: any[] }>(['get', 'crd', '-l', 'app.kubernetes.io/name=berth']);
    const names = crds.items.map((c) => c.metadata.name).sort();
    expect(names).toEqual(expect.arrayContaining(['fargateprofiles.ecs.berth.dev', 'services.ecs.berth.dev', 'taskdefinitions.ecs.berth.dev']));
    for (const crd of crds.items) {
      const status = (type: string) => crd.status.conditions.find((c: any) => c.type === type)?.status;
      expect([crd.metadata.name, status('Established'), status('NonStructuralSchema') ?? 'False']).toEqual([crd.metadata.name, 'True', 'False']);
    }
  });

  it('serves the objects under short names, the ecs category and printer columns', async () => {
    const td = fargateTaskDefinition('web');
    const svc = replicaService('web');
    await kubectl(['apply', '--server-side', '--field-manager=berth-test', '-n', ns, '-f', '-'], [td, svc].map((o) => JSON.stringify(o)).join('\n'));

    expect(await kubectl(['get', 'ecs', '-n', ns, '-o', 'name'])).toEqual(expect.stringContaining('taskdefinition.ecs.berth.dev/web'));
    expect(await kubectl(['get', 'ecs', '-n', ns, '-o', 'name'])).toEqual(expect.stringContaining('service.ecs.berth.dev/web'));
    for (const short of ['td', 'taskdef']) expect(await kubectl(['get', short, 'web', '-n', ns, '-o', 'name'])).toBe('taskdefinition.ecs.berth.dev/web\n');
    for (const short of ['ecssvc', 'esvc']) expect(await kubectl(['get', short, 'web', '-n', ns, '-o', 'name'])).toBe('service.ecs.berth.dev/web\n');

    const header = async (resource: string, namespaced = true) =>
      (await kubectl(['get', resource, ...(namespaced ? ['-n', ns] : [])])).split('\n')[0].trim().split(/\s+/);
    expect(await header('td')).toEqual(['NAME', 'REVISION', 'CPU', 'MEMORY', 'COMPATIBILITIES', 'AGE']);
    expect(await header('esvc')).toEqual(['NAME', 'TASKDEF', 'DESIRED', 'RUNNING', 'PENDING', 'ROLLOUT', 'AGE']);
    // REVISION stays empty until a controller registers the first revision.
    const row = (await kubectl(['get', 'td', 'web', '-n', ns, '--no-headers'])).trim().replace(/\s+/g, ' ');
    expect(row).toMatch(/^web (\d+ )?256 512 \["FARGATE"\] \S+$/);

    const profile = fargateProfile(`crds-${ns}`);
    await kubectl(['apply', '--server-side', '--field-manager=berth-test', '-f', '-'], JSON.stringify(profile));
    try {
      expect(await kubectl(['get', 'fp', profile.metadata.name, '-o', 'name'])).toBe(`fargateprofile.ecs.berth.dev/${profile.metadata.name}\n`);
      const fpHeader = (await kubectl(['get', 'fp', profile.metadata.name])).split('\n')[0].trim().split(/\s+/);
      expect(fpHeader).toEqual(['NAME', 'SELECTORS', 'RUNTIMECLASS', 'AGE']);
    } finally {
      await kubectl(['delete', 'fp', profile.metadata.name, '--wait=false']);
    }
  });

  it('kubectl explain teaches the ECS fields', async () => {
    const text = await kubectl(['explain', 'taskdefinitions.spec.containerDefinitions.memoryReservation']);
    expect(text).toMatch(/soft memory limit in MiB/);
    expect(await kubectl(['explain', 'ecssvc.spec.forceNewDeployment'])).toMatch(/restart token/);
  });

  it('kubectl scale changes desiredCount through the scale subresource', async () => {
    await kubectl(['apply', '--server-side', '--field-manager=berth-test', '-n', ns, '-f', '-'], JSON.stringify(replicaService('scaled')));
    await kubectl(['scale', 'ecssvc/scaled', '--replicas=5', '-n', ns]);
    expect((await kubectlJson(['get', 'ecssvc', 'scaled', '-n', ns])).spec.desiredCount).toBe(5);
  });

  it('keeps a FargateProfile spec immutable', async () => {
    const profile = fargateProfile(`immutable-${ns}`);
    await kubectl(['apply', '--server-side', '--field-manager=berth-test', '-f', '-'], JSON.stringify(profile));
    try {
      const changed = variant(profile, (s) => (s.selectors[1].namespace = 'other'));
      await expect(kubectl(['apply', '--server-side', '--field-manager=berth-test', '-f', '-'], JSON.stringify(changed))).rejects.toThrow(/spec is immutable/);
    } finally {
      await kubectl(['delete', 'fp', profile.metadata.name, '--wait=false']);
    }
  });

  it.each([
    ['Fargate task definition', fargateTaskDefinition()],
    ['EC2 task definition', ec2TaskDefinition()],
    ['REPLICA service', replicaService()],
  ])('admits the %s', async (_name, object) => {
    expect(await admit(object, ns)).toBe('');
  });

  // Strict field validation refuses a field the schema lacks, and the stored spec is compared
  // whole, so nothing the user wrote is pruned on the way.
  it.each([
    ['task definition', taskDefinitionWithNewFields()],
    ['service', serviceWithNewFields()],
  ])('admits a %s with every member ECS added in 2025-2026, and keeps every one', async (_name, object) => {
    const stored = JSON.parse(await kubectl(['create', '--dry-run=server', '--validate=strict', '-n', ns, '-o', 'json', '-f', '-'], JSON.stringify(object)));
    expect(stored.spec).toEqual(object.spec);
  });

  it.each([
    ['0.25 vCPU', '0.5GB'],
    [512, '4 GB'],
    ['1 vcpu', 8192],
    ['4096', '30GB'],
    ['.5 VCPU', '1 gb'],
    ['16 vCPU', '120 GB'],
  ])('admits the Fargate size cpu %p, memory %p', async (cpu, memory) => {
    expect(await admit(variant(fargateTaskDefinition(), (s) => Object.assign(s, { cpu, memory })), ns)).toBe('');
  });

  it.each(INVALID_OBJECTS.map((c) => [`${c.object.kind}: ${c.name}`, c] as const))('%s', async (_name, c) => {
    const error = await admit(c.object, ns);
    if (c.offlineOnly) {
      expect(error).toBe('');
    } else {
      expect(error).toContain(c.message ?? c.field);
    }
  });
});

describeCorpus('the ECS corpus on the CRDs', () => {
  const files = HAS_CORPUS ? readdirSync(TASK_DEFINITIONS).filter((f) => f.endsWith('.json')) : [];

  it.each(files.filter((f) => !INVALID_CORPUS.has(f)))('admits the corpus task definition %s', async (file) => {
    const { spec } = taskDefinitionSpecFromEcs(JSON.parse(readFileSync(join(TASK_DEFINITIONS, file), 'utf8')));
    const name = String(spec.family).toLowerCase().replace(/[^a-z0-9-]/g, '-');
    delete spec.family;
    expect(await admit({ apiVersion: 'ecs.berth.dev/v1alpha1', kind: 'TaskDefinition', metadata: { name }, spec }, ns)).toBe('');
  });

  it.each([...INVALID_CORPUS])('refuses the corpus task definition %s', async (file) => {
    const { spec } = taskDefinitionSpecFromEcs(JSON.parse(readFileSync(join(TASK_DEFINITIONS, file), 'utf8')));
    delete spec.family;
    expect(await admit({ apiVersion: 'ecs.berth.dev/v1alpha1', kind: 'TaskDefinition', metadata: { name: 'corpus' }, spec }, ns)).not.toBe('');
  });
});
