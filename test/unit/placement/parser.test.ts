import { describe, expect, it } from '@jest/globals';
import { formatQuery, type QueryExpr } from '../../../src/placement/ast.js';
import { parseQuery } from '../../../src/placement/parser.js';

function canonical(text: string): string {
  const r = parseQuery(text);
  if (!r.ok) throw new Error(`${text}: ${r.error.message}`);
  return formatQuery(r.expr);
}

function parsed(text: string): QueryExpr {
  const r = parseQuery(text);
  if (!r.ok) throw new Error(r.error.message);
  return r.expr;
}

describe('parseQuery: valid expressions', () => {
  // [expression, canonical form]
  const cases: [string, string][] = [
    // ECS's documented examples.
    ['attribute:ecs.instance-type == t2.small', 'attribute:ecs.instance-type == t2.small'],
    ['attribute:ecs.availability-zone in [us-east-1a, us-east-1b]', 'attribute:ecs.availability-zone in [us-east-1a, us-east-1b]'],
    ['attribute:ecs.instance-type =~ g2.* and attribute:ecs.availability-zone != us-east-1d', 'attribute:ecs.instance-type =~ g2.* and attribute:ecs.availability-zone != us-east-1d'],
    ['task:group == service:production', 'task:group == service:production'],
    ['not(task:group == database)', 'not (task:group == database)'],
    ['runningTasksCount == 1', 'runningTasksCount == 1'],
    ['agentVersion < 1.14.5', 'agentVersion < 1.14.5'],
    ['registeredAt < 2018-02-13', 'registeredAt < 2018-02-13'],
    ["ec2InstanceId in ['i-abcd1234', 'i-wxyx7890']", 'ec2InstanceId in [i-abcd1234, i-wxyx7890]'],
    ['attribute:stack == prod', 'attribute:stack == prod'],
    ['attribute:stack != prod', 'attribute:stack != prod'],
    ['attribute:ecs.instance-type in [t2.small, t2.medium]', 'attribute:ecs.instance-type in [t2.small, t2.medium]'],
    ['attribute:ecs.instance-type =~ t2.* and attribute:ecs.availability-zone == us-east-1a', 'attribute:ecs.instance-type =~ t2.* and attribute:ecs.availability-zone == us-east-1a'],
    // Word forms.
    ['attribute:a equals b', 'attribute:a == b'],
    ['attribute:a not_equals b', 'attribute:a != b'],
    ['attribute:n greater_than 4', 'attribute:n > 4'],
    ['attribute:n greater_than_equal 4', 'attribute:n >= 4'],
    ['attribute:n less_than 4', 'attribute:n < 4'],
    ['attribute:n less_than_equal 4', 'attribute:n <= 4'],
    ['attribute:a exists', 'attribute:a exists'],
    ['attribute:a not_exists', 'attribute:a !exists'],
    ['attribute:a !exists', 'attribute:a !exists'],
    ['attribute:a not_in [x, y]', 'attribute:a !in [x, y]'],
    ['attribute:a !in [x]', 'attribute:a !in [x]'],
    ['attribute:a matches x.*', 'attribute:a =~ x.*'],
    ['attribute:a not_matches x.*', 'attribute:a !~ x.*'],
    ['attribute:a !~ x.*', 'attribute:a !~ x.*'],
    // Compound forms and precedence: not > and > or.
    ['attribute:a == 1 && attribute:b == 2', 'attribute:a == 1 and attribute:b == 2'],
    ['attribute:a == 1 || attribute:b == 2', 'attribute:a == 1 or attribute:b == 2'],
    ['!(attribute:a == 1)', 'not (attribute:a == 1)'],
    ['! attribute:a exists', 'not (attribute:a exists)'],
    ['attribute:a == 1 or attribute:b == 2 and attribute:c == 3', 'attribute:a == 1 or (attribute:b == 2 and attribute:c == 3)'],
    ['(attribute:a == 1 or attribute:b == 2) and attribute:c == 3', '(attribute:a == 1 or attribute:b == 2) and attribute:c == 3'],
    ['not attribute:a == 1 and attribute:b == 2', 'not (attribute:a == 1) and attribute:b == 2'],
    ['not not attribute:a exists', 'not (not (attribute:a exists))'],
    ['((attribute:a exists))', 'attribute:a exists'],
    // Spacing, quoting, odd values.
    ['attribute:a==b', 'attribute:a == b'],
    ['attribute:a!=b&&attribute:c==d', 'attribute:a != b and attribute:c == d'],
    ['attribute:a in[x,y]', 'attribute:a in [x, y]'],
    ['attribute:a!in[x]', 'attribute:a !in [x]'],
    ["attribute:a == 'hello world'", "attribute:a == 'hello world'"],
    ['attribute:a == "double"', 'attribute:a == double'],
    ["attribute:a =~ '\\d+'", 'attribute:a =~ \\d+'],
    ["attribute:a =~ '(open'", "attribute:a =~ '(open'"],
    ["attribute:a == 'it\\'s'", "attribute:a == 'it\\'s'"],
    ["attribute:a == 'and'", "attribute:a == 'and'"],
    ['attribute:a =~ (t2|m5)\\..*', 'attribute:a =~ (t2|m5)\\..*'],
    ['not(attribute:a =~ (t2|m5).*)', 'not (attribute:a =~ (t2|m5).*)'],
    ["attribute:a =~ 'x y'", "attribute:a =~ 'x y'"],
    ['attribute:a =~ [ab]+', 'attribute:a =~ [ab]+'],
    ['task:group in [service:a, service:b]', 'task:group in [service:a, service:b]'],
    ['agentConnected == true', 'agentConnected == true'],
    ['attribute:custom/with.slash == x', 'attribute:custom/with.slash == x'],
    ['attribute:a == -5', 'attribute:a == -5'],
  ];
  it.each(cases)('%s', (text, expected) => {
    expect(canonical(text)).toBe(expected);
    // The canonical form parses back to itself.
    expect(canonical(expected)).toBe(expected);
  });

  it('builds the documented tree, with 1-based positions', () => {
    expect(parsed('attribute:ecs.instance-type =~ g2.* and not(task:group == db)')).toEqual({
      kind: 'and',
      position: 1,
      operands: [
        {
          kind: 'compare',
          subject: { kind: 'attribute', name: 'ecs.instance-type' },
          operator: 'matches',
          argument: { kind: 'value', value: { value: 'g2.*', quoted: false, position: 32 } },
          position: 1,
        },
        {
          kind: 'not',
          position: 41,
          operand: {
            kind: 'compare',
            subject: { kind: 'field', name: 'task:group' },
            operator: 'equals',
            argument: { kind: 'value', value: { value: 'db', quoted: false, position: 59 } },
            position: 45,
          },
        },
      ],
    });
  });

  it('flattens chains of the same connective', () => {
    const e = parsed('attribute:a exists and attribute:b exists && attribute:c exists');
    expect(e.kind).toBe('and');
    expect(e.kind === 'and' && e.operands).toHaveLength(3);
  });

  it('keeps lists with positions', () => {
    expect(parsed('attribute:z in [a, "b c"]')).toMatchObject({
      argument: { kind: 'list', position: 16, values: [{ value: 'a', position: 17 }, { value: 'b c', quoted: true, position: 20 }] },
    });
  });
});

describe('parseQuery: errors carry the column and what was expected', () => {
  // [expression, column, fragment of the message]
  const cases: [string, number, string][] = [
    ['', 1, 'expected a subject'],
    ['   ', 4, 'expected a subject'],
    ['attribute:a', 12, 'expected an operator after attribute:a'],
    ['attribute:a = b', 13, "unexpected '='"],
    ['attribute:a == ', 16, "expected a value after '=='"],
    ['attribute:a in x', 16, "expected '[' to start the list of values after 'in'"],
    ['attribute:a in [x', 18, "expected ',' or ']'"],
    ['attribute:a in []', 17, 'expected a value in the list'],
    ['attribute:a in [x,]', 19, 'expected a value in the list'],
    ['attribute:a in [x y]', 19, "expected ',' or ']'"],
    ['foo == bar', 1, "unknown subject 'foo'"],
    ['attribute: == b', 1, "expected an attribute name after 'attribute:'"],
    ['(attribute:a exists', 20, "expected ')' to close the '(' at column 1"],
    ['attribute:a exists)', 19, "unexpected ')' without a matching '('"],
    ['attribute:a exists attribute:b exists', 20, "expected 'and', 'or' or the end of the expression"],
    ['attribute:a exists and', 23, 'expected a subject'],
    ['and attribute:a exists', 1, 'expected a subject'],
    ['attribute:a exists & attribute:b exists', 20, "unexpected '&'"],
    ['attribute:a exists | attribute:b exists', 20, "unexpected '|'"],
    ["attribute:a == 'open", 16, 'unterminated quoted value'],
    ['attribute:a foo b', 13, 'expected an operator'],
    ['ec2InstanceId > 5', 15, "operator '>' is not valid for ec2InstanceId"],
    ['agentConnected exists', 16, "operator 'exists' is not valid for agentConnected"],
    ['runningTasksCount in [1, 2]', 19, "operator 'in' is not valid for runningTasksCount"],
    ['registeredAt =~ 2018.*', 14, "operator '=~' is not valid for registeredAt"],
    ['agentVersion matches 1.*', 14, "operator 'matches' is not valid for agentVersion"],
    ['attribute:a =~ ', 16, "expected a regular expression after '=~'"],
    ['not', 4, 'expected a subject'],
    ['()', 2, 'expected a subject'],
    ['attribute:a == and', 16, "expected a value after '=='"],
    ['[a] == b', 1, 'expected a subject'],
    ['attribute:a exists not attribute:b exists', 20, "expected 'and', 'or'"],
  ];
  it.each(cases)('%j → column %d', (text, column, fragment) => {
    const r = parseQuery(text);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.position).toBe(column);
    expect(r.error.message).toContain(`at column ${column}: `);
    expect(r.error.message).toContain(fragment);
  });

  it('refuses nesting deeper than 32 at the column where it goes too deep', () => {
    const ok = parseQuery(`${'('.repeat(32)}attribute:a exists${')'.repeat(32)}`);
    expect(ok.ok).toBe(true);
    for (const text of [`${'('.repeat(40)}attribute:a exists${')'.repeat(40)}`, `${'not '.repeat(40)}attribute:a exists`, '('.repeat(1999)]) {
      const r = parseQuery(text);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.message).toMatch(/^at column \d+: parentheses and 'not' nest more than 32 deep$/);
    }
  });

  it('refuses expressions longer than ECS allows', () => {
    const r = parseQuery(`attribute:a in [${Array.from({ length: 500 }, (_, i) => `v${i}`).join(', ')}]`);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toContain('2000');
  });

  it('does not mistake inherited object keys for subjects or operators', () => {
    expect(parseQuery('toString == x').ok).toBe(false);
    expect(parseQuery('attribute:a constructor x').ok).toBe(false);
  });
});
