import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { intOrString } from '../../../src/api/fields.js';
import { toStructuralSchema } from '../../../src/api/structural.js';

describe('toStructuralSchema', () => {
  it('drops additionalProperties next to properties and keeps int32 bounds', () => {
    expect(toStructuralSchema(z.strictObject({ n: z.int32().min(1).describe('n') }).describe('o'))).toEqual({
      type: 'object',
      description: 'o',
      properties: { n: { type: 'integer', minimum: 1, maximum: 2147483647, description: 'n' } },
      required: ['n'],
    });
  });

  it('keeps maps as additionalProperties', () => {
    expect(toStructuralSchema(z.record(z.string(), z.string()).describe('m'))).toEqual({
      type: 'object',
      additionalProperties: { type: 'string' },
      description: 'm',
    });
  });

  it('writes int-or-string with bare branches and the string constraints on the node', () => {
    expect(toStructuralSchema(intOrString('size', '^[0-9]+$', 'a size'))).toEqual({
      anyOf: [{ type: 'integer' }, { type: 'string' }],
      description: 'size',
      'x-kubernetes-int-or-string': true,
      minimum: 0,
      maximum: 2147483647,
      pattern: '^[0-9]+$',
      maxLength: 32,
    });
  });

  it('marks an untyped node to keep unknown fields', () => {
    expect(toStructuralSchema(z.strictObject({ any: z.unknown().describe('anything') }))).toMatchObject({
      properties: { any: { 'x-kubernetes-preserve-unknown-fields': true, description: 'anything' } },
    });
  });

  it('refuses what a CRD cannot express', () => {
    expect(() => toStructuralSchema(z.strictObject({ when: z.date() }))).toThrow();
  });
});

describe('intOrString', () => {
  const size = intOrString('size', '^[0-9]+ *[gG][bB]$', 'size must be a number or "N GB"');
  it.each([[0], [512], ['2 GB'], ['2gb']])('accepts %p', (v) => expect(size.safeParse(v).success).toBe(true));
  it.each([[-1], [1.5], ['2 MiB'], [true], ['9'.repeat(40) + 'GB']])('refuses %p with the hint', (v) => {
    const result = size.safeParse(v);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0].message).toBe('size must be a number or "N GB"');
  });
});
