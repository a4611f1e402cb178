import { apply, kubectl, kubectlJson, newNamespace as createNamespace, removeNamespace, waitFor, watchLines } from './cluster.js';
import { metricSum, writes } from '../../src/bench/measure.js';
import { metricsAfterRestart, useOperator } from './operator.js';

// ECS Services on the real control plane, driven as a user would with kubectl, checked by what
// a user sees: the Service's status, its events, and the pods.

const API = 'ecs.berth.dev/v1alpha1';

function taskDefinition(ns: string, image: string, name = 'web') {
  return {
    apiVersion: API, kind: 'TaskDefinition', metadata: { name, namespace: ns },
    spec: { family: name, containerDefinitions: [{ name: 'app', image, cpu: 128, memory: 128, essential: true, portMappings: [{ containerPort: 80 }] }] },
  };
}

function service(ns: string, spec: Record<string, unknown>, name = 'web') {
  return { apiVersion: API, kind: 'Service', metadata: { name, namespace: ns }, spec: { taskDefinition: 'web', desiredCount: 3, ...spec } };
}

const getService = (ns: string, name = 'web') => kubectlJson(['get', 'ecssvc', name, '-n', ns]);
const condition = (svc: any, type: string) => svc.status?.conditions?.find((c: any) => c.type === type);
const messages = (svc: any): string[] => (svc.status?.events ?? []).map((e: any) => e.message);
const steady = (ns: string, name = 'web', running?: number) =>
  waitFor(`${name} to reach a steady state`, async () => {
    const svc = await getService(ns, name);
    const ok = condition(svc, 'SteadyState')?.status === 'True' && (running === undefined || svc.status.runningCount === running);
    return ok ? svc : undefined;
  }, 120000);

describe('Service controller', () => {
  const operator = useOperator();
  const namespaces: string[] = [];
  const newNamespace = async (prefix: string) => {
    const ns = await createNamespace(prefix);
    namespaces.push(ns);
    return ns;
  };
  afterEach(async () => {
    for (const ns of namespaces.splice(0)) await removeNamespace(ns);
  });

  test('a Service runs its tasks and reaches a steady state', async () => {
    const ns = await newNamespace('svc-steady');
    await apply([taskDefinition(ns, 'nginx:1.27'), service(ns, {})]);
    const svc = await steady(ns, 'web', 3);
    expect(svc.status).toEqual(expect.objectContaining({ desiredCount: 3, runningCount: 3, pendingCount: 0, taskDefinition: 'web:1' }));
    expect(svc.status.deployments).toEqual([expect.objectContaining({ status: 'PRIMARY', taskDefinition: 'web:1', rolloutState: 'COMPLETED', runningCount: 3 })]);
    expect(messages(svc)).toContain('(service web) has reached a steady state.');
    const events = await kubectl(['get', 'events', '-n', ns, '--field-selector', 'involvedObject.kind=Service,involvedObject.name=web', '-o', 'jsonpath={.items[*].message}']);
    expect(events).toContain('(service web) has reached a steady state.');
    const deployment = await kubectlJson(['get', 'deployment', 'web', '-n', ns]);
    // ECS rounding as absolute numbers: 3 tasks at 100%/200% → surge 3, never below 3 running.
    expect(deployment.spec.strategy.rollingUpdate).toEqual({ maxSurge: 3, maxUnavailable: 0 });
    expect(deployment.metadata.ownerReferences[0]).toEqual(expect.objectContaining({ kind: 'Service', name: 'web', controller: true }));
  });

  test('a new revision rolls the Service through two deployments back to a steady state', async () => {
    const ns = await newNamespace('svc-roll');
    await apply([taskDefinition(ns, 'nginx:1.26'), service(ns, { deploymentConfiguration: { minimumHealthyPercent: 100, maximumPercent: 150 } })]);
    await steady(ns, 'web', 3);
    const columns = 'STATUS:.status.deployments[*].status,TASKDEF:.status.deployments[*].taskDefinition,ROLLOUT:.status.deployments[*].rolloutState';
    const row = (line: string) => line.trim().split(/\s+/).join(' ');
    const watching = watchLines(['ecssvc', 'web', '-n', ns], columns, (lines) => lines.map(row).includes('PRIMARY web:2 COMPLETED'));
    await apply([taskDefinition(ns, 'nginx:1.27')]);
    const lines = (await watching).map(row);
    expect(lines).toContain('PRIMARY,ACTIVE web:2,web:1 IN_PROGRESS,COMPLETED');
    const svc = await steady(ns, 'web', 3);
    const images = (await kubectlJson<{ items: any[] }>(['get', 'pods', '-n', ns, '-l', 'ecs.berth.dev/service=web'])).items
      .filter((p) => !p.metadata.deletionTimestamp).map((p) => p.spec.containers[0].image);
    expect(images).toEqual(['nginx:1.27', 'nginx:1.27', 'nginx:1.27']);
    expect(svc.status.deployments).toHaveLength(1);
  });

  test('a failing revision trips the circuit breaker and rolls back', async () => {
    const ns = await newNamespace('svc-breaker');
    await apply([taskDefinition(ns, 'nginx:1.27'), service(ns, { deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } } })]);
    await steady(ns, 'web', 3);
    await apply([taskDefinition(ns, 'nginx:berth-fail')]);
    const failed = await waitFor('the breaker to trip and the rollback to finish', async () => {
      const svc = await getService(ns);
      const done = svc.status?.taskDefinition === 'web:1' && (svc.status.deployments ?? []).some((d: any) => d.taskDefinition === 'web:2' && d.rolloutState === 'FAILED');
      return done && condition(svc, 'SteadyState')?.status === 'True' ? svc : undefined;
    }, 150000);
    const failedDeployment = failed.status.deployments.find((d: any) => d.taskDefinition === 'web:2');
    expect(failedDeployment.failedTasks).toBeGreaterThanOrEqual(3);
    expect(condition(failed, 'CircuitBreaker')?.status).toBe('True');
    const text = messages(failed).join('\n');
    expect(text).toMatch(/\(service web\) \(deployment ecs-svc\/\d+\) deployment failed: tasks failed to start\./);
    expect(text).toMatch(/\(service web\) rolling back to deployment ecs-svc\/\d+\./);
    const pods = (await kubectlJson<{ items: any[] }>(['get', 'pods', '-n', ns, '-l', 'ecs.berth.dev/service=web'])).items.filter((p) => !p.metadata.deletionTimestamp);
    expect(pods.map((p) => p.spec.containers[0].image)).toEqual(['nginx:1.27', 'nginx:1.27', 'nginx:1.27']);
  });

  test('a DAEMON Service runs one task on every eligible node', async () => {
    const ns = await newNamespace('svc-daemon');
    await apply([taskDefinition(ns, 'fluent-bit:3'), service(ns, { schedulingStrategy: 'DAEMON', desiredCount: undefined })]);
    const nodes = (await kubectlJson<{ items: any[] }>(['get', 'nodes'])).items.filter((n) => !n.spec.taints?.length);
    const svc = await steady(ns, 'web', nodes.length);
    expect(svc.status.desiredCount).toBe(nodes.length);
    const pods = (await kubectlJson<{ items: any[] }>(['get', 'pods', '-n', ns, '-l', 'ecs.berth.dev/service=web'])).items;
    expect(new Set(pods.map((p) => p.spec.nodeName)).size).toBe(nodes.length);
    expect((await kubectlJson(['get', 'daemonset', 'web', '-n', ns])).metadata.ownerReferences[0].kind).toBe('Service');
  });

  test('a restartPolicy with ignoredExitCodes becomes restart rules the apiserver keeps', async () => {
    const ns = await newNamespace('svc-restart');
    const td = taskDefinition(ns, 'nginx:1.27');
    td.spec.containerDefinitions.push({ name: 'worker', image: 'busybox:1.36', memory: 64, essential: false, restartPolicy: { enabled: true, ignoredExitCodes: [0] } } as never);
    await apply([td, service(ns, { desiredCount: 1 })]);
    await steady(ns, 'web', 1);
    const deployment = await kubectlJson(['get', 'deployment', 'web', '-n', ns]);
    const worker = deployment.spec.template.spec.containers.find((c: any) => c.name === 'worker');
    expect({ restartPolicy: worker.restartPolicy, restartPolicyRules: worker.restartPolicyRules }).toEqual({
      restartPolicy: 'Never',
      restartPolicyRules: [{ action: 'Restart', exitCodes: { operator: 'NotIn', values: [0] } }],
    });
    const [pod] = (await kubectlJson(['get', 'pods', '-n', ns, '-l', 'ecs.berth.dev/service=web'])).items;
    expect(pod.spec.containers.find((c: any) => c.name === 'worker').restartPolicyRules).toEqual(worker.restartPolicyRules);
  });

  test('kubectl scale changes the desired count', async () => {
    const ns = await newNamespace('svc-scale');
    await apply([taskDefinition(ns, 'nginx:1.27'), service(ns, { desiredCount: 1 })]);
    await steady(ns, 'web', 1);
    await kubectl(['scale', 'ecssvc/web', '-n', ns, '--replicas=4']);
    const svc = await steady(ns, 'web', 4);
    expect(svc.spec.desiredCount).toBe(4);
    expect((await kubectlJson(['get', 'deployment', 'web', '-n', ns])).spec.replicas).toBe(4);
  });

  test('a Deployment edited by hand gets the Service spec back; fields Berth does not own stay', async () => {
    const ns = await newNamespace('svc-drift');
    await apply([taskDefinition(ns, 'nginx:1.27'), service(ns, { desiredCount: 2 })]);
    await steady(ns, 'web', 2);
    await kubectl(['set', 'image', 'deployment/web', 'app=nginx:1.28', '-n', ns]);
    await kubectl(['annotate', 'deployment/web', 'team.example.com/owner=payments', '-n', ns]);
    const restored = await waitFor('the image of the task definition back on Deployment web', async () => {
      const d = await kubectlJson(['get', 'deployment', 'web', '-n', ns]);
      return d.spec.template.spec.containers[0].image === 'nginx:1.27' ? d : undefined;
    });
    expect(restored.metadata.annotations['team.example.com/owner']).toBe('payments');
    expect(restored.spec.replicas).toBe(2);
  });

  test('a broken Service says why and does not hold up the others', async () => {
    const ns = await newNamespace('svc-broken');
    await apply([service(ns, { taskDefinition: 'missing' }, 'broken'), taskDefinition(ns, 'nginx:1.27'), service(ns, { desiredCount: 2 }, 'healthy')]);
    await steady(ns, 'healthy', 2);
    const broken = await waitFor('the broken Service to report', async () => {
      const svc = await getService(ns, 'broken');
      return condition(svc, 'Ready')?.reason === 'TaskDefinitionNotFound' ? svc : undefined;
    });
    expect(condition(broken, 'Ready')).toEqual(expect.objectContaining({ status: 'False', message: `task definition missing does not exist in namespace ${ns}` }));
    expect(await kubectl(['get', 'deployments', '-n', ns, '-o', 'name'])).toBe('deployment.apps/healthy\n');
  });

  test('a Service whose Deployment name another Service holds is refused, and the other keeps it', async () => {
    const ns = await newNamespace('svc-taken');
    await apply([taskDefinition(ns, 'nginx:1.27'), service(ns, { desiredCount: 1 }, 'web-ec2')]);
    await steady(ns, 'web-ec2', 1);
    // Service web with an EC2 capacity provider wants Deployment web-ec2 too.
    await apply([service(ns, { desiredCount: 2, capacityProviderStrategy: [{ capacityProvider: 'EC2', weight: 1 }] })]);
    const refused = await waitFor('web to report the name taken', async () => {
      const svc = await getService(ns);
      return condition(svc, 'Ready')?.reason === 'WorkloadNameTaken' ? svc : undefined;
    });
    expect(condition(refused, 'Ready')).toEqual(expect.objectContaining({
      status: 'False',
      message: 'Deployment web-ec2 already exists, controlled by Service web-ec2: rename this Service or that object',
    }));
    const deployment = await kubectlJson(['get', 'deployment', 'web-ec2', '-n', ns]);
    expect(deployment.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'Service', name: 'web-ec2', controller: true })]);
    expect(deployment.spec.replicas).toBe(1);
    expect(condition(await getService(ns, 'web-ec2'), 'SteadyState')?.status).toBe('True');
  });

  test('after a restart with everything converged the operator makes no writes', async () => {
    const ns = await newNamespace('svc-restart');
    await apply([taskDefinition(ns, 'nginx:1.27'), service(ns, { desiredCount: 2 })]);
    await steady(ns, 'web', 2);
    const metrics = await metricsAfterRestart(operator);
    expect(metricSum(metrics, 'controller_runtime_reconcile_total', { controller: 'service' })).toBeGreaterThan(0);
    expect(writes(metrics)).toBe(0);
  });
});
