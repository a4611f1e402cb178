import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { Controller, ownerKeys, type ReconcileContext, type Reconciler } from '../../../src/runtime/controller.js';
import { TerminalError } from '../../../src/runtime/errors.js';
import { Informer } from '../../../src/runtime/informer.js';
import { Kube } from '../../../src/runtime/kube.js';
import type { ResourceRef } from '../../../src/runtime/paths.js';
import { Resources } from '../../../src/runtime/resources.js';
import { FakeApiServer } from './fake-apiserver.js';
import { capturingLogger, newMetrics, quietLogger, sample, waitFor } from './helpers.js';

// Generous limits for loaded machines; passing runs take far less.
jest.setTimeout(20_000);

const WIDGETS: ResourceRef = { group: 'example.com', version: 'v1', plural: 'widgets', kind: 'Widget', namespaced: true };

let fake: FakeApiServer;
let kube: Kube;
const cleanup: (() => Promise<void>)[] = [];

beforeAll(async () => {
  fake = await FakeApiServer.start();
  kube = new Kube(fake.kubeConfig(), { qps: 0 });
});
beforeEach(() => {
  for (const w of fake.list('widgets')) fake.removeSilently('widgets', w.metadata.name, w.metadata.namespace);
  for (const d of fake.list('deployments')) fake.removeSilently('deployments', d.metadata.name, d.metadata.namespace);
});
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});
afterAll(async () => {
  kube.close();
  await fake.close();
});

function widget(name: string, namespace = 'default', spec: Record<string, unknown> = {}) {
  return { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name, namespace }, spec };
}

function widgetInformer(): Informer {
  const inf = new Informer(kube, { resource: WIDGETS, logger: quietLogger() });
  inf.start();
  cleanup.push(() => inf.stop());
  return inf;
}

function controller(reconcile: Reconciler, options: { workers?: number; metrics?: ReturnType<typeof newMetrics>; logger?: ReturnType<typeof quietLogger> } = {}): Controller {
  const c = new Controller({
    name: 'widget',
    kind: 'Widget',
    reconcile,
    logger: options.logger ?? quietLogger(),
    metrics: options.metrics,
    workers: options.workers ?? 2,
    backoff: { baseDelayMs: 1, maxDelayMs: 10 },
  });
  cleanup.push(() => c.stop(1000));
  return c;
}

describe('Controller', () => {
  it('reconciles every cached object on start, then every change', async () => {
    fake.put('widgets', widget('a'));
    fake.put('widgets', widget('b', 'other'));
    const seen: string[] = [];
    const contexts: ReconcileContext[] = [];
    const c = controller(async (key, ctx) => {
      seen.push(key);
      contexts.push(ctx);
    });
    c.watch(widgetInformer());
    await c.start();
    await waitFor(() => seen.length === 2, 'initial reconciles');
    expect(seen.sort()).toEqual(['default/a', 'other/b']);
    const ctx = contexts.find((x) => x.key === 'other/b')!;
    expect(ctx).toMatchObject({ namespace: 'other', name: 'b' });
    expect(ctx.reconcileID).toMatch(/^[0-9a-f-]{36}$/);
    expect(ctx.signal.aborted).toBe(false);

    fake.put('widgets', widget('c'));
    await waitFor(() => seen.includes('default/c'), 'reconcile of a new object');
    fake.remove('widgets', 'a', 'default');
    await waitFor(() => seen.filter((k) => k === 'default/a').length === 2, 'reconcile of a deletion');
  });

  it('retries a failing key with backoff without blocking the others', async () => {
    const metrics = newMetrics();
    for (const n of ['bad', 'good1', 'good2']) fake.put('widgets', widget(n));
    let failures = 0;
    const done: string[] = [];
    // 'bad' fails until both others are done: if it blocked them, this would never finish.
    const c = controller(
      async (key) => {
        if (key === 'default/bad' && !(done.includes('default/good1') && done.includes('default/good2'))) {
          failures++;
          throw new Error('apiserver said no');
        }
        done.push(key);
      },
      { metrics, workers: 1 },
    );
    c.watch(widgetInformer());
    await c.start();
    await waitFor(() => done.length === 3, 'all keys reconciled');
    expect(done.at(-1)).toBe('default/bad');
    expect(failures).toBeGreaterThanOrEqual(1);
    expect(await sample(metrics, 'controller_runtime_reconcile_total', { controller: 'widget', result: 'error' })).toBe(failures);
    expect(await sample(metrics, 'controller_runtime_reconcile_total', { controller: 'widget', result: 'success' })).toBe(3);
    expect(await sample(metrics, 'controller_runtime_reconcile_errors_total', { controller: 'widget' })).toBe(failures);
    expect(await sample(metrics, 'controller_runtime_reconcile_time_seconds_count', { controller: 'widget' })).toBe(3 + failures);
    expect(await sample(metrics, 'controller_runtime_max_concurrent_reconciles', { controller: 'widget' })).toBe(1);
    expect(await sample(metrics, 'controller_runtime_active_workers', { controller: 'widget' })).toBe(0);
    expect(await sample(metrics, 'workqueue_retries_total', { name: 'widget' })).toBe(failures);
  });

  it('does not retry a terminal error', async () => {
    const metrics = newMetrics();
    fake.put('widgets', widget('broken'));
    let calls = 0;
    const c = controller(
      async () => {
        calls++;
        throw new TerminalError('spec can never work');
      },
      { metrics },
    );
    c.watch(widgetInformer());
    await c.start();
    await waitFor(async () => (await sample(metrics, 'controller_runtime_terminal_reconcile_errors_total', { controller: 'widget' })) === 1, 'terminal error');
    await new Promise((r) => setTimeout(r, 30));
    expect(calls).toBe(1);
    expect(c.queue.numRequeues('default/broken')).toBe(0);
  });

  it('polls with requeueAfter and requeues without an error on request', async () => {
    const metrics = newMetrics();
    fake.put('widgets', widget('poll'));
    fake.put('widgets', widget('again'));
    const counts = new Map<string, number>();
    const c = controller(
      async (key) => {
        const n = (counts.get(key) ?? 0) + 1;
        counts.set(key, n);
        if (key === 'default/poll' && n < 3) return { requeueAfter: 5 };
        if (key === 'default/again' && n < 2) return { requeue: true };
      },
      { metrics },
    );
    c.watch(widgetInformer());
    await c.start();
    await waitFor(() => counts.get('default/poll') === 3 && counts.get('default/again') === 2, 'requeues');
    expect(await sample(metrics, 'controller_runtime_reconcile_total', { controller: 'widget', result: 'requeue_after' })).toBe(2);
    expect(await sample(metrics, 'controller_runtime_reconcile_total', { controller: 'widget', result: 'requeue' })).toBe(1);
    expect(await sample(metrics, 'controller_runtime_reconcile_errors_total', { controller: 'widget' })).toBeUndefined();
  });

  it('never runs one key on two workers at once', async () => {
    fake.put('widgets', widget('hot'));
    let running = 0;
    let maxRunning = 0;
    let runs = 0;
    const c = controller(
      async () => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        await new Promise((r) => setTimeout(r, 5));
        running--;
        runs++;
      },
      { workers: 4 },
    );
    c.watch(widgetInformer());
    await c.start();
    for (let i = 0; i < 10; i++) {
      fake.put('widgets', widget('hot', 'default', { i }));
      await new Promise((r) => setTimeout(r, 1));
    }
    await waitFor(() => runs >= 2 && running === 0 && c.queue.length === 0, 'settled');
    expect(maxRunning).toBe(1);
  });

  it('maps owned objects to their owner', async () => {
    fake.put('widgets', widget('w'));
    const seen: string[] = [];
    const c = controller(async (key) => {
      seen.push(key);
    });
    const deployments = new Informer(kube, { resource: Resources.Deployment, logger: quietLogger() });
    deployments.start();
    cleanup.push(() => deployments.stop());
    c.watch(widgetInformer()).watch(deployments, ownerKeys('Widget', 'example.com'));
    await c.start();
    await waitFor(() => seen.length === 1, 'initial');
    fake.put('deployments', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'w-web', namespace: 'default', ownerReferences: [{ apiVersion: 'example.com/v1', kind: 'Widget', name: 'w', uid: 'x', controller: true }] },
    });
    fake.put('deployments', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'unowned', namespace: 'default' } });
    await waitFor(() => seen.length === 2, 'owner reconcile');
    expect(seen).toEqual(['default/w', 'default/w']);
  });

  it('skips the updates `changed` does not count', async () => {
    fake.put('widgets', widget('w', 'default', { size: 1 }));
    const seen: string[] = [];
    const c = controller(async (key) => {
      seen.push(key);
    });
    const size = (w: object) => (w as { spec?: { size?: number } }).spec?.size;
    c.watch(widgetInformer(), undefined, (a, b) => size(a) !== size(b));
    await c.start();
    await waitFor(() => seen.length === 1, 'initial');
    fake.put('widgets', { ...widget('w', 'default', { size: 1 }), metadata: { name: 'w', namespace: 'default', labels: { touched: 'yes' } } });
    await new Promise((r) => setTimeout(r, 300));
    expect(seen).toEqual(['default/w']);
    fake.put('widgets', widget('w', 'default', { size: 2 }));
    await waitFor(() => seen.length > 1, 'the counted update');
  });

  it('logs each reconcile with controller, namespace, name and reconcileID', async () => {
    const { logger, lines } = capturingLogger();
    fake.put('widgets', widget('logged', 'team'));
    const c = controller(
      async (_key, ctx) => {
        ctx.log.info('working');
        throw new Error('boom');
      },
      { logger },
    );
    c.watch(widgetInformer());
    await c.start();
    await waitFor(() => lines.some((l) => l.msg === 'reconcile failed; retrying'), 'error line');
    const line = lines.find((l) => l.msg === 'working')!;
    expect(line).toMatchObject({ level: 'info', controller: 'widget', namespace: 'team', name: 'logged', Widget: { name: 'logged', namespace: 'team' } });
    expect(typeof line.reconcileID).toBe('string');
    expect(typeof line.time).toBe('string');
    const error = lines.find((l) => l.msg === 'reconcile failed; retrying')!;
    expect(error).toMatchObject({ level: 'error', err: { message: 'boom' } });
  });

  it('drains running reconciles on stop and aborts them after the deadline', async () => {
    fake.put('widgets', widget('slow'));
    fake.put('widgets', widget('stuck'));
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const finished: string[] = [];
    let stuckSignal: AbortSignal | undefined;
    const c = controller(
      async (key, ctx) => {
        if (key === 'default/stuck') {
          stuckSignal = ctx.signal;
          await new Promise<void>((r) => ctx.signal.addEventListener('abort', () => r()));
        } else {
          await gate;
        }
        finished.push(key);
      },
      { workers: 2 },
    );
    c.watch(widgetInformer());
    await c.start();
    await waitFor(() => stuckSignal !== undefined, 'both running');
    const stopping = c.stop(100);
    fake.put('widgets', widget('late'));
    release();
    await stopping;
    expect(finished.sort()).toEqual(['default/slow', 'default/stuck']);
    expect(stuckSignal!.aborted).toBe(true);
    expect(c.queue.shuttingDown).toBe(true);
  });
});
