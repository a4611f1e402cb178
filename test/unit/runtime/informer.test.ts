import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { Informer, type InformerOptions } from '../../../src/runtime/informer.js';
import { Kube } from '../../../src/runtime/kube.js';
import type { KubeObject } from '../../../src/runtime/objects.js';
import { Resources } from '../../../src/runtime/resources.js';
import { labelIndex, ownerIndex } from '../../../src/runtime/store.js';
import { FakeApiServer } from './fake-apiserver.js';
import { newMetrics, quietLogger, sample, waitFor } from './helpers.js';

// Generous limits for loaded machines; passing runs take far less.
jest.setTimeout(20_000);

let fake: FakeApiServer;
let kube: Kube;
const started: Informer[] = [];

beforeAll(async () => {
  fake = await FakeApiServer.start();
  kube = new Kube(fake.kubeConfig(), { qps: 0 });
});
beforeEach(() => {
  for (const p of fake.list('pods')) fake.removeSilently('pods', p.metadata.name, p.metadata.namespace);
  fake.requests.length = 0;
  fake.silentWatches = false;
});
afterEach(async () => {
  await Promise.all(started.splice(0).map((i) => i.stop()));
  fake.clearFaults();
});
afterAll(async () => {
  kube.close();
  await fake.close();
});

function pod(name: string, namespace = 'default', extra: Record<string, unknown> = {}) {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace, ...extra }, spec: { containers: [{ name: 'c', image: 'nginx' }] } };
}

function informer(options: Partial<InformerOptions<KubeObject>> = {}): { inf: Informer; events: string[] } {
  const inf = new Informer(kube, {
    resource: Resources.Pod,
    logger: quietLogger(),
    backoff: { initialMs: 5, maxMs: 20 },
    ...options,
  });
  const events: string[] = [];
  inf.on({
    add: (o) => events.push(`add ${o.metadata?.name}`),
    update: (_old, o) => events.push(`update ${o.metadata?.name}`),
    delete: (o) => events.push(`delete ${o.metadata?.name}`),
  });
  started.push(inf);
  inf.start();
  return { inf, events };
}

describe('Informer', () => {
  it('lists page by page, caches plain objects and reports synced', async () => {
    for (let i = 0; i < 7; i++) fake.put('pods', pod(`p${i}`, i % 2 ? 'a' : 'b'));
    const { inf, events } = informer({ pageSize: 3 });
    expect(await inf.waitForSync()).toBe(true);
    expect(inf.hasSynced()).toBe(true);
    const lists = fake.listRequests('pods');
    expect(lists.map((r) => [r.query.limit, r.query.continue !== undefined])).toEqual([
      ['3', false],
      ['3', true],
      ['3', true],
    ]);
    expect(lists[0].path).toBe('/api/v1/pods');
    expect(inf.list()).toHaveLength(7);
    expect(inf.list('a').map((o) => o.metadata?.name).sort()).toEqual(['p1', 'p3', 'p5']);
    const p0 = inf.get('p0', 'b')!;
    expect(p0.apiVersion).toBe('v1');
    expect(p0.kind).toBe('Pod');
    expect(p0.metadata?.managedFields).toBeUndefined();
    expect(typeof p0.metadata?.creationTimestamp).toBe('string');
    expect(Object.getPrototypeOf(p0)).toBe(Object.prototype);
    expect(events.sort()).toEqual(['add p0', 'add p1', 'add p2', 'add p3', 'add p4', 'add p5', 'add p6']);
  });

  it('watches from the list resourceVersion with bookmarks and delivers changes', async () => {
    fake.put('pods', pod('a'));
    const { inf, events } = informer({ namespace: 'default' });
    await inf.waitForSync();
    const listRv = inf.lastResourceVersion;
    await waitFor(() => fake.openWatches === 1, 'watch');
    const watch = fake.watchRequests('pods')[0];
    expect(watch.path).toBe('/api/v1/namespaces/default/pods');
    expect(watch.query).toMatchObject({ watch: 'true', allowWatchBookmarks: 'true', resourceVersion: listRv });
    expect(Number(watch.query.timeoutSeconds)).toBeGreaterThanOrEqual(300);

    fake.put('pods', pod('b'));
    fake.put('pods', { ...pod('a'), metadata: { name: 'a', namespace: 'default', labels: { x: 'y' } } });
    fake.remove('pods', 'b', 'default');
    fake.put('pods', pod('elsewhere', 'other'));
    await waitFor(() => events.length === 4, 'events');
    expect(events).toEqual(['add a', 'add b', 'update a', 'delete b']);
    expect(inf.get('a', 'default')?.metadata?.labels).toEqual({ x: 'y' });
    expect(inf.get('b', 'default')).toBeUndefined();

    fake.bump(5);
    fake.bookmark();
    await waitFor(() => inf.lastResourceVersion === fake.resourceVersion, 'bookmark');
  });

  it('resumes a closed watch from the last resourceVersion without relisting', async () => {
    fake.put('pods', pod('a'));
    const { inf, events } = informer();
    await inf.waitForSync();
    await waitFor(() => fake.openWatches === 1, 'watch');
    fake.put('pods', pod('b'));
    await waitFor(() => events.includes('add b'), 'add b');
    const rv = inf.lastResourceVersion;
    fake.closeWatches();
    await waitFor(() => fake.watchRequests('pods').length === 2 && fake.openWatches === 1, 'second watch');
    expect(fake.watchRequests('pods')[1].query.resourceVersion).toBe(rv);
    fake.put('pods', pod('c'));
    await waitFor(() => events.includes('add c'), 'add c');
    expect(fake.listRequests('pods')).toHaveLength(1);
  });

  it('resumes after a connection is cut mid-stream', async () => {
    const metrics = newMetrics();
    fake.put('pods', pod('a'));
    const { inf, events } = informer({ metrics });
    await inf.waitForSync();
    await waitFor(() => fake.openWatches === 1, 'watch');
    fake.cutWatches();
    fake.put('pods', pod('b'));
    await waitFor(() => events.includes('add b'), 'add b after the cut');
    expect(fake.listRequests('pods')).toHaveLength(1);
    expect(await sample(metrics, 'berth_informer_watch_restarts_total', { resource: 'pods', reason: 'error' })).toBe(1);
  });

  it('relists on a 410 watch event and removes what vanished meanwhile', async () => {
    const metrics = newMetrics();
    fake.put('pods', pod('stays'));
    fake.put('pods', pod('goes'));
    const { inf, events } = informer({ metrics });
    await inf.waitForSync();
    await waitFor(() => fake.openWatches === 1, 'watch');
    fake.removeSilently('pods', 'goes', 'default');
    fake.expireWatches();
    await waitFor(() => events.includes('delete goes'), 'delete from relist');
    expect(fake.listRequests('pods')).toHaveLength(2);
    expect(inf.list().map((o) => o.metadata?.name)).toEqual(['stays']);
    expect(await sample(metrics, 'berth_informer_relists_total', { resource: 'pods', reason: 'expired' })).toBe(1);
    expect(await sample(metrics, 'berth_informer_relists_total', { resource: 'pods', reason: 'initial' })).toBe(1);
  });

  it('relists when a resumed watch starts from a compacted resourceVersion', async () => {
    fake.put('pods', pod('a'));
    const { inf, events } = informer();
    await inf.waitForSync();
    await waitFor(() => fake.openWatches === 1, 'watch');
    fake.removeSilently('pods', 'a', 'default');
    fake.put('pods', pod('new'));
    fake.bump();
    fake.compact();
    fake.removeSilently('pods', 'new', 'default');
    fake.closeWatches();
    await waitFor(() => fake.listRequests('pods').length === 2, 'relist');
    await waitFor(() => events.includes('delete new'), 'delete new');
    expect(inf.list()).toEqual([]);
  });

  it('keeps retrying failed lists and watches with backoff', async () => {
    fake.put('pods', pod('a'));
    fake.failNext({ method: 'GET', watch: false }, 500, { times: 2 });
    fake.failNext({ method: 'GET', watch: true }, 503, { times: 2 });
    const { inf, events } = informer();
    expect(await inf.waitForSync()).toBe(true);
    expect(fake.listRequests('pods')).toHaveLength(3);
    await waitFor(() => fake.openWatches === 1, 'watch after failures');
    expect(fake.watchRequests('pods')).toHaveLength(3);
    fake.put('pods', pod('b'));
    await waitFor(() => events.includes('add b'), 'add b');
  });

  it('drops a silent watch after the idle timeout and resumes', async () => {
    const metrics = newMetrics();
    fake.put('pods', pod('a'));
    fake.silentWatches = true;
    const { inf, events } = informer({ idleTimeoutMs: 50, metrics });
    await inf.waitForSync();
    await waitFor(() => fake.watchRequests('pods').length >= 2, 'watch restarted');
    fake.silentWatches = false;
    await waitFor(() => fake.openWatches >= 1 && fake.watchRequests('pods').length >= 3, 'live watch');
    fake.put('pods', pod('b'));
    await waitFor(() => events.includes('add b'), 'add b');
    expect(await sample(metrics, 'berth_informer_watch_restarts_total', { resource: 'pods', reason: 'idle' })).toBeGreaterThanOrEqual(1);
    expect(fake.listRequests('pods')).toHaveLength(1);
  });

  it('keeps secondary indexes in step', async () => {
    const owned = (name: string, owner: string, app: string) =>
      pod(name, 'default', {
        labels: { app },
        ownerReferences: [{ apiVersion: 'example.com/v1', kind: 'Widget', name: owner, uid: 'u', controller: true }],
      });
    fake.put('pods', owned('p1', 'w1', 'x'));
    fake.put('pods', owned('p2', 'w1', 'y'));
    const { inf } = informer({ indexers: { owner: ownerIndex('Widget', 'example.com'), app: labelIndex('app') } });
    await inf.waitForSync();
    await waitFor(() => fake.openWatches === 1, 'watch');
    expect(inf.byIndex('owner', 'default/w1').map((o) => o.metadata?.name).sort()).toEqual(['p1', 'p2']);
    fake.put('pods', owned('p2', 'w2', 'x'));
    await waitFor(() => inf.byIndex('owner', 'default/w2').length === 1, 'index update');
    expect(inf.byIndex('owner', 'default/w1').map((o) => o.metadata?.name)).toEqual(['p1']);
    expect(inf.byIndex('app', 'x')).toHaveLength(2);
    expect(inf.byIndex('app', 'y')).toHaveLength(0);
    expect(() => inf.byIndex('nope', 'x')).toThrow(/no index/);
  });

  it('stops for good when asked and survives a throwing handler', async () => {
    fake.put('pods', pod('a'));
    const { inf } = informer();
    inf.on({
      add: () => {
        throw new Error('handler bug');
      },
    });
    await inf.waitForSync();
    await waitFor(() => fake.openWatches === 1, 'watch');
    await inf.stop();
    await waitFor(() => fake.openWatches === 0, 'watch closed');
    const count = fake.requests.length;
    await new Promise((r) => setTimeout(r, 30));
    expect(fake.requests.length).toBe(count);
  });

  it('watches custom resources by their API path', async () => {
    fake.put('widgets', { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'n' }, spec: { size: 1 } });
    const inf = new Informer<KubeObject & { spec?: unknown }>(kube, {
      resource: { group: 'example.com', version: 'v1', plural: 'widgets', kind: 'Widget', namespaced: true },
      logger: quietLogger(),
    });
    started.push(inf);
    inf.start();
    await inf.waitForSync();
    expect(fake.listRequests('widgets')[0].path).toBe('/apis/example.com/v1/widgets');
    expect(inf.get('w', 'n')?.spec).toEqual({ size: 1 });
  });

  it('delivers every cached object again as an update of itself each resync period, and never without one', async () => {
    fake.put('pods', pod('r1'));
    fake.put('pods', pod('r2'));
    const same: boolean[] = [];
    const { inf, events } = informer({ resyncPeriodMs: 50 });
    inf.on({ update: (old, obj) => same.push(old === obj) });
    const { inf: quiet, events: quietEvents } = informer();
    await Promise.all([inf.waitForSync(), quiet.waitForSync()]);
    await waitFor(() => events.filter((e) => e === 'update r1').length >= 2 && events.filter((e) => e === 'update r2').length >= 2, 'two resyncs');
    expect(same.every(Boolean)).toBe(true);
    expect(fake.listRequests('pods')).toHaveLength(2); // from the cache: no new list
    expect(quietEvents.sort()).toEqual(['add r1', 'add r2']);
    await inf.stop();
    const seen = events.length;
    await new Promise((r) => setTimeout(r, 150));
    expect(events).toHaveLength(seen);
  });
});

