import type { Path } from '../api/rules.js';
import { jsonPath, type Finding } from './findings.js';
import { compileConstraints, locate, type PlacementConstraintInput } from '../placement/constraints.js';

// Placement expressions checked at import as the operator will check them, so that an expression
// it would refuse (syntax, an attribute with no node label, a regular expression over its limits)
// is refused here with its path and column instead of later in a condition. No node labels are
// known here: wildcards and regexes expand to nothing, which is no error.

/** Errors of the memberOf expressions of `constraints`, found at `base`.placementConstraints. */
export function placementErrors(constraints: readonly PlacementConstraintInput[] | undefined, base: Path): Finding[] {
  if (!constraints || constraints.length === 0) return [];
  const result = compileConstraints(locate(constraints, jsonPath(base, 'placementConstraints')), { taskGroup: 'service:import' });
  return result.ok ? [] : result.errors.map((e) => ({ path: e.path, message: e.message }));
}
