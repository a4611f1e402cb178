import type { ContainerDefinition } from '../../../src/api/container.js';
import type { Deployment, DaemonSet } from '../../../src/api/kube.js';
import type { ServiceSpec } from '../../../src/api/service.js';
import type { TaskDefinitionSpec } from '../../../src/api/taskdefinition.js';
import { rolloutLimits } from '../../../src/ecs/rollout.js';
import type { RolloutPlan } from '../../../src/ecs/status.js';
import { preflightServiceRender, renderServiceChildren, type ServiceRender, type ServiceRenderInput } from '../../../src/render/service/children.js';
import { applyGracePeriod } from '../../../src/render/service/grace.js';
import { kubeServiceName } from '../../../src/render/service/names.js';
import { daemonSetStrategy, deploymentStrategy } from '../../../src/render/service/rolling.js';
import { idOf, service } from './helpers.js';

const app = (fields: Partial<ContainerDefinition> = {}): ContainerDefinition => ({ name: 'app', image: 'example/web:2', ...fields });

function task(fields: Partial<TaskDefinitionSpec> = {}, ...containers: ContainerDefinition[]): TaskDefinitionSpec {
  return { containerDefinitions: containers.length > 0 ? containers : [app()], ...fields };
}

function plan(fields: Partial<RolloutPlan> = {}, daemon = false): RolloutPlan {
  return {
    taskDefinition: { family: 'web', revision: 2 },
    deploymentId: idOf(2),
    replicas: 3,
    limits: rolloutLimits(3, undefined, daemon ? 'DAEMON' : 'REPLICA'),
    paused: false,
    suspendScaleIn: false,
    ...fields,
  };
}

function render(spec: Partial<ServiceSpec> = {}, td: TaskDefinitionSpec = task(), p: RolloutPlan = plan(), extra: Partial<ServiceRenderInput> = {}): ServiceRender {
  const out = renderServiceChildren({ service: service(spec), taskDefinition: { family: 'web', revision: 2, spec: td }, rollout: p, ...extra });
  if (!out.ok) throw new Error(`refused: ${out.reason}: ${out.message}`);
  return out;
}

describe('the workload', () => {
  test('REPLICA: a Deployment named after the Service, selecting on the service label only', () => {
    const d = render().children.workloads[0] as Deployment;
    expect(d.kind).toBe('Deployment');
    expect(d.metadata).toMatchObject({ name: 'web', namespace: 'shop' });
    expect(d.metadata.ownerReferences).toEqual([{ apiVersion: 'ecs.berth.dev/v1alpha1', kind: 'Service', name: 'web', uid: service().metadata.uid, controller: true, blockOwnerDeletion: true }]);
    expect(d.spec.selector).toEqual({ matchLabels: { 'ecs.berth.dev/service': 'web' } });
    expect(d.spec).toMatchObject({ replicas: 3, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 3, maxUnavailable: 0 } }, progressDeadlineSeconds: 2147483647 });
    expect(d.spec.paused).toBeUndefined();
    expect(d.spec.template.metadata?.labels).toMatchObject({
      'app.kubernetes.io/name': 'web',
      'app.kubernetes.io/managed-by': 'berth',
      'ecs.berth.dev/family': 'web',
      'ecs.berth.dev/revision': '2',
      'ecs.berth.dev/service': 'web',
      'ecs.berth.dev/launch-type': 'EC2',
      'ecs.berth.dev/deployment': idOf(2).slice('ecs-svc/'.length),
      'ecs.berth.dev/task-group': 'service.web',
    });
    expect(d.metadata.labels).toEqual({
      'app.kubernetes.io/name': 'web',
      'app.kubernetes.io/managed-by': 'berth',
      'ecs.berth.dev/family': 'web',
      'ecs.berth.dev/revision': '2',
      'ecs.berth.dev/service': 'web',
      'ecs.berth.dev/launch-type': 'EC2',
    });
  });

  test('a held rollout pauses the Deployment; a DaemonSet goes OnDelete', () => {
    expect((render({}, task(), plan({ paused: true })).children.workloads[0] as Deployment).spec.paused).toBe(true);
    const daemon = render({ schedulingStrategy: 'DAEMON' }, task(), plan({ paused: true, replicas: 0 }, true)).children.workloads[0] as DaemonSet;
    expect(daemon.kind).toBe('DaemonSet');
    expect(daemon.spec.updateStrategy).toEqual({ type: 'OnDelete' });
  });

  test('DAEMON: a DaemonSet, no replicas, no zone spread', () => {
    const ds = render({ schedulingStrategy: 'DAEMON' }, task(), plan({ replicas: 0, limits: rolloutLimits(4, undefined, 'DAEMON') }, true)).children.workloads[0] as DaemonSet;
    expect(ds.spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 4 } });
    expect(ds.spec.template.spec.topologySpreadConstraints).toBeUndefined();
    expect('replicas' in ds.spec).toBe(false);
  });

  test('a rollout plan for another deployment changes only the deployment label (the restart token)', () => {
    const a = render().children.workloads[0] as Deployment;
    const b = render({}, task(), plan({ deploymentId: idOf(2, 'restart') })).children.workloads[0] as Deployment;
    expect(b.spec.template.metadata?.labels?.['ecs.berth.dev/deployment']).not.toBe(a.spec.template.metadata?.labels?.['ecs.berth.dev/deployment']);
    expect({ ...b.spec.template, metadata: {} }).toEqual({ ...a.spec.template, metadata: {} });
  });
});

describe('refusals are values', () => {
  test.each<[string, Partial<ServiceSpec>, TaskDefinitionSpec, string]>([
    ['DAEMON on FARGATE', { schedulingStrategy: 'DAEMON', launchType: 'FARGATE' }, task({ requiresCompatibilities: ['FARGATE'] }), 'DaemonOnFargate'],
    ['FARGATE with an EC2 task definition', { launchType: 'FARGATE' }, task({ requiresCompatibilities: ['EC2'] }), 'IncompatibleLaunchType'],
    ['a task definition ECS would refuse', {}, task({}, app({ essential: false })), 'InvalidTaskDefinition'],
    ['a placement expression that does not parse', { placementConstraints: [{ type: 'memberOf', expression: 'attribute:ecs.instance-type ==' }] }, task(), 'InvalidPlacement'],
  ])('%s', (_name, spec, td, reason) => {
    const out = renderServiceChildren({ service: service(spec), taskDefinition: { family: 'web', revision: 2, spec: td }, rollout: plan() });
    expect(out).toMatchObject({ ok: false, reason });
  });

  test('the preflight of a revision gives the same refusal, or ok', () => {
    const taskDefinition = { family: 'web', revision: 2, spec: task({ requiresCompatibilities: ['EC2'] }) };
    expect(preflightServiceRender({ service: service({ launchType: 'FARGATE' }), taskDefinition })).toMatchObject({ ok: false, reason: 'IncompatibleLaunchType' });
    expect(preflightServiceRender({ service: service(), taskDefinition })).toEqual({ ok: true });
  });

  test('a FargateProfile that refuses the pods refuses the render', () => {
    const profile = { metadata: { name: 'all' }, spec: { selectors: [{ namespace: 'shop' }] } };
    const out = renderServiceChildren({
      service: service({ launchType: 'FARGATE' }),
      taskDefinition: { family: 'web', revision: 2, spec: task({ requiresCompatibilities: ['FARGATE'] }, app({ privileged: true })) },
      rollout: plan(),
      cluster: { fargateProfiles: [profile] },
    });
    expect(out).toMatchObject({ ok: false, reason: 'FargateProfileRefused' });
  });

  test('launchType FARGATE with no FargateProfile taking the pods: refused, never on shared nodes', () => {
    const other = { metadata: { name: 'elsewhere' }, spec: { selectors: [{ namespace: 'batch' }] } };
    const input = { service: service({ launchType: 'FARGATE' as const }), taskDefinition: { family: 'web', revision: 2, spec: task({ requiresCompatibilities: ['FARGATE'] }) } };
    const out = renderServiceChildren({ ...input, rollout: plan(), cluster: { fargateProfiles: [other] } });
    expect(out).toEqual({
      ok: false,
      reason: 'NoFargateProfile',
      message: 'FARGATE: no FargateProfile selects namespace "shop" with the pod\'s labels, and FARGATE tasks never run on shared nodes; ' +
        'create a FargateProfile with a selector for namespace "shop" and label ecs.berth.dev/launch-type: FARGATE',
      unplaceable: true,
    });
    expect(preflightServiceRender({ ...input, cluster: { fargateProfiles: [] } })).toMatchObject({ ok: false, reason: 'NoFargateProfile' });
    // Without the cluster's profiles (an import, a dry run) the pods are left to the webhook.
    expect(preflightServiceRender(input)).toEqual({ ok: true });
  });
});

describe('the pod template', () => {
  test('healthCheckGracePeriodSeconds holds liveness off with a startup probe', () => {
    const td = task({}, app({ healthCheck: { command: ['CMD-SHELL', 'curl -f localhost'], interval: 10, retries: 3 } }));
    const c = (render({ healthCheckGracePeriodSeconds: 60 }, td).children.workloads[0] as Deployment).spec.template.spec.containers[0];
    expect(c.startupProbe).toEqual({ ...c.livenessProbe, failureThreshold: 9 });
    expect(Object.keys(c).indexOf('startupProbe')).toBe(Object.keys(c).indexOf('livenessProbe') - 1);
  });

  test('a longer startPeriod keeps its own startup probe; a shorter one is extended', () => {
    const probe = { exec: { command: ['check'] }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 };
    const template = (startup?: number) => ({
      spec: { containers: [{ name: 'app', ...(startup ? { startupProbe: { ...probe, failureThreshold: startup } } : {}), livenessProbe: probe }] },
    });
    expect(applyGracePeriod(template(20), 60).spec.containers[0].startupProbe?.failureThreshold).toBe(20);
    expect(applyGracePeriod(template(4), 60).spec.containers[0].startupProbe?.failureThreshold).toBe(9);
    expect(applyGracePeriod(template(), 0)).toEqual(template());
  });

  test.each<[string, Partial<ServiceSpec>, Record<string, string> | undefined]>([
    ['no propagation: no tags', {}, undefined],
    ['TASK_DEFINITION: the task definition’s', { propagateTags: 'TASK_DEFINITION' }, { team: 'a' }],
    ['SERVICE: the service’s', { propagateTags: 'SERVICE', tags: [{ key: 'env', value: 'prod' }] }, { env: 'prod' }],
  ])('tags: %s', (_name, spec, tags) => {
    const t = (render(spec, task({ tags: [{ key: 'team', value: 'a' }] })).children.workloads[0] as Deployment).spec.template;
    const annotation = t.metadata?.annotations?.['ecs.berth.dev/tags'];
    expect(annotation === undefined ? undefined : JSON.parse(annotation)).toEqual(tags);
    const tagLabels = Object.keys(t.metadata?.labels ?? {}).filter((k) => k.startsWith('tag.ecs.berth.dev/'));
    expect(tagLabels).toEqual(Object.keys(tags ?? {}).map((k) => `tag.ecs.berth.dev/${k}`));
  });
});

describe('the Kubernetes Service', () => {
  const ports = task({}, app({ portMappings: [{ containerPort: 8080, name: 'http', appProtocol: 'http' }, { containerPort: 9090 }] }), {
    name: 'admin_sidecar',
    image: 'example/admin:1',
    portMappings: [{ containerPort: 7000, protocol: 'udp' }],
  });

  test('none without loadBalancers, serviceRegistries or Service Connect', () => {
    expect(render({}, ports).children.service).toBeUndefined();
  });

  test('load balancer ports, named after the port mapping or the container', () => {
    const svc = render({ loadBalancers: [{ containerName: 'app', containerPort: 8080 }, { containerName: 'admin_sidecar', containerPort: 7000 }] }, ports).children.service;
    expect(svc?.metadata).toMatchObject({ name: 'web', namespace: 'shop' });
    expect(svc?.spec).toEqual({
      type: 'ClusterIP',
      selector: { 'ecs.berth.dev/service': 'web' },
      ports: [
        { name: 'http', protocol: 'TCP', port: 8080, targetPort: 8080, appProtocol: 'http' },
        { name: 'admin-sidecar-7000', protocol: 'UDP', port: 7000, targetPort: 7000 },
      ],
    });
  });

  test('LoadBalancer when asked; an unknown container is reported and its port exposed', () => {
    const out = render({ loadBalancers: [{ containerName: 'nope', containerPort: 80 }], kubernetes: { serviceType: 'LoadBalancer' } }, ports);
    expect(out.children.service?.spec).toMatchObject({ type: 'LoadBalancer', ports: [{ name: 'nope-80', port: 80, targetPort: 80 }] });
    expect(out.serviceIgnored.map((f) => f.path)).toEqual(['spec.loadBalancers[0]']);
  });

  test('a Cloud Map registry without ports exposes every port mapping; with none at all it is headless', () => {
    const registry = { serviceRegistries: [{ registryArn: 'arn:aws:servicediscovery:eu-west-1:1:service/srv-1' }] };
    expect(render(registry, ports).children.service?.spec.ports?.map((p) => p.port)).toEqual([8080, 9090, 7000]);
    expect(render(registry).children.service?.spec).toEqual({ type: 'ClusterIP', clusterIP: 'None', selector: { 'ecs.berth.dev/service': 'web' } });
  });

  test('Service Connect: the named port, on the client alias port', () => {
    const spec: Partial<ServiceSpec> = { serviceConnectConfiguration: { enabled: true, services: [{ portName: 'http', discoveryName: 'web-api', clientAliases: [{ port: 80 }] }] } };
    expect(render(spec, ports).children.service?.spec.ports).toEqual([{ name: 'web-api', protocol: 'TCP', port: 80, targetPort: 8080, appProtocol: 'http' }]);
  });

  test.each([
    ['web', 'web'],
    ['web.v2', 'web-v2'],
    ['2048-game', 's-2048-game'],
  ])('a Service named %s gets a Kubernetes Service named %s', (name, expected) => {
    expect(kubeServiceName({ metadata: { name }, spec: { taskDefinition: 'x' } })).toBe(expected);
  });
});

describe('the HorizontalPodAutoscaler', () => {
  const autoScaling: ServiceSpec['autoScaling'] = {
    minCapacity: 2,
    maxCapacity: 10,
    targetTrackingPolicies: [
      { predefinedMetric: 'ECSServiceAverageCPUUtilization', targetValue: 60 },
      { predefinedMetric: 'ECSServiceAverageMemoryUtilization', targetValue: 75.5 },
    ],
  };
  const reserved = task({}, app({ cpu: 256, memory: 512 }));

  test('targets the Service through its scale subresource, one metric per policy', () => {
    const out = render({ autoScaling }, reserved);
    expect(out.children.autoscaler?.spec).toEqual({
      scaleTargetRef: { apiVersion: 'ecs.berth.dev/v1alpha1', kind: 'Service', name: 'web' },
      minReplicas: 2,
      maxReplicas: 10,
      metrics: [
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } },
        { type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 76 } } },
      ],
    });
    expect(out.serviceIgnored).toEqual([]);
  });

  test('a target beyond int32 is capped there: neither ever scales out', () => {
    const huge = { ...autoScaling, targetTrackingPolicies: [{ predefinedMetric: 'ECSServiceAverageCPUUtilization' as const, targetValue: 1e300 }] };
    expect(render({ autoScaling: huge }, reserved).children.autoscaler?.spec.metrics?.[0].resource?.target.averageUtilization).toBe(2 ** 31 - 1);
  });

  test('scale-in is suspended while a deployment is in progress', () => {
    expect(render({ autoScaling }, reserved, plan({ suspendScaleIn: true })).children.autoscaler?.spec.behavior).toEqual({ scaleDown: { selectPolicy: 'Disabled' } });
  });

  test('task-level cpu and memory become container requests, which utilization needs', () => {
    const out = render({ autoScaling }, task({ cpu: '256', memory: '512' }));
    const workload = out.children.workloads[0] as Deployment;
    expect(workload.spec.template.spec.resources).toBeUndefined();
    expect(workload.spec.template.spec.containers[0].resources?.requests).toEqual({ cpu: '250m', memory: '512Mi' });
    expect(out.serviceIgnored).toEqual([]);
  });

  test('containers without requests are reported', () => {
    const out = render({ autoScaling }, task());
    expect(out.serviceIgnored.map((f) => f.path)).toEqual(['spec.autoScaling.targetTrackingPolicies[0]', 'spec.autoScaling.targetTrackingPolicies[1]']);
  });
});

describe('the task role ServiceAccount', () => {
  test('shared per role: a non-controller owner reference and no per-Service labels', () => {
    const sa = render({}, task({ taskRoleArn: 'arn:aws:iam::123456789012:role/web-task' })).children.serviceAccount;
    expect(sa?.metadata).toMatchObject({
      name: 'task-role-web-task',
      namespace: 'shop',
      labels: { 'app.kubernetes.io/managed-by': 'berth' },
      ownerReferences: [{ apiVersion: 'ecs.berth.dev/v1alpha1', kind: 'Service', name: 'web', controller: false, blockOwnerDeletion: false }],
    });
  });
});

describe('update strategies', () => {
  test.each([
    ['ECS limits as integers', rolloutLimits(4, { minimumHealthyPercent: 50, maximumPercent: 150 }, 'REPLICA'), { maxSurge: 2, maxUnavailable: 2 }],
    ['nothing to replace: valid values that keep the desired count', rolloutLimits(3, { minimumHealthyPercent: 100, maximumPercent: 100 }, 'REPLICA'), { maxSurge: 1, maxUnavailable: 0 }],
    ['no tasks', rolloutLimits(0, undefined, 'REPLICA'), { maxSurge: 1, maxUnavailable: 0 }],
    ['maximumPercent at int32: surge capped at int32', rolloutLimits(2 ** 31 - 1, { minimumHealthyPercent: 0, maximumPercent: 2 ** 31 - 1 }, 'REPLICA'), { maxSurge: 2 ** 31 - 1, maxUnavailable: 2 ** 31 - 1 }],
  ])('Deployment: %s', (_name, limits, rollingUpdate) => {
    expect(deploymentStrategy(limits)).toEqual({ type: 'RollingUpdate', rollingUpdate });
  });

  test.each([
    ['nodes known: integers', rolloutLimits(5, { minimumHealthyPercent: 50 }, 'DAEMON'), { maxSurge: 0, maxUnavailable: 2 }],
    ['nodes unknown: ECS’s percentages', rolloutLimits(0, undefined, 'DAEMON'), { maxSurge: '0%', maxUnavailable: '100%' }],
    ['nothing to replace', rolloutLimits(3, { minimumHealthyPercent: 100 }, 'DAEMON'), { maxSurge: 0, maxUnavailable: 1 }],
    ['room to stop and to surge: stop first', rolloutLimits(4, { minimumHealthyPercent: 50, maximumPercent: 200 }, 'DAEMON'), { maxSurge: 0, maxUnavailable: 2 }],
    ['room to surge only', rolloutLimits(4, { minimumHealthyPercent: 100, maximumPercent: 150 }, 'DAEMON'), { maxSurge: 2, maxUnavailable: 0 }],
    ['nodes unknown, room for both: stop first', rolloutLimits(0, { minimumHealthyPercent: 50, maximumPercent: 200 }, 'DAEMON'), { maxSurge: '0%', maxUnavailable: '50%' }],
    ['nodes unknown, surge capped at 100%', rolloutLimits(0, { minimumHealthyPercent: 100, maximumPercent: 2 ** 31 - 1 }, 'DAEMON'), { maxSurge: '100%', maxUnavailable: '0%' }],
    ['surge capped at int32', rolloutLimits(2 ** 31 - 1, { minimumHealthyPercent: 100, maximumPercent: 2 ** 31 - 1 }, 'DAEMON'), { maxSurge: 2 ** 31 - 1, maxUnavailable: 0 }],
  ])('DaemonSet: %s', (_name, limits, rollingUpdate) => {
    expect(daemonSetStrategy(limits, false)).toEqual({ type: 'RollingUpdate', rollingUpdate });
  });
});

describe('FieldsIgnored of the Service: the fields the ECS field table reports', () => {
  test.each<[string, Partial<ServiceSpec>, string[]]>([
    ['strategy ROLLING is what Berth runs: nothing', { deploymentConfiguration: { strategy: 'ROLLING' } }, []],
    [
      'the new deployment model',
      {
        deploymentConfiguration: {
          strategy: 'LINEAR',
          bakeTimeInMinutes: 5,
          linearConfiguration: { stepPercent: 20, stepBakeTimeInMinutes: 2 },
          lifecycleHooks: [{ targetType: 'PAUSE', lifecycleStages: ['POST_SCALE_UP'] }],
        },
      },
      ['spec.deploymentConfiguration.strategy', 'spec.deploymentConfiguration.bakeTimeInMinutes', 'spec.deploymentConfiguration.lifecycleHooks', 'spec.deploymentConfiguration.linearConfiguration'],
    ],
    ['a deployment controller other than ECS', { deploymentController: { type: 'CODE_DEPLOY' } }, ['spec.deploymentController.type']],
    ['fields with no counterpart', { platformVersion: '1.4.0', enableExecuteCommand: true }, ['spec.platformVersion', 'spec.enableExecuteCommand']],
  ])('%s', (_name, spec, paths) => {
    expect(render(spec).serviceIgnored.map((f) => f.path)).toEqual(paths);
  });
});
