import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseArgs } from '../../src/cli/args.js';
import { runCommand } from '../../src/cli/run.js';
import { fargateSettings, WEBHOOK_SWITCHES } from '../../src/cli/run-webhook.js';
import { kubectl, kubectlJson, newNamespace, testCluster, waitFor, yamlDocs } from './cluster.js';

// The chart in helm/berth: it lints, renders what the operator needs and nothing more, and
// installs on a real apiserver, where its RBAC lets the operator's service account make exactly
// the requests the operator makes. The operator image does not exist here; kwok runs the pods
// regardless, which is enough to see the Deployment, Services and RBAC at work.

const CHART = join(process.cwd(), 'helm', 'berth');
const execFileAsync = promisify(execFile);

async function helm(args: string[]): Promise<string> {
  const { bins, kubeconfig } = testCluster();
  try {
    const { stdout } = await execFileAsync(bins.helm, [...args, '--kubeconfig', kubeconfig], { maxBuffer: 32 * 1024 * 1024 });
    return stdout;
  } catch (e) {
    const err = e as Error & { stderr?: string };
    throw new Error(`helm ${args.join(' ')}: ${err.stderr?.trim() || err.message}`, { cause: e });
  }
}

type Rule = { apiGroups: string[]; resources: string[]; verbs: string[]; resourceNames?: string[] };

/** Every request the operator makes across the cluster. */
const CLUSTER_RULES: Rule[] = [
  { apiGroups: ['ecs.berth.dev'], resources: ['taskdefinitions'], verbs: ['list', 'watch', 'patch'] },
  { apiGroups: ['ecs.berth.dev'], resources: ['services', 'fargateprofiles'], verbs: ['list', 'watch'] },
  { apiGroups: ['ecs.berth.dev'], resources: ['taskdefinitions/status', 'services/status', 'fargateprofiles/status'], verbs: ['patch'] },
  { apiGroups: ['ecs.berth.dev'], resources: ['taskdefinitions/finalizers', 'services/finalizers'], verbs: ['update'] },
  { apiGroups: ['apps'], resources: ['controllerrevisions'], verbs: ['list', 'watch', 'create'] },
  { apiGroups: ['apps'], resources: ['deployments', 'daemonsets'], verbs: ['list', 'watch', 'create', 'patch'] },
  { apiGroups: [''], resources: ['serviceaccounts'], verbs: ['list', 'watch', 'create', 'patch'] },
  { apiGroups: [''], resources: ['services'], verbs: ['list', 'watch', 'create', 'patch', 'delete'] },
  { apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers'], verbs: ['list', 'watch', 'create', 'patch', 'delete'] },
  { apiGroups: ['apps'], resources: ['replicasets'], verbs: ['list', 'watch'] },
  { apiGroups: [''], resources: ['pods'], verbs: ['list', 'watch'] },
  { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] },
  { apiGroups: [''], resources: ['namespaces'], verbs: ['list', 'watch', 'patch'] },
  { apiGroups: [''], resources: ['nodes'], verbs: ['list', 'watch'] },
  { apiGroups: ['node.k8s.io'], resources: ['runtimeclasses'], verbs: ['list', 'watch'] },
];

const WEBHOOK_RULES: Rule[] = [
  { apiGroups: ['admissionregistration.k8s.io'], resources: ['mutatingwebhookconfigurations', 'validatingwebhookconfigurations'], verbs: ['create'] },
  {
    apiGroups: ['admissionregistration.k8s.io'],
    resources: ['mutatingwebhookconfigurations'],
    resourceNames: ['berth-pods'],
    verbs: ['get', 'list', 'watch', 'patch', 'delete'],
  },
  {
    apiGroups: ['admissionregistration.k8s.io'],
    resources: ['validatingwebhookconfigurations'],
    resourceNames: ['berth-pods', 'berth-resources'],
    verbs: ['get', 'list', 'watch', 'patch', 'delete'],
  },
];

/** In the operator's own namespace. */
const LEASE_RULES: Rule[] = [
  { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create'] },
  { apiGroups: ['coordination.k8s.io'], resources: ['leases'], resourceNames: ['berth-operator'], verbs: ['get', 'update'] },
];
const SECRET_RULES: Rule[] = [
  { apiGroups: [''], resources: ['secrets'], verbs: ['create'] },
  { apiGroups: [''], resources: ['secrets'], resourceNames: ['berth-webhook-certs'], verbs: ['get', 'update'] },
];

async function render(release: string, namespace: string, set: string[] = []): Promise<any[]> {
  return yamlDocs(await helm(['template', release, CHART, '--namespace', namespace, ...set.flatMap((s) => ['--set', s])]));
}

function one(docs: any[], kind: string, name?: string): any {
  const found = docs.filter((d) => d.kind === kind && (name === undefined || d.metadata.name === name));
  if (found.length !== 1) throw new Error(`expected one ${kind} ${name ?? ''}, found ${found.length}`);
  return found[0];
}

const kinds = (docs: any[]) => docs.map((d) => `${d.kind}/${d.metadata.name}`).sort();
const operatorContainer = (docs: any[]) => one(docs, 'Deployment').spec.template.spec.containers[0];

/** The chart's args as `berth run` reads them: every flag is one it documents. */
function parseRunArgs(args: string[]) {
  const parsed = parseArgs(args, ['leader-elect', ...WEBHOOK_SWITCHES]);
  for (const name of parsed.options.keys()) expect(runCommand.usage).toMatch(new RegExp(`--${name}[ ,\\n]`));
  return parsed;
}

describe('helm lint and template', () => {
  it('lints, with defaults and without the webhook', async () => {
    await helm(['lint', '--strict', CHART]);
    await helm(['lint', '--strict', CHART, '--set', 'webhook.enabled=false', '--set', 'replicas=1']);
  });

  it('renders the operator, its RBAC and Services, and never a webhook configuration', async () => {
    const docs = await render('berth', 'berth-system');
    expect(kinds(docs)).toEqual([
      'ClusterRole/berth', 'ClusterRoleBinding/berth', 'Deployment/berth', 'PodDisruptionBudget/berth',
      'Role/berth', 'RoleBinding/berth', 'Service/berth-metrics', 'Service/berth-webhook', 'ServiceAccount/berth',
    ]);

    expect(one(docs, 'ClusterRole').rules).toEqual([...CLUSTER_RULES, ...WEBHOOK_RULES]);
    expect(one(docs, 'Role').rules).toEqual([...LEASE_RULES, ...SECRET_RULES]);
    for (const binding of [one(docs, 'ClusterRoleBinding'), one(docs, 'RoleBinding')]) {
      expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'berth', namespace: 'berth-system' }]);
    }

    const deployment = one(docs, 'Deployment');
    expect(deployment.spec.replicas).toBe(2);
    const pod = deployment.spec.template.spec;
    expect(pod.serviceAccountName).toBe('berth');
    expect(pod.securityContext).toEqual(expect.objectContaining({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } }));
    expect(pod.topologySpreadConstraints.map((c: any) => [c.topologyKey, c.whenUnsatisfiable])).toEqual([
      ['kubernetes.io/hostname', 'ScheduleAnyway'],
      ['topology.kubernetes.io/zone', 'ScheduleAnyway'],
    ]);

    const container = operatorContainer(docs);
    expect(container.image).toBe('berth:0.1.0');
    expect(container.args).toEqual([
      '--namespace=berth-system',
      '--leader-elect',
      '--leader-election-namespace=berth-system',
      '--probe-address=0.0.0.0:8080',
      '--qps=50',
      '--burst=100',
      '--log-level=info',
      '--resync-period=10h',
      '--default-runtime-class=berth-isolated',
      '--webhook-address=0.0.0.0:9443',
      '--webhook-service=berth-system/berth-webhook:443',
    ]);
    const settings = fargateSettings(parseRunArgs(container.args), { inCluster: true, podNamespace: 'berth-system' });
    expect(settings).toEqual({
      namespace: 'berth-system',
      defaultRuntimeClassName: 'berth-isolated',
      webhook: { host: '0.0.0.0', port: 9443, service: { namespace: 'berth-system', name: 'berth-webhook', port: 443 } },
    });
    expect(container.env).toEqual([{ name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } }]);
    expect(container.ports).toEqual([
      { name: 'http-metrics', containerPort: 8080, protocol: 'TCP' },
      { name: 'webhook', containerPort: 9443, protocol: 'TCP' },
    ]);
    expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http-metrics' });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http-metrics' });
    expect(container.securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });

    expect(one(docs, 'Service', 'berth-webhook').spec.ports).toEqual([{ name: 'https', port: 443, targetPort: 'webhook', protocol: 'TCP' }]);
    expect(one(docs, 'Service', 'berth-metrics').spec.ports).toEqual([{ name: 'http-metrics', port: 8080, targetPort: 'http-metrics', protocol: 'TCP' }]);
    for (const svc of docs.filter((d) => d.kind === 'Service')) expect(svc.spec.selector).toEqual(deployment.spec.selector.matchLabels);
    expect(one(docs, 'PodDisruptionBudget').spec).toEqual({ minAvailable: 1, selector: deployment.spec.selector });
  });

  it('renders without the webhook and with one replica', async () => {
    const docs = await render('berth', 'ops', ['webhook.enabled=false', 'replicas=1']);
    expect(kinds(docs)).toEqual(['ClusterRole/berth', 'ClusterRoleBinding/berth', 'Deployment/berth', 'Role/berth', 'RoleBinding/berth', 'Service/berth-metrics', 'ServiceAccount/berth']);
    expect(one(docs, 'ClusterRole').rules).toEqual(CLUSTER_RULES);
    expect(one(docs, 'Role').rules).toEqual(LEASE_RULES);

    const container = operatorContainer(docs);
    expect(container.args).toEqual(expect.arrayContaining(['--namespace=ops', '--leader-elect', '--no-webhook']));
    expect(container.args.filter((a: string) => a.startsWith('--webhook'))).toEqual([]);
    expect(fargateSettings(parseRunArgs(container.args), { inCluster: true, podNamespace: 'ops' })).toEqual({ namespace: 'ops', defaultRuntimeClassName: 'berth-isolated' });
    expect(container.ports.map((p: any) => p.name)).toEqual(['http-metrics']);
    expect(one(docs, 'Deployment').spec.replicas).toBe(1);
    expect(one(docs, 'Deployment').spec.template.spec.topologySpreadConstraints).toBeUndefined();
  });

  it('renders a ServiceMonitor on the metrics Service, and takes the placement and image values', async () => {
    const docs = await render('ops', 'ops', [
      'metrics.serviceMonitor.enabled=true',
      'metrics.serviceMonitor.labels.release=prometheus',
      'image.repository=registry.example/berth',
      'image.tag=dev',
      'priorityClassName=system-cluster-critical',
      'nodeSelector.pool=system',
      'tolerations[0].key=dedicated',
      'tolerations[0].operator=Exists',
      'leaderElection.enabled=false',
      'webhook.enabled=false',
    ]);
    const monitor = one(docs, 'ServiceMonitor');
    const metrics = one(docs, 'Service', 'ops-berth-metrics');
    expect(monitor.metadata.labels.release).toBe('prometheus');
    const selected = docs.filter((d) => d.kind === 'Service' && Object.entries(monitor.spec.selector.matchLabels).every(([k, v]) => d.metadata.labels[k] === v));
    expect(selected).toEqual([metrics]);
    expect(monitor.spec.endpoints).toEqual([{ port: 'http-metrics', path: '/metrics', interval: '30s' }]);

    // Neither a Lease nor certificates to keep: no Role at all.
    expect(docs.filter((d) => d.kind === 'Role' || d.kind === 'RoleBinding')).toEqual([]);
    const container = operatorContainer(docs);
    expect(container.image).toBe('registry.example/berth:dev');
    expect(container.args).not.toContain('--leader-elect');
    const pod = one(docs, 'Deployment').spec.template.spec;
    expect([pod.priorityClassName, pod.nodeSelector, pod.tolerations]).toEqual(['system-cluster-critical', { pool: 'system' }, [{ key: 'dedicated', operator: 'Exists' }]]);
  });

  it('keeps names within 63 characters and binds a given service account', async () => {
    const release = 'a-release-name-as-long-as-helm-allows-it-fifty-three';
    const docs = await render(release, 'ops', ['serviceAccount.create=false', 'serviceAccount.name=operator']);
    for (const d of docs) expect(d.metadata.name.length).toBeLessThanOrEqual(63);
    expect(docs.filter((d) => d.kind === 'ServiceAccount')).toEqual([]);
    expect(one(docs, 'ClusterRoleBinding').subjects[0].name).toBe('operator');
    const service = one(docs, 'Service', `${one(docs, 'Deployment').metadata.name}-webhook`);
    expect(operatorContainer(docs).args).toContain(`--webhook-service=ops/${service.metadata.name}:443`);
    await expect(render('berth', 'ops', ['serviceAccount.create=false'])).rejects.toThrow(/serviceAccount.name is required/);
  });
});

/** `kubectl auth can-i` as the operator's service account: exit 0 and "yes", or exit 1 and "no". */
async function canI(sa: { namespace: string; name: string }, verb: string, resource: string, namespace: string, subresource?: string): Promise<boolean> {
  const { bins, kubeconfig } = testCluster();
  const args = ['--kubeconfig', kubeconfig, 'auth', 'can-i', verb, resource, '-n', namespace, `--as=system:serviceaccount:${sa.namespace}:${sa.name}`];
  if (subresource) args.push(`--subresource=${subresource}`);
  try {
    const { stdout } = await execFileAsync(bins.kubectl, args);
    return stdout.trim() === 'yes';
  } catch (e) {
    const err = e as Error & { code?: number; stdout?: string };
    if (err.code === 1 && err.stdout?.trim() === 'no') return false;
    throw e;
  }
}

type Request = [verb: string, resource: string, subresource?: string];

/** Each verb on each resource a rule grants, as can-i arguments. */
function requests(rules: Rule[]): Request[] {
  const out: Request[] = [];
  for (const rule of rules) {
    for (const full of rule.resources) {
      const [plural, subresource] = full.split('/');
      const resource = rule.apiGroups[0] ? `${plural}.${rule.apiGroups[0]}` : plural;
      for (const verb of rule.verbs) {
        for (const name of rule.resourceNames ?? [undefined]) out.push([verb, name ? `${resource}/${name}` : resource, subresource]);
      }
    }
  }
  return out;
}

/** Asks each request as the service account; every answer must be `answer`. */
async function expectAnswers(sa: { namespace: string; name: string }, asked: Request[], namespace: string, answer: 'yes' | 'no'): Promise<void> {
  const line = ([verb, resource, sub]: Request, allowed: boolean) => `${verb} ${resource}${sub ? `/${sub}` : ''}: ${allowed ? 'yes' : 'no'}`;
  const got = await Promise.all(asked.map(async (r) => line(r, await canI(sa, r[0], r[1], namespace, r[2]))));
  expect(got).toEqual(asked.map((r) => line(r, answer === 'yes')));
}

describe('helm install on a real apiserver', () => {
  let ns: string;
  let plain: string;
  let release: string;
  let plainRelease: string;
  const installed: { release: string; namespace: string }[] = [];

  beforeAll(async () => {
    [ns, plain] = await Promise.all([newNamespace('helm'), newNamespace('helm-plain')]);
    release = `berth-${ns.slice(-6)}`;
    plainRelease = `berth-${plain.slice(-6)}`;
    // Two releases side by side: cluster-scoped names must not collide.
    installed.push({ release, namespace: ns }, { release: plainRelease, namespace: plain });
    const [notes] = await Promise.all([
      helm(['install', release, CHART, '--namespace', ns]),
      helm(['install', plainRelease, CHART, '--namespace', plain, '--set', 'webhook.enabled=false', '--set', 'replicas=1']),
    ]);
    expect(notes).toContain(`kubectl -n ${ns} logs deploy/${release}`);
    expect(notes).toContain('kubectl get ecs -A');
  });

  afterAll(async () => {
    for (const { release: r, namespace } of installed) {
      await helm(['uninstall', r, '--namespace', namespace, '--ignore-not-found']).catch(() => undefined);
      await kubectl(['delete', 'clusterrole,clusterrolebinding', r, '--ignore-not-found']).catch(() => undefined);
      await kubectl(['delete', 'namespace', namespace, '--wait=false', '--ignore-not-found']).catch(() => undefined);
    }
  });

  it('runs the Deployment’s pods, behind the webhook and metrics Services', async () => {
    const pods = await waitFor('two running operator pods', async () => {
      const list = await kubectlJson<{ items: any[] }>(['get', 'pods', '-n', ns, '-l', `app.kubernetes.io/instance=${release}`]);
      return list.items.length === 2 && list.items.every((p) => p.status.phase === 'Running') ? list.items : undefined;
    });
    for (const pod of pods) {
      expect(pod.spec.serviceAccountName).toBe(release);
      expect(pod.spec.containers[0].args).toContain(`--webhook-service=${ns}/${release}-webhook:443`);
    }
    const slices = await waitFor('the webhook Service’s endpoints', async () => {
      const list = await kubectlJson<{ items: any[] }>(['get', 'endpointslices', '-n', ns, '-l', `kubernetes.io/service-name=${release}-webhook`]);
      const ready = list.items.flatMap((s) => (s.endpoints ?? []).filter((e: any) => e.conditions?.ready));
      return ready.length === 2 ? list.items : undefined;
    });
    expect(slices.flatMap((s) => s.ports.map((p: any) => p.port))).toEqual([9443]);

    for (const [kind, name] of [['serviceaccount', release], ['service', `${release}-webhook`], ['service', `${release}-metrics`], ['role', release], ['rolebinding', release], ['poddisruptionbudget', release]]) {
      await kubectl(['get', kind, name, '-n', ns]);
    }
    for (const [kind, name] of [['clusterrole', release], ['clusterrolebinding', release], ['clusterrole', plainRelease], ['clusterrolebinding', plainRelease]]) {
      await kubectl(['get', kind, name]);
    }
    const plainKinds = (await kubectl(['get', 'deployment,service,poddisruptionbudget,role', '-n', plain, '-o', 'name'])).trim().split('\n').sort();
    expect(plainKinds).toEqual([`deployment.apps/${plainRelease}`, `role.rbac.authorization.k8s.io/${plainRelease}`, `service/${plainRelease}-metrics`]);
  });

  it('lets the operator make every request it makes', async () => {
    const sa = { namespace: ns, name: release };
    // Asked about another namespace: the cluster-wide rules must not depend on the operator's own.
    await expectAnswers(sa, requests([...CLUSTER_RULES, ...WEBHOOK_RULES]), plain, 'yes');
    await expectAnswers(sa, requests([...LEASE_RULES, ...SECRET_RULES]), ns, 'yes');

    // The webhook configurations are watched by name, which RBAC allows only with that field selector.
    const as = `--as=system:serviceaccount:${ns}:${release}`;
    await kubectl(['get', 'mutatingwebhookconfigurations,validatingwebhookconfigurations', '--field-selector', 'metadata.name=berth-pods', as]);
    await kubectl(['get', 'validatingwebhookconfigurations', '--field-selector', 'metadata.name=berth-resources', as]);
    await expect(kubectl(['get', 'mutatingwebhookconfigurations', as])).rejects.toThrow(/forbidden/);
  });

  it('lets it do nothing else', async () => {
    const sa = { namespace: ns, name: release };
    await expectAnswers(sa, [
      ['delete', 'nodes'],
      ['patch', 'nodes'],
      ['get', 'secrets'],
      ['get', 'secrets/berth-webhook-certs'],
      ['list', 'secrets'],
      ['get', 'configmaps'],
      ['create', 'pods'],
      ['delete', 'pods'],
      ['update', 'deployments.apps'],
      ['delete', 'deployments.apps'],
      ['delete', 'daemonsets.apps'],
      ['delete', 'controllerrevisions.apps'],
      ['create', 'namespaces'],
      ['delete', 'namespaces'],
      ['create', 'taskdefinitions.ecs.berth.dev'],
      ['delete', 'taskdefinitions.ecs.berth.dev'],
      ['patch', 'services.ecs.berth.dev'],
      ['patch', 'fargateprofiles.ecs.berth.dev'],
      ['update', 'leases.coordination.k8s.io'],
      ['patch', 'mutatingwebhookconfigurations.admissionregistration.k8s.io/other'],
      ['delete', 'validatingwebhookconfigurations.admissionregistration.k8s.io/other'],
      ['patch', 'mutatingwebhookconfigurations.admissionregistration.k8s.io/berth-resources'],
      ['list', 'mutatingwebhookconfigurations.admissionregistration.k8s.io'],
      ['create', 'clusterroles.rbac.authorization.k8s.io'],
      ['bind', 'clusterroles.rbac.authorization.k8s.io'],
      ['impersonate', 'serviceaccounts'],
      ['*', '*'],
    ], plain, 'no');
    // In its own namespace, only the two objects it keeps there, and only as it uses them.
    await expectAnswers(sa, [
      ['list', 'secrets'],
      ['get', 'secrets/other'],
      ['delete', 'secrets/berth-webhook-certs'],
      ['get', 'leases.coordination.k8s.io/other'],
      ['delete', 'leases.coordination.k8s.io/berth-operator'],
    ], ns, 'no');
    // Without the webhook, neither its configurations nor a Secret are within reach.
    await expectAnswers({ namespace: plain, name: plainRelease }, [
      ['create', 'mutatingwebhookconfigurations.admissionregistration.k8s.io'],
      ['get', 'validatingwebhookconfigurations.admissionregistration.k8s.io/berth-pods'],
      ['get', 'validatingwebhookconfigurations.admissionregistration.k8s.io/berth-resources'],
      ['create', 'secrets'],
      ['get', 'secrets/berth-webhook-certs'],
    ], plain, 'no');
  });

  it('uninstalls, leaving the CRDs', async () => {
    for (const { release: r, namespace } of installed) await helm(['uninstall', r, '--namespace', namespace]);
    for (const r of [release, plainRelease]) {
      expect(await kubectl(['get', 'clusterrole,clusterrolebinding', '-l', `app.kubernetes.io/instance=${r}`, '-o', 'name'])).toBe('');
    }
    await waitFor('the releases’ objects to go', async () => {
      const left = await Promise.all(installed.map(({ release: r, namespace }) =>
        kubectl(['get', 'deployment,pods,service,serviceaccount,role,rolebinding,poddisruptionbudget', '-n', namespace, '-l', `app.kubernetes.io/instance=${r}`, '-o', 'name'])));
      return left.join('') === '';
    });
    const crds = (await kubectl(['get', 'crd', '-l', 'app.kubernetes.io/part-of=berth', '-o', 'name'])).trim().split('\n').sort();
    expect(crds).toEqual([
      'customresourcedefinition.apiextensions.k8s.io/fargateprofiles.ecs.berth.dev',
      'customresourcedefinition.apiextensions.k8s.io/services.ecs.berth.dev',
      'customresourcedefinition.apiextensions.k8s.io/taskdefinitions.ecs.berth.dev',
    ]);
  });
});
