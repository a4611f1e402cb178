import { describe, expect, it } from '@jest/globals';
import {
  JsonPatchError,
  applyJsonPatch,
  diffJson,
  escapePointerToken,
  jsonEqual,
  unescapePointerToken,
  type JsonPatchOp,
} from '../../../src/fargate/jsonpatch.js';

describe('JSON pointer tokens', () => {
  it.each([
    ['a/b', 'a~1b'],
    ['m~n', 'm~0n'],
    ['~/', '~0~1'],
    ['~1', '~01'],
    ['ecs.berth.dev/fargate-profile', 'ecs.berth.dev~1fargate-profile'],
    ['', ''],
  ])('%s ↔ %s', (raw, escaped) => {
    expect(escapePointerToken(raw)).toBe(escaped);
    expect(unescapePointerToken(escaped)).toBe(raw);
  });
});

describe('diffJson', () => {
  // [name, from, to, operations]
  const cases: [string, unknown, unknown, JsonPatchOp[]][] = [
    ['equal documents', { a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 }, []],
    ['added member', { a: 1 }, { a: 1, b: 2 }, [{ op: 'add', path: '/b', value: 2 }]],
    ['removed member', { a: 1, b: 2 }, { a: 1 }, [{ op: 'remove', path: '/b' }]],
    ['changed member', { a: 1 }, { a: 2 }, [{ op: 'replace', path: '/a', value: 2 }]],
    ['undefined counts as absent', { a: 1, b: undefined }, { a: 1, c: undefined }, []],
    ['nested change', { a: { b: { c: 1 } } }, { a: { b: { c: 1, d: 2 } } }, [{ op: 'add', path: '/a/b/d', value: 2 }]],
    ['keys with / and ~', { labels: {} }, { labels: { 'a/b': '1', 'x~y': '2' } }, [
      { op: 'add', path: '/labels/a~1b', value: '1' },
      { op: 'add', path: '/labels/x~0y', value: '2' },
    ]],
    ['array element changed', { l: [{ n: 1 }, { n: 2 }] }, { l: [{ n: 1 }, { n: 3 }] }, [{ op: 'replace', path: '/l/1/n', value: 3 }]],
    ['array grew at the end', { l: [1] }, { l: [1, 2, 3] }, [{ op: 'add', path: '/l/1', value: 2 }, { op: 'add', path: '/l/2', value: 3 }]],
    ['array shrank at the end', { l: [1, 2, 3] }, { l: [1] }, [{ op: 'remove', path: '/l/2' }, { op: 'remove', path: '/l/1' }]],
    ['array changed otherwise', { l: [1, 2] }, { l: [0, 1, 2] }, [{ op: 'replace', path: '/l', value: [0, 1, 2] }]],
    ['type changed', { a: [1] }, { a: { 0: 1 } }, [{ op: 'replace', path: '/a', value: { 0: 1 } }]],
    ['null is a value', { a: null }, { a: 0 }, [{ op: 'replace', path: '/a', value: 0 }]],
    ['whole document', 1, 2, [{ op: 'replace', path: '', value: 2 }]],
  ];
  it.each(cases)('%s', (_name, from, to, ops) => {
    const patch = diffJson(from, to);
    expect(patch).toEqual(ops);
    expect(jsonEqual(applyJsonPatch(from, patch), to)).toBe(true);
  });

  it('copies values, so later changes to the target do not leak into the patch', () => {
    const to = { a: { b: 1 } };
    const patch = diffJson({}, to);
    to.a.b = 2;
    expect(patch).toEqual([{ op: 'add', path: '/a', value: { b: 1 } }]);
  });
});

describe('applyJsonPatch', () => {
  it('applies add, remove, replace and test without touching its input', () => {
    const doc = { a: [1, 2], b: { c: 'x' } };
    const out = applyJsonPatch(doc, [
      { op: 'test', path: '/b/c', value: 'x' },
      { op: 'add', path: '/a/-', value: 3 },
      { op: 'add', path: '/a/0', value: 0 },
      { op: 'remove', path: '/b/c' },
      { op: 'replace', path: '/b', value: { d: true } },
    ]);
    expect(out).toEqual({ a: [0, 1, 2, 3], b: { d: true } });
    expect(doc).toEqual({ a: [1, 2], b: { c: 'x' } });
  });

  it.each<[string, JsonPatchOp]>([
    ['a missing parent', { op: 'add', path: '/x/y', value: 1 }],
    ['removing a missing member', { op: 'remove', path: '/nope' }],
    ['replacing past the end of a list', { op: 'replace', path: '/a/5', value: 1 }],
    ['adding past the end of a list', { op: 'add', path: '/a/9', value: 1 }],
    ['a failed test', { op: 'test', path: '/a/0', value: 9 }],
    ['removing the document', { op: 'remove', path: '' }],
  ])('refuses %s', (_name, op) => {
    expect(() => applyJsonPatch({ a: [1] }, [op])).toThrow(JsonPatchError);
  });
});
