import { apply, kubectl, kubectlJson, newNamespace, removeNamespace, waitFor } from './cluster.js';
import { useOperator } from './operator.js';

// ECS placement on the real scheduler: constraints and strategies of Services become affinity
// and topology spread, and the tasks land where ECS would put them on these node pools:
//
//   general-0 zone-a m5.xlarge    general-3 zone-a m5.xlarge     isolated-0..3: tainted, only
//   general-1 zone-b m5.xlarge    general-4 zone-b m5.xlarge     through RuntimeClass
//   general-2 zone-c c6g.xlarge   general-5 zone-c g4dn.xlarge   berth-isolated
//              (arm64)

const API = 'ecs.berth.dev/v1alpha1';

// No cpu reservation: the tasks fit on a node however busy other tests leave it, so only the
// placement decides where they go.
function taskDefinition(ns: string) {
  return {
    apiVersion: API, kind: 'TaskDefinition', metadata: { name: 'web', namespace: ns },
    spec: { family: 'web', containerDefinitions: [{ name: 'app', image: 'nginx:1.27', memory: 32, essential: true }] },
  };
}

function service(ns: string, name: string, spec: Record<string, unknown>) {
  return { apiVersion: API, kind: 'Service', metadata: { name, namespace: ns }, spec: { taskDefinition: 'web', launchType: 'EC2', ...spec } };
}

const getService = (ns: string, name: string) => kubectlJson(['get', 'ecssvc', name, '-n', ns]);
const condition = (svc: any, type: string) => svc.status?.conditions?.find((c: any) => c.type === type);

async function steady(ns: string, name: string, running: number): Promise<any> {
  return waitFor(`${name} to run ${running} tasks in a steady state`, async () => {
    const svc = await getService(ns, name);
    return condition(svc, 'SteadyState')?.status === 'True' && svc.status.runningCount === running ? svc : undefined;
  }, 120000);
}

interface Placed {
  pod: string;
  node?: string;
  zone?: string;
  instanceType?: string;
  arch?: string;
}

/** Where the live tasks of a Service run, with the labels of their nodes. */
async function placed(ns: string, name: string): Promise<Placed[]> {
  const pods = (await kubectlJson<{ items: any[] }>(['get', 'pods', '-n', ns, '-l', `ecs.berth.dev/service=${name}`])).items.filter((p) => !p.metadata.deletionTimestamp);
  const nodes = new Map((await kubectlJson<{ items: any[] }>(['get', 'nodes'])).items.map((n) => [n.metadata.name, n.metadata.labels]));
  return pods.map((p) => {
    const labels = nodes.get(p.spec.nodeName) ?? {};
    return {
      pod: p.metadata.name,
      node: p.spec.nodeName,
      zone: labels['topology.kubernetes.io/zone'],
      instanceType: labels['node.kubernetes.io/instance-type'],
      arch: labels['kubernetes.io/arch'],
    };
  });
}

const count = (values: (string | undefined)[]) => values.reduce<Record<string, number>>((out, v) => ({ ...out, [v ?? 'none']: (out[v ?? 'none'] ?? 0) + 1 }), {});

describe('ECS placement on the scheduler', () => {
  useOperator();
  let current: string | undefined;
  const namespace = async (prefix: string) => (current = await newNamespace(prefix));

  afterEach(async () => {
    if (current) await removeNamespace(current);
    current = undefined;
  });

  test('memberOf attribute:ecs.availability-zone in [zone-a, zone-b]: tasks only in those zones', async () => {
    const ns = await namespace('place-zones');
    const expression = 'attribute:ecs.availability-zone in [zone-a, zone-b]';
    await apply([taskDefinition(ns), service(ns, 'web', { desiredCount: 4, placementConstraints: [{ type: 'memberOf', expression }] })]);
    await steady(ns, 'web', 4);
    const zones = (await placed(ns, 'web')).map((p) => p.zone);
    expect(zones).toHaveLength(4);
    expect(zones.every((z) => z === 'zone-a' || z === 'zone-b')).toBe(true);
    // The default strategy still spreads them over the zones they may use.
    expect(count(zones)).toEqual({ 'zone-a': 2, 'zone-b': 2 });
  });

  test.each([
    ['attribute:ecs.instance-type =~ c6g.*', 'instance-type'],
    ['attribute:ecs.cpu-architecture == arm64', 'arch'],
  ])('memberOf %s: every task on the one arm64 c6g node', async (expression, prefix) => {
    const ns = await namespace(`place-${prefix}`);
    await apply([taskDefinition(ns), service(ns, 'web', { desiredCount: 3, placementConstraints: [{ type: 'memberOf', expression }] })]);
    await steady(ns, 'web', 3);
    const tasks = await placed(ns, 'web');
    expect(tasks.map((t) => [t.node, t.instanceType, t.arch])).toEqual(Array(3).fill(['general-2', 'c6g.xlarge', 'arm64']));
  });

  test('distinctInstance with more tasks than eligible nodes: the extra task stays PENDING, and ECS says why', async () => {
    const ns = await namespace('place-distinct');
    // zone-c holds two ordinary nodes (general-2 and general-5): room for two of three tasks.
    const constraints = [{ type: 'distinctInstance' }, { type: 'memberOf', expression: 'attribute:ecs.availability-zone == zone-c' }];
    await apply([taskDefinition(ns), service(ns, 'web', { desiredCount: 3, placementConstraints: constraints })]);
    const svc = await waitFor('one task unplaced and reported', async () => {
      const s = await getService(ns, 'web');
      const reported = (s.status?.events ?? []).some((e: any) => e.message.includes('was unable to place a task'));
      return s.status?.runningCount === 2 && s.status?.pendingCount === 1 && reported ? s : undefined;
    }, 120000);
    const message: string = svc.status.events.map((e: any) => e.message).find((m: string) => m.includes('was unable to place a task'));
    expect(message).toMatch(/^\(service web\) was unable to place a task because no container instance met all of its requirements\. Reason: 0\/\d+ nodes are available: .+/);
    expect(message).toContain("didn't match pod anti-affinity rules");
    expect(condition(svc, 'SteadyState')?.status).toBe('False');
    const tasks = await placed(ns, 'web');
    expect(tasks.filter((t) => t.node).map((t) => t.node).sort()).toEqual(['general-2', 'general-5']);
    expect(tasks.filter((t) => !t.node)).toHaveLength(1);
    const events = await kubectlJson<{ items: any[] }>(['get', 'events', '-n', ns, '--field-selector', 'involvedObject.kind=Service,involvedObject.name=web,reason=TaskPlacementFailed']);
    expect(events.items.map((e) => e.message)).toContain(message);
    expect(events.items[0].type).toBe('Warning');
  });

  test('a regex matching no node is expanded again when a node gets a matching label', async () => {
    const ns = await namespace('place-regex');
    // A custom attribute of this test's own, so that no other test's placement changes.
    const attribute = `stage-${ns.slice(-6)}`;
    const label = `attribute.ecs.berth.dev/${attribute}`;
    await apply([taskDefinition(ns), service(ns, 'web', { desiredCount: 1, placementConstraints: [{ type: 'memberOf', expression: `attribute:${attribute} =~ bl.*` }] })]);
    await waitFor('the task pending on no node', async () => (await getService(ns, 'web')).status?.pendingCount === 1, 60000);
    try {
      await kubectl(['label', 'node', 'general-3', `${label}=blue`]);
      await steady(ns, 'web', 1);
      expect((await placed(ns, 'web')).map((t) => t.node)).toEqual(['general-3']);
    } finally {
      await kubectl(['label', 'node', 'general-3', `${label}-`]);
    }
  });

  test('spread(attribute:ecs.availability-zone): six tasks, two in each zone', async () => {
    const ns = await namespace('place-spread');
    await apply([taskDefinition(ns), service(ns, 'web', { desiredCount: 6, placementStrategy: [{ type: 'spread', field: 'attribute:ecs.availability-zone' }] })]);
    await steady(ns, 'web', 6);
    expect(count((await placed(ns, 'web')).map((p) => p.zone))).toEqual({ 'zone-a': 2, 'zone-b': 2, 'zone-c': 2 });
  });
});
