// placementConstraints → required affinity. Constraints are binding on ECS (a task that fits no
// instance stays PENDING), so everything here is requiredDuringScheduling.
//
//   distinctInstance → pod anti-affinity on kubernetes.io/hostname against the task group's own pods
//   memberOf         → the compiled expression; several memberOf constraints are ANDed

import type { Affinity, PodAffinityTerm } from '../api/kube.js';
import type { ServicePlacementConstraint } from '../api/service.js';
import type { QueryExpr } from './ast.js';
import { compileQuery, type Expansion, type KnownLabelValues } from './compile.js';
import { HOSTNAME_LABEL, TASK_GROUP_LABEL, toLabelValue } from './labels.js';
import { parseQuery } from './parser.js';
import { MAX_EXPRESSION_REGEX_INSTRUCTIONS } from './regex.js';

/** A Service's constraint; a task definition's (memberOf only) has the same shape. */
export type PlacementConstraintInput = ServicePlacementConstraint;

/** A constraint with the path it came from (`spec.placementConstraints[1]`), for messages. */
export interface LocatedConstraint {
  path: string;
  constraint: PlacementConstraintInput;
}

/** Something Berth renders only approximately, for a FieldsIgnored-style report. */
export interface PlacementNote {
  path: string;
  message: string;
}

export interface PlacementError {
  path: string;
  message: string;
}

export interface ConstraintsOptions {
  /** The ECS task group of the pods being placed (`service:<name>` for a service). */
  taskGroup: string;
  knownLabelValues?: KnownLabelValues;
}

export interface CompiledConstraints {
  affinity: Affinity;
  expansions: Expansion[];
  matchesNothing: boolean;
  notes: PlacementNote[];
}

export type ConstraintsResult = ({ ok: true } & CompiledConstraints) | { ok: false; errors: PlacementError[] };

/** ECS's limit on the constraints of one task, task definition and service together. */
export const MAX_CONSTRAINTS = 10;

export function locate(constraints: readonly PlacementConstraintInput[] | undefined, path: string): LocatedConstraint[] {
  return (constraints ?? []).map((constraint, i) => ({ path: `${path}[${i}]`, constraint }));
}

export function compileConstraints(constraints: readonly LocatedConstraint[], options: ConstraintsOptions): ConstraintsResult {
  const errors: PlacementError[] = [];
  if (constraints.length > MAX_CONSTRAINTS) {
    errors.push({ path: constraints[MAX_CONSTRAINTS].path, message: `at most ${MAX_CONSTRAINTS} placement constraints apply to a task (service and task definition together)` });
  }
  const expressions: { path: string; expr: QueryExpr }[] = [];
  let distinct = false;
  for (const { path, constraint } of constraints) {
    if (constraint.type === 'distinctInstance') {
      if (constraint.expression) errors.push({ path: `${path}.expression`, message: 'distinctInstance takes no expression' });
      distinct = true;
    } else if (constraint.type === 'memberOf') {
      const parsed = memberOf(path, constraint, options, errors);
      if (parsed) expressions.push({ path, expr: parsed });
    } else {
      errors.push({ path: `${path}.type`, message: `unknown placement constraint type '${String(constraint.type)}'; expected distinctInstance or memberOf` });
    }
  }
  if (errors.length > 0) return { ok: false, errors };

  const affinity: Affinity = {};
  const notes: PlacementNote[] = [];
  let expansions: Expansion[] = [];
  let matchesNothing = false;
  if (expressions.length > 0) {
    const combined: QueryExpr = expressions.length === 1 ? expressions[0].expr : { kind: 'and', operands: expressions.map((e) => e.expr), position: 1 };
    // Each expression has already been compiled alone within its own budget.
    const regexBudget = MAX_EXPRESSION_REGEX_INSTRUCTIONS * expressions.length;
    const result = compileQuery(combined, { knownLabelValues: options.knownLabelValues, regexBudget });
    if (!result.ok) return { ok: false, errors: result.errors.map((e) => ({ path: expressions[0].path, message: e.message })) };
    const c = result.compiled;
    if (c.nodeSelectorTerms) affinity.nodeAffinity = { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: c.nodeSelectorTerms } };
    if (c.podAffinityTerms.length > 0) affinity.podAffinity = { requiredDuringSchedulingIgnoredDuringExecution: c.podAffinityTerms };
    if (c.podAntiAffinityTerms.length > 0) affinity.podAntiAffinity = { requiredDuringSchedulingIgnoredDuringExecution: c.podAntiAffinityTerms };
    expansions = c.expansions;
    matchesNothing = c.matchesNothing;
    notes.push(...expressionNotes(expressions, c.expansions, c.matchesNothing, c.podAffinityTerms.length + c.podAntiAffinityTerms.length > 0));
  }
  if (distinct) {
    const anti = affinity.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? [];
    affinity.podAntiAffinity = { requiredDuringSchedulingIgnoredDuringExecution: [...anti, distinctInstanceTerm(options.taskGroup)] };
  }
  return { ok: true, affinity, expansions, matchesNothing, notes };
}

/** One task of the group per node: no other pod of the group may share the node. */
export function distinctInstanceTerm(taskGroup: string): PodAffinityTerm {
  return { labelSelector: { matchLabels: { [TASK_GROUP_LABEL]: toLabelValue(taskGroup) } }, topologyKey: HOSTNAME_LABEL };
}

// Each expression is also compiled on its own so that an error names the constraint it is in.
function memberOf(path: string, constraint: PlacementConstraintInput, options: ConstraintsOptions, errors: PlacementError[]): QueryExpr | undefined {
  if (!constraint.expression) {
    errors.push({ path: `${path}.expression`, message: 'a memberOf constraint needs an expression' });
    return undefined;
  }
  const parsed = parseQuery(constraint.expression);
  if (!parsed.ok) {
    errors.push({ path: `${path}.expression`, message: parsed.error.message });
    return undefined;
  }
  const alone = compileQuery(parsed.expr, { knownLabelValues: options.knownLabelValues });
  if (!alone.ok) {
    errors.push(...alone.errors.map((e) => ({ path: `${path}.expression`, message: e.message })));
    return undefined;
  }
  return parsed.expr;
}

function expressionNotes(expressions: { path: string }[], expansions: Expansion[], matchesNothing: boolean, usesGroups: boolean): PlacementNote[] {
  const path = expressions.length === 1 ? `${expressions[0].path}.expression` : expressions.map((e) => `${e.path}.expression`).join(', ');
  const notes: PlacementNote[] = [];
  for (const x of expansions) {
    const found = x.values.length === 0 ? 'no value' : `[${x.values.join(', ')}]`;
    notes.push({
      path,
      message: `${x.subject} ${x.kind === 'regex' ? `=~ ${x.pattern}` : x.pattern} matched ${found} of label ${x.labelKey} among the values seen now; placement is recomputed when they change`,
    });
  }
  if (expansions.some((x) => x.kind === 'regex')) {
    notes.push({ path, message: 'regular expressions are evaluated by RE2 (linear time), which agrees with Java (what ECS uses) on common patterns; backreferences and lookaround are not supported' });
  }
  if (matchesNothing) notes.push({ path, message: 'no node can satisfy the placement constraints; the pods stay Pending, as ECS tasks stay PENDING' });
  if (usesGroups) notes.push({ path, message: `task:group looks at pods of the same namespace through label ${TASK_GROUP_LABEL}` });
  return notes;
}
