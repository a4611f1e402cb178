// Recursive-descent parser for the cluster query language:
//
//   expr       := and { ('or' | '||') and }
//   and        := unary { ('and' | '&&') unary }
//   unary      := ('not' | '!') unary | '(' expr ')' | comparison
//   comparison := subject operator [argument]
//
// Subjects and the operators each accepts are those ECS documents; word and symbol forms of an
// operator are interchangeable.

import type { Argument, Comparison, FieldName, Operator, QueryExpr, Subject, Value } from './ast.js';
import { OPERATOR_SYMBOLS, subjectText } from './ast.js';
import { QuerySyntaxError, Scanner, describeToken, type Token } from './lexer.js';

export type ParseResult = { ok: true; expr: QueryExpr } | { ok: false; error: QuerySyntaxError };

/** ECS's limit on the length of a constraint expression. */
export const MAX_EXPRESSION_LENGTH = 2000;
/**
 * How deep parentheses and `not` may nest. ECS documents no limit; this one keeps the recursive
 * parser and compiler far from the stack's end while no real expression comes near it.
 */
const MAX_NESTING = 32;

const OPERATORS: Record<string, Operator> = {
  '==': 'equals',
  equals: 'equals',
  '!=': 'not_equals',
  not_equals: 'not_equals',
  '>': 'greater_than',
  greater_than: 'greater_than',
  '>=': 'greater_than_equal',
  greater_than_equal: 'greater_than_equal',
  '<': 'less_than',
  less_than: 'less_than',
  '<=': 'less_than_equal',
  less_than_equal: 'less_than_equal',
  exists: 'exists',
  '!exists': 'not_exists',
  not_exists: 'not_exists',
  in: 'in',
  '!in': 'not_in',
  not_in: 'not_in',
  '=~': 'matches',
  matches: 'matches',
  '!~': 'not_matches',
  not_matches: 'not_matches',
};

const ALL_OPERATORS = Object.keys(OPERATOR_SYMBOLS) as Operator[];
const ORDERING: Operator[] = ['equals', 'not_equals', 'greater_than', 'greater_than_equal', 'less_than', 'less_than_equal'];
const MEMBERSHIP: Operator[] = ['equals', 'not_equals', 'in', 'not_in', 'matches', 'not_matches'];

const FIELD_OPERATORS: Record<FieldName, Operator[]> = {
  'task:group': ALL_OPERATORS,
  agentConnected: MEMBERSHIP,
  agentVersion: ORDERING,
  ec2InstanceId: MEMBERSHIP,
  registeredAt: ORDERING,
  runningTasksCount: ORDERING,
};

const SUBJECTS_HINT = 'attribute:<name>, task:group, agentConnected, agentVersion, ec2InstanceId, registeredAt or runningTasksCount';
const OPERATORS_HINT = '==, !=, >, >=, <, <=, exists, !exists, in, !in, =~, !~ or a word form such as equals or not_in';

export function parseQuery(text: string): ParseResult {
  try {
    if (text.length > MAX_EXPRESSION_LENGTH) {
      throw new QuerySyntaxError(MAX_EXPRESSION_LENGTH + 1, `the expression is longer than ECS's limit of ${MAX_EXPRESSION_LENGTH} characters`);
    }
    const parser = new Parser(new Scanner(text));
    return { ok: true, expr: parser.parseAll() };
  } catch (err) {
    if (err instanceof QuerySyntaxError) return { ok: false, error: err };
    throw err;
  }
}

class Parser {
  private depth = 0;

  constructor(private readonly scanner: Scanner) {}

  parseAll(): QueryExpr {
    const expr = this.parseOr();
    const rest = this.scanner.peek();
    if (rest.kind === 'rparen') throw new QuerySyntaxError(rest.position, "unexpected ')' without a matching '('");
    if (rest.kind !== 'end') {
      throw new QuerySyntaxError(rest.position, `expected 'and', 'or' or the end of the expression, found ${describeToken(rest)}`);
    }
    return expr;
  }

  private parseOr(): QueryExpr {
    const operands = [this.parseAnd()];
    while (this.scanner.peek().kind === 'or') {
      this.scanner.next();
      operands.push(this.parseAnd());
    }
    return operands.length === 1 ? operands[0] : { kind: 'or', operands, position: operands[0].position };
  }

  private parseAnd(): QueryExpr {
    const operands = [this.parseUnary()];
    while (this.scanner.peek().kind === 'and') {
      this.scanner.next();
      operands.push(this.parseUnary());
    }
    return operands.length === 1 ? operands[0] : { kind: 'and', operands, position: operands[0].position };
  }

  private parseUnary(): QueryExpr {
    const token = this.scanner.peek();
    if (token.kind !== 'not' && token.kind !== 'lparen') return this.parseComparison();
    if (++this.depth > MAX_NESTING) {
      throw new QuerySyntaxError(token.position, `parentheses and 'not' nest more than ${MAX_NESTING} deep`);
    }
    this.scanner.next();
    const expr = token.kind === 'not' ? this.parseNot(token) : this.parseParenthesised(token);
    this.depth--;
    return expr;
  }

  private parseNot(token: Token): QueryExpr {
    return { kind: 'not', operand: this.parseUnary(), position: token.position };
  }

  private parseParenthesised(open: Token): QueryExpr {
    const inner = this.parseOr();
    const close = this.scanner.next();
    if (close.kind !== 'rparen') {
      throw new QuerySyntaxError(close.position, `expected ')' to close the '(' at column ${open.position}, found ${describeToken(close)}`);
    }
    return inner;
  }

  private parseComparison(): Comparison {
    const head = this.scanner.next();
    if (head.kind !== 'word') {
      throw new QuerySyntaxError(head.position, `expected a subject (${SUBJECTS_HINT}), found ${describeToken(head)}`);
    }
    const subject = parseSubject(head);
    const opToken = this.scanner.next();
    const isOperator = (opToken.kind === 'symbol' || opToken.kind === 'word') && Object.hasOwn(OPERATORS, opToken.text);
    const operator = isOperator ? OPERATORS[opToken.text] : undefined;
    if (!operator) {
      throw new QuerySyntaxError(opToken.position, `expected an operator after ${subjectText(subject)} (${OPERATORS_HINT}), found ${describeToken(opToken)}`);
    }
    if (subject.kind === 'field' && !FIELD_OPERATORS[subject.name].includes(operator)) {
      const valid = FIELD_OPERATORS[subject.name].map((o) => OPERATOR_SYMBOLS[o]).join(', ');
      throw new QuerySyntaxError(opToken.position, `operator '${opToken.text}' is not valid for ${subject.name}; expected one of ${valid}`);
    }
    const comparison: Comparison = { kind: 'compare', subject, operator, position: head.position };
    const argument = this.parseArgument(operator, opToken);
    if (argument) comparison.argument = argument;
    return comparison;
  }

  private parseArgument(operator: Operator, opToken: Token): Argument | undefined {
    if (operator === 'exists' || operator === 'not_exists') return undefined;
    if (operator === 'in' || operator === 'not_in') return this.parseList(opToken);
    const token = operator === 'matches' || operator === 'not_matches' ? this.scanner.nextPattern() : this.scanner.next();
    if (token.kind !== 'word' && token.kind !== 'string') {
      const what = operator === 'matches' || operator === 'not_matches' ? 'a regular expression' : 'a value';
      throw new QuerySyntaxError(token.position, `expected ${what} after '${opToken.text}', found ${describeToken(token)}`);
    }
    return { kind: 'value', value: toValue(token) };
  }

  private parseList(opToken: Token): Argument {
    const open = this.scanner.next();
    if (open.kind !== 'lbracket') {
      throw new QuerySyntaxError(open.position, `expected '[' to start the list of values after '${opToken.text}', found ${describeToken(open)}`);
    }
    const values: Value[] = [];
    for (;;) {
      const item = this.scanner.next();
      if (item.kind !== 'word' && item.kind !== 'string') {
        throw new QuerySyntaxError(item.position, `expected a value in the list, found ${describeToken(item)}`);
      }
      values.push(toValue(item));
      const sep = this.scanner.next();
      if (sep.kind === 'rbracket') break;
      if (sep.kind !== 'comma') {
        throw new QuerySyntaxError(sep.position, `expected ',' or ']' in the list that starts at column ${open.position}, found ${describeToken(sep)}`);
      }
    }
    return { kind: 'list', values, position: open.position };
  }
}

function parseSubject(token: Token): Subject {
  if (token.text.startsWith('attribute:')) {
    const name = token.text.slice('attribute:'.length);
    if (name === '') throw new QuerySyntaxError(token.position, "expected an attribute name after 'attribute:'");
    return { kind: 'attribute', name };
  }
  if (Object.hasOwn(FIELD_OPERATORS, token.text)) return { kind: 'field', name: token.text as FieldName };
  throw new QuerySyntaxError(token.position, `unknown subject '${token.text}'; expected ${SUBJECTS_HINT}`);
}

function toValue(token: Token): Value {
  return { value: token.text, quoted: token.kind === 'string', position: token.position };
}
