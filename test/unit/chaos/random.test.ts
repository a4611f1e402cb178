import { describe, expect, test } from '@jest/globals';
import { Random } from '../../../src/chaos/random.js';

// A chaos run is only reproducible if the same seed makes the same choices.

const draws = (seed: number) => {
  const r = new Random(seed);
  return [r.int(0, 3000), r.pick(['image', 'force', 'providers']), r.chance(0.25), r.sample(['a', 'b', 'c', 'd'], 2), r.int(1, 1)];
};

describe('Random', () => {
  test('the same seed makes the same choices; another seed others', () => {
    expect(draws(1)).toEqual(draws(1));
    const seeds = Array.from({ length: 20 }, (_, i) => JSON.stringify(draws(i)));
    expect(new Set(seeds).size).toBeGreaterThan(1);
  });

  test('int covers both ends and nothing outside', () => {
    const r = new Random(42);
    const seen = new Set(Array.from({ length: 500 }, () => r.int(2, 5)));
    expect([...seen].sort()).toEqual([2, 3, 4, 5]);
  });

  test.each([[0, 0], [1, 1000]])('chance(%d) is true %d times in 1000', (p, times) => {
    const r = new Random(7);
    expect(Array.from({ length: 1000 }, () => r.chance(p)).filter(Boolean)).toHaveLength(times);
  });

  test('sample gives distinct items, at most as many as there are', () => {
    const r = new Random(3);
    const picked = r.sample(['a', 'b', 'c'], 2);
    expect(new Set(picked).size).toBe(2);
    expect(r.sample(['a', 'b'], 5).sort()).toEqual(['a', 'b']);
  });
});
