import { RenderError } from '../findings.js';

// What the checker finds: a value in a rendered object that the apiserver would refuse (or, for
// quantities, silently change), the rule it breaks, and the field of the user's object it came
// from when that is known.

/** The condition reason of a render that breaks Kubernetes' rules. */
export const INVALID_FOR_KUBERNETES = 'InvalidForKubernetes';

export interface KubeProblem {
  /** The rendered object and field: "Deployment web: spec.template.spec.containers[0].env[2].name". */
  rendered: string;
  /** The field the value came from, in the user's object: "spec.containerDefinitions[0].environment[2].name". */
  source?: string;
  /** The value, shortened for messages. */
  value?: string;
  /** The rule, in the apiserver's words where it has some. */
  rule: string;
}

/** One problem: the source field first, then the value, the rule and the rendered field. */
export function describeProblem(p: KubeProblem): string {
  const value = p.value === undefined ? '' : ` ${p.value}`;
  return p.source ? `${p.source}${value}: ${p.rule} (${p.rendered})` : `${p.rendered}${value}: ${p.rule}`;
}

/** What a condition message or an Event says: the first `limit` problems, then how many more. */
export function describeProblems(problems: readonly KubeProblem[], limit = 5): string {
  const lines = problems.slice(0, limit).map(describeProblem);
  if (problems.length > limit) lines.push(`and ${problems.length - limit} more`);
  return lines.join('; ');
}

/** A value as a message shows it: JSON, cut to 64 characters. */
export function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 64 ? `${text.slice(0, 61)}...` : text;
}

/**
 * A task definition whose pod template Kubernetes would refuse. `path` is the first problem's
 * source field ($-form, as every RenderError's), `detail` the rest of the description.
 */
export class KubeRulesError extends RenderError {
  override name = 'KubeRulesError';

  constructor(readonly problems: readonly KubeProblem[]) {
    const first = problems[0];
    const head = describeProblem(first);
    const path = first.source ? first.source.replace(/^spec/, '$') : '$';
    const detail = first.source ? head.slice(first.source.length).replace(/^ /, '') : head;
    const rest = problems.length > 1 ? `; ${describeProblems(problems.slice(1))}` : '';
    super(path, `${detail}${rest}`);
  }
}
