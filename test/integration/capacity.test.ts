import { randomBytes } from 'node:crypto';
import { stringify } from 'yaml';
import { apply, kubectl, kubectlJson, newNamespace, removeNamespace, waitFor } from './cluster.js';
import { installCrds, startOperator, type OperatorProcess } from './operator.js';

// Fargate on the real control plane, with the operator serving its pod webhook: a FARGATE
// Service routed to the isolated pool by a FargateProfile, and a capacity provider strategy split
// into one Deployment per provider, FARGATE on on-demand isolated nodes and FARGATE_SPOT on spot
// ones (isolated-1 and isolated-3 are labelled ecs.berth.dev/capacity-type=spot).

const API = 'ecs.berth.dev/v1alpha1';
const suffix = randomBytes(3).toString('hex');

function taskDefinition(ns: string) {
  return {
    apiVersion: API, kind: 'TaskDefinition', metadata: { name: 'web', namespace: ns },
    spec: {
      family: 'web', requiresCompatibilities: ['FARGATE'], networkMode: 'awsvpc', cpu: '256', memory: '512',
      containerDefinitions: [{ name: 'app', image: 'nginx:1.27', essential: true, portMappings: [{ containerPort: 80 }] }],
    },
  };
}

function service(ns: string, spec: Record<string, unknown>) {
  return { apiVersion: API, kind: 'Service', metadata: { name: 'web', namespace: ns }, spec: { taskDefinition: 'web', ...spec } };
}

const getService = (ns: string) => kubectlJson(['get', 'ecssvc', 'web', '-n', ns]);
const condition = (svc: any, type: string) => svc.status?.conditions?.find((c: any) => c.type === type);

async function steady(ns: string, running: number): Promise<any> {
  return waitFor(`web to run ${running} tasks in a steady state`, async () => {
    const svc = await getService(ns);
    return condition(svc, 'SteadyState')?.status === 'True' && svc.status.runningCount === running ? svc : undefined;
  }, 150000);
}

interface Task {
  provider?: string;
  profile?: string;
  runtimeClass?: string;
  capacity?: string;
  pool?: string;
  capacityType?: string;
}

/** The live tasks of web, with where they run. */
async function tasks(ns: string): Promise<Task[]> {
  const pods = (await kubectlJson<{ items: any[] }>(['get', 'pods', '-n', ns, '-l', 'ecs.berth.dev/service=web'])).items.filter((p) => !p.metadata.deletionTimestamp);
  const nodes = new Map((await kubectlJson<{ items: any[] }>(['get', 'nodes'])).items.map((n) => [n.metadata.name, n.metadata.labels]));
  return pods.map((p) => ({
    provider: p.metadata.labels['ecs.berth.dev/capacity-provider'],
    profile: p.metadata.labels['ecs.berth.dev/fargate-profile'],
    runtimeClass: p.spec.runtimeClassName,
    capacity: p.metadata.annotations?.CapacityProvisioned,
    pool: nodes.get(p.spec.nodeName)?.['ecs.berth.dev/pool'],
    capacityType: nodes.get(p.spec.nodeName)?.['ecs.berth.dev/capacity-type'],
  }));
}

/** The Deployments of web, by name: replicas and available replicas. */
async function deployments(ns: string): Promise<Record<string, [number, number]>> {
  const list = (await kubectlJson<{ items: any[] }>(['get', 'deployments', '-n', ns, '-l', 'ecs.berth.dev/service=web'])).items;
  return Object.fromEntries(list.map((d) => [d.metadata.name, [d.spec.replicas, d.status?.availableReplicas ?? 0]]));
}

describe('Fargate launch type and capacity providers', () => {
  let operator: OperatorProcess;
  // Sorts before default-fargate, so it is the profile that takes the namespace's Fargate pods.
  const profile = `berth-it-capacity-${suffix}`;
  let ns: string;

  beforeAll(async () => {
    await installCrds();
    operator = await startOperator(['--webhook-address', '127.0.0.1:0']);
    ns = await newNamespace('capacity');
    const selectors = [{ namespace: ns, labels: { 'ecs.berth.dev/launch-type': 'FARGATE' } }];
    await kubectl(['create', '-f', '-'], stringify({ apiVersion: API, kind: 'FargateProfile', metadata: { name: profile }, spec: { selectors } }));
    await waitFor(`namespace ${ns} labelled for the webhook`, async () => (await kubectlJson(['get', 'namespace', ns])).metadata.labels?.['ecs.berth.dev/fargate'] === 'true');
  });

  // The Services go before their profile, while the operator still runs.
  afterAll(async () => {
    if (ns) await removeNamespace(ns);
    await kubectl(['delete', 'fargateprofile', profile, '--ignore-not-found']);
    expect(await operator.stop()).toBe(0);
  });

  // A task runs at exactly its task size (256/512), as on ECS: no 256 MiB added, no rounding up.
  test('launchType FARGATE: the profile routes the tasks to the isolated pool, sized as Fargate tasks', async () => {
    await apply([taskDefinition(ns), service(ns, { launchType: 'FARGATE', desiredCount: 2 })]);
    await steady(ns, 2);
    expect(await tasks(ns)).toEqual(Array(2).fill(expect.objectContaining({ profile, runtimeClass: 'berth-isolated', capacity: '0.25vCPU 0.5GB', pool: 'isolated' })));
    expect(await deployments(ns)).toEqual({ web: [2, 2] });
  });

  test('launchType FARGATE that no profile selects runs nowhere, says why, and runs once a profile selects it', async () => {
    const lonely = await newNamespace('no-profile');
    const late = `berth-it-late-${suffix}`;
    try {
      await apply([taskDefinition(lonely), service(lonely, { launchType: 'FARGATE', desiredCount: 1 })]);
      const svc = await waitFor('the Service to say no profile takes its tasks', async () => {
        const s = await getService(lonely);
        return condition(s, 'Ready')?.reason === 'NoFargateProfile' && (s.status?.events ?? []).length > 0 ? s : undefined;
      }, 60000);
      expect(condition(svc, 'Ready')).toMatchObject({
        status: 'False',
        message: expect.stringMatching(new RegExp(`^FARGATE: no FargateProfile selects namespace "${lonely}" with the pod's labels, and FARGATE tasks never run on shared nodes`)),
      });
      expect(svc.status.events.map((e: any) => e.message)).toEqual([
        `(service web) was unable to place a task because no container instance met all of its requirements. Reason: ${condition(svc, 'Ready').message}`,
      ]);
      const events = await kubectlJson<{ items: any[] }>(['get', 'events', '-n', lonely, '--field-selector', 'involvedObject.name=web,reason=TaskPlacementFailed']);
      expect(events.items.map((e) => e.type)).toEqual(['Warning']);
      expect(await deployments(lonely)).toEqual({});
      expect(await tasks(lonely)).toEqual([]);

      const selectors = [{ namespace: lonely, labels: { 'ecs.berth.dev/launch-type': 'FARGATE' } }];
      await kubectl(['create', '-f', '-'], stringify({ apiVersion: API, kind: 'FargateProfile', metadata: { name: late }, spec: { selectors } }));
      await steady(lonely, 1);
      expect(await tasks(lonely)).toEqual([expect.objectContaining({ profile: late, runtimeClass: 'berth-isolated', pool: 'isolated' })]);
    } finally {
      await removeNamespace(lonely);
      await kubectl(['delete', 'fargateprofile', late, '--ignore-not-found']);
    }
  });

  test('FARGATE base 1 weight 1 and FARGATE_SPOT weight 3: 2 tasks on on-demand nodes, 3 on spot nodes', async () => {
    // The same Service, from launchType to a strategy: Deployment web goes once the new ones run.
    const strategy = [{ capacityProvider: 'FARGATE', base: 1, weight: 1 }, { capacityProvider: 'FARGATE_SPOT', weight: 3 }];
    await apply([service(ns, { capacityProviderStrategy: strategy, desiredCount: 5 })]);
    await waitFor('web retired', async () => JSON.stringify(await deployments(ns)) === JSON.stringify({ 'web-fargate': [2, 2], 'web-fargate-spot': [3, 3] }), 150000);
    const svc = await steady(ns, 5);

    const running = await tasks(ns);
    const where = (provider: string) => running.filter((t) => t.provider === provider);
    expect(where('FARGATE')).toEqual(Array(2).fill(expect.objectContaining({ runtimeClass: 'berth-isolated', pool: 'isolated', capacityType: 'on-demand', profile })));
    expect(where('FARGATE_SPOT')).toEqual(Array(3).fill(expect.objectContaining({ runtimeClass: 'berth-isolated', pool: 'isolated', capacityType: 'spot', profile })));

    // One ECS service: one deployment, its tasks counted across both Deployments.
    expect(svc.status).toEqual(expect.objectContaining({ desiredCount: 5, runningCount: 5, pendingCount: 0 }));
    expect(svc.status.deployments).toEqual([expect.objectContaining({ status: 'PRIMARY', rolloutState: 'COMPLETED', desiredCount: 5, runningCount: 5 })]);
    expect(condition(svc, 'FieldsIgnored')?.status).toBe('False');
  });

  test('a provider removed from the strategy takes its Deployment with it; the other takes every task', async () => {
    await apply([service(ns, { capacityProviderStrategy: [{ capacityProvider: 'FARGATE', base: 1, weight: 1 }], desiredCount: 5 })]);
    await waitFor('web-fargate-spot retired', async () => {
      const now = await deployments(ns);
      return !('web-fargate-spot' in now) && now['web-fargate']?.[1] === 5;
    }, 150000);
    await steady(ns, 5);
    const running = await tasks(ns);
    expect(running.map((t) => [t.provider, t.capacityType])).toEqual(Array(5).fill(['FARGATE', 'on-demand']));
  });
});
