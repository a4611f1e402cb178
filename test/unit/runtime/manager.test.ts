import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Registry } from 'prom-client';
import { Kube } from '../../../src/runtime/kube.js';
import { Manager } from '../../../src/runtime/manager.js';
import { RuntimeMetrics } from '../../../src/runtime/metrics.js';
import type { ResourceRef } from '../../../src/runtime/paths.js';
import { startProbeServer } from '../../../src/runtime/server.js';
import { FakeApiServer } from './fake-apiserver.js';
import { newMetrics, quietLogger, waitFor } from './helpers.js';

// Generous limits for loaded machines; passing runs take far less.
jest.setTimeout(20_000);

const WIDGETS: ResourceRef = { group: 'example.com', version: 'v1', plural: 'widgets', kind: 'Widget', namespaced: true };

let fake: FakeApiServer;
const managers: Manager[] = [];

beforeAll(async () => {
  fake = await FakeApiServer.start();
  fake.put('widgets', { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'default' } });
});
afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.stop()));
  fake.clearFaults();
});
afterAll(async () => {
  await fake.close();
});

function manager(identity: string, options: { election?: boolean; probes?: boolean; metrics?: RuntimeMetrics } = {}) {
  const metrics = options.metrics ?? newMetrics();
  const kube = new Kube(fake.kubeConfig(`token-${identity}`), { qps: 0, metrics });
  const m = new Manager({
    kube,
    logger: quietLogger(),
    metrics,
    leaderElection: options.election ? { namespace: 'berth-system', name: 'berth', identity, leaseDurationMs: 1000, renewDeadlineMs: 400, retryPeriodMs: 50 } : undefined,
    probes: options.probes ? { port: 0 } : undefined,
    shutdownTimeoutMs: 500,
  });
  const reconciled: string[] = [];
  const widgets = m.informer({ resource: WIDGETS, backoff: { initialMs: 5, maxMs: 20 } });
  m.controller({ name: 'widget', reconcile: async (key) => void reconciled.push(key) }).watch(widgets);
  managers.push(m);
  return { m, metrics, reconciled, widgets };
}

async function get(url: string): Promise<{ status: number; text: string; type: string | null }> {
  const res = await fetch(url);
  return { status: res.status, text: await res.text(), type: res.headers.get('content-type') };
}

describe('Manager', () => {
  it('serves health, readiness once caches are synced, and every runtime metric', async () => {
    fake.failNext({ method: 'GET', path: /widgets$/, watch: false }, 500, { times: 3 });
    const { m, reconciled } = manager('solo', { probes: true });
    await m.start();
    const url = m.probeUrl!;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await get(`${url}/healthz`)).status).toBe(200);
    const early = await get(`${url}/readyz`);
    if (early.status === 503) expect(early.text).toContain('widgets.example.com');
    await waitFor(async () => (await get(`${url}/readyz`)).status === 200, 'ready');
    await waitFor(() => reconciled.length === 1, 'reconcile');

    const metrics = await get(`${url}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.type).toContain('text/plain');
    for (const name of [
      'controller_runtime_reconcile_total',
      'controller_runtime_reconcile_errors_total',
      'controller_runtime_reconcile_time_seconds',
      'controller_runtime_active_workers',
      'controller_runtime_max_concurrent_reconciles',
      'workqueue_depth',
      'workqueue_adds_total',
      'workqueue_queue_duration_seconds',
      'workqueue_work_duration_seconds',
      'workqueue_retries_total',
      'workqueue_unfinished_work_seconds',
      'workqueue_longest_running_processor_seconds',
      'rest_client_requests_total',
      'rest_client_request_duration_seconds',
      'rest_client_rate_limiter_duration_seconds',
      'leader_election_master_status',
      'berth_informer_relists_total',
      'berth_informer_objects',
    ]) {
      expect(metrics.text).toContain(`# TYPE ${name} `);
    }
    expect(metrics.text).toContain('controller_runtime_reconcile_total{controller="widget",result="success"} 1');
    expect(metrics.text).toContain('workqueue_adds_total{name="widget",controller="widget"} 1');
    expect(metrics.text).toContain('berth_informer_objects{resource="widgets.example.com"} 1');
    expect(metrics.text).toMatch(/rest_client_requests_total\{code="500",method="GET",host="127\.0\.0\.1:\d+"\} 3/);
    expect((await get(`${url}/nope`)).status).toBe(404);

    await m.stop();
    expect(await m.done).toBe('stopped');
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  });

  it('keeps standby caches warm and hands over leadership on stop', async () => {
    const a = manager('a', { election: true });
    await a.m.start();
    await waitFor(() => a.reconciled.length === 1, 'leader reconciles');
    const b = manager('b', { election: true });
    await b.m.start();
    await waitFor(() => b.widgets.hasSynced(), 'standby synced');
    expect(b.m.notReady()).toEqual([]);
    expect(b.m.isLeader()).toBe(false);
    expect(b.reconciled).toEqual([]);

    await a.m.stop();
    expect(fake.getObject('leases', 'berth', 'berth-system')!.spec.holderIdentity).toBeUndefined();
    await waitFor(() => b.reconciled.length === 1, 'new leader reconciles');
    expect(b.m.isLeader()).toBe(true);
  });

  it('stops with leadership-lost when the lease cannot be renewed', async () => {
    const a = manager('lost', { election: true });
    await a.m.start();
    await waitFor(() => a.m.isLeader(), 'leads');
    fake.failNext({ token: 'token-lost' }, 500, { times: 1_000_000 });
    expect(await a.m.done).toBe('leadership-lost');
  });
});

describe('probe server', () => {
  it('binds where asked and reports what is not ready', async () => {
    let waiting = ['pods'];
    const server = await startProbeServer({ host: '127.0.0.1', port: 0, registry: new Registry(), notReady: () => waiting });
    const res = await get(`${server.url}/readyz`);
    expect(res).toMatchObject({ status: 503, text: 'not ready: pods\n' });
    waiting = [];
    expect((await get(`${server.url}/readyz`)).status).toBe(200);
    await server.close();
  });
});
