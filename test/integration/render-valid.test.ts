import type { PodTemplateSpec } from '../../src/api/kube.js';
import { checkServiceChildren } from '../../src/render/check/children.js';
import type { ServiceChildren } from '../../src/render/service/children.js';
import { HOSTILE_CASES, hostileInputs, namedInRefusal, renderHostile, type HostileCase } from '../render-hostile.js';
import { apply, kubectl, kubectlJson, newNamespace, removeNamespace, waitFor } from './cluster.js';
import { useOperator } from './operator.js';

// The checker against the real apiserver, in both directions, for every case of the hostile
// table: what the checker refuses, the apiserver refuses too (on the same field) or would change;
// what the checker lets through, the apiserver accepts, every child and a pod made from each pod
// template (pods have rules of their own), with the quantities stored exactly as rendered.

type Outcome = { ok: true; object: any } | { ok: false; error: string };

async function dryRun(object: object): Promise<Outcome> {
  try {
    // Server-side apply, as the operator writes its children.
    const args = ['apply', '--server-side', '--force-conflicts', '--field-manager=berth-test', '--dry-run=server', '-o', 'json', '-f', '-'];
    return { ok: true, object: JSON.parse(await kubectl(args, JSON.stringify(object))) };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}

function podOf(template: PodTemplateSpec, namespace: string): object {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { ...template.metadata, name: 'web-pod', namespace }, spec: template.spec };
}

// A pod is admitted only when its ServiceAccount exists: create it for real (without the owner
// reference to a Service that does not exist, which the garbage collector would act on).
async function createServiceAccount(children: ServiceChildren): Promise<void> {
  if (!children.serviceAccount) return;
  const { ownerReferences: _owners, ...metadata } = children.serviceAccount.metadata ?? {};
  await apply([{ ...children.serviceAccount, metadata }]);
}

/** Every child, then a pod of each workload's template. */
function objectsOf(children: ServiceChildren, namespace: string): { kind: string; object: any }[] {
  const children_ = [...children.workloads, children.service, children.autoscaler, children.serviceAccount].filter((o) => o !== undefined);
  return [
    ...children_.map((o) => ({ kind: o.kind ?? '', object: o })),
    ...children.workloads.map((w) => ({ kind: 'Pod', object: podOf(w.spec.template, namespace) })),
  ];
}

// Resources and emptyDir sizes, where a quantity the apiserver does not store as written shows.
function quantities(spec: any): unknown {
  return {
    pod: spec.resources,
    containers: [...(spec.initContainers ?? []), ...spec.containers].map((c: any) => c.resources ?? {}),
    volumes: (spec.volumes ?? []).map((v: any) => v.emptyDir?.sizeLimit),
  };
}

const cases = HOSTILE_CASES.map((c) => [c.name, c] as const);

describe('rendered children on the real apiserver', () => {
  let ns: string;
  beforeAll(async () => {
    ns = await newNamespace('render');
  });
  afterAll(async () => {
    await kubectl(['delete', 'namespace', ns, '--wait=false']);
  });

  test.each(cases.filter(([, c]) => c.refused === undefined))('%s: rendered, and every object is accepted as rendered', async (_name, c) => {
    const out = renderHostile(c, ns);
    if (!out.ok) throw new Error(`refused: ${out.message}`);
    await createServiceAccount(out.children);
    for (const { kind, object } of objectsOf(out.children, ns)) {
      const result = await dryRun(object);
      expect({ kind, error: result.ok ? undefined : result.error }).toEqual({ kind, error: undefined });
      if (!result.ok) continue;
      if (kind === 'Deployment' || kind === 'DaemonSet') expect(quantities(result.object.spec.template.spec)).toEqual(quantities(object.spec.template.spec));
    }
  });

  test.each(cases.filter(([, c]) => c.refused !== undefined && c.kubernetes !== 'none'))('%s: refused, and Kubernetes agrees', async (_name, c) => {
    const checked = renderHostile(c, ns);
    expect(checked.ok ? 'rendered' : checked.message).toContain(namedInRefusal(c));

    const unchecked = renderHostile(c, ns, false);
    if (!unchecked.ok) throw new Error(`refused without the checker: ${unchecked.message}`);
    const { taskDefinition, service } = hostileInputs(c);
    const problems = checkServiceChildren(unchecked.children, { spec: service }, { family: 'web', revision: 1, spec: taskDefinition });
    expect(problems.length).toBeGreaterThan(0);
    await createServiceAccount(unchecked.children);

    const results = await Promise.all(objectsOf(unchecked.children, ns).map(async ({ kind, object }) => ({ kind, object, result: await dryRun(object) })));
    const errors = results.flatMap((r) => (r.result.ok ? [] : [r.result.error]));
    expect(errors.length).toBeGreaterThan(0);
    // A validation error (422) names fields: the checker's field is among them, in the workload
    // (spec.template.spec.…) or in the pod (spec.…).
    const invalid = errors.filter((e) => e.includes('is invalid'));
    if (invalid.length > 0) {
      const field = problems[0].rendered.replace(/^[^:]+: /, '');
      const inPod = field.replace(/^spec\.template\./, '');
      expect(invalid.some((e) => e.includes(field) || e.includes(inPod))).toBe(true);
    }
  });
});

describe('a Service that Kubernetes would refuse, with the operator running', () => {
  useOperator();
  const namespaces: string[] = [];
  const namespace = async (prefix: string) => {
    const ns = await newNamespace(prefix);
    namespaces.push(ns);
    return ns;
  };
  afterEach(async () => {
    for (const ns of namespaces.splice(0)) await removeNamespace(ns);
  });

  const API = 'ecs.berth.dev/v1alpha1';
  const condition = (obj: any, type: string) => obj.status?.conditions?.find((c: any) => c.type === type);
  const hostile: HostileCase = HOSTILE_CASES.find((c) => c.name === 'load balancer on containerPort 0')!;
  const badTaskDefinition: HostileCase = HOSTILE_CASES.find((c) => c.name === 'env name with =')!;

  test('it is Ready=False naming the field, with a Warning Event, while a good Service beside it reaches a steady state', async () => {
    const ns = await namespace('render-svc');
    const { taskDefinition, service } = hostileInputs(hostile);
    const good = { ...hostileInputs({ name: 'good' }).service, desiredCount: 2, placementStrategy: [] };
    await apply([
      { apiVersion: API, kind: 'TaskDefinition', metadata: { name: 'web', namespace: ns }, spec: taskDefinition },
      { apiVersion: API, kind: 'Service', metadata: { name: 'broken', namespace: ns }, spec: { ...service, desiredCount: 2, placementStrategy: [] } },
      { apiVersion: API, kind: 'Service', metadata: { name: 'good', namespace: ns }, spec: good },
    ]);
    const broken = await waitFor('broken to report', async () => {
      const svc = await kubectlJson(['get', 'ecssvc', 'broken', '-n', ns]);
      return condition(svc, 'Ready')?.reason === 'InvalidForKubernetes' ? svc : undefined;
    });
    expect(condition(broken, 'Ready')).toEqual(expect.objectContaining({ status: 'False', message: expect.stringContaining('spec.loadBalancers[0].containerPort 0: must be between 1 and 65535, inclusive') }));
    const events = await waitFor('a Warning Event on broken', async () => {
      const list = await kubectlJson(['get', 'events', '-n', ns, '--field-selector', 'involvedObject.kind=Service,involvedObject.name=broken,type=Warning']);
      return list.items.find((e: any) => e.reason === 'InvalidForKubernetes');
    });
    expect(events.message).toBe(condition(broken, 'Ready').message);
    expect(await kubectl(['get', 'deployments', '-n', ns, '-o', 'name'])).not.toContain('deployment.apps/broken');

    await waitFor('good to reach a steady state', async () => {
      const svc = await kubectlJson(['get', 'ecssvc', 'good', '-n', ns]);
      return condition(svc, 'SteadyState')?.status === 'True';
    }, 120000);
  });

  test('a task definition Kubernetes could not run is not registered, and says which field', async () => {
    const ns = await namespace('render-td');
    const { taskDefinition } = hostileInputs(badTaskDefinition);
    await apply([{ apiVersion: API, kind: 'TaskDefinition', metadata: { name: 'bad', namespace: ns }, spec: { ...taskDefinition, family: 'bad' } }]);
    const td = await waitFor('bad to report', async () => {
      const obj = await kubectlJson(['get', 'td', 'bad', '-n', ns]);
      return condition(obj, 'Accepted')?.status === 'False' ? obj : undefined;
    });
    expect(condition(td, 'Accepted').message).toMatch(/^spec\.containerDefinitions\[0\]\.environment\[0\]\.name: "A=B": a valid environment variable name must consist only of printable ASCII characters other than '='/);
    expect(td.status.revision).toBeUndefined();
    const warning = await waitFor('a Warning Event on bad', async () => {
      const list = await kubectlJson(['get', 'events', '-n', ns, '--field-selector', 'involvedObject.name=bad,type=Warning']);
      return list.items[0];
    });
    expect(warning.message).toBe(condition(td, 'Accepted').message);
  });
});
