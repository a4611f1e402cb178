import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { WriteFencedError } from '../../../src/runtime/errors.js';
import { Kube } from '../../../src/runtime/kube.js';
import { LeaderElector, type LeaderElectionOptions } from '../../../src/runtime/leader.js';
import { Resources } from '../../../src/runtime/resources.js';
import { microTime } from '../../../src/runtime/time.js';
import { FakeApiServer } from './fake-apiserver.js';
import { newMetrics, quietLogger, sample, waitFor } from './helpers.js';

// Generous limits for loaded machines; passing runs take far less.
jest.setTimeout(20_000);

let fake: FakeApiServer;
const stops: (() => Promise<void>)[] = [];

beforeAll(async () => {
  fake = await FakeApiServer.start();
});
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
  fake.clearFaults();
});
afterAll(async () => {
  await fake.close();
});

const FAST = { leaseDurationMs: 1000, renewDeadlineMs: 400, retryPeriodMs: 50 };

function candidate(identity: string, lease: string, extra: Partial<LeaderElectionOptions> = {}) {
  const kube = new Kube(fake.kubeConfig(`token-${identity}`), { qps: 0 });
  const events: string[] = [];
  const elector = new LeaderElector(kube, {
    namespace: 'berth-system',
    name: lease,
    identity,
    logger: quietLogger(),
    ...FAST,
    onStartedLeading: () => events.push(`start ${identity}`),
    onStoppedLeading: () => events.push(`lost ${identity}`),
    ...extra,
  });
  stops.push(async () => {
    await elector.stop();
    kube.close();
  });
  return { elector, events, kube };
}

describe('microTime', () => {
  it('formats six fractional digits', () => {
    expect(microTime(new Date('2026-11-22T10:25:11.970Z'))).toBe('2026-11-22T10:25:11.970000Z');
  });
});

describe('LeaderElector', () => {
  it('elects one of two candidates; the other takes over at once after release', async () => {
    const metrics = newMetrics();
    const a = candidate('a', 'two', { metrics });
    a.elector.start();
    await waitFor(() => a.elector.isLeader(), 'a leads');
    const b = candidate('b', 'two');
    b.elector.start();
    await waitFor(() => fake.requests.filter((r) => r.headers.authorization === 'Bearer token-b').length >= 3, 'b campaigning');
    expect(b.elector.isLeader()).toBe(false);
    expect(await sample(metrics, 'leader_election_master_status', { name: 'two' })).toBe(1);

    const lease = fake.getObject('leases', 'two', 'berth-system')!;
    expect(lease.spec.holderIdentity).toBe('a');
    expect(lease.spec.renewTime).toMatch(/\.\d{6}Z$/);
    expect(lease.spec.leaseTransitions).toBe(0);

    await a.elector.stop();
    expect(await sample(metrics, 'leader_election_master_status', { name: 'two' })).toBe(0);
    await waitFor(() => b.elector.isLeader(), 'b leads');
    const taken = fake.getObject('leases', 'two', 'berth-system')!;
    expect(taken.spec.holderIdentity).toBe('b');
    expect(taken.spec.leaseTransitions).toBe(1);
    expect(a.events).toEqual(['start a']); // a stopped; it did not lose
    expect(b.events).toEqual(['start b']);
  });

  it('renews while leading', async () => {
    const a = candidate('a', 'renew');
    a.elector.start();
    await waitFor(() => a.elector.isLeader(), 'a leads');
    const first = fake.getObject('leases', 'renew', 'berth-system')!.spec.renewTime;
    await waitFor(() => fake.getObject('leases', 'renew', 'berth-system')!.spec.renewTime !== first, 'renewal');
    const spec = fake.getObject('leases', 'renew', 'berth-system')!.spec;
    expect(spec.holderIdentity).toBe('a');
    expect(spec.leaseTransitions).toBe(0);
  });

  it('loses leadership when renewals fail, and a standby takes over once the lease expires', async () => {
    const a = candidate('a', 'expiry');
    a.elector.start();
    await waitFor(() => a.elector.isLeader(), 'a leads');
    const b = candidate('b', 'expiry');
    b.elector.start();
    // a's apiserver connection breaks: every request it sends fails.
    fake.failNext({ token: 'token-a' }, 500, { times: 1_000_000 });
    await waitFor(() => a.events.includes('lost a'), 'a loses');
    expect(a.elector.isLeader()).toBe(false);
    await waitFor(() => b.elector.isLeader(), 'b takes over');
    const lease = fake.getObject('leases', 'expiry', 'berth-system')!;
    expect(lease.spec.holderIdentity).toBe('b');
    expect(lease.spec.leaseTransitions).toBe(1);
  });

  it('never lets two candidates race into leadership', async () => {
    const all = ['a', 'b', 'c', 'd'].map((id) => candidate(id, 'race'));
    for (const c of all) c.elector.start();
    await waitFor(() => all.some((c) => c.elector.isLeader()), 'a leader');
    await new Promise((r) => setTimeout(r, 150));
    expect(all.filter((c) => c.elector.isLeader())).toHaveLength(1);
  });

  it('a leader frozen past its renew deadline sends no write when it wakes, until it has renewed', async () => {
    const a = candidate('a', 'frozen');
    const writer = a.kube.withWriteFence(() => a.elector.writeRefusal());
    const configMap = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'berth-system' } });
    await expect(writer.create(configMap('before-leading'))).rejects.toThrow(WriteFencedError);
    a.elector.start();
    await waitFor(() => a.elector.isLeader(), 'a leads');
    await writer.create(configMap('while-leading'));

    // The whole process stops, as under SIGSTOP: no timer, no renewal.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, FAST.renewDeadlineMs + 200);
    const woken = writer.create(configMap('just-woken'));
    await expect(woken).rejects.toThrow(/past the renew deadline/);
    expect(fake.getObject('configmaps', 'just-woken', 'berth-system')).toBeUndefined();
    // Reads and the lease itself are not fenced: it renews, and writes go out again.
    expect(await a.kube.get(Resources.ConfigMap, 'while-leading', 'berth-system')).toBeDefined();
    await waitFor(() => a.elector.writeRefusal() === undefined, 'a renewed');
    await writer.create(configMap('after-renewal'));
  });

  it('a leader that finds another holder of a valid lease stops leading at once', async () => {
    const a = candidate('a', 'taken', { leaseDurationMs: 10_000, renewDeadlineMs: 8_000, retryPeriodMs: 50 });
    a.elector.start();
    await waitFor(() => a.elector.isLeader(), 'a leads');
    // Its renewals fail for a moment, so it reads the lease again: someone else holds it.
    const lease = fake.getObject('leases', 'taken', 'berth-system')!;
    fake.put('leases', { ...lease, spec: { ...lease.spec, holderIdentity: 'z', renewTime: microTime(), leaseDurationSeconds: 10 } });
    await waitFor(() => a.events.includes('lost a'), 'a stops leading', 2_000);
    expect(a.elector.writeRefusal()).toBe('this process does not lead');
  });

  it('refuses inconsistent durations', () => {
    const kube = new Kube(fake.kubeConfig(), { qps: 0 });
    expect(() => new LeaderElector(kube, { namespace: 'n', name: 'l', identity: 'x', leaseDurationMs: 10, renewDeadlineMs: 10 })).toThrow(/leaseDuration/);
    expect(() => new LeaderElector(kube, { namespace: 'n', name: 'l', identity: 'x', leaseDurationMs: 100, renewDeadlineMs: 50, retryPeriodMs: 50 })).toThrow(/renewDeadline/);
    kube.close();
  });
});
