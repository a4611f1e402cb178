import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { EventRecorder } from '../../../src/runtime/events.js';
import { Kube } from '../../../src/runtime/kube.js';
import { FakeApiServer } from './fake-apiserver.js';
import { quietLogger } from './helpers.js';

// Generous limits for loaded machines; passing runs take far less.
jest.setTimeout(20_000);

let fake: FakeApiServer;
let kube: Kube;

beforeAll(async () => {
  fake = await FakeApiServer.start();
  kube = new Kube(fake.kubeConfig(), { qps: 0 });
});
afterEach(() => {
  for (const e of fake.list('events')) fake.removeSilently('events', e.metadata.name, e.metadata.namespace);
  fake.requests.length = 0;
});
afterAll(async () => {
  kube.close();
  await fake.close();
});

const service = { apiVersion: 'ecs.berth.dev/v1alpha1', kind: 'Service', metadata: { name: 'web', namespace: 'shop', uid: 'u-1', resourceVersion: '7' } };

describe('EventRecorder', () => {
  it('creates a core/v1 Event about the object', async () => {
    const events = new EventRecorder(kube, { instance: 'berth-0', logger: quietLogger() });
    await events.record(service, 'Normal', 'SteadyState', 'service web has reached a steady state.');
    const [event] = fake.list('events');
    expect(fake.requests[0].path).toBe('/api/v1/namespaces/shop/events');
    expect(event).toMatchObject({
      metadata: { namespace: 'shop' },
      involvedObject: { apiVersion: 'ecs.berth.dev/v1alpha1', kind: 'Service', name: 'web', namespace: 'shop', uid: 'u-1', resourceVersion: '7' },
      type: 'Normal',
      reason: 'SteadyState',
      message: 'service web has reached a steady state.',
      source: { component: 'berth' },
      reportingComponent: 'berth',
      reportingInstance: 'berth-0',
      count: 1,
    });
    expect(event.metadata.name).toMatch(/^web\.[0-9a-f]+$/);
    expect(event.firstTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(event.lastTimestamp).toBe(event.firstTimestamp);
  });

  it('counts repeats of an identical event on one object', async () => {
    const events = new EventRecorder(kube, { logger: quietLogger() });
    await Promise.all([1, 2, 3].map(() => events.record(service, 'Warning', 'TaskFailed', 'task failed to start')));
    await events.record(service, 'Warning', 'TaskFailed', 'a different message');
    const stored = fake.list('events');
    expect(stored).toHaveLength(2);
    expect(stored.find((e) => e.message === 'task failed to start')!.count).toBe(3);
    expect(fake.requests.map((r) => r.method)).toEqual(['POST', 'PATCH', 'PATCH', 'POST']);
    expect(fake.requests[1].headers['content-type']).toBe('application/merge-patch+json');
  });

  it('starts a new event when the old one expired', async () => {
    const events = new EventRecorder(kube, { logger: quietLogger() });
    await events.record(service, 'Normal', 'Scaled', 'scaled to 3');
    const first = fake.list('events')[0];
    fake.removeSilently('events', first.metadata.name, 'shop');
    await events.record(service, 'Normal', 'Scaled', 'scaled to 3');
    const stored = fake.list('events');
    expect(stored).toHaveLength(1);
    expect(stored[0].count).toBe(1);
  });

  it('files events of cluster-scoped objects in default', async () => {
    const events = new EventRecorder(kube, { logger: quietLogger() });
    await events.record({ apiVersion: 'ecs.berth.dev/v1alpha1', kind: 'FargateProfile', metadata: { name: 'fp', uid: 'u-2' } }, 'Normal', 'Active', 'ok');
    const [event] = fake.list('events');
    expect(event.metadata.namespace).toBe('default');
    expect(event.involvedObject.namespace).toBeUndefined();
  });

  it('limits the events of one object and never throws', async () => {
    const events = new EventRecorder(kube, { logger: quietLogger(), burst: 2 });
    for (let i = 0; i < 5; i++) await events.record(service, 'Normal', 'Step', `step ${i}`);
    expect(fake.list('events')).toHaveLength(2);
    fake.failNext({ method: 'POST' }, 500);
    const other = new EventRecorder(kube, { logger: quietLogger() });
    await expect(other.record(service, 'Normal', 'X', 'y')).resolves.toBeUndefined();
  });
});
