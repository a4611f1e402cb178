// One comparison of the query language, possibly negated, as Kubernetes requirements.
//
// ECS evaluates a comparison against an instance's attributes; an instance without the
// attribute fails every comparison except `!exists`, and `not` is plain logical negation. So
// `attr != v` is "has attr and it is not v" (Exists + NotIn), while `not(attr == v)` is "lacks
// attr or it is not v", which is exactly Kubernetes' NotIn.
//
// A value with `*` or `?` is a wildcard, like a `=~` pattern expanded against the label values
// known now. ECS attribute values can contain neither character, so no literal value is lost.

import type { LabelSelectorRequirement, NodeSelectorRequirement } from '../api/kube.js';
import type { Comparison, Value } from './ast.js';
import { subjectText } from './ast.js';
import { resolveAttribute, type AttributeLabel } from './attributes.js';
import { FALSE, TRUE, nodeTerm, type Dnf, type PodAtom } from './dnf.js';
import { TASK_GROUP_LABEL, isValidLabelValue, toLabelValue } from './labels.js';
import { MAX_EXPRESSION_REGEX_INSTRUCTIONS, compileRegex, type CompiledRegex } from './regex.js';
import { hasWildcard, wildcardMatch } from './wildcard.js';

/** Node (or pod) label values seen now, per label key; wildcards and regexes expand against them. */
export type KnownLabelValues = ReadonlyMap<string, ReadonlySet<string>>;

/** A wildcard or regular expression replaced by the label values it matched when compiled. */
export interface Expansion {
  subject: string;
  labelKey: string;
  kind: 'wildcard' | 'regex';
  pattern: string;
  values: string[];
  position: number;
}

export interface QueryError {
  message: string;
  /** 1-based column in the expression, when the error is about one place in it. */
  position?: number;
}

export interface LiteralContext {
  known: KnownLabelValues;
  expansions: Expansion[];
  errors: QueryError[];
  /** RE2 instructions the expression's regular expressions may still use (regex.ts). */
  regexBudget: number;
}

const UNSUPPORTED_FIELDS: Record<string, string> = {
  agentConnected: 'the Kubernetes scheduler only places pods on Ready nodes, and no node label says whether an agent is connected',
  agentVersion: 'Kubernetes nodes carry no ECS agent version',
  ec2InstanceId: 'Kubernetes nodes carry no EC2 instance id label; label the nodes and use a custom attribute',
  registeredAt: 'node affinity cannot compare dates',
  runningTasksCount: 'node affinity cannot count the pods on a node',
};

export function literalDnf(cmp: Comparison, negated: boolean, ctx: LiteralContext): Dnf {
  if (cmp.subject.kind === 'field' && cmp.subject.name === 'task:group') return taskGroupDnf(cmp, negated, ctx);
  if (cmp.subject.kind === 'field') {
    return fail(ctx, cmp.position, `${cmp.subject.name} cannot be compiled to Kubernetes placement: ${UNSUPPORTED_FIELDS[cmp.subject.name]}`);
  }
  const resolved = resolveAttribute(cmp.subject.name);
  if (!resolved.ok) return fail(ctx, cmp.position, resolved.reason);
  return attributeDnf(cmp, negated, resolved.label, ctx);
}

function attributeDnf(cmp: Comparison, negated: boolean, label: AttributeLabel, ctx: LiteralContext): Dnf {
  const k = label.labelKey;
  const req = (operator: NodeSelectorRequirement['operator'], values?: string[]): NodeSelectorRequirement =>
    values ? { key: k, operator, values } : { key: k, operator };
  switch (cmp.operator) {
    case 'exists':
    case 'not_exists': {
      const present = (cmp.operator === 'exists') !== negated;
      return [nodeTerm(req(present ? 'Exists' : 'DoesNotExist'))];
    }
    case 'greater_than':
    case 'greater_than_equal':
    case 'less_than':
    case 'less_than_equal':
      return orderingDnf(cmp, negated, k, ctx);
    default: {
      const values = labelValuesOf(cmp, label, ctx);
      if (!values) return FALSE;
      const positive = cmp.operator === 'equals' || cmp.operator === 'in' || cmp.operator === 'matches';
      // Equality-like, as written or through a negated inequality.
      if (positive !== negated) {
        if (positive) return values.length === 0 ? FALSE : [nodeTerm(req('In', values))];
        return values.length === 0 ? [nodeTerm(req('DoesNotExist'))] : [nodeTerm(req('DoesNotExist')), nodeTerm(req('In', values))];
      }
      if (negated) return values.length === 0 ? TRUE : [nodeTerm(req('NotIn', values))];
      return values.length === 0 ? [nodeTerm(req('Exists'))] : [nodeTerm(req('Exists'), req('NotIn', values))];
    }
  }
}

// Gt and Lt are strict and integer-only: `>= n` is `Gt n-1`, `<= n` is `Lt n+1`.
function orderingDnf(cmp: Comparison, negated: boolean, labelKey: string, ctx: LiteralContext): Dnf {
  const arg = cmp.argument?.kind === 'value' ? cmp.argument.value : undefined;
  if (!arg || !/^-?\d+$/.test(arg.value)) {
    return fail(ctx, arg?.position ?? cmp.position, `'${subjectText(cmp.subject)}' compared with ${cmp.operator} needs an integer argument (Kubernetes Gt/Lt compare integers), found '${arg?.value ?? ''}'`);
  }
  const n = BigInt(arg.value);
  const bound = (operator: 'Gt' | 'Lt', v: bigint) => nodeTerm({ key: labelKey, operator, values: [v.toString()] });
  const missing = nodeTerm({ key: labelKey, operator: 'DoesNotExist' });
  const strict: Record<string, [op: 'Gt' | 'Lt', v: bigint, negOp: 'Gt' | 'Lt', negV: bigint]> = {
    greater_than: ['Gt', n, 'Lt', n + 1n],
    greater_than_equal: ['Gt', n - 1n, 'Lt', n],
    less_than: ['Lt', n, 'Gt', n - 1n],
    less_than_equal: ['Lt', n + 1n, 'Gt', n],
  };
  const [op, v, negOp, negV] = strict[cmp.operator];
  return negated ? [missing, bound(negOp, negV)] : [bound(op, v)];
}

// The label values a value-taking comparison names, with wildcards and regexes expanded against
// the values known now. Undefined after an error.
function labelValuesOf(cmp: Comparison, label: AttributeLabel, ctx: LiteralContext): string[] | undefined {
  const args: Value[] = cmp.argument?.kind === 'list' ? cmp.argument.values : cmp.argument ? [cmp.argument.value] : [];
  const known = [...(ctx.known.get(label.labelKey) ?? [])];
  const toEcs = label.fromLabelValue ?? ((v: string) => v);
  const out = new Set<string>();
  let ok = true;
  for (const arg of args) {
    if (cmp.operator === 'matches' || cmp.operator === 'not_matches') {
      const re = userRegex(arg, ctx);
      if (!re) {
        ok = false;
        continue;
      }
      const matched = known.filter((v) => re.matches(toEcs(v))).sort();
      ctx.expansions.push(expansion(cmp, label.labelKey, 'regex', arg, matched));
      matched.forEach((v) => out.add(v));
    } else if (hasWildcard(arg.value)) {
      const matched = known.filter((v) => wildcardMatch(arg.value, toEcs(v))).sort();
      ctx.expansions.push(expansion(cmp, label.labelKey, 'wildcard', arg, matched));
      matched.forEach((v) => out.add(v));
    } else {
      const v = label.toLabelValue ? label.toLabelValue(arg.value) : arg.value;
      if (!isValidLabelValue(v)) {
        ctx.errors.push({
          position: arg.position,
          message: `at column ${arg.position}: '${arg.value}' can never be the value of node label ${label.labelKey} (label values are at most 63 letters, digits, '-', '_' or '.')`,
        });
        ok = false;
        continue;
      }
      out.add(v);
    }
  }
  return ok ? [...out].sort() : undefined;
}

// ECS matches the whole value, as Java's matches() does; RE2 runs in linear time (regex.ts).
// The budget is shared by the expression's patterns, so no expression multiplies the work.
function userRegex(arg: Value, ctx: LiteralContext): CompiledRegex | undefined {
  const compiled = ctx.regexBudget > 0 ? compileRegex(arg.value) : undefined;
  if (compiled && !compiled.ok) {
    ctx.errors.push({ position: arg.position, message: `at column ${arg.position}: '${arg.value.slice(0, 80)}': ${compiled.reason}` });
    return undefined;
  }
  ctx.regexBudget -= compiled?.regex.instructions ?? 0;
  if (!compiled || ctx.regexBudget < 0) {
    ctx.errors.push({
      position: arg.position,
      message: `at column ${arg.position}: the expression's regular expressions together compile to more than ${MAX_EXPRESSION_REGEX_INSTRUCTIONS} instructions; use fewer or simpler ones`,
    });
    return undefined;
  }
  return compiled.regex;
}

function expansion(cmp: Comparison, labelKey: string, kind: Expansion['kind'], arg: Value, values: string[]): Expansion {
  return { subject: subjectText(cmp.subject), labelKey, kind, pattern: arg.value, values, position: arg.position };
}

// task:group asks which tasks run on the instance: pod affinity (some pod of the group is on the
// node) or anti-affinity (none is), with the node as the topology domain.
function taskGroupDnf(cmp: Comparison, negated: boolean, ctx: LiteralContext): Dnf {
  const atom = (type: PodAtom['type'], requirements: LabelSelectorRequirement[]): Dnf => [{ node: [], pod: [{ type, requirements }] }];
  const exists: LabelSelectorRequirement = { key: TASK_GROUP_LABEL, operator: 'Exists' };
  switch (cmp.operator) {
    case 'exists':
    case 'not_exists':
      return atom((cmp.operator === 'exists') !== negated ? 'affinity' : 'anti', [exists]);
    case 'equals':
    case 'in':
    case 'not_equals':
    case 'not_in': {
      const groups = taskGroupValues(cmp, ctx);
      if (!groups) return FALSE;
      const positive = cmp.operator === 'equals' || cmp.operator === 'in';
      if (positive) {
        if (groups.length === 0) return negated ? TRUE : FALSE;
        return atom(negated ? 'anti' : 'affinity', [{ key: TASK_GROUP_LABEL, operator: 'In', values: groups }]);
      }
      const reqs: LabelSelectorRequirement[] = groups.length === 0 ? [exists] : [exists, { key: TASK_GROUP_LABEL, operator: 'NotIn', values: groups }];
      return atom(negated ? 'anti' : 'affinity', reqs);
    }
    default:
      return fail(ctx, cmp.position, `task:group supports ==, !=, in, !in, exists and !exists; '${cmp.operator}' cannot become pod affinity`);
  }
}

function taskGroupValues(cmp: Comparison, ctx: LiteralContext): string[] | undefined {
  const args: Value[] = cmp.argument?.kind === 'list' ? cmp.argument.values : cmp.argument ? [cmp.argument.value] : [];
  const known = [...(ctx.known.get(TASK_GROUP_LABEL) ?? [])];
  const out = new Set<string>();
  for (const arg of args) {
    if (hasWildcard(arg.value)) {
      const pattern = arg.value.replaceAll(':', '.');
      const matched = known.filter((v) => wildcardMatch(pattern, v)).sort();
      ctx.expansions.push(expansion(cmp, TASK_GROUP_LABEL, 'wildcard', arg, matched));
      matched.forEach((v) => out.add(v));
    } else {
      out.add(toLabelValue(arg.value));
    }
  }
  return [...out].sort();
}

function fail(ctx: LiteralContext, position: number, message: string): Dnf {
  ctx.errors.push({ position, message: `at column ${position}: ${message}` });
  return FALSE;
}
