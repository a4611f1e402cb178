// RFC 6902 JSON Patch between two JSON documents, as an admission webhook answers: mutate a
// copy of the object, then send the difference. Objects are compared key by key; an array that
// only grew or shrank at its end gets add/remove operations, any other array change is one
// `replace`. `undefined` values count as absent, as they do once serialised.

import { isObject } from '../api/json.js';

export type JsonPatchOp =
  | { op: 'add'; path: string; value: unknown }
  | { op: 'replace'; path: string; value: unknown }
  | { op: 'remove'; path: string }
  | { op: 'test'; path: string; value: unknown };

/** RFC 6901: `~` becomes `~0`, then `/` becomes `~1`. */
export function escapePointerToken(token: string): string {
  return token.replaceAll('~', '~0').replaceAll('/', '~1');
}

export function unescapePointerToken(token: string): string {
  return token.replaceAll('~1', '/').replaceAll('~0', '~');
}

/** The operations that turn `from` into `to`. */
export function diffJson(from: unknown, to: unknown): JsonPatchOp[] {
  const ops: JsonPatchOp[] = [];
  diffAt('', from, to, ops);
  return ops;
}

function diffAt(path: string, a: unknown, b: unknown, ops: JsonPatchOp[]): void {
  if (jsonEqual(a, b)) return;
  if (isObject(a) && isObject(b)) {
    for (const key of Object.keys(a)) {
      if (a[key] !== undefined && b[key] === undefined) ops.push({ op: 'remove', path: `${path}/${escapePointerToken(key)}` });
    }
    for (const key of Object.keys(b)) {
      if (b[key] === undefined) continue;
      const child = `${path}/${escapePointerToken(key)}`;
      if (a[key] === undefined) ops.push({ op: 'add', path: child, value: clone(b[key]) });
      else diffAt(child, a[key], b[key], ops);
    }
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const common = Math.min(a.length, b.length);
    const prefixEqual = a.slice(0, common).every((x, i) => jsonEqual(x, b[i]));
    if (a.length === b.length) {
      a.forEach((x, i) => diffAt(`${path}/${i}`, x, b[i], ops));
      return;
    }
    if (prefixEqual && b.length > a.length) {
      for (let i = a.length; i < b.length; i++) ops.push({ op: 'add', path: `${path}/${i}`, value: clone(b[i]) });
      return;
    }
    if (prefixEqual) {
      for (let i = a.length - 1; i >= b.length; i--) ops.push({ op: 'remove', path: `${path}/${i}` });
      return;
    }
  }
  ops.push({ op: 'replace', path, value: clone(b) });
}

export class JsonPatchError extends Error {}

/** Applies a patch to a copy of the document; throws JsonPatchError when an operation cannot apply. */
export function applyJsonPatch<T>(doc: T, ops: readonly JsonPatchOp[]): T {
  let root: unknown = clone(doc);
  for (const op of ops) {
    if (op.path === '') {
      if (op.op === 'remove') throw new JsonPatchError('cannot remove the whole document');
      if (op.op === 'test') {
        if (!jsonEqual(root, op.value)) throw new JsonPatchError('test failed at the document root');
        continue;
      }
      root = clone(op.value);
      continue;
    }
    const tokens = op.path.split('/').slice(1).map(unescapePointerToken);
    const last = tokens.pop()!;
    const parent = tokens.reduce<unknown>((node, t) => child(node, t, op.path), root);
    applyAt(parent, last, op);
  }
  return root as T;
}

function applyAt(parent: unknown, key: string, op: JsonPatchOp): void {
  if (Array.isArray(parent)) {
    const index = key === '-' ? parent.length : Number(key);
    const exists = Number.isInteger(index) && index >= 0 && index < parent.length;
    if (op.op === 'add') {
      if (!Number.isInteger(index) || index < 0 || index > parent.length) throw new JsonPatchError(`index out of range at ${op.path}`);
      parent.splice(index, 0, clone(op.value));
    } else if (!exists) {
      throw new JsonPatchError(`no element at ${op.path}`);
    } else if (op.op === 'remove') {
      parent.splice(index, 1);
    } else if (op.op === 'replace') {
      parent[index] = clone(op.value);
    } else if (!jsonEqual(parent[index], op.value)) {
      throw new JsonPatchError(`test failed at ${op.path}`);
    }
    return;
  }
  if (!isObject(parent)) throw new JsonPatchError(`no object at the parent of ${op.path}`);
  const exists = Object.hasOwn(parent, key);
  if (op.op === 'add') parent[key] = clone(op.value);
  else if (!exists) throw new JsonPatchError(`no member at ${op.path}`);
  else if (op.op === 'remove') delete parent[key];
  else if (op.op === 'replace') parent[key] = clone(op.value);
  else if (!jsonEqual(parent[key], op.value)) throw new JsonPatchError(`test failed at ${op.path}`);
}

function child(node: unknown, token: string, path: string): unknown {
  if (Array.isArray(node)) {
    const i = Number(token);
    if (!Number.isInteger(i) || i < 0 || i >= node.length) throw new JsonPatchError(`no element for ${path}`);
    return node[i];
  }
  if (isObject(node) && Object.hasOwn(node, token)) return node[token];
  throw new JsonPatchError(`no member for ${path}`);
}

/** A JSON object: not null, not a list. */

/** Equality of JSON values: object key order and undefined members do not matter. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k], b[k]));
  }
  return false;
}

function clone<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}
