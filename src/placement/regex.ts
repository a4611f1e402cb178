// The regular expressions of `=~` and `!~`, compiled by RE2 (re2js), never by JavaScript's
// backtracking RegExp: RE2 matches in time linear in the value, whatever the pattern, so no
// expression can stall the operator (`(.*.*.*.*.*)*x` is as quick as `x`). ECS's own attribute
// matching is not a backtracking engine either; what RE2 lacks (backreferences, lookaround) is
// refused with RE2's own reason.
//
// Linear in the value is not enough on its own: the cost of one match is the program size times
// the value length, and an expansion tests every label value known. Label values are at most 63
// characters, so bounding the program size (and the sum over an expression) bounds the work.

import { RE2JS } from 're2js';

/** The longest pattern accepted, in characters. */
export const MAX_REGEX_LENGTH = 256;
/** The largest compiled program of one pattern, in RE2 instructions (`{n,m}` multiplies the size). */
export const MAX_REGEX_INSTRUCTIONS = 500;
/** The largest sum of program sizes over the patterns of one expression. */
export const MAX_EXPRESSION_REGEX_INSTRUCTIONS = 2000;

export interface CompiledRegex {
  /** True when the pattern matches the whole of the value (as Java's matches() does). */
  matches(value: string): boolean;
  /** Program size in RE2 instructions. */
  instructions: number;
}

export type RegexResult = { ok: true; regex: CompiledRegex } | { ok: false; reason: string };

export function compileRegex(pattern: string): RegexResult {
  if (pattern.length > MAX_REGEX_LENGTH) {
    return { ok: false, reason: `the regular expression is ${pattern.length} characters long, more than the limit of ${MAX_REGEX_LENGTH}` };
  }
  const estimate = estimatedSize(pattern);
  if (estimate > MAX_ESTIMATED_SIZE) {
    return { ok: false, reason: `the regular expression's counted repetitions ({n,m}) expand it to about ${estimate} instructions, more than the limit of ${MAX_REGEX_INSTRUCTIONS}` };
  }
  let re: RE2JS;
  try {
    re = RE2JS.compile(pattern);
  } catch (err) {
    return { ok: false, reason: `invalid regular expression (RE2 syntax): ${err instanceof Error ? err.message : String(err)}` };
  }
  const instructions = programSize(re);
  if (instructions > MAX_REGEX_INSTRUCTIONS) {
    return {
      ok: false,
      reason: `the regular expression compiles to ${instructions} instructions, more than the limit of ${MAX_REGEX_INSTRUCTIONS}; counted repetitions such as {n,m} multiply its size`,
    };
  }
  return { ok: true, regex: { matches: (value) => re.testExact(value), instructions } };
}

// Compiling is itself linear in the program, but `(?:.?.?…){1000}` expands 260 characters to
// 250,000 instructions (most of a second). So the size is estimated from the text first, counting
// each atom as one instruction and multiplying a group by its repetition count, and only a
// pattern within a generous multiple of the limit is compiled and measured exactly.
const MAX_ESTIMATED_SIZE = 20 * MAX_REGEX_INSTRUCTIONS;
const COUNTED = /^\{(\d+)(,(\d*))?\}/;

function estimatedSize(pattern: string): number {
  const groups: number[] = [0];
  let last = 0;
  let i = 0;
  const add = (size: number) => {
    groups[groups.length - 1] += size;
    last = size;
  };
  while (i < pattern.length) {
    const ch = pattern[i];
    if (ch === '\\' && pattern[i + 1] === 'Q') {
      const end = pattern.indexOf('\\E', i + 2);
      const stop = end < 0 ? pattern.length : end + 2;
      add(stop - i);
      i = stop;
    } else if (ch === '\\') {
      add(1);
      i += 2;
    } else if (ch === '[') {
      i = classEnd(pattern, i);
      add(1);
    } else if (ch === '(') {
      groups.push(0);
      i++;
    } else if (ch === ')') {
      const inner = groups.length > 1 ? groups.pop()! : 0;
      add(inner + 2);
      i++;
    } else if (ch === '{' && COUNTED.test(pattern.slice(i, i + 24))) {
      const [text, min, comma, max] = COUNTED.exec(pattern.slice(i, i + 24))!;
      const count = Math.max(Number(min), comma && max ? Number(max) : Number(min) + 1);
      groups[groups.length - 1] += last * (count - 1) + count;
      last *= count;
      i += text.length;
    } else {
      add(1);
      i++;
    }
  }
  return groups.reduce((a, b) => a + b, 0);
}

// The index after the `]` closing the class opened at `start` (a `]` first in the class is literal).
function classEnd(pattern: string, start: number): number {
  let i = start + 1;
  if (pattern[i] === '^') i++;
  if (pattern[i] === ']') i++;
  while (i < pattern.length && pattern[i] !== ']') {
    if (pattern[i] === '\\') i++;
    else if (pattern.startsWith('[:', i)) i = Math.max(i, pattern.indexOf(':]', i + 2) + 1);
    i++;
  }
  return i + 1;
}

// re2js types its program as `any`; numInst() is RE2's own measure of the program.
function programSize(re: RE2JS): number {
  const prog = re.re2().prog as { numInst(): number };
  return prog.numInst();
}
