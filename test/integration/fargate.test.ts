import { randomBytes } from 'node:crypto';
import { X509Certificate } from 'node:crypto';
import { stringify } from 'yaml';
import type { ProfileLike } from '../../src/fargate/profile.js';
import { selectsNamespace } from '../../src/fargate/profile.js';
import { freePort } from '../../src/local/ports.js';
import { kubectl, kubectlJson, newNamespace, waitFor } from './cluster.js';
import { metricSum } from '../../src/bench/measure.js';
import { installCrds, startOperator, type OperatorProcess } from './operator.js';

// FargateProfiles end to end: the operator process labels the namespaces profiles select,
// serves the pod webhook on 127.0.0.1 and registers it by URL, and the real apiserver, scheduler
// and RuntimeClass admission put routed pods on the isolated node pool. Profiles are
// cluster-scoped and the cluster is shared, so each has a unique name and is deleted afterwards;
// the tests hold whether or not other profiles (such as the example default-fargate) exist.

const suffix = randomBytes(3).toString('hex');
const LABEL = 'ecs.berth.dev/fargate';
const profileNames: string[] = [];
const namespaces: string[] = [];
let operator: OperatorProcess;
let port: number;

async function createProfile(name: string, spec: Record<string, unknown>): Promise<string> {
  profileNames.push(name);
  await kubectl(['create', '-f', '-'], stringify({ apiVersion: 'ecs.berth.dev/v1alpha1', kind: 'FargateProfile', metadata: { name }, spec }));
  return name;
}

async function namespace(prefix: string): Promise<string> {
  const ns = await newNamespace(prefix);
  namespaces.push(ns);
  return ns;
}

const profileStatus = async (name: string) => (await kubectlJson(['get', 'fargateprofile', name])).status ?? {};
const labelOf = async (ns: string): Promise<string | undefined> => (await kubectlJson(['get', 'namespace', ns])).metadata.labels?.[LABEL];

function pod(name: string, labels: Record<string, string>, spec: Record<string, unknown> = {}) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels },
    spec: { containers: [{ name: 'app', image: 'nginx', resources: { requests: { cpu: '100m', memory: '128Mi' } } }], ...spec },
  };
}

/** The pod as the apiserver would store it: a server-side dry run goes through the webhooks. */
async function dryRun(ns: string, object: object): Promise<any> {
  return JSON.parse(await kubectl(['create', '--dry-run=server', '-n', ns, '-o', 'json', '-f', '-'], JSON.stringify(object)));
}

async function create(ns: string, object: object): Promise<any> {
  await kubectl(['create', '-n', ns, '-f', '-'], JSON.stringify(object));
  return kubectlJson(['get', 'pod', (object as any).metadata.name, '-n', ns]);
}

/** Waits until the webhook routes a pod of the namespace: the label is on and the apiserver has the configuration. */
async function untilRouted(ns: string, labels: Record<string, string>): Promise<void> {
  await waitFor(`namespace ${ns} labelled`, async () => (await labelOf(ns)) === 'true');
  await waitFor(`the webhook to route pods in ${ns}`, async () => !!(await dryRun(ns, pod('probe', labels))).spec.runtimeClassName);
}

async function nodePool(ns: string, name: string): Promise<string> {
  const nodeName = await waitFor(`pod ${name} scheduled`, async () => (await kubectlJson(['get', 'pod', name, '-n', ns])).spec.nodeName as string | undefined);
  return (await kubectlJson(['get', 'node', nodeName])).metadata.labels['ecs.berth.dev/pool'];
}

beforeAll(async () => {
  await installCrds();
  port = await freePort();
  operator = await startOperator(['--webhook-address', `127.0.0.1:${port}`]);
});

afterAll(async () => {
  for (const name of profileNames) await kubectl(['delete', 'fargateprofile', name, '--ignore-not-found']);
  expect(await operator.stop()).toBe(0);
  // Registered by URL: the configurations leave with the operator, unless another operator took over.
  for (const kind of ['mutatingwebhookconfiguration', 'validatingwebhookconfiguration']) {
    const left = await kubectl(['get', kind, '-o', 'json']).then((t) => JSON.parse(t).items as any[]);
    expect(left.filter((c) => c.webhooks?.some((w: any) => w.clientConfig?.url?.includes(`:${port}/`)))).toEqual([]);
  }
  for (const ns of namespaces) await kubectl(['delete', 'namespace', ns, '--wait=false', '--ignore-not-found']);
});

describe('FargateProfiles and the pod webhook', () => {
  let ns: string;
  let profile: string;

  beforeAll(async () => {
    ns = await namespace('fargate');
    profile = await createProfile(`it-${suffix}-a`, { selectors: [{ namespace: ns, labels: { tier: 'isolated' } }] });
    await untilRouted(ns, { tier: 'isolated' });
  });

  test('a matching pod gets the runtime class, the profile label and CapacityProvisioned, and runs on an isolated node', async () => {
    const routed = await create(ns, pod('isolated', { tier: 'isolated' }));
    expect(routed.spec.runtimeClassName).toBe('berth-isolated');
    expect(routed.metadata.labels['ecs.berth.dev/fargate-profile']).toBe(profile);
    expect(routed.metadata.annotations.CapacityProvisioned).toBe('0.25vCPU 0.5GB');
    expect(routed.spec.resources).toEqual({ requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '250m', memory: '256Mi' } });
    // Kubernetes' own RuntimeClass admission adds the isolated pool's scheduling.
    expect(routed.spec.nodeSelector).toEqual({ 'ecs.berth.dev/pool': 'isolated' });
    expect(routed.spec.tolerations).toContainEqual({ key: 'ecs.berth.dev/isolated', operator: 'Equal', value: 'true', effect: 'NoSchedule' });
    expect(await nodePool(ns, 'isolated')).toBe('isolated');
  });

  test('a pod that matches no profile runs on an ordinary node, untouched', async () => {
    const plain = await create(ns, pod('plain', { tier: 'web' }));
    expect(plain.spec.runtimeClassName).toBeUndefined();
    expect(plain.metadata.annotations?.CapacityProvisioned).toBeUndefined();
    expect(await nodePool(ns, 'plain')).toBe('general');
  });

  test('a matching privileged pod is refused with a message naming the profile and the rule', async () => {
    const privileged = pod('privileged', { tier: 'isolated' }, { containers: [{ name: 'app', image: 'nginx', securityContext: { privileged: true } }] });
    await expect(create(ns, privileged)).rejects.toThrow(`admission webhook "pods.fargate.ecs.berth.dev" denied the request: FargateProfile "${profile}" refuses the pod: Privileged: container "app" is privileged`);
    await expect(create(ns, pod('host', { tier: 'isolated' }, { hostNetwork: true }))).rejects.toThrow('HostNetwork:');
  });

  test('the profile reports itself Active, with the pods it routed and refused', async () => {
    const status = await waitFor('the counts in the status', async () => {
      const s = await profileStatus(profile);
      return s.podsRouted >= 1 && s.podsRefused >= 2 ? s : undefined;
    });
    expect(status.podsRouted).toBe(1); // dry runs are not counted
    expect(status.podsRefused).toBe(2);
    expect(status.recentRefusals.map((r: any) => [r.namespace, r.pod, r.reason])).toEqual([[ns, 'host', 'HostNetwork'], [ns, 'privileged', 'Privileged']]);
    expect(status.observedGeneration).toBe(1);
    expect(status.conditions).toEqual([expect.objectContaining({ type: 'Active', status: 'True', reason: 'Active', observedGeneration: 1 })]);
  });

  test('a dry run is routed and refused like a real request', async () => {
    expect((await dryRun(ns, pod('dry', { tier: 'isolated' }))).metadata.annotations.CapacityProvisioned).toBe('0.25vCPU 0.5GB');
    await expect(dryRun(ns, pod('dry', { tier: 'isolated' }, { hostPID: true }))).rejects.toThrow('HostPID:');
  });

  test('the webhook configurations: Pod CREATE, labelled namespaces only, fail closed, our URL and CA', async () => {
    for (const [kind, path] of [['mutatingwebhookconfiguration', 'mutate-pods'], ['validatingwebhookconfiguration', 'validate-pods']]) {
      const config = await kubectlJson(['get', kind, 'berth-pods']);
      const [webhook] = config.webhooks;
      expect(webhook).toEqual(expect.objectContaining({
        failurePolicy: 'Fail',
        sideEffects: 'None',
        timeoutSeconds: 5,
        admissionReviewVersions: ['v1'],
        namespaceSelector: {
          matchLabels: { [LABEL]: 'true' },
          matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['berth-system', 'kube-system'] }],
        },
      }));
      expect(webhook.rules).toEqual([expect.objectContaining({ operations: ['CREATE'], resources: ['pods'] })]);
      expect(webhook.clientConfig.url).toBe(`https://127.0.0.1:${port}/${path}`);
      const ca = new X509Certificate(Buffer.from(webhook.clientConfig.caBundle, 'base64').toString());
      expect(ca.ca).toBe(true);
    }
  });

  test('a deleted webhook configuration is put back', async () => {
    await kubectl(['delete', 'validatingwebhookconfiguration', 'berth-pods']);
    await waitFor('the validating configuration back', async () => (await kubectl(['get', 'validatingwebhookconfiguration', '-o', 'name'])).includes('berth-pods'));
  });

  test('admissions are counted by webhook, operation and result', async () => {
    const metrics = await operator.metrics();
    expect(metricSum(metrics, 'berth_admission_requests_total', { webhook: 'mutate', operation: 'CREATE', result: 'routed' })).toBeGreaterThan(0);
    expect(metricSum(metrics, 'berth_admission_requests_total', { webhook: 'validate', result: 'routed' })).toBeGreaterThan(0);
    expect(metricSum(metrics, 'berth_admission_requests_total', { webhook: 'mutate', result: 'refused' })).toBeGreaterThanOrEqual(2);
    expect(metricSum(metrics, 'berth_admission_duration_seconds_count', { webhook: 'mutate' })).toBeGreaterThan(0);
    expect(metricSum(metrics, 'berth_webhook_certificate_expiry_timestamp_seconds')).toBeGreaterThan(Date.now() / 1000);
  });
});

describe('namespace labels follow the profiles', () => {
  test('a profile created later labels its namespace and routes new pods; deleting it takes the label away', async () => {
    const ns = await namespace('fargate-late');
    expect((await dryRun(ns, pod('before', { tier: 'late' }))).spec.runtimeClassName).toBeUndefined();

    const name = await createProfile(`it-${suffix}-b`, { selectors: [{ namespace: ns, labels: { tier: 'late' } }] });
    await untilRouted(ns, { tier: 'late' });
    const routed = await create(ns, pod('after', { tier: 'late' }));
    expect(routed.metadata.labels['ecs.berth.dev/fargate-profile']).toBe(name);
    expect(routed.spec.runtimeClassName).toBe('berth-isolated');

    await kubectl(['delete', 'fargateprofile', name]);
    // Another profile (default-fargate selects "*") may still select the namespace.
    const others = (await kubectlJson<{ items: ProfileLike[] }>(['get', 'fargateprofiles'])).items;
    const expected = selectsNamespace(ns, others) ? 'true' : undefined;
    await waitFor(`the label of ${ns} to be ${expected ?? 'gone'}`, async () => (await labelOf(ns)) === expected);
    expect((await dryRun(ns, pod('gone', { tier: 'late' }))).spec.runtimeClassName).toBeUndefined();
  });

  test('kube-system is never labelled, nor seen by the webhook, even when a profile names it', async () => {
    const ns = await namespace('fargate-sys');
    await createProfile(`it-${suffix}-c`, { selectors: [{ namespace: 'kube-system' }, { namespace: ns }] });
    await untilRouted(ns, {});
    expect(await labelOf('kube-system')).toBeUndefined();
    const admitted = await dryRun('kube-system', pod('system', {}));
    expect(admitted.spec.runtimeClassName).toBeUndefined();
    expect(admitted.metadata.annotations?.CapacityProvisioned).toBeUndefined();
  });
});

describe('FargateProfile status', () => {
  test('a profile whose runtime class does not exist is not Active until it does', async () => {
    const runtimeClass = `missing-${suffix}`;
    const name = await createProfile(`it-${suffix}-d`, { selectors: [{ namespace: `nothing-${suffix}` }], runtimeClassName: runtimeClass });
    const inactive = await waitFor('Active=False', async () => (await profileStatus(name)).conditions?.find((c: any) => c.type === 'Active' && c.status === 'False'));
    expect(inactive.reason).toBe('RuntimeClassNotFound');
    expect(inactive.message).toContain(`RuntimeClass "${runtimeClass}" does not exist`);

    await kubectl(['create', '-f', '-'], stringify({ apiVersion: 'node.k8s.io/v1', kind: 'RuntimeClass', metadata: { name: runtimeClass }, handler: 'runc' }));
    try {
      await waitFor('Active=True', async () => (await profileStatus(name)).conditions?.find((c: any) => c.type === 'Active' && c.status === 'True'));
    } finally {
      await kubectl(['delete', 'runtimeclass', runtimeClass, '--ignore-not-found']);
    }
  });
});
