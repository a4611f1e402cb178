import { describe, expect, it } from '@jest/globals';
import { WorkQueue } from '../../../src/runtime/workqueue.js';
import { newMetrics, sample, waitFor } from './helpers.js';

describe('WorkQueue', () => {
  it('queues a key once however often it is added', async () => {
    const q = new WorkQueue({ name: 'q' });
    q.add('a');
    q.add('b');
    q.add('a');
    expect(q.length).toBe(2);
    expect(await q.get()).toBe('a');
    expect(await q.get()).toBe('b');
    expect(q.length).toBe(0);
  });

  it('never hands a key to two workers; a key added while in process runs again after done', async () => {
    const q = new WorkQueue({ name: 'q' });
    q.add('a');
    const key = await q.get();
    q.add('a');
    q.add('a');
    expect(q.length).toBe(0); // not handed out while in process
    const next = q.get();
    let second: string | undefined;
    void next.then((k) => (second = k));
    await Promise.resolve();
    expect(second).toBeUndefined();
    q.done(key!);
    expect(await next).toBe('a');
    q.done('a');
    expect(q.length).toBe(0);
  });

  it('wakes a waiting worker when a key arrives', async () => {
    const q = new WorkQueue({ name: 'q' });
    const waiting = q.get();
    q.add('x');
    expect(await waiting).toBe('x');
  });

  it('backs off per key and forgets on success', async () => {
    const q = new WorkQueue({ name: 'q', baseDelayMs: 1, maxDelayMs: 4 });
    for (let i = 1; i <= 5; i++) {
      q.addRateLimited('a');
      expect(q.numRequeues('a')).toBe(i);
      expect(await q.get()).toBe('a');
      q.done('a');
    }
    expect(q.numRequeues('b')).toBe(0);
    q.forget('a');
    expect(q.numRequeues('a')).toBe(0);
  });

  it('adds after a delay, the earliest of several delays winning', async () => {
    const q = new WorkQueue({ name: 'q' });
    q.addAfter('a', 60_000);
    q.addAfter('a', 1);
    expect(q.length).toBe(0);
    expect(await q.get()).toBe('a'); // did not wait a minute
    q.done('a');
    q.shutDown(); // clears the remaining timer
  });

  it('on shut down stops handing out keys, refuses new ones and lets in-process work drain', async () => {
    const q = new WorkQueue({ name: 'q' });
    q.add('a');
    q.add('b');
    const key = await q.get();
    const idle = new WorkQueue({ name: 'idle' });
    const waiting = idle.get();
    idle.shutDown();
    expect(await waiting).toBeUndefined();

    q.shutDown();
    expect(await q.get()).toBeUndefined();
    q.add('c');
    q.addRateLimited('d');
    expect(q.length).toBe(0);
    let drained = false;
    const drain = q.drain().then(() => (drained = true));
    await Promise.resolve();
    expect(drained).toBe(false);
    q.done(key!);
    await drain;
    expect(drained).toBe(true);
  });

  it('reports the workqueue metrics under controller-runtime names and labels', async () => {
    const metrics = newMetrics();
    const q = new WorkQueue({ name: 'svc', metrics, baseDelayMs: 1 });
    q.add('a');
    q.add('a');
    q.add('b');
    expect(await sample(metrics, 'workqueue_adds_total', { name: 'svc', controller: 'svc' })).toBe(2);
    expect(await sample(metrics, 'workqueue_depth', { name: 'svc' })).toBe(2);
    const key = await q.get();
    expect(await sample(metrics, 'workqueue_depth', { name: 'svc' })).toBe(1);
    expect(await sample(metrics, 'workqueue_unfinished_work_seconds', { name: 'svc' })).toBeGreaterThanOrEqual(0);
    expect(await sample(metrics, 'workqueue_longest_running_processor_seconds', { name: 'svc' })).toBeGreaterThanOrEqual(0);
    q.done(key!);
    q.addRateLimited('a');
    expect(await sample(metrics, 'workqueue_retries_total', { name: 'svc' })).toBe(1);
    expect(await sample(metrics, 'workqueue_queue_duration_seconds_count', { name: 'svc' })).toBe(1);
    expect(await sample(metrics, 'workqueue_work_duration_seconds_count', { name: 'svc' })).toBe(1);
    await waitFor(() => q.length === 2, 'retried key');
    q.shutDown();
  });
});
