import type { z } from 'zod';

/** A location inside an object, as zod reports it: keys and list indexes. */
export type Path = (string | number)[];

/**
 * One admission rule, written once and enforced twice: `cel` goes into the CRD as an
 * `x-kubernetes-validations` entry (the apiserver checks it), and `find` is its TypeScript twin
 * (offline validation, e.g. `berth import`, checks it with zod). Both are evaluated against the
 * node the rule is attached to, so `self` in CEL and the argument of `find` are the same value.
 */
export interface Rule<T> {
  /** CEL expression over `self`; true when the object is acceptable. */
  cel: string;
  /** Shown to the user by both checks: names the field and states the rule. */
  message: string;
  /**
   * Paths (relative to the node) that break the rule; empty when it holds. The TypeScript side
   * may point at the exact element where CEL can only reject the whole node. It may be stricter
   * than `cel` when CEL cannot express the full rule within the apiserver's cost budget; a comment
   * at the rule then says what each side covers.
   */
  find(self: T): Path[];
}

/** The usual `find` result for a rule that holds or fails as a whole. */
export function holds(ok: boolean): Path[] {
  return ok ? [] : [[]];
}

/** The CRD form of a rule list. */
export function celValidations(rules: readonly Rule<never>[]): { rule: string; message: string }[] {
  return rules.map((r) => ({ rule: r.cel, message: r.message }));
}

/**
 * Attaches rules to a schema: the CEL side as metadata that CRD generation copies verbatim, the
 * TypeScript side as a zod refinement. Call once per schema (a second call replaces the CEL list).
 */
export function withRules<S extends z.ZodType>(schema: S, rules: readonly Rule<z.output<S>>[]): S {
  return schema
    .superRefine((value, ctx) => {
      for (const rule of rules) {
        for (const path of safeFind(rule, value)) {
          ctx.addIssue({ code: 'custom', message: rule.message, path });
        }
      }
    })
    .meta({ 'x-kubernetes-validations': celValidations(rules as readonly Rule<never>[]) });
}

// zod runs refinements even when a nested field already failed, so a rule can meet a value of the
// wrong shape; the field's own error is the one to show then.
function safeFind<T>(rule: Rule<T>, value: T): Path[] {
  try {
    return rule.find(value);
  } catch {
    return [];
  }
}

/** `spec.containerDefinitions[0].name` from `['spec', 'containerDefinitions', 0, 'name']`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

/** One line per problem, each starting with the field it is about. */
export function formatIssues(issues: readonly z.core.$ZodIssue[], prefix: Path = []): string[] {
  return issues.map((issue) => {
    const where = formatPath([...prefix, ...issue.path]);
    return where === '' ? issue.message : `${where}: ${issue.message}`;
  });
}

/** The elements of a list that may be absent, for rules that treat absent and empty alike. */
export function list<T>(value: readonly T[] | undefined | null): readonly T[] {
  return Array.isArray(value) ? value : [];
}
