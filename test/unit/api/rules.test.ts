import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { formatIssues, formatPath, holds, list, withRules } from '../../../src/api/rules.js';
import { toStructuralSchema } from '../../../src/api/structural.js';

const Pair = withRules(z.strictObject({ low: z.int(), high: z.int(), tags: z.array(z.string()).optional() }).describe('A pair.'), [
  { cel: 'self.low <= self.high', message: 'spec.low must not exceed spec.high', find: (p) => holds(p.low <= p.high) },
  {
    cel: "!has(self.tags) || self.tags.all(t, t != '')",
    message: 'spec.tags[] must not be empty',
    find: (p) => list(p.tags).flatMap((t, i) => (t === '' ? [['tags', i]] : [])),
  },
]);

describe('withRules', () => {
  it('puts the CEL side in the schema, next to the description', () => {
    const schema = toStructuralSchema(Pair);
    expect(schema.description).toBe('A pair.');
    expect(schema['x-kubernetes-validations']).toEqual([
      { rule: 'self.low <= self.high', message: 'spec.low must not exceed spec.high' },
      { rule: "!has(self.tags) || self.tags.all(t, t != '')", message: 'spec.tags[] must not be empty' },
    ]);
  });

  it('runs the TypeScript side as a refinement, at the paths it finds', () => {
    const result = Pair.safeParse({ low: 3, high: 1, tags: ['a', ''] });
    expect(result.success).toBe(false);
    expect(formatIssues(result.error?.issues ?? [], ['spec'])).toEqual(['spec: spec.low must not exceed spec.high', 'spec.tags[1]: spec.tags[] must not be empty']);
  });

  it('passes valid values through unchanged', () => {
    expect(Pair.parse({ low: 1, high: 3 })).toEqual({ low: 1, high: 3 });
  });

  it('leaves a value of the wrong shape to the field errors', () => {
    const result = Pair.safeParse({ low: 1, high: 3, tags: 'x' });
    expect(formatIssues(result.error?.issues ?? [])).toEqual(['tags: Invalid input: expected array, received string']);
  });
});

describe('paths', () => {
  it.each([
    [[], ''],
    [['spec'], 'spec'],
    [['spec', 'containerDefinitions', 0, 'name'], 'spec.containerDefinitions[0].name'],
    [[0, 'a'], '[0].a'],
  ])('%p → %p', (path, text) => expect(formatPath(path)).toBe(text));

  it('formats an issue without a path as its message alone', () => {
    expect(formatIssues([{ code: 'custom', message: 'bad', path: [], input: undefined }])).toEqual(['bad']);
  });
});
