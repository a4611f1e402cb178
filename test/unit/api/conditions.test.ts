import { describe, expect, it } from '@jest/globals';
import {
  findCondition,
  formatTime,
  isConditionTrue,
  mergeConditions,
  removeCondition,
  sameConditions,
  setCondition,
  type Condition,
} from '../../../src/api/conditions.js';

const t0 = new Date('2025-01-01T00:00:00.123Z');
const t1 = new Date('2025-01-01T00:05:00.000Z');

const ready = (status: Condition['status'], time = '2025-01-01T00:00:00Z'): Condition => ({
  type: 'Ready',
  status,
  lastTransitionTime: time,
  reason: status === 'True' ? 'Available' : 'Unavailable',
  message: '',
});

describe('setCondition', () => {
  it('appends a new type with the current time, second precision', () => {
    const out = setCondition(undefined, { type: 'Ready', status: 'True', reason: 'Available', observedGeneration: 2 }, t0);
    expect(out).toEqual([{ type: 'Ready', status: 'True', observedGeneration: 2, lastTransitionTime: '2025-01-01T00:00:00Z', reason: 'Available', message: '' }]);
  });

  it('keeps lastTransitionTime when the status is unchanged, but takes the new reason and message', () => {
    const out = setCondition([ready('True')], { type: 'Ready', status: 'True', reason: 'StillAvailable', message: 'fine' }, t1);
    expect(out[0]).toMatchObject({ lastTransitionTime: '2025-01-01T00:00:00Z', reason: 'StillAvailable', message: 'fine' });
  });

  it('moves lastTransitionTime when the status changes', () => {
    const out = setCondition([ready('True')], { type: 'Ready', status: 'False', reason: 'Unavailable' }, t1);
    expect(out[0].lastTransitionTime).toBe('2025-01-01T00:05:00Z');
  });

  it('replaces in place and keeps the order of other conditions', () => {
    const list: Condition[] = [ready('True'), { ...ready('False'), type: 'Progressing' }];
    const out = setCondition(list, { type: 'Ready', status: 'False', reason: 'X' }, t1);
    expect(out.map((c) => c.type)).toEqual(['Ready', 'Progressing']);
    expect(list[0].status).toBe('True');
  });

  it('drops observedGeneration when the input has none', () => {
    const out = setCondition([{ ...ready('True'), observedGeneration: 1 }], { type: 'Ready', status: 'True', reason: 'Available' }, t1);
    expect(out[0]).not.toHaveProperty('observedGeneration');
  });
});

describe('other helpers', () => {
  it('mergeConditions applies updates in order with one clock reading', () => {
    const out = mergeConditions(
      [ready('True')],
      [
        { type: 'Ready', status: 'False', reason: 'A' },
        { type: 'SteadyState', status: 'False', reason: 'B' },
        { type: 'Ready', status: 'False', reason: 'C' },
      ],
      t1,
    );
    expect(out.map((c) => [c.type, c.reason, c.lastTransitionTime])).toEqual([
      ['Ready', 'C', '2025-01-01T00:05:00Z'],
      ['SteadyState', 'B', '2025-01-01T00:05:00Z'],
    ]);
  });

  it('find, isTrue, remove', () => {
    const list = [ready('True'), { ...ready('Unknown'), type: 'SteadyState' }];
    expect(findCondition(list, 'SteadyState')?.status).toBe('Unknown');
    expect(findCondition(list, 'Nope')).toBeUndefined();
    expect(isConditionTrue(list, 'Ready')).toBe(true);
    expect(isConditionTrue(list, 'SteadyState')).toBe(false);
    expect(isConditionTrue(undefined, 'Ready')).toBe(false);
    expect(removeCondition(list, 'Ready').map((c) => c.type)).toEqual(['SteadyState']);
  });

  it('sameConditions ignores order and sees every field', () => {
    const a = [ready('True'), { ...ready('False'), type: 'Progressing' }];
    expect(sameConditions(a, [a[1], a[0]])).toBe(true);
    expect(sameConditions(a, [a[0]])).toBe(false);
    expect(sameConditions(a, [a[0], { ...a[1], message: 'x' }])).toBe(false);
    expect(sameConditions(undefined, [])).toBe(true);
  });

  it('an unchanged condition set twice is the same list', () => {
    const once = setCondition(undefined, { type: 'Ready', status: 'True', reason: 'Available' }, t0);
    const twice = setCondition(once, { type: 'Ready', status: 'True', reason: 'Available' }, t1);
    expect(sameConditions(once, twice)).toBe(true);
  });

  it('formatTime drops milliseconds', () => {
    expect(formatTime(t0)).toBe('2025-01-01T00:00:00Z');
  });
});
