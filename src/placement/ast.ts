// The syntax tree of ECS's cluster query language (the `expression` of a memberOf constraint).
// Positions are 1-based columns into the expression text.

/** Operators under ECS's own word names; the symbol forms (`==`, `!in` …) parse to the same. */
export type Operator =
  | 'equals'
  | 'not_equals'
  | 'greater_than'
  | 'greater_than_equal'
  | 'less_than'
  | 'less_than_equal'
  | 'exists'
  | 'not_exists'
  | 'in'
  | 'not_in'
  | 'matches'
  | 'not_matches';

export type FieldName =
  | 'task:group'
  | 'agentConnected'
  | 'agentVersion'
  | 'ec2InstanceId'
  | 'registeredAt'
  | 'runningTasksCount';

export type Subject =
  | { kind: 'attribute'; name: string }
  | { kind: 'field'; name: FieldName };

export interface Value {
  value: string;
  quoted: boolean;
  position: number;
}

export type Argument =
  | { kind: 'value'; value: Value }
  | { kind: 'list'; values: Value[]; position: number };

export interface Comparison {
  kind: 'compare';
  subject: Subject;
  operator: Operator;
  /** Absent for `exists` and `not_exists`. */
  argument?: Argument;
  position: number;
}

export interface Not {
  kind: 'not';
  operand: QueryExpr;
  position: number;
}

export interface And {
  kind: 'and';
  operands: QueryExpr[];
  position: number;
}

export interface Or {
  kind: 'or';
  operands: QueryExpr[];
  position: number;
}

export type QueryExpr = Comparison | Not | And | Or;

export const OPERATOR_SYMBOLS: Record<Operator, string> = {
  equals: '==',
  not_equals: '!=',
  greater_than: '>',
  greater_than_equal: '>=',
  less_than: '<',
  less_than_equal: '<=',
  exists: 'exists',
  not_exists: '!exists',
  in: 'in',
  not_in: '!in',
  matches: '=~',
  not_matches: '!~',
};

export function subjectText(subject: Subject): string {
  return subject.kind === 'attribute' ? `attribute:${subject.name}` : subject.name;
}

/** The expression in canonical form: symbol operators, explicit parentheses around every compound. */
export function formatQuery(expr: QueryExpr): string {
  switch (expr.kind) {
    case 'compare': {
      const head = `${subjectText(expr.subject)} ${OPERATOR_SYMBOLS[expr.operator]}`;
      if (!expr.argument) return head;
      const pattern = expr.operator === 'matches' || expr.operator === 'not_matches';
      if (expr.argument.kind === 'value') return `${head} ${pattern ? formatPattern(expr.argument.value) : formatValue(expr.argument.value)}`;
      return `${head} [${expr.argument.values.map(formatValue).join(', ')}]`;
    }
    case 'not':
      return `not (${formatQuery(expr.operand)})`;
    case 'and':
    case 'or':
      return expr.operands.map((o) => (o.kind === 'compare' || o.kind === 'not' ? formatQuery(o) : `(${formatQuery(o)})`)).join(` ${expr.kind} `);
  }
}

// A pattern is read raw up to whitespace or an unbalanced ')', so only those need quotes.
function formatPattern(v: Value): string {
  let depth = 0;
  for (let i = 0; i < v.value.length; i++) {
    const ch = v.value[i];
    if (ch === '\\') i++;
    else if (ch === '(') depth++;
    else if (ch === ')' && --depth < 0) break;
  }
  const raw = v.value !== '' && depth === 0 && !/\s/.test(v.value) && !/^['"]/.test(v.value);
  return raw ? v.value : quote(v.value);
}

function formatValue(v: Value): string {
  const plain = /^[^\s()[\],'"=!<>&|]+$/.test(v.value) && !['and', 'or', 'not'].includes(v.value);
  if (plain) return v.value;
  return quote(v.value);
}

function quote(text: string): string {
  return `'${text.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}
