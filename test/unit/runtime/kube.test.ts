import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { CoreV1Api } from '@kubernetes/client-node';
import { KubeApiError, isConflict, isNotFound } from '../../../src/runtime/errors.js';
import { Kube } from '../../../src/runtime/kube.js';
import type { KubeObject } from '../../../src/runtime/objects.js';
import { templatePath } from '../../../src/runtime/paths.js';
import { Resources } from '../../../src/runtime/resources.js';
import { FakeApiServer } from './fake-apiserver.js';
import { capturingLogger, newMetrics, sample } from './helpers.js';

// Generous limits for loaded machines; passing runs take far less.
jest.setTimeout(20_000);

let fake: FakeApiServer;
let kube: Kube;
const metrics = newMetrics();

beforeAll(async () => {
  fake = await FakeApiServer.start();
  kube = new Kube(fake.kubeConfig(), { metrics, qps: 0 });
});
afterEach(() => {
  fake.requests.length = 0;
  fake.clearFaults();
});
afterAll(async () => {
  kube.close();
  await fake.close();
});

// Field names that client-node's typed serializer renames or drops.
const crd = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'widgets.example.com' },
  spec: {
    group: 'example.com',
    names: { plural: 'widgets', kind: 'Widget' },
    scope: 'Namespaced',
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: {
                type: 'object',
                'x-kubernetes-preserve-unknown-fields': true,
                properties: {
                  mode: { type: 'string', enum: ['a', 'b'], default: 'a' },
                  port: { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] },
                  ref: { $ref: '#/definitions/thing' },
                  list: { type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'], items: { type: 'object' } },
                },
                'x-kubernetes-validations': [{ rule: 'self.mode != "c"' }],
              },
            },
          },
        },
      },
    ],
  },
};

const networkPolicy = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name: 'only-frontend', namespace: 'default' },
  spec: {
    podSelector: { matchLabels: { app: 'api' } },
    ingress: [{ from: [{ podSelector: { matchLabels: { app: 'frontend' } } }], ports: [{ port: 8080 }] }],
    someFutureField: { kept: true },
  },
};

describe('Kube.apply', () => {
  it('sends server-side apply with the JSON body intact', async () => {
    for (const obj of [crd, networkPolicy]) {
      fake.requests.length = 0;
      const stored = await kube.apply(obj);
      const patch = fake.requests.find((r) => r.method === 'PATCH')!;
      expect(patch.headers['content-type']).toBe('application/apply-patch+yaml');
      expect(patch.query).toEqual({ fieldManager: 'berth', force: 'true', fieldValidation: 'Strict' });
      expect(patch.body).toBe(JSON.stringify(obj));
      expect(JSON.parse(patch.body)).toEqual(obj);
      expect(stored.metadata?.resourceVersion).toBeDefined();
    }
    const np = fake.getObject('networkpolicies', 'only-frontend', 'default');
    expect(np?.spec.ingress[0].from[0].podSelector.matchLabels.app).toBe('frontend');
  });

  it('uses real API paths for namespaced and cluster-scoped objects', async () => {
    await kube.apply(crd);
    await kube.apply(networkPolicy);
    expect(fake.requests.map((r) => r.path)).toEqual([
      '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com',
      '/apis/networking.k8s.io/v1/namespaces/default/networkpolicies/only-frontend',
    ]);
  });

  it('finds custom resources by discovery once', async () => {
    const widget = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w1', namespace: 'team-a' }, spec: { size: 3 } };
    await kube.apply(widget);
    await kube.apply({ ...widget, spec: { size: 4 } });
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /apis/example.com/v1',
      'PATCH /apis/example.com/v1/namespaces/team-a/widgets/w1',
      'PATCH /apis/example.com/v1/namespaces/team-a/widgets/w1',
    ]);
    expect(fake.getObject('widgets', 'w1', 'team-a')?.spec.size).toBe(4);
  });

  it('refuses a namespaced object without a namespace and an unknown kind', async () => {
    await expect(kube.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } })).rejects.toThrow(/no metadata.namespace/);
    await expect(kube.apply({ apiVersion: 'example.com/v1', kind: 'Nope', metadata: { name: 'x' } })).rejects.toThrow(/no resource for kind Nope/);
    await expect(kube.apply({ apiVersion: 'nothing.io/v1', kind: 'Thing', metadata: { name: 'x' } })).rejects.toThrow(/no resource for kind Thing/);
  });

  it('applies and merge-patches the status subresource', async () => {
    const widget = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w2', namespace: 'team-a' }, spec: { size: 1 } };
    await kube.apply(widget);
    fake.requests.length = 0;
    await kube.applyStatus({ ...widget, status: { ready: true } });
    await kube.patchStatus(widget, { observedGeneration: 1, conditions: [{ type: 'Ready', status: 'True' }] });
    const [apply, merge] = fake.requests;
    expect(apply.path).toBe('/apis/example.com/v1/namespaces/team-a/widgets/w2/status');
    expect(apply.headers['content-type']).toBe('application/apply-patch+yaml');
    expect(JSON.parse(apply.body)).toEqual({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w2', namespace: 'team-a' }, status: { ready: true } });
    expect(merge.path).toBe('/apis/example.com/v1/namespaces/team-a/widgets/w2/status');
    expect(merge.headers['content-type']).toBe('application/merge-patch+json');
    expect(JSON.parse(merge.body)).toEqual({ status: { observedGeneration: 1, conditions: [{ type: 'Ready', status: 'True' }] } });
    expect(fake.getObject('widgets', 'w2', 'team-a')?.status).toEqual({ ready: true, observedGeneration: 1, conditions: [{ type: 'Ready', status: 'True' }] });
  });

  it('fails a status patch with a stale resourceVersion with 409', async () => {
    const widget = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w3', namespace: 'team-a' } };
    await kube.apply(widget);
    const err = await kube.patchStatus(widget, { x: 1 }, { resourceVersion: '1' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KubeApiError);
    expect(isConflict(err)).toBe(true);
  });
});

describe('Kube reads and writes', () => {
  it('creates, reads, replaces with compare-and-swap and deletes', async () => {
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'default' }, data: { a: '1' } };
    const created = await kube.create(cm);
    expect(created.metadata?.resourceVersion).toBeDefined();
    const read = await kube.get<KubeObject & { data?: Record<string, string> }>(Resources.ConfigMap, 'cfg', 'default');
    expect(read?.data).toEqual({ a: '1' });
    const replaced = await kube.replace({ ...read!, data: { a: '2' } });
    expect(replaced.data).toEqual({ a: '2' });
    const stale = await kube.replace({ ...read!, data: { a: '3' } }).catch((e: unknown) => e);
    expect(isConflict(stale)).toBe(true);
    expect(await kube.create(cm).catch((e: unknown) => (e as KubeApiError).reason)).toBe('AlreadyExists');
    expect(await kube.delete(Resources.ConfigMap, 'cfg', 'default', { propagationPolicy: 'Background' })).toBe(true);
    expect(JSON.parse(fake.requests.at(-1)!.body)).toEqual({ apiVersion: 'v1', kind: 'DeleteOptions', propagationPolicy: 'Background' });
    expect(await kube.delete(Resources.ConfigMap, 'cfg', 'default')).toBe(false);
    expect(await kube.get(Resources.ConfigMap, 'cfg', 'default')).toBeUndefined();
  });

  it('sends the kubeconfig bearer token and a user agent', async () => {
    await kube.get(Resources.ConfigMap, 'nothing', 'default');
    expect(fake.requests[0].headers.authorization).toBe('Bearer test-token');
    expect(fake.requests[0].headers['user-agent']).toBe('berth');
  });

  it('parses the Status of an error answer', async () => {
    fake.failNext({ method: 'GET' }, 403, { body: { kind: 'Status', code: 403, reason: 'Forbidden', message: 'configmaps is forbidden' } });
    const err = (await kube.get(Resources.ConfigMap, 'x', 'default').catch((e: unknown) => e)) as KubeApiError;
    expect(err.code).toBe(403);
    expect(err.reason).toBe('Forbidden');
    expect(err.message).toContain('configmaps is forbidden');
    expect(isNotFound(err)).toBe(false);
  });

  it('retries a 429 after Retry-After', async () => {
    fake.failNext({ method: 'POST' }, 429, { headers: { 'Retry-After': '0' }, times: 2 });
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'throttled', namespace: 'default' } };
    await kube.create(cm);
    expect(fake.requests.filter((r) => r.method === 'POST')).toHaveLength(3);
    expect(fake.getObject('configmaps', 'throttled', 'default')).toBeDefined();
  });

  it('gives up on 429 after the configured retries', async () => {
    const strict = new Kube(fake.kubeConfig(), { qps: 0, maxThrottleRetries: 1 });
    fake.failNext({ method: 'GET' }, 429, { headers: { 'Retry-After': '0' }, times: 5 });
    const err = (await strict.get(Resources.ConfigMap, 'x', 'default').catch((e: unknown) => e)) as KubeApiError;
    expect(err.code).toBe(429);
    expect(fake.requests).toHaveLength(2);
    strict.close();
  });

  it('reuses keep-alive connections', async () => {
    const before = fake.connections;
    for (let i = 0; i < 20; i++) await kube.get(Resources.ConfigMap, `c${i}`, 'default');
    await Promise.all(Array.from({ length: 10 }, (_, i) => kube.get(Resources.ConfigMap, `p${i}`, 'default')));
    expect(fake.connections - before).toBeLessThanOrEqual(10);
  });

  it('serves typed client-node clients through the same transport', async () => {
    await kube.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'typed', namespace: 'default' }, data: { k: 'v' } });
    const before = await sample(metrics, 'rest_client_requests_total', { code: '200', method: 'GET' });
    const core = kube.api(CoreV1Api);
    const cm = await core.readNamespacedConfigMap({ name: 'typed', namespace: 'default' });
    expect(cm.data).toEqual({ k: 'v' });
    expect(fake.requests.at(-1)!.headers.authorization).toBe('Bearer test-token');
    expect(await sample(metrics, 'rest_client_requests_total', { code: '200', method: 'GET' })).toBe(before! + 1);
  });

  it('limits the request rate when asked', async () => {
    const limited = new Kube(fake.kubeConfig(), { qps: 100, burst: 1, metrics: newMetrics() });
    await Promise.all(Array.from({ length: 4 }, () => limited.get(Resources.ConfigMap, 'x', 'default')));
    expect(fake.requests).toHaveLength(4);
    limited.close();
  });
});

describe('strict writes and warnings', () => {
  it('asks for strict field validation on every write, and on no read', async () => {
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'strict', namespace: 'default' }, data: { a: '1' } };
    const created = await kube.create(cm);
    await kube.replace({ ...created, data: { a: '2' } });
    await kube.patch(Resources.ConfigMap, 'strict', 'default', { data: { a: '3' } }, 'merge');
    await kube.apply(cm);
    await kube.get(Resources.ConfigMap, 'strict', 'default');
    expect(fake.requests.map((r) => `${r.method} ${r.query.fieldValidation}`)).toEqual([
      'POST Strict', 'PUT Strict', 'PATCH Strict', 'PATCH Strict', 'GET undefined',
    ]);
  });

  it("logs the apiserver's warnings with the object they concern, and counts them", async () => {
    const { logger, lines } = capturingLogger('warn');
    const counted = newMetrics();
    const warned = new Kube(fake.kubeConfig(), { metrics: counted, logger, qps: 0 });
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'warned', namespace: 'default' } };
    // Two headers, one with a comma and one with an escaped quote: they must stay two texts.
    const headers = { Warning: ['299 - "first, with a comma"', '299 - "second \\"quoted\\""'] } as unknown as Record<string, string>;
    fake.failNext({ method: 'POST' }, 201, { body: cm, headers });
    await warned.create(cm);
    expect(lines).toEqual([expect.objectContaining({
      msg: 'the apiserver answered with warnings',
      verb: 'POST',
      object: 'ConfigMap default/warned',
      warnings: ['first, with a comma', 'second "quoted"'],
    })]);
    expect(await sample(counted, 'berth_apiserver_warnings_total', { method: 'POST' })).toBe(2);
    warned.close();
  });
});

describe('rest_client metrics', () => {
  it('count requests by code, method and host, and time them by templated path', async () => {
    await kube.get(Resources.Deployment, 'web', 'shop');
    const host = new URL(fake.url).host;
    expect(await sample(metrics, 'rest_client_requests_total', { code: '404', method: 'GET', host })).toBeGreaterThanOrEqual(1);
    const labels = { verb: 'GET', host, path: '/apis/apps/v1/namespaces/{namespace}/deployments/{name}' };
    expect(await sample(metrics, 'rest_client_request_duration_seconds_count', labels)).toBe(1);
    expect(await sample(metrics, 'rest_client_rate_limiter_duration_seconds_count', labels)).toBe(1);
  });

  it('templates paths so names never become label values', () => {
    expect(templatePath('/api/v1/namespaces/team-a/pods/web-1/status')).toBe('/api/v1/namespaces/{namespace}/pods/{name}/status');
    expect(templatePath('/api/v1/namespaces/team-a/pods')).toBe('/api/v1/namespaces/{namespace}/pods');
    expect(templatePath('/api/v1/namespaces/team-a')).toBe('/api/v1/namespaces/{name}');
    expect(templatePath('/api/v1/namespaces/team-a/finalize')).toBe('/api/v1/namespaces/{name}/finalize');
    expect(templatePath('/apis/apps/v1/deployments')).toBe('/apis/apps/v1/deployments');
    expect(templatePath('/apis/ecs.berth.dev/v1alpha1/fargateprofiles/p1')).toBe('/apis/ecs.berth.dev/v1alpha1/fargateprofiles/{name}');
    expect(templatePath('/apis/example.com/v1')).toBe('/apis/example.com/v1');
    expect(templatePath('/version')).toBe('/version');
  });
});
