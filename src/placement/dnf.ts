// Disjunctive normal form over Kubernetes requirements: an OR of terms, each an AND of node
// requirements and pod (anti-)affinity atoms. This is the shape nodeSelectorTerms has: terms
// are ORed, the requirements of a term ANDed.

import type { LabelSelectorRequirement, NodeSelectorRequirement } from '../api/kube.js';

export interface PodAtom {
  /** `affinity`: some pod on the node matches; `anti`: no pod on the node matches. */
  type: 'affinity' | 'anti';
  requirements: LabelSelectorRequirement[];
}

export interface Term {
  node: NodeSelectorRequirement[];
  pod: PodAtom[];
}

export type Dnf = Term[];

export const FALSE: Dnf = [];
export const TRUE: Dnf = [{ node: [], pod: [] }];

/** Beyond this many terms an expression is refused rather than rendered into a huge affinity. */
export const MAX_TERMS = 64;

export class TooComplexError extends Error {}

export function nodeTerm(...node: NodeSelectorRequirement[]): Term {
  return { node, pod: [] };
}

export function or(parts: Dnf[]): Dnf {
  const out = parts.flat();
  if (out.length > MAX_TERMS) throw new TooComplexError();
  return out;
}

export function and(parts: Dnf[]): Dnf {
  let out: Dnf = TRUE;
  for (const part of parts) {
    const next: Dnf = [];
    for (const a of out) {
      for (const b of part) next.push({ node: [...a.node, ...b.node], pod: [...a.pod, ...b.pod] });
    }
    if (next.length > MAX_TERMS) throw new TooComplexError();
    out = next;
  }
  return out;
}

/**
 * Folds each term's requirements key by key (In sets intersect, NotIn sets unite, Gt/Lt keep the
 * tightest bound, Exists disappears under In), drops terms that cannot hold, then duplicate
 * terms and terms implied by a smaller one.
 */
export function simplify(dnf: Dnf): Dnf {
  const terms: Term[] = [];
  for (const term of dnf) {
    const node = simplifyNode(term.node);
    if (node) terms.push({ node, pod: dedupe(term.pod) });
  }
  const keyed = resolveComplements(terms).map((t) => ({ term: t, keys: new Set([...t.node.map(key), ...t.pod.map(key)]) }));
  return keyed
    .filter((a, i) =>
      !keyed.some((b, j) => j !== i && isSubset(b.keys, a.keys) && (b.keys.size < a.keys.size || j < i)),
    )
    .map((k) => k.term);
}

// (A and x) or (A and not x) is A, for x = Exists/DoesNotExist or In S/NotIn S on one key.
function resolveComplements(terms: Term[]): Term[] {
  let out = terms;
  for (let changed = true; changed; ) {
    changed = false;
    search: for (let i = 0; i < out.length; i++) {
      for (let j = i + 1; j < out.length; j++) {
        const common = complementPair(out[i], out[j]);
        if (common) {
          out = [...out.slice(0, i), common, ...out.slice(i + 1, j), ...out.slice(j + 1)];
          changed = true;
          break search;
        }
      }
    }
  }
  return out;
}

function complementPair(a: Term, b: Term): Term | undefined {
  if (a.node.length !== b.node.length || key(a.pod) !== key(b.pod)) return undefined;
  const bKeys = new Set(b.node.map(key));
  const onlyA = a.node.filter((r) => !bKeys.has(key(r)));
  const aKeys = new Set(a.node.map(key));
  const onlyB = b.node.filter((r) => !aKeys.has(key(r)));
  if (onlyA.length !== 1 || onlyB.length !== 1 || !areComplements(onlyA[0], onlyB[0])) return undefined;
  return { node: a.node.filter((r) => r !== onlyA[0]), pod: a.pod };
}

function areComplements(x: NodeSelectorRequirement, y: NodeSelectorRequirement): boolean {
  if (x.key !== y.key) return false;
  const ops = new Set([x.operator, y.operator]);
  if (ops.has('Exists') && ops.has('DoesNotExist')) return true;
  return ops.has('In') && ops.has('NotIn') && key([...(x.values ?? [])].sort()) === key([...(y.values ?? [])].sort());
}

function simplifyNode(reqs: NodeSelectorRequirement[]): NodeSelectorRequirement[] | undefined {
  const byKey = new Map<string, NodeSelectorRequirement[]>();
  for (const r of reqs) byKey.set(r.key, [...(byKey.get(r.key) ?? []), r]);
  const out: NodeSelectorRequirement[] = [];
  for (const [labelKey, group] of byKey) {
    const folded = foldKey(labelKey, group);
    if (!folded) return undefined;
    out.push(...folded);
  }
  return out;
}

function foldKey(labelKey: string, group: NodeSelectorRequirement[]): NodeSelectorRequirement[] | undefined {
  let inSet: Set<string> | undefined;
  const notIn = new Set<string>();
  let exists = false;
  let missing = false;
  let gt: bigint | undefined;
  let lt: bigint | undefined;
  for (const r of group) {
    const values = r.values ?? [];
    if (r.operator === 'In') inSet = inSet ? new Set(values.filter((v) => inSet!.has(v))) : new Set(values);
    if (r.operator === 'NotIn') values.forEach((v) => notIn.add(v));
    if (r.operator === 'Exists') exists = true;
    if (r.operator === 'DoesNotExist') missing = true;
    if (r.operator === 'Gt') gt = maxOf(gt, BigInt(values[0]));
    if (r.operator === 'Lt') lt = minOf(lt, BigInt(values[0]));
  }
  if (missing) return exists || inSet || gt !== undefined || lt !== undefined ? undefined : [{ key: labelKey, operator: 'DoesNotExist' }];
  if (gt !== undefined && lt !== undefined && gt + 1n >= lt) return undefined;
  if (inSet) {
    const kept = [...inSet].filter((v) => !notIn.has(v) && withinBounds(v, gt, lt)).sort();
    return kept.length === 0 ? undefined : [{ key: labelKey, operator: 'In', values: kept }];
  }
  const out: NodeSelectorRequirement[] = [];
  if (exists && gt === undefined && lt === undefined) out.push({ key: labelKey, operator: 'Exists' });
  if (notIn.size > 0) out.push({ key: labelKey, operator: 'NotIn', values: [...notIn].sort() });
  if (gt !== undefined) out.push({ key: labelKey, operator: 'Gt', values: [gt.toString()] });
  if (lt !== undefined) out.push({ key: labelKey, operator: 'Lt', values: [lt.toString()] });
  return out;
}

// Gt and Lt only ever match labels that parse as integers.
function withinBounds(value: string, gt: bigint | undefined, lt: bigint | undefined): boolean {
  if (gt === undefined && lt === undefined) return true;
  if (!/^-?\d+$/.test(value)) return false;
  const n = BigInt(value);
  return (gt === undefined || n > gt) && (lt === undefined || n < lt);
}

function maxOf(a: bigint | undefined, b: bigint): bigint {
  return a === undefined || b > a ? b : a;
}

function minOf(a: bigint | undefined, b: bigint): bigint {
  return a === undefined || b < a ? b : a;
}

function dedupe<T>(items: T[]): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const k = key(item);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function key(value: unknown): string {
  return JSON.stringify(value);
}

function isSubset(a: Set<string>, b: Set<string>): boolean {
  for (const x of a) if (!b.has(x)) return false;
  return true;
}
