// Compiles a cluster query expression to Kubernetes scheduling terms:
//   1. push `not` down to the comparisons,
//   2. turn each comparison into requirements (literals.ts) and multiply out to DNF,
//   3. fold and prune the terms (dnf.ts).
// Attribute comparisons become requiredDuringScheduling node affinity, one nodeSelectorTerm per
// DNF term; `task:group` comparisons become required pod (anti-)affinity on the node.

import type { NodeSelectorRequirement, NodeSelectorTerm, PodAffinityTerm } from '../api/kube.js';
import type { Comparison, QueryExpr } from './ast.js';
import { FALSE, MAX_TERMS, TooComplexError, and, or, simplify, type Dnf, type PodAtom } from './dnf.js';
import { HOSTNAME_LABEL } from './labels.js';
import { literalDnf, type Expansion, type KnownLabelValues, type LiteralContext, type QueryError } from './literals.js';
import { parseQuery } from './parser.js';
import { MAX_EXPRESSION_REGEX_INSTRUCTIONS } from './regex.js';

export type { Expansion, KnownLabelValues, QueryError } from './literals.js';

export interface CompiledQuery {
  /** ORed terms for requiredDuringSchedulingIgnoredDuringExecution; absent when any node will do. */
  nodeSelectorTerms?: NodeSelectorTerm[];
  /** Required pod affinity terms (all must hold), topology key kubernetes.io/hostname. */
  podAffinityTerms: PodAffinityTerm[];
  /** Required pod anti-affinity terms (all must hold), topology key kubernetes.io/hostname. */
  podAntiAffinityTerms: PodAffinityTerm[];
  /**
   * Wildcards and regular expressions replaced by the label values known at compile time. When
   * this is not empty, compile again whenever those label values change (nodes come and go).
   */
  expansions: Expansion[];
  /** True when no node can satisfy the expression; nodeSelectorTerms then holds one term that matches nothing. */
  matchesNothing: boolean;
}

export type CompileResult = { ok: true; compiled: CompiledQuery } | { ok: false; errors: QueryError[] };

export interface CompileOptions {
  knownLabelValues?: KnownLabelValues;
  /** RE2 instructions all `=~`/`!~` patterns together may use; default MAX_EXPRESSION_REGEX_INSTRUCTIONS. */
  regexBudget?: number;
}

/** A term no node satisfies: the hostname label both present and absent. */
export const UNSATISFIABLE_TERM: NodeSelectorTerm = {
  matchExpressions: [
    { key: HOSTNAME_LABEL, operator: 'Exists' },
    { key: HOSTNAME_LABEL, operator: 'DoesNotExist' },
  ],
};

export function compileExpression(text: string, options: CompileOptions = {}): CompileResult {
  const parsed = parseQuery(text);
  if (!parsed.ok) return { ok: false, errors: [{ message: parsed.error.message, position: parsed.error.position }] };
  return compileQuery(parsed.expr, options);
}

export function compileQuery(expr: QueryExpr, options: CompileOptions = {}): CompileResult {
  const ctx: LiteralContext = { known: options.knownLabelValues ?? new Map(), expansions: [], errors: [], regexBudget: options.regexBudget ?? MAX_EXPRESSION_REGEX_INSTRUCTIONS };
  const nnf = toNnf(expr, false);
  const misplaced = taskGroupUnderOr(nnf, false);
  if (misplaced) {
    return {
      ok: false,
      errors: [{
        position: misplaced.position,
        message: `at column ${misplaced.position}: task:group can only be joined to the rest of the expression with 'and' (once 'not' is pushed inward); write 'task:group in [a, b]' for a choice of groups`,
      }],
    };
  }
  let dnf: Dnf;
  try {
    dnf = simplify(toDnf(nnf, ctx));
  } catch (err) {
    if (!(err instanceof TooComplexError)) throw err;
    return { ok: false, errors: [{ message: `the expression expands to more than ${MAX_TERMS} alternatives; simplify it` }] };
  }
  if (ctx.errors.length > 0) return { ok: false, errors: ctx.errors };
  return { ok: true, compiled: toCompiled(dnf, ctx.expansions) };
}

type Nnf = { kind: 'lit'; cmp: Comparison; negated: boolean } | { kind: 'and' | 'or'; operands: Nnf[] };

function toNnf(expr: QueryExpr, negate: boolean): Nnf {
  switch (expr.kind) {
    case 'compare':
      return { kind: 'lit', cmp: expr, negated: negate };
    case 'not':
      return toNnf(expr.operand, !negate);
    case 'and':
    case 'or': {
      const kind = (expr.kind === 'and') !== negate ? 'and' : 'or';
      return { kind, operands: expr.operands.map((o) => toNnf(o, negate)) };
    }
  }
}

// Pod affinity terms are ANDed by Kubernetes; a task:group comparison under an `or` has no
// equivalent.
function taskGroupUnderOr(nnf: Nnf, underOr: boolean): Comparison | undefined {
  if (nnf.kind === 'lit') {
    const isGroup = nnf.cmp.subject.kind === 'field' && nnf.cmp.subject.name === 'task:group';
    return isGroup && underOr ? nnf.cmp : undefined;
  }
  for (const operand of nnf.operands) {
    const found = taskGroupUnderOr(operand, underOr || nnf.kind === 'or');
    if (found) return found;
  }
  return undefined;
}

function toDnf(nnf: Nnf, ctx: LiteralContext): Dnf {
  if (nnf.kind === 'lit') return literalDnf(nnf.cmp, nnf.negated, ctx);
  const parts = nnf.operands.map((o) => toDnf(o, ctx));
  return nnf.kind === 'and' ? and(parts) : or(parts);
}

function toCompiled(dnf: Dnf, expansions: Expansion[]): CompiledQuery {
  if (dnf === FALSE || dnf.length === 0) {
    return { nodeSelectorTerms: [UNSATISFIABLE_TERM], podAffinityTerms: [], podAntiAffinityTerms: [], expansions, matchesNothing: true };
  }
  // Pod atoms never sit under an `or`, so every term carries the same ones.
  const pod = dnf[0].pod;
  const compiled: CompiledQuery = {
    podAffinityTerms: pod.filter((a) => a.type === 'affinity').map(podTerm),
    podAntiAffinityTerms: pod.filter((a) => a.type === 'anti').map(podTerm),
    expansions,
    matchesNothing: false,
  };
  if (!dnf.some((t) => t.node.length === 0)) compiled.nodeSelectorTerms = dnf.map((t) => ({ matchExpressions: t.node.map(copyRequirement) }));
  return compiled;
}

function podTerm(atom: PodAtom): PodAffinityTerm {
  return { labelSelector: { matchExpressions: atom.requirements.map((r) => ({ ...r })) }, topologyKey: HOSTNAME_LABEL };
}

function copyRequirement(r: NodeSelectorRequirement): NodeSelectorRequirement {
  return r.values ? { key: r.key, operator: r.operator, values: [...r.values] } : { key: r.key, operator: r.operator };
}
