/**
 * A hand-written SQL lexer: fast enough to run on every statement of a large log (a few
 * microseconds), tolerant of anything (it never throws), and dialect-aware only where the
 * dialects really differ (MySQL `"strings"`, backslash escapes, `#` comments, `/*!...*\/`
 * version comments; PostgreSQL dollar quotes and `E'...'`).
 */
import type { Dialect } from '../model/dialect.js';
import type { LiteralValue } from '../model/statement.js';

export type TokenKind =
  /** Unquoted identifier or keyword; `text` is lower-cased. Includes MySQL `@var` / `@@var`. */
  | 'word'
  /** Quoted identifier; `text` is the name inside the quotes, case kept. */
  | 'qident'
  /** String literal (also hex/bit strings); `value` is the unescaped content. */
  | 'string'
  /** Numeric literal, sign included when it is unary; `value` is a number (a string when unsafe). */
  | 'number'
  /** Bind placeholder as written: `?`, `$1`, `%s`, `%(name)s`, `:name`. */
  | 'param'
  /** Punctuation or operator. */
  | 'op';

export interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  /** Offsets into the statement text (UTF-16 code units), end exclusive. */
  readonly start: number;
  readonly end: number;
  /** Whitespace or a comment came between this token and the previous one. */
  readonly spaced: boolean;
  readonly value?: LiteralValue;
}

const enum Ch {
  Tab = 9,
  Newline = 10,
  Return = 13,
  Space = 32,
  Bang = 33,
  DoubleQuote = 34,
  Hash = 35,
  Dollar = 36,
  Percent = 37,
  Quote = 39,
  OpenParen = 40,
  CloseParen = 41,
  Star = 42,
  Plus = 43,
  Minus = 45,
  Dot = 46,
  Slash = 47,
  Digit0 = 48,
  Digit9 = 57,
  Colon = 58,
  Question = 63,
  At = 64,
  UpperA = 65,
  UpperZ = 90,
  OpenBracket = 91,
  Backslash = 92,
  Underscore = 95,
  Backtick = 96,
  LowerA = 97,
  LowerZ = 122,
}

function isDigit(c: number): boolean {
  return c >= Ch.Digit0 && c <= Ch.Digit9;
}

function isIdentStart(c: number): boolean {
  return (c >= Ch.LowerA && c <= Ch.LowerZ) || (c >= Ch.UpperA && c <= Ch.UpperZ) || c === Ch.Underscore || c > 127;
}

function isIdentPart(c: number): boolean {
  return isIdentStart(c) || isDigit(c) || c === Ch.Dollar;
}

function isSpace(c: number): boolean {
  return c === Ch.Space || c === Ch.Newline || c === Ch.Tab || c === Ch.Return || c === 12 || c === 11;
}

const MYSQL_OPERATORS = ['<=>', '->>', '<>', '<=', '>=', '!=', ':=', '||', '&&', '<<', '>>', '->', '::'];
const PG_OPERATOR_CHARS = '+-*/<>=~!@#%^&|`?';
const PG_OPERATOR_SPECIAL = '~!@#%^&|`?';

/** Words after which `-5` is a signed number rather than a subtraction. */
const SIGN_KEYWORDS = new Set([
  'select', 'where', 'and', 'or', 'not', 'then', 'else', 'when', 'case', 'interval', 'between',
  'like', 'default', 'distinct', 'return', 'having', 'on', 'limit', 'offset', 'by', 'values', 'set',
]);

/** Words after which `?` (PostgreSQL) is a placeholder, not the jsonb operator. */
const PLACEHOLDER_KEYWORDS = new Set([
  'select', 'where', 'and', 'or', 'not', 'then', 'else', 'when', 'case', 'between', 'like',
  'limit', 'offset', 'values', 'set', 'in', 'is', 'distinct', 'on', 'by', 'returning', 'any', 'all',
]);

/** MySQL character-set introducers that prefix a string literal (`_utf8mb4'abc'`). */
const CHARSET_INTRODUCER = /^_(binary|utf8|utf8mb3|utf8mb4|latin1|ascii|ucs2|utf16|utf32)$/;

/**
 * Splits one statement into tokens. Comments are dropped; a MySQL `/*!NNNNN ... *\/` comment is
 * unwrapped (its content is executed by the server). Unterminated quotes run to the end.
 */
export function tokenize(text: string, dialect: Dialect): Token[] {
  const mysqlFamily = dialect === 'mysql' || dialect === 'mariadb';
  const postgres = dialect === 'postgresql';
  const tokens: Token[] = [];
  const n = text.length;
  let i = 0;
  const state: LexState = { tokens, spaced: false };
  let inVersionComment = false;
  const push = (kind: TokenKind, tokenText: string, start: number, end: number, value?: LiteralValue): void => emit(state, kind, tokenText, start, end, value);

  while (i < n) {
    const c = text.charCodeAt(i);
    if (isSpace(c)) {
      state.spaced = true;
      i++;
      continue;
    }
    // Comments.
    if (c === Ch.Minus && text.charCodeAt(i + 1) === Ch.Minus) {
      const end = text.indexOf('\n', i);
      i = end === -1 ? n : end + 1;
      state.spaced = true;
      continue;
    }
    if (c === Ch.Hash && mysqlFamily) {
      const end = text.indexOf('\n', i);
      i = end === -1 ? n : end + 1;
      state.spaced = true;
      continue;
    }
    if (c === Ch.Slash && text.charCodeAt(i + 1) === Ch.Star) {
      const third = text.charCodeAt(i + 2);
      if (mysqlFamily && (third === Ch.Bang || (third === 77 /* M */ && text.charCodeAt(i + 3) === Ch.Bang))) {
        // Version comment: skip the marker and its version number, keep the content.
        i += third === Ch.Bang ? 3 : 4;
        while (i < n && isDigit(text.charCodeAt(i))) i++;
        inVersionComment = true;
        state.spaced = true;
        continue;
      }
      i = skipBlockComment(text, i, postgres);
      state.spaced = true;
      continue;
    }
    if (inVersionComment && c === Ch.Star && text.charCodeAt(i + 1) === Ch.Slash) {
      inVersionComment = false;
      i += 2;
      state.spaced = true;
      continue;
    }

    // Quoted strings and identifiers.
    if (c === Ch.Quote) {
      const end = readQuoted(text, i, Ch.Quote, mysqlFamily);
      push('string', text.slice(i, end), i, end, unquoteString(text, i, end, mysqlFamily));
      i = end;
      continue;
    }
    if (c === Ch.DoubleQuote) {
      const end = readQuoted(text, i, Ch.DoubleQuote, mysqlFamily);
      if (mysqlFamily) push('string', text.slice(i, end), i, end, unquoteString(text, i, end, true));
      else push('qident', unquoteIdentifier(text, i, end), i, end);
      i = end;
      continue;
    }
    if (c === Ch.Backtick && dialect !== 'postgresql') {
      const end = readQuoted(text, i, Ch.Backtick, false);
      push('qident', unquoteIdentifier(text, i, end), i, end);
      i = end;
      continue;
    }
    if (c === Ch.OpenBracket && dialect === 'sqlite') {
      const close = text.indexOf(']', i + 1);
      const end = close === -1 ? n : close + 1;
      push('qident', text.slice(i + 1, close === -1 ? n : close), i, end);
      i = end;
      continue;
    }

    // Numbers (a leading sign belongs to the number when it cannot be a binary operator).
    if (isDigit(c) || (c === Ch.Dot && isDigit(text.charCodeAt(i + 1)))) {
      i = readNumber(text, i, i, push);
      continue;
    }
    if ((c === Ch.Minus || c === Ch.Plus) && !afterOperand(tokens[tokens.length - 1])) {
      const next = text.charCodeAt(i + 1);
      if (isDigit(next) || (next === Ch.Dot && isDigit(text.charCodeAt(i + 2)))) {
        i = readNumber(text, i, i + 1, push);
        continue;
      }
    }

    // Placeholders.
    if (c === Ch.Question) {
      const next = text.charCodeAt(i + 1);
      const isJsonbOperator = postgres && (next === 124 /* | */ || next === 38 /* & */ || afterOperandOrWord(tokens[tokens.length - 1]));
      if (!isJsonbOperator) {
        // SQLite numbers its placeholders: `?1`, `?2`.
        let j = i + 1;
        if (dialect === 'sqlite') while (j < n && isDigit(text.charCodeAt(j))) j++;
        push('param', text.slice(i, j), i, j);
        i = j;
        continue;
      }
    }
    if (c === Ch.Dollar && postgres) {
      const next = text.charCodeAt(i + 1);
      if (isDigit(next)) {
        let j = i + 1;
        while (j < n && isDigit(text.charCodeAt(j))) j++;
        push('param', text.slice(i, j), i, j);
        i = j;
        continue;
      }
      const tagEnd = dollarTagEnd(text, i);
      if (tagEnd > 0) {
        const tag = text.slice(i, tagEnd);
        const close = text.indexOf(tag, tagEnd);
        const end = close === -1 ? n : close + tag.length;
        push('string', text.slice(i, end), i, end, text.slice(tagEnd, close === -1 ? n : close));
        i = end;
        continue;
      }
    }
    if (c === Ch.Percent) {
      const next = text.charCodeAt(i + 1);
      if (next === 115 /* s */ && !isIdentPart(text.charCodeAt(i + 2))) {
        push('param', '%s', i, i + 2);
        i += 2;
        continue;
      }
      if (next === Ch.OpenParen) {
        const close = text.indexOf(')', i + 2);
        if (close > 0 && text.charCodeAt(close + 1) === 115 && /^[A-Za-z_][A-Za-z0-9_]*$/.test(text.slice(i + 2, close))) {
          push('param', text.slice(i, close + 2), i, close + 2);
          i = close + 2;
          continue;
        }
      }
    }
    if (c === Ch.Colon && isIdentStart(text.charCodeAt(i + 1)) && text.charCodeAt(i - 1) !== Ch.Colon) {
      let j = i + 1;
      while (j < n && isIdentPart(text.charCodeAt(j))) j++;
      push('param', text.slice(i, j), i, j);
      i = j;
      continue;
    }

    // Words, with the string prefixes that belong to a literal (E'', N'', X'', B'', _utf8mb4'').
    if (isIdentStart(c) || (c === Ch.At && mysqlFamily)) {
      let j = i;
      if (c === Ch.At) {
        j++;
        if (text.charCodeAt(j) === Ch.At) j++;
      }
      while (j < n && isIdentPart(text.charCodeAt(j))) j++;
      const word = text.slice(i, j);
      const lower = word.toLowerCase();
      const after = text.charCodeAt(j);
      if (after === Ch.Quote && j - i === 1) {
        const prefixed = readPrefixedString(text, i, j, lower, mysqlFamily, push);
        if (prefixed > 0) {
          i = prefixed;
          continue;
        }
      }
      if (mysqlFamily && lower.charCodeAt(0) === Ch.Underscore && CHARSET_INTRODUCER.test(lower)) {
        let k = j;
        while (k < n && isSpace(text.charCodeAt(k))) k++;
        if (text.charCodeAt(k) === Ch.Quote) {
          const end = readQuoted(text, k, Ch.Quote, true);
          push('string', text.slice(i, end), i, end, unquoteString(text, k, end, true));
          i = end;
          continue;
        }
      }
      emit(state, 'word', lower, i, j);
      i = j;
      continue;
    }

    // Operators and punctuation.
    const op = readOperator(text, i, mysqlFamily, postgres);
    emit(state, 'op', op, i, i + op.length);
    i += op.length;
  }
  return tokens;
}

interface LexState {
  readonly tokens: Token[];
  /** Whitespace or a comment since the last token. */
  spaced: boolean;
}

function emit(state: LexState, kind: TokenKind, text: string, start: number, end: number, value?: LiteralValue): void {
  // One object shape for every token keeps property access monomorphic.
  state.tokens.push({ kind, text, start, end, spaced: state.spaced, value });
  state.spaced = false;
}

/** True when the previous token ends an operand, so a following `-` or `+` is an operator. */
function afterOperand(prev: Token | undefined): boolean {
  if (prev === undefined) return false;
  if (prev.kind === 'op') return prev.text === ')' || prev.text === ']';
  if (prev.kind === 'word') return !SIGN_KEYWORDS.has(prev.text);
  return true;
}

function afterOperandOrWord(prev: Token | undefined): boolean {
  if (prev === undefined) return false;
  if (prev.kind === 'op') return prev.text === ')' || prev.text === ']';
  if (prev.kind === 'word') return !PLACEHOLDER_KEYWORDS.has(prev.text);
  return true;
}

function skipBlockComment(text: string, start: number, nested: boolean): number {
  let depth = 1;
  let i = start + 2;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === Ch.Star && text.charCodeAt(i + 1) === Ch.Slash) {
      depth--;
      i += 2;
      if (depth === 0) return i;
      continue;
    }
    if (nested && c === Ch.Slash && text.charCodeAt(i + 1) === Ch.Star) {
      depth++;
      i += 2;
      continue;
    }
    i++;
  }
  return n;
}

/** End offset (exclusive) of a quoted run starting at `start`; doubled quotes and optional backslash escapes. */
function readQuoted(text: string, start: number, quote: number, backslashEscapes: boolean): number {
  const n = text.length;
  let i = start + 1;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (backslashEscapes && c === Ch.Backslash) {
      i += 2;
      continue;
    }
    if (c === quote) {
      if (text.charCodeAt(i + 1) === quote) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    i++;
  }
  return n;
}

const BACKSLASH_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '0': '\0', b: '\b', Z: '\x1a' };

function unquoteString(text: string, start: number, end: number, backslashEscapes: boolean): string {
  const quote = text[start]!;
  const closed = end - start >= 2 && text[end - 1] === quote && end > start + 1;
  const body = text.slice(start + 1, closed ? end - 1 : end);
  if (body.indexOf(quote) === -1 && (!backslashEscapes || body.indexOf('\\') === -1)) return body;
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (backslashEscapes && ch === '\\' && i + 1 < body.length) {
      const next = body[++i]!;
      // MySQL keeps the backslash before % and _ (they matter to LIKE).
      out += BACKSLASH_ESCAPES[next] ?? (next === '%' || next === '_' ? '\\' + next : next);
      continue;
    }
    if (ch === quote && body[i + 1] === quote) i++;
    out += ch;
  }
  return out;
}

function unquoteIdentifier(text: string, start: number, end: number): string {
  const quote = text[start]!;
  const closed = end - start >= 2 && text[end - 1] === quote;
  const body = text.slice(start + 1, closed ? end - 1 : end);
  return body.indexOf(quote) === -1 ? body : body.split(quote + quote).join(quote);
}

type Push = (kind: TokenKind, tokenText: string, start: number, end: number, value?: LiteralValue) => void;

function readNumber(text: string, start: number, digitsStart: number, push: Push): number {
  const n = text.length;
  let i = digitsStart;
  // Hex (0x1F) and binary (0b101) numbers are MySQL binary strings: keep their text.
  if (text.charCodeAt(i) === Ch.Digit0 && (text[i + 1] === 'x' || text[i + 1] === 'X' || text[i + 1] === 'b' || text[i + 1] === 'B')) {
    const hex = text[i + 1] === 'x' || text[i + 1] === 'X';
    let j = i + 2;
    while (j < n && (hex ? /[0-9a-fA-F]/.test(text[j]!) : text[j] === '0' || text[j] === '1')) j++;
    if (j > i + 2 && !isIdentPart(text.charCodeAt(j))) {
      push('number', text.slice(start, j), start, j, text.slice(start, j).toLowerCase());
      return j;
    }
  }
  let isInteger = true;
  while (i < n && isDigit(text.charCodeAt(i))) i++;
  if (text.charCodeAt(i) === Ch.Dot && text.charCodeAt(i + 1) !== Ch.Dot) {
    isInteger = false;
    i++;
    while (i < n && isDigit(text.charCodeAt(i))) i++;
  }
  const e = text.charCodeAt(i);
  if (e === 101 || e === 69) {
    let j = i + 1;
    const sign = text.charCodeAt(j);
    if (sign === Ch.Plus || sign === Ch.Minus) j++;
    if (isDigit(text.charCodeAt(j))) {
      isInteger = false;
      i = j;
      while (i < n && isDigit(text.charCodeAt(i))) i++;
    }
  }
  const raw = text.slice(start, i);
  push('number', raw, start, i, numericValue(raw, isInteger));
  return i;
}

/** Integers beyond 2^53 stay exact as digit strings; everything else is a JS number. */
function numericValue(raw: string, isInteger: boolean): LiteralValue {
  const cleaned = raw.charCodeAt(0) === Ch.Plus ? raw.slice(1) : raw;
  const value = Number(cleaned);
  if (isInteger && !Number.isSafeInteger(value)) return cleaned;
  return value;
}

function readPrefixedString(text: string, start: number, quoteAt: number, prefix: string, mysqlFamily: boolean, push: Push): number {
  if (prefix === 'x' || prefix === 'b') {
    const end = readQuoted(text, quoteAt, Ch.Quote, false);
    const body = unquoteString(text, quoteAt, end, false).toLowerCase();
    push('string', text.slice(start, end), start, end, (prefix === 'x' ? '0x' : '0b') + body);
    return end;
  }
  if (prefix === 'n') {
    const end = readQuoted(text, quoteAt, Ch.Quote, mysqlFamily);
    push('string', text.slice(start, end), start, end, unquoteString(text, quoteAt, end, mysqlFamily));
    return end;
  }
  if (prefix === 'e' && !mysqlFamily) {
    const end = readQuoted(text, quoteAt, Ch.Quote, true);
    push('string', text.slice(start, end), start, end, unquoteString(text, quoteAt, end, true));
    return end;
  }
  return 0;
}

/** When a `$tag$` (or `$$`) starts at `start`, the offset just after it; else 0. */
function dollarTagEnd(text: string, start: number): number {
  let j = start + 1;
  while (j < text.length && text.charCodeAt(j) !== Ch.Dollar) {
    const c = text.charCodeAt(j);
    if (!(isIdentStart(c) || (j > start + 1 && isDigit(c)))) return 0;
    j++;
  }
  return j < text.length ? j + 1 : 0;
}

/** Characters that never start a multi-character operator. */
const SINGLE_CHAR_PUNCTUATION = new Set(['(', ')', ',', ';', '.', '[', ']', '{', '}']);

function readOperator(text: string, i: number, mysqlFamily: boolean, postgres: boolean): string {
  const c = text[i]!;
  if (SINGLE_CHAR_PUNCTUATION.has(c)) return c;
  if (c === '=' && text[i + 1] !== '>' && !(postgres && PG_OPERATOR_CHARS.includes(text[i + 1] ?? ' '))) return c;
  if (postgres && PG_OPERATOR_CHARS.includes(c)) {
    // PostgreSQL lexes the longest run of operator characters, minus a trailing +/- unless special.
    let j = i + 1;
    while (j < text.length && PG_OPERATOR_CHARS.includes(text[j]!)) {
      if ((text[j] === '-' && text[j + 1] === '-') || (text[j] === '/' && text[j + 1] === '*')) break;
      j++;
    }
    let op = text.slice(i, j);
    if (op.length > 1 && (op.endsWith('+') || op.endsWith('-')) && ![...op].some((ch) => PG_OPERATOR_SPECIAL.includes(ch))) {
      op = op.replace(/[+-]+$/, '');
      if (op === '') op = c;
    }
    return op;
  }
  if (c === ':' && text[i + 1] === ':') return '::';
  for (const candidate of mysqlFamily || !postgres ? MYSQL_OPERATORS : []) {
    if (text.startsWith(candidate, i)) return candidate;
  }
  return c;
}
