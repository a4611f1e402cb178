import type { Path } from '../api/rules.js';
import { parseQuery } from '../placement/parser.js';
import { jsonPath, type Finding } from './findings.js';

// ECS refuses a memberOf expression that does not parse at RegisterTaskDefinition and
// CreateService; the parser is pure, so `berth import` refuses it too, with the column.

export function placementSyntaxErrors(constraints: readonly { type: string; expression?: string }[] | undefined, base: Path): Finding[] {
  return (constraints ?? []).flatMap((c, i) => {
    if (c.type !== 'memberOf' || c.expression === undefined || c.expression === '') return [];
    const parsed = parseQuery(c.expression);
    if (parsed.ok) return [];
    return [{ path: jsonPath(base, 'placementConstraints', i, 'expression'), message: `not a valid cluster query: ${parsed.error.message}` }];
  });
}
