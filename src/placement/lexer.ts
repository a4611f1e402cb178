// Tokens of the cluster query language. The scanner is pulled by the parser one token at a time
// because a `matches` argument (a regular expression) is read raw: `[`, `(` and `|` are part of
// the pattern there, not punctuation.

export type TokenKind =
  | 'lparen'
  | 'rparen'
  | 'lbracket'
  | 'rbracket'
  | 'comma'
  | 'and'
  | 'or'
  | 'not'
  | 'symbol'
  | 'word'
  | 'string'
  | 'end';

export interface Token {
  kind: TokenKind;
  /** The token as written, except for strings, where it is the unquoted content. */
  text: string;
  /** 1-based column of the token's first character. */
  position: number;
}

export class QuerySyntaxError extends Error {
  constructor(
    readonly position: number,
    readonly detail: string,
  ) {
    super(`at column ${position}: ${detail}`);
    this.name = 'QuerySyntaxError';
  }
}

const PUNCTUATION: Record<string, TokenKind> = { '(': 'lparen', ')': 'rparen', '[': 'lbracket', ']': 'rbracket', ',': 'comma' };
const TWO_CHAR_SYMBOLS = ['==', '!=', '>=', '<=', '=~', '!~', '&&', '||'];
// A word ends at whitespace, punctuation, quotes or the first character of a symbol, so that
// `a==b` reads as three tokens.
const WORD_END = /[\s()[\],'"=!<>&|]/;

export class Scanner {
  private offset = 0;
  private peeked: Token | undefined;

  constructor(private readonly text: string) {}

  peek(): Token {
    this.peeked ??= this.scan();
    return this.peeked;
  }

  next(): Token {
    const token = this.peek();
    this.peeked = undefined;
    return token;
  }

  /**
   * A regular expression argument: a quoted string, or the raw characters up to whitespace or a
   * `)` that closes a parenthesis opened before the pattern. Call only with nothing peeked.
   */
  nextPattern(): Token {
    if (this.peeked) throw new Error('nextPattern called after peek');
    this.skipSpace();
    const start = this.offset;
    const c = this.text[start];
    if (c === undefined) return { kind: 'end', text: '', position: start + 1 };
    if (c === "'" || c === '"') return this.scanString();
    let depth = 0;
    while (this.offset < this.text.length) {
      const ch = this.text[this.offset];
      if (/\s/.test(ch)) break;
      if (ch === '\\') {
        this.offset += 2;
        continue;
      }
      if (ch === '(') depth++;
      if (ch === ')') {
        if (depth === 0) break;
        depth--;
      }
      this.offset++;
    }
    if (this.offset === start) return this.scan();
    return { kind: 'word', text: this.text.slice(start, this.offset), position: start + 1 };
  }

  private skipSpace(): void {
    while (this.offset < this.text.length && /\s/.test(this.text[this.offset])) this.offset++;
  }

  private scan(): Token {
    this.skipSpace();
    const start = this.offset;
    const position = start + 1;
    const c = this.text[start];
    if (c === undefined) return { kind: 'end', text: '', position };
    if (c in PUNCTUATION) {
      this.offset++;
      return { kind: PUNCTUATION[c], text: c, position };
    }
    if (c === "'" || c === '"') return this.scanString();
    if (c === '!') return this.scanBang();
    const two = this.text.slice(start, start + 2);
    if (TWO_CHAR_SYMBOLS.includes(two)) {
      this.offset += 2;
      if (two === '&&') return { kind: 'and', text: two, position };
      if (two === '||') return { kind: 'or', text: two, position };
      return { kind: 'symbol', text: two, position };
    }
    if (c === '<' || c === '>') {
      this.offset++;
      return { kind: 'symbol', text: c, position };
    }
    if (c === '=') throw new QuerySyntaxError(position, "unexpected '='; equality is written '==' or 'equals'");
    if (c === '&') throw new QuerySyntaxError(position, "unexpected '&'; conjunction is written '&&' or 'and'");
    if (c === '|') throw new QuerySyntaxError(position, "unexpected '|'; disjunction is written '||' or 'or'");
    while (this.offset < this.text.length && !WORD_END.test(this.text[this.offset])) this.offset++;
    const word = this.text.slice(start, this.offset);
    if (word === 'and' || word === 'or' || word === 'not') return { kind: word, text: word, position };
    return { kind: 'word', text: word, position };
  }

  // `!` is `not` unless it starts `!=`, `!~`, `!in` or `!exists`.
  private scanBang(): Token {
    const start = this.offset;
    const position = start + 1;
    const after = this.text[start + 1];
    if (after === '=' || after === '~') {
      this.offset += 2;
      return { kind: 'symbol', text: this.text.slice(start, start + 2), position };
    }
    for (const word of ['in', 'exists']) {
      const end = start + 1 + word.length;
      const boundary = this.text[end];
      if (this.text.startsWith(word, start + 1) && (boundary === undefined || WORD_END.test(boundary))) {
        this.offset = end;
        return { kind: 'symbol', text: `!${word}`, position };
      }
    }
    this.offset++;
    return { kind: 'not', text: '!', position };
  }

  private scanString(): Token {
    const quote = this.text[this.offset];
    const position = this.offset + 1;
    let value = '';
    this.offset++;
    while (this.offset < this.text.length) {
      const ch = this.text[this.offset];
      if (ch === quote) {
        this.offset++;
        return { kind: 'string', text: value, position };
      }
      // Only the quote and the backslash itself are escaped, so a quoted regular expression
      // keeps its own escapes (`'\d+'` stays `\d+`).
      const escaped = this.text[this.offset + 1];
      if (ch === '\\' && (escaped === quote || escaped === '\\')) {
        value += escaped;
        this.offset += 2;
        continue;
      }
      value += ch;
      this.offset++;
    }
    throw new QuerySyntaxError(position, `unterminated quoted value; expected a closing ${quote}`);
  }
}

export function describeToken(token: Token): string {
  switch (token.kind) {
    case 'end':
      return 'the end of the expression';
    case 'string':
      return `the quoted value '${token.text}'`;
    default:
      return `'${token.text}'`;
  }
}
