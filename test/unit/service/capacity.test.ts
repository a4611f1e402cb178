import type { DaemonSet, Deployment } from '../../../src/api/kube.js';
import type { CapacityProviderStrategyItem, ServiceSpec } from '../../../src/api/service.js';
import type { TaskDefinitionSpec } from '../../../src/api/taskdefinition.js';
import { rolloutLimits } from '../../../src/ecs/rollout.js';
import type { RolloutPlan } from '../../../src/ecs/status.js';
import { renderServiceChildren, type ServiceRender, type ServiceRenderInput } from '../../../src/render/service/children.js';
import { providerWorkloadName, workloadNames } from '../../../src/render/service/names.js';
import { idOf, service } from './helpers.js';

// capacityProviderStrategy: one Deployment per provider, each with its share of the tasks, its
// node pool, its launch type and its part of the rolling-update limits.

const fargateTask: TaskDefinitionSpec = { requiresCompatibilities: ['EC2', 'FARGATE'], cpu: '256', memory: '512', containerDefinitions: [{ name: 'app', image: 'example/web:2' }] };

function plan(replicas: number, config?: ServiceSpec['deploymentConfiguration']): RolloutPlan {
  return {
    taskDefinition: { family: 'web', revision: 2 },
    deploymentId: idOf(2),
    replicas,
    limits: rolloutLimits(replicas, config, 'REPLICA'),
    paused: false,
    suspendScaleIn: false,
  };
}

function render(strategy: CapacityProviderStrategyItem[], replicas: number, spec: Partial<ServiceSpec> = {}, extra: Partial<ServiceRenderInput> = {}): ServiceRender {
  const svc = service({ capacityProviderStrategy: strategy, desiredCount: replicas, ...spec });
  const out = renderServiceChildren({ service: svc, taskDefinition: { family: 'web', revision: 2, spec: fargateTask }, rollout: plan(replicas, spec.deploymentConfiguration), ...extra });
  if (!out.ok) throw new Error(`refused: ${out.reason}: ${out.message}`);
  return out;
}

const deployments = (out: ServiceRender) => out.children.workloads as Deployment[];
const SPOT_WORKSHOP: CapacityProviderStrategyItem[] = [{ capacityProvider: 'FARGATE', base: 1, weight: 1 }, { capacityProvider: 'FARGATE_SPOT', weight: 3 }];

describe('one Deployment per capacity provider', () => {
  test('FARGATE base 1 weight 1, FARGATE_SPOT weight 3, 5 tasks: web-fargate 2, web-fargate-spot 3', () => {
    const [onDemand, spot] = deployments(render(SPOT_WORKSHOP, 5));
    expect([onDemand.metadata.name, spot.metadata.name]).toEqual(['web-fargate', 'web-fargate-spot']);
    expect([onDemand.spec.replicas, spot.spec.replicas]).toEqual([2, 3]);
    expect(onDemand.spec.selector).toEqual({ matchLabels: { 'ecs.berth.dev/service': 'web', 'ecs.berth.dev/capacity-provider': 'FARGATE' } });
    expect(spot.spec.selector).toEqual({ matchLabels: { 'ecs.berth.dev/service': 'web', 'ecs.berth.dev/capacity-provider': 'FARGATE_SPOT' } });
    for (const d of [onDemand, spot]) {
      expect(d.metadata.labels).toMatchObject({ 'ecs.berth.dev/service': 'web', 'ecs.berth.dev/launch-type': 'FARGATE', 'ecs.berth.dev/capacity-provider': d.spec.selector.matchLabels?.['ecs.berth.dev/capacity-provider'] });
      expect(d.spec.template.metadata?.labels).toMatchObject({ ...d.spec.selector.matchLabels, 'ecs.berth.dev/launch-type': 'FARGATE', 'ecs.berth.dev/task-group': 'service.web' });
      expect(d.spec.template.spec.runtimeClassName).toBe('berth-isolated');
    }
  });

  test('FARGATE avoids spot nodes; FARGATE_SPOT asks for them', () => {
    const [onDemand, spot] = deployments(render(SPOT_WORKSHOP, 5));
    expect(onDemand.spec.template.spec.nodeSelector).toBeUndefined();
    expect(onDemand.spec.template.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution).toEqual({
      nodeSelectorTerms: [{ matchExpressions: [{ key: 'ecs.berth.dev/capacity-type', operator: 'NotIn', values: ['spot'] }] }],
    });
    expect(spot.spec.template.spec.nodeSelector).toEqual({ 'ecs.berth.dev/capacity-type': 'spot' });
    expect(spot.spec.template.spec.affinity).toBeUndefined();
  });

  test('the tasks are spread over zones across the providers: one task group', () => {
    for (const d of deployments(render(SPOT_WORKSHOP, 5))) {
      expect(d.spec.template.spec.topologySpreadConstraints).toEqual([
        { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { 'ecs.berth.dev/task-group': 'service.web' } } },
      ]);
    }
  });

  test('the rolling-update limits are split so that the shares stay within the service’s', () => {
    // 4 tasks at 100/150: the service may start 2; the FARGATE share of 1 alone could start none.
    const strategy = [{ capacityProvider: 'FARGATE', base: 1, weight: 0 }, { capacityProvider: 'FARGATE_SPOT', weight: 1 }];
    const [onDemand, spot] = deployments(render(strategy, 4, { deploymentConfiguration: { minimumHealthyPercent: 100, maximumPercent: 150 } }));
    expect([onDemand.spec.replicas, spot.spec.replicas]).toEqual([1, 3]);
    expect(onDemand.spec.strategy?.rollingUpdate).toEqual({ maxSurge: 1, maxUnavailable: 0 });
    expect(spot.spec.strategy?.rollingUpdate).toEqual({ maxSurge: 1, maxUnavailable: 0 });
  });

  test('a provider without a share keeps its Deployment, at 0 replicas', () => {
    const out = deployments(render(SPOT_WORKSHOP, 1));
    expect(out.map((d) => [d.metadata.name, d.spec.replicas])).toEqual([['web-fargate', 1], ['web-fargate-spot', 0]]);
  });

  test('a held rollout pauses every share', () => {
    const svc = service({ capacityProviderStrategy: SPOT_WORKSHOP, desiredCount: 4 });
    const out = renderServiceChildren({ service: svc, taskDefinition: { family: 'web', revision: 2, spec: fargateTask }, rollout: { ...plan(4), paused: true } });
    expect(out.ok && out.children.workloads.map((d) => (d as Deployment).spec.paused)).toEqual([true, true]);
  });

  test('a single provider: one Deployment named after it, every task', () => {
    const [only] = deployments(render([{ capacityProvider: 'FARGATE_SPOT', weight: 1 }], 3));
    expect(only.metadata.name).toBe('web-fargate-spot');
    expect(only.spec.replicas).toBe(3);
    expect(only.spec.template.spec).toMatchObject({ runtimeClassName: 'berth-isolated', nodeSelector: { 'ecs.berth.dev/capacity-type': 'spot' } });
  });

  test('EC2 and FARGATE: each share has its own launch type, and placement applies to the EC2 tasks only', () => {
    const out = render([{ capacityProvider: 'EC2', base: 1, weight: 1 }, { capacityProvider: 'FARGATE', weight: 2 }], 4, {
      placementConstraints: [{ type: 'memberOf', expression: 'attribute:ecs.availability-zone in [zone-a, zone-b]' }],
    });
    const [ec2, fargate] = deployments(out);
    expect([ec2.metadata.name, ec2.spec.replicas, fargate.metadata.name, fargate.spec.replicas]).toEqual(['web-ec2', 2, 'web-fargate', 2]);
    expect(ec2.spec.template.metadata?.labels?.['ecs.berth.dev/launch-type']).toBe('EC2');
    expect(fargate.spec.template.metadata?.labels?.['ecs.berth.dev/launch-type']).toBe('FARGATE');
    expect(ec2.spec.template.spec.runtimeClassName).toBeUndefined();
    expect(ec2.spec.template.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms).toEqual([
      { matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['zone-a', 'zone-b'] }] },
    ]);
    expect(fargate.spec.template.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms).toEqual([
      { matchExpressions: [{ key: 'ecs.berth.dev/capacity-type', operator: 'NotIn', values: ['spot'] }] },
    ]);
    expect(out.serviceIgnored.map((f) => f.reason)).toEqual(['placement constraints do not apply to FARGATE tasks and are ignored']);
  });

  test('FargateProfiles route each share by its own labels', () => {
    const profile = { metadata: { name: 'spot-only' }, spec: { selectors: [{ namespace: 'shop', labels: { 'ecs.berth.dev/capacity-provider': 'FARGATE_SPOT' } }] } };
    const out = render(SPOT_WORKSHOP, 5, {}, { cluster: { fargateProfiles: [profile] } });
    expect(out.fargate?.map((r) => [r.workload, r.decision.action])).toEqual([['web-fargate', 'none'], ['web-fargate-spot', 'route']]);
    const [onDemand, spot] = deployments(out);
    expect(spot.spec.template.metadata?.annotations?.CapacityProvisioned).toBe('0.25vCPU 0.5GB'); // the task size, verbatim
    expect(onDemand.spec.template.metadata?.annotations?.CapacityProvisioned).toBeUndefined();
    expect(out.serviceIgnored.map((f) => f.path)).toEqual(['spec.capacityProviderStrategy']);
    expect(out.serviceIgnored[0].reason).toMatch(/^FARGATE: no FargateProfile selects .*; the tasks run in the provider's node pool without Fargate sizing$/);
  });

  test('providers of the operator’s table', () => {
    const gpu = { nodeSelector: { 'ecs.berth.dev/pool': 'gpu' }, tolerations: [{ key: 'gpu', operator: 'Exists' as const, effect: 'NoSchedule' as const }] };
    const [ec2, pool] = deployments(render([{ capacityProvider: 'EC2', weight: 1 }, { capacityProvider: 'gpu_pool', weight: 1 }], 2, {}, { cluster: { capacityProviders: { gpu_pool: gpu } } }));
    expect(pool.metadata.name).toBe('web-gpu-pool');
    expect(pool.spec.template.spec).toMatchObject({ nodeSelector: gpu.nodeSelector, tolerations: gpu.tolerations });
    expect(pool.spec.template.metadata?.labels?.['ecs.berth.dev/launch-type']).toBe('EC2');
    expect(ec2.spec.template.spec.tolerations).toBeUndefined();
  });
});

describe('refusals and reports', () => {
  test.each<[string, CapacityProviderStrategyItem[], string]>([
    ['an unknown provider', [{ capacityProvider: 'nope', weight: 1 }], 'unknown capacity provider nope'],
    ['two providers, one Deployment name', [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }, { capacityProvider: 'fargate-spot', weight: 1 }], 'capacity providers FARGATE_SPOT and fargate-spot would both run as Deployment web-fargate-spot'],
  ])('%s', (_name, strategy, message) => {
    const svc = service({ capacityProviderStrategy: strategy });
    const out = renderServiceChildren({ service: svc, taskDefinition: { family: 'web', revision: 2, spec: fargateTask }, rollout: plan(3), cluster: { capacityProviders: { 'fargate-spot': {} } } });
    expect(out).toMatchObject({ ok: false, reason: 'InvalidCapacityProviderStrategy' });
    expect(!out.ok && out.message).toContain(message);
  });

  test('DAEMON: one DaemonSet named after the Service; one provider places it, several are reported', () => {
    const daemon = { schedulingStrategy: 'DAEMON' as const, desiredCount: undefined };
    const pool = { 'pool-a': { nodeSelector: { pool: 'a' } } };
    const one = render([{ capacityProvider: 'pool-a', weight: 1 }], 0, daemon, { cluster: { capacityProviders: pool } });
    const [ds] = one.children.workloads as DaemonSet[];
    expect([ds.kind, ds.metadata.name, ds.spec.template.spec.nodeSelector]).toEqual(['DaemonSet', 'web', { pool: 'a' }]);
    expect(ds.spec.selector).toEqual({ matchLabels: { 'ecs.berth.dev/service': 'web' } });
    const several = render([{ capacityProvider: 'pool-a', weight: 1 }, { capacityProvider: 'EC2', weight: 1 }], 0, daemon, { cluster: { capacityProviders: pool } });
    expect(several.children.workloads.map((w) => w.metadata.name)).toEqual(['web']);
    expect((several.children.workloads[0] as DaemonSet).spec.template.spec.nodeSelector).toBeUndefined();
    expect(several.serviceIgnored.map((f) => f.path)).toEqual(['spec.capacityProviderStrategy']);
  });
});

describe('workload names', () => {
  test.each<[string, Partial<ServiceSpec>, string[]]>([
    ['no strategy', {}, ['web']],
    ['launch type', { launchType: 'FARGATE' }, ['web']],
    ['one per provider, in strategy order', { capacityProviderStrategy: SPOT_WORKSHOP }, ['web-fargate', 'web-fargate-spot']],
    ['DAEMON', { schedulingStrategy: 'DAEMON', capacityProviderStrategy: [{ capacityProvider: 'EC2' }] }, ['web']],
  ])('%s', (_name, spec, names) => {
    expect(workloadNames(service(spec))).toEqual(names);
  });

  test('a provider name becomes a DNS label; a long result is cut with a hash and keeps the provider', () => {
    expect(providerWorkloadName(service(), 'MythicalMysfits-CapacityProvider')).toBe('web-mythicalmysfits-capacityprovider');
    const long = { ...service(), metadata: { ...service().metadata, name: 'a'.repeat(250) } };
    const name = providerWorkloadName(long, 'FARGATE_SPOT');
    expect(name.length).toBeLessThanOrEqual(253);
    expect(name).toMatch(/^a+-[0-9a-f]{8}-fargate-spot$/);
  });
});
