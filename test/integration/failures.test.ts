import { metricSum, writes } from '../../src/bench/measure.js';
import { apply, kubectl, kubectlJson, newNamespace as createNamespace, removeNamespace, waitFor } from './cluster.js';
import { metricsAfterRestart, useOperator } from './operator.js';

// What a user sees when the apiserver refuses what Berth applies for a Service, and what the
// operator does about it; and drift made while the operator was down. The refusal is real: a
// ValidatingAdmissionPolicy that denies Deployments in the test's namespace.

const API = 'ecs.berth.dev/v1alpha1';
const DENIAL = 'Deployments are not allowed in this namespace';

function taskDefinition(ns: string, image: string, extra: Record<string, unknown> = {}) {
  return {
    apiVersion: API, kind: 'TaskDefinition', metadata: { name: 'web', namespace: ns },
    spec: { family: 'web', containerDefinitions: [{ name: 'app', image, cpu: 128, memory: 128, essential: true, portMappings: [{ containerPort: 80 }] }], ...extra },
  };
}

/** With a load balancer, so the Service also has a Kubernetes Service child. */
function service(ns: string, desiredCount: number) {
  return {
    apiVersion: API, kind: 'Service', metadata: { name: 'web', namespace: ns },
    spec: {
      taskDefinition: 'web', desiredCount,
      loadBalancers: [{ targetGroupArn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/0123456789abcdef', containerName: 'app', containerPort: 80 }],
    },
  };
}

/** A policy and binding that refuse every Deployment written in `ns`. */
async function denyDeployments(ns: string): Promise<() => Promise<void>> {
  const name = `deny-deployments-${ns}`;
  await apply([
    {
      apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicy', metadata: { name },
      spec: {
        failurePolicy: 'Fail',
        matchConstraints: { resourceRules: [{ apiGroups: ['apps'], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['deployments'] }] },
        validations: [{ expression: 'false', message: DENIAL, reason: 'Invalid' }],
      },
    },
    {
      apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicyBinding', metadata: { name },
      spec: { policyName: name, validationActions: ['Deny'], matchResources: { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns } } } },
    },
  ]);
  // The apiserver loads policies a moment after they are written.
  await waitFor('the policy to refuse Deployments', async () => {
    try {
      await kubectl(['create', 'deployment', 'probe', '--image=nginx', '--dry-run=server', '-n', ns]);
      return false;
    } catch (e) {
      return (e as Error).message.includes(DENIAL);
    }
  });
  return async () => {
    await kubectl(['delete', 'validatingadmissionpolicybinding', name, '--ignore-not-found']);
    await kubectl(['delete', 'validatingadmissionpolicy', name, '--ignore-not-found']);
    await waitFor('the policy to be gone', async () => {
      try {
        await kubectl(['create', 'deployment', 'probe', '--image=nginx', '--dry-run=server', '-n', ns]);
        return true;
      } catch {
        return false;
      }
    });
  };
}

const getService = (ns: string) => kubectlJson(['get', 'ecssvc', 'web', '-n', ns]);
const condition = (svc: any, type: string) => svc.status?.conditions?.find((c: any) => c.type === type);
const refusedCondition = (ns: string) =>
  waitFor('the refusal on the Service', async () => {
    const c = condition(await getService(ns), 'Ready');
    return c?.reason === 'ApplyFailed' ? c : undefined;
  });
const warnings = async (ns: string) =>
  (await kubectlJson<{ items: any[] }>(['get', 'events', '-n', ns, '--field-selector', 'involvedObject.kind=Service,involvedObject.name=web,type=Warning'])).items
    .filter((e) => e.reason === 'ApplyFailed');
const steady = (ns: string, running: number) =>
  waitFor('a steady state', async () => {
    const svc = await getService(ns);
    return condition(svc, 'SteadyState')?.status === 'True' && svc.status.runningCount === running ? svc : undefined;
  }, 120000);

function useNamespaces() {
  const namespaces: string[] = [];
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
    for (const ns of namespaces.splice(0)) await removeNamespace(ns);
  });
  return {
    create: async (prefix: string) => {
      const ns = await createNamespace(prefix);
      namespaces.push(ns);
      return ns;
    },
    deny: async (ns: string) => {
      const allow = await denyDeployments(ns);
      cleanups.push(allow);
      return allow;
    },
  };
}

describe('refused child applies and drift (default resync)', () => {
  const operator = useOperator();
  const namespaces = useNamespaces();

  test('a refused Deployment shows on the Service with the apiserver\'s message, once as an event, without a retry loop; the rest is applied; it recovers when touched', async () => {
    const ns = await namespaces.create('fail-refused');
    const allow = await namespaces.deny(ns);
    await apply([taskDefinition(ns, 'nginx:1.27'), service(ns, 2)]);

    const refused = await refusedCondition(ns);
    expect(refused.status).toBe('False');
    expect(refused.message).toMatch(/^apply Deployment web failed: .*Deployments are not allowed in this namespace/);
    // The other children are applied all the same.
    expect((await kubectlJson(['get', 'service', 'web', '-n', ns])).spec.ports).toEqual([expect.objectContaining({ port: 80 })]);
    expect(await kubectl(['get', 'deployments', '-n', ns, '-o', 'name'])).toBe('');

    // No hot loop: while nothing changes, no retries and no further refused writes. (The status
    // write of the refusal runs the pass once more; give it a moment to be counted.)
    await new Promise((r) => setTimeout(r, 1000));
    const before = await operator.current().metrics();
    await new Promise((r) => setTimeout(r, 5000));
    const after = await operator.current().metrics();
    // A policy's denial is a 403 (422 with other reasons): count every refused PATCH.
    const refusedPatches = (m: string) => ['400', '403', '422'].reduce((n, code) => n + metricSum(m, 'rest_client_requests_total', { code, method: 'PATCH' }), 0);
    expect(refusedPatches(before)).toBeGreaterThan(0);
    expect(metricSum(after, 'controller_runtime_terminal_reconcile_errors_total', { controller: 'service' })).toBeGreaterThan(0);
    expect(refusedPatches(after)).toBe(refusedPatches(before));
    expect(metricSum(after, 'workqueue_retries_total', { name: 'service' })).toBe(metricSum(before, 'workqueue_retries_total', { name: 'service' }));
    const events = await warnings(ns);
    expect(events).toHaveLength(1);
    expect(events[0]).toEqual(expect.objectContaining({ count: 1, message: refused.message }));

    // Allowed again, the Service runs once it changes (here: a touch).
    await allow();
    await kubectl(['annotate', 'ecssvc/web', '-n', ns, 'example.com/touched=1']);
    const svc = await steady(ns, 2);
    expect(condition(svc, 'Ready')).toEqual(expect.objectContaining({ status: 'True' }));
    const deployment = await kubectlJson(['get', 'deployment', 'web', '-n', ns]);
    expect(svc.status.children).toEqual([{ kind: 'Deployment', name: 'web', generation: deployment.metadata.generation }]);
  });

  test('a revision the apiserver refuses shows on the TaskDefinition, and is registered once allowed', async () => {
    const ns = await namespaces.create('fail-td');
    // A quota of no ControllerRevisions: the create of revision 1 is refused (403).
    await apply([{ apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'no-revisions', namespace: ns }, spec: { hard: { 'count/controllerrevisions.apps': '0' } } }]);
    await waitFor('the quota to be counted', async () => (await kubectlJson(['get', 'resourcequota', 'no-revisions', '-n', ns])).status?.hard !== undefined);
    await apply([taskDefinition(ns, 'nginx:1.27')]);
    const accepted = await waitFor('the refusal on the TaskDefinition', async () => {
      const td = await kubectlJson(['get', 'taskdefinition', 'web', '-n', ns]);
      const c = condition(td, 'Accepted');
      return c?.reason === 'ApplyFailed' ? c : undefined;
    });
    expect(accepted).toEqual(expect.objectContaining({ status: 'False', message: expect.stringMatching(/^register ControllerRevision web-1 failed: .*exceeded quota: no-revisions/) }));
    const events = (await kubectlJson<{ items: any[] }>(['get', 'events', '-n', ns, '--field-selector', 'involvedObject.kind=TaskDefinition,type=Warning'])).items;
    expect(events.map((e) => [e.reason, e.message])).toEqual([['ApplyFailed', accepted.message]]);

    await kubectl(['delete', 'resourcequota', 'no-revisions', '-n', ns]);
    await kubectl(['annotate', 'taskdefinition/web', '-n', ns, 'example.com/touched=1']);
    const registered = await waitFor('revision 1', async () => {
      const td = await kubectlJson(['get', 'taskdefinition', 'web', '-n', ns]);
      return td.status?.revision === 1 ? td : undefined;
    });
    expect(condition(registered, 'Accepted')).toEqual(expect.objectContaining({ status: 'True', reason: 'Registered' }));
  });

  test('a Deployment edited while the operator was stopped gets the Service spec back after it starts; a converged restart then writes nothing, task role ServiceAccount included', async () => {
    const ns = await namespaces.create('fail-drift');
    // With a task role: its ServiceAccount, shared by the role's Services, is written only when it lacks something.
    await apply([taskDefinition(ns, 'nginx:1.27', { taskRoleArn: 'arn:aws:iam::123456789012:role/web' }), service(ns, 1)]);
    await steady(ns, 1);
    expect((await kubectlJson(['get', 'serviceaccount', 'task-role-web', '-n', ns])).metadata.annotations['eks.amazonaws.com/role-arn']).toBe('arn:aws:iam::123456789012:role/web');
    expect(await operator.current().stop()).toBe(0);
    await kubectl(['set', 'image', 'deployment/web', 'app=nginx:1.28', '-n', ns]);
    await operator.restart();
    await waitFor('the image of the task definition back on Deployment web', async () => {
      const d = await kubectlJson(['get', 'deployment', 'web', '-n', ns]);
      return d.spec.template.spec.containers[0].image === 'nginx:1.27';
    });
    await steady(ns, 1);

    const metrics = await metricsAfterRestart(operator);
    expect(metricSum(metrics, 'controller_runtime_reconcile_total', { controller: 'service' })).toBeGreaterThan(0);
    expect(writes(metrics)).toBe(0);
    expect(metricSum(metrics, 'berth_apiserver_warnings_total')).toBe(0);
  });
});

describe('refused child applies (short resync)', () => {
  useOperator(['--resync-period=10s']);
  const namespaces = useNamespaces();

  test('a refusal is tried again on the periodic resync, with nothing touched', async () => {
    const ns = await namespaces.create('fail-resync');
    const allow = await namespaces.deny(ns);
    await apply([taskDefinition(ns, 'nginx:1.27'), service(ns, 1)]);
    await refusedCondition(ns);
    await allow();
    const svc = await steady(ns, 1);
    expect(condition(svc, 'Ready')).toEqual(expect.objectContaining({ status: 'True' }));
  });
});
