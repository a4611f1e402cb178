import { describe, expect, it } from '@jest/globals';
import { TokenBucket } from '../../../src/runtime/ratelimit.js';

describe('TokenBucket', () => {
  it('allows a burst, then refills at qps', () => {
    let now = 0;
    const bucket = new TokenBucket(2, 3, () => now);
    expect([bucket.tryTake(), bucket.tryTake(), bucket.tryTake(), bucket.tryTake()]).toEqual([true, true, true, false]);
    now += 500; // half a second at 2 qps: one token
    expect([bucket.tryTake(), bucket.tryTake()]).toEqual([true, false]);
    now += 10_000; // never more than the burst
    expect([bucket.tryTake(), bucket.tryTake(), bucket.tryTake(), bucket.tryTake()]).toEqual([true, true, true, false]);
  });

  it('makes callers wait for tokens and serves them in order', async () => {
    const bucket = new TokenBucket(200, 1);
    const order: number[] = [];
    await Promise.all([0, 1, 2, 3].map((i) => bucket.take().then(() => order.push(i))));
    expect(order).toEqual([0, 1, 2, 3]);
    expect(bucket.tryTake()).toBe(false);
  });

  it('is off with qps 0 or Infinity', () => {
    for (const qps of [0, Infinity]) {
      const bucket = new TokenBucket(qps, 1);
      expect(Array.from({ length: 100 }, () => bucket.tryTake()).every(Boolean)).toBe(true);
    }
  });
});
