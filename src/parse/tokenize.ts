/**
 * A hand-written SQL lexer: fast enough to run on every statement of a large log, tolerant of
 * anything (it never throws), and dialect-aware only where the dialects really differ (MySQL
 * `"strings"`, backslash escapes, `#` comments, `/*!...*\/` version comments; PostgreSQL dollar
 * quotes and `E'...'`).
 *
 * It writes into a reusable `TokenBuffer` (parallel typed arrays, no object per token) and
 * computes neither token texts nor literal values: both are read from the statement text on
 * demand (`tokenText`, `literalValue`). `tokenize` gives the same tokens as `Token` objects.
 */
import type { Dialect } from '../model/dialect.js';
import type { LiteralValue } from '../model/statement.js';
import { HASH_SEED, hashChar, keywordFlags, Kw, lookupKeyword } from './keywords.js';

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

/** Token kinds in a `TokenBuffer`, in `TokenKind` order. */
export const enum Tk {
  Word,
  QIdent,
  String,
  Number,
  Param,
  Op,
}

const KIND_NAMES: readonly TokenKind[] = ['word', 'qident', 'string', 'number', 'param', 'op'];

/** `TokenBuffer.code` of an operator: its character code when it is one character long, else one of these. */
export const enum OpCode {
  /** A multi-character operator other than `::`. */
  Multi = 0x10000,
  /** `::` */
  Cast = 0x10001,
}

/** `TokenBuffer.reading`: how to read a token's text or literal value from the statement text. */
export const enum Reading {
  Plain,
  /** A word with non-ASCII characters: lower-cased with `toLowerCase`, not character by character. */
  NonAsciiWord,
  /** Quoted identifier `"a"` / `` `a` ``: doubled quotes undone. */
  QuotedName,
  /** SQLite `[a]`. */
  BracketName,
  /** String whose quote is at `aux`: doubled quotes undone. */
  Quoted,
  /** The same, and MySQL backslash escapes too. */
  QuotedBackslash,
  /** `X'..'` / `B'..'` (quote at `aux`): `0x..` / `0b..`. */
  HexString,
  BitString,
  /** `$tag$...$tag$`, the body starting at `aux`. */
  DollarClosed,
  /** `$tag$...` never closed. */
  DollarOpen,
  /** Digits from `aux` (a sign may come before). */
  Integer,
  Decimal,
  /** `0x1F` / `0b101`: the text, lower-cased. */
  NumberText,
}

/** Buffers are made this large at first, and again after a statement made them huge. */
export const INITIAL_CAPACITY = 64;
export const MAX_KEPT_CAPACITY = 1 << 16;

/** The tokens of one statement, as parallel arrays; reused from statement to statement. */
export class TokenBuffer {
  text = '';
  dialect: Dialect = 'mysql';
  count = 0;
  kind!: Uint8Array;
  start!: Int32Array;
  end!: Int32Array;
  /** 1 when whitespace or a comment came between this token and the previous one. */
  spaced!: Uint8Array;
  /** Words: keyword flags (`Kw`). Operators: `OpCode`. */
  code!: Int32Array;
  reading!: Uint8Array;
  /** Where the body of a literal starts (see `Reading`). */
  aux!: Int32Array;
  /**
   * Words, quoted names and operators: a hash (`hashChar`) of the text the fingerprint shows for
   * them, lower-cased for words, as written for the others (quotes included).
   */
  hash!: Int32Array;
  /** Whitespace or a comment since the last token. */
  private pendingSpace = false;

  constructor() {
    this.allocate(INITIAL_CAPACITY);
  }

  reset(text: string, dialect: Dialect): void {
    this.text = text;
    this.dialect = dialect;
    this.count = 0;
    this.pendingSpace = false;
    // One huge statement (a mysqldump INSERT) must not pin its buffers for the rest of the run.
    if (this.kind.length > MAX_KEPT_CAPACITY) this.allocate(INITIAL_CAPACITY);
  }

  private allocate(size: number): void {
    this.kind = new Uint8Array(size);
    this.start = new Int32Array(size);
    this.end = new Int32Array(size);
    this.spaced = new Uint8Array(size);
    this.code = new Int32Array(size);
    this.reading = new Uint8Array(size);
    this.aux = new Int32Array(size);
    this.hash = new Int32Array(size);
  }

  space(): void {
    this.pendingSpace = true;
  }

  add(kind: Tk, start: number, end: number, code: number, reading: Reading, aux: number, hash = 0): void {
    const index = this.count;
    if (index === this.kind.length) this.grow();
    this.kind[index] = kind;
    this.start[index] = start;
    this.end[index] = end;
    this.spaced[index] = this.pendingSpace ? 1 : 0;
    this.code[index] = code;
    this.reading[index] = reading;
    this.aux[index] = aux;
    this.hash[index] = hash;
    this.count = index + 1;
    this.pendingSpace = false;
  }

  private grow(): void {
    const size = this.kind.length * 2;
    this.kind = grown(this.kind, new Uint8Array(size));
    this.start = grown(this.start, new Int32Array(size));
    this.end = grown(this.end, new Int32Array(size));
    this.spaced = grown(this.spaced, new Uint8Array(size));
    this.code = grown(this.code, new Int32Array(size));
    this.reading = grown(this.reading, new Uint8Array(size));
    this.aux = grown(this.aux, new Int32Array(size));
    this.hash = grown(this.hash, new Int32Array(size));
  }

  isOp(index: number, code: number): boolean {
    return index >= 0 && index < this.count && this.kind[index] === Tk.Op && this.code[index] === code;
  }

  /** A word with one of the keyword `flags`. */
  isWord(index: number, flags: number): boolean {
    return index >= 0 && index < this.count && this.kind[index] === Tk.Word && (this.code[index]! & flags) !== 0;
  }
}

function grown<T extends Uint8Array | Int32Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

/** Character codes the lexers compare against (one table for tokenize.ts and fingerprint.ts). */
export const enum Ch {
  Tab = 9,
  Newline = 10,
  Return = 13,
  Space = 32,
  Bang = 33,
  DoubleQuote = 34,
  Hash = 35,
  Dollar = 36,
  Percent = 37,
  Ampersand = 38,
  Quote = 39,
  OpenParen = 40,
  CloseParen = 41,
  Star = 42,
  Plus = 43,
  Comma = 44,
  Minus = 45,
  Dot = 46,
  Slash = 47,
  Digit0 = 48,
  Digit1 = 49,
  Digit9 = 57,
  Colon = 58,
  Semicolon = 59,
  LessThan = 60,
  Equals = 61,
  GreaterThan = 62,
  Question = 63,
  At = 64,
  UpperA = 65,
  UpperB = 66,
  UpperF = 70,
  UpperX = 88,
  UpperZ = 90,
  OpenBracket = 91,
  Backslash = 92,
  CloseBracket = 93,
  Caret = 94,
  Underscore = 95,
  Backtick = 96,
  LowerA = 97,
  LowerB = 98,
  LowerE = 101,
  LowerF = 102,
  LowerN = 110,
  LowerS = 115,
  LowerT = 116,
  LowerX = 120,
  LowerZ = 122,
  OpenBrace = 123,
  Pipe = 124,
  CloseBrace = 125,
  Tilde = 126,
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

function isHexDigit(c: number): boolean {
  return isDigit(c) || (c >= Ch.LowerA && c <= Ch.LowerF) || (c >= Ch.UpperA && c <= Ch.UpperF);
}

/** ASCII letters lower-cased; every other character as it is. */
function lowerAscii(c: number): number {
  return c >= Ch.UpperA && c <= Ch.UpperZ ? c + 32 : c;
}

/** MySQL multi-character operators, longest first where one is a prefix of another. */
const MYSQL_OPERATORS = ['<=>', '->>', '<>', '<=', '>=', '!=', ':=', '||', '&&', '<<', '>>', '->', '::'];

/** The first characters of `MYSQL_OPERATORS`. */
function startsMysqlOperator(c: number): boolean {
  return c === Ch.LessThan || c === Ch.GreaterThan || c === Ch.Minus || c === Ch.Bang || c === Ch.Colon || c === Ch.Pipe || c === Ch.Ampersand;
}

/** `+-*\/<>=~!@#%^&|\`?`: what PostgreSQL builds operators from. */
function isPgOperatorChar(c: number): boolean {
  return c === Ch.Plus || c === Ch.Minus || c === Ch.Star || c === Ch.Slash || c === Ch.LessThan || c === Ch.GreaterThan || c === Ch.Equals || isPgSpecialOperatorChar(c);
}

/** `~!@#%^&|\`?`: a PostgreSQL operator containing one of these may end in `+` or `-`. */
function isPgSpecialOperatorChar(c: number): boolean {
  return c === Ch.Tilde || c === Ch.Bang || c === Ch.At || c === Ch.Hash || c === Ch.Percent || c === Ch.Caret || c === Ch.Ampersand || c === Ch.Pipe || c === Ch.Backtick || c === Ch.Question;
}

/** `( ) , ; . [ ] { }`: never the start of a multi-character operator. */
function isSingleCharPunctuation(c: number): boolean {
  return c === Ch.OpenParen || c === Ch.CloseParen || c === Ch.Comma || c === Ch.Semicolon || c === Ch.Dot || c === Ch.OpenBracket || c === Ch.CloseBracket || c === Ch.OpenBrace || c === Ch.CloseBrace;
}

/** Splits one statement into tokens (see `lex`). */
export function tokenize(text: string, dialect: Dialect): Token[] {
  const buffer = new TokenBuffer();
  lex(text, dialect, buffer);
  return materializeTokens(buffer);
}

/** The buffer's tokens as `Token` objects. */
export function materializeTokens(buffer: TokenBuffer): Token[] {
  const tokens: Token[] = new Array<Token>(buffer.count);
  for (let i = 0; i < buffer.count; i++) {
    const kind = buffer.kind[i]!;
    // One object shape for every token keeps property access monomorphic.
    tokens[i] = {
      kind: KIND_NAMES[kind]!,
      text: tokenText(buffer, i),
      start: buffer.start[i]!,
      end: buffer.end[i]!,
      spaced: buffer.spaced[i] === 1,
      value: kind === Tk.String || kind === Tk.Number ? literalValue(buffer, i) : undefined,
    };
  }
  return tokens;
}

/** `Token.text`: words lower-cased, quoted names unquoted, everything else as written. */
export function tokenText(buffer: TokenBuffer, index: number): string {
  const { text } = buffer;
  const start = buffer.start[index]!;
  const end = buffer.end[index]!;
  switch (buffer.kind[index]) {
    case Tk.Word:
      return text.slice(start, end).toLowerCase();
    case Tk.QIdent:
      if (buffer.reading[index] === Reading.BracketName) {
        const closed = end - start >= 2 && text.charCodeAt(end - 1) === Ch.CloseBracket;
        return text.slice(start + 1, closed ? end - 1 : end);
      }
      return unquoteIdentifier(text, start, end);
    default:
      return text.slice(start, end);
  }
}

/** The value of a string or number token (null for any other token). */
export function literalValue(buffer: TokenBuffer, index: number): LiteralValue {
  const { text } = buffer;
  const start = buffer.start[index]!;
  const end = buffer.end[index]!;
  const aux = buffer.aux[index]!;
  switch (buffer.reading[index]) {
    case Reading.Quoted:
      return unquoteString(text, aux, end, false);
    case Reading.QuotedBackslash:
      return unquoteString(text, aux, end, true);
    case Reading.HexString:
      return '0x' + unquoteString(text, aux, end, false).toLowerCase();
    case Reading.BitString:
      return '0b' + unquoteString(text, aux, end, false).toLowerCase();
    case Reading.DollarClosed:
      // The closing tag is as long as the opening one, `[start, aux)`.
      return text.slice(aux, end - (aux - start));
    case Reading.DollarOpen:
      return text.slice(aux, end);
    case Reading.Integer:
      return integerValue(text, start, aux, end);
    case Reading.Decimal:
      return numericValue(text.slice(start, end), false);
    case Reading.NumberText:
      return text.slice(start, end).toLowerCase();
    default:
      return null;
  }
}

/**
 * Splits one statement into `buffer`. Comments are dropped; a MySQL `/*!NNNNN ... *\/` comment
 * is unwrapped (its content is executed by the server). Unterminated quotes run to the end.
 */
export function lex(text: string, dialect: Dialect, buffer: TokenBuffer): void {
  buffer.reset(text, dialect);
  const mysqlFamily = dialect === 'mysql' || dialect === 'mariadb';
  const postgres = dialect === 'postgresql';
  const n = text.length;
  let i = 0;
  let inVersionComment = false;

  while (i < n) {
    const c = text.charCodeAt(i);
    if (isSpace(c)) {
      buffer.space();
      i++;
      continue;
    }
    // Comments.
    if (c === Ch.Minus && text.charCodeAt(i + 1) === Ch.Minus) {
      const end = text.indexOf('\n', i);
      i = end === -1 ? n : end + 1;
      buffer.space();
      continue;
    }
    if (c === Ch.Hash && mysqlFamily) {
      const end = text.indexOf('\n', i);
      i = end === -1 ? n : end + 1;
      buffer.space();
      continue;
    }
    if (c === Ch.Slash && text.charCodeAt(i + 1) === Ch.Star) {
      const third = text.charCodeAt(i + 2);
      if (mysqlFamily && (third === Ch.Bang || (third === 77 /* M */ && text.charCodeAt(i + 3) === Ch.Bang))) {
        // Version comment: skip the marker and its version number, keep the content.
        i += third === Ch.Bang ? 3 : 4;
        while (i < n && isDigit(text.charCodeAt(i))) i++;
        inVersionComment = true;
        buffer.space();
        continue;
      }
      i = skipBlockComment(text, i, postgres);
      buffer.space();
      continue;
    }
    if (inVersionComment && c === Ch.Star && text.charCodeAt(i + 1) === Ch.Slash) {
      inVersionComment = false;
      i += 2;
      buffer.space();
      continue;
    }

    // Quoted strings and identifiers.
    if (c === Ch.Quote) {
      const end = readQuoted(text, i, Ch.Quote, mysqlFamily);
      buffer.add(Tk.String, i, end, 0, mysqlFamily ? Reading.QuotedBackslash : Reading.Quoted, i);
      i = end;
      continue;
    }
    if (c === Ch.DoubleQuote && mysqlFamily) {
      const end = readQuoted(text, i, Ch.DoubleQuote, true);
      buffer.add(Tk.String, i, end, 0, Reading.QuotedBackslash, i);
      i = end;
      continue;
    }
    if (c === Ch.DoubleQuote || (c === Ch.Backtick && !postgres)) {
      i = readQuotedName(text, i, c, buffer);
      continue;
    }
    if (c === Ch.OpenBracket && dialect === 'sqlite') {
      const close = text.indexOf(']', i + 1);
      const end = close === -1 ? n : close + 1;
      buffer.add(Tk.QIdent, i, end, 0, Reading.BracketName, i, hashText(text, i, end));
      i = end;
      continue;
    }

    // Numbers (a leading sign belongs to the number when it cannot be a binary operator).
    if (isDigit(c) || (c === Ch.Dot && isDigit(text.charCodeAt(i + 1)))) {
      i = readNumber(text, i, i, buffer);
      continue;
    }
    if ((c === Ch.Minus || c === Ch.Plus) && !afterOperand(buffer, Kw.Sign)) {
      const next = text.charCodeAt(i + 1);
      if (isDigit(next) || (next === Ch.Dot && isDigit(text.charCodeAt(i + 2)))) {
        i = readNumber(text, i, i + 1, buffer);
        continue;
      }
    }

    // Placeholders.
    if (c === Ch.Question) {
      const next = text.charCodeAt(i + 1);
      const isJsonbOperator = postgres && (next === Ch.Pipe || next === Ch.Ampersand || afterOperand(buffer, Kw.Placeholder));
      if (!isJsonbOperator) {
        // SQLite numbers its placeholders: `?1`, `?2`.
        let j = i + 1;
        if (dialect === 'sqlite') while (j < n && isDigit(text.charCodeAt(j))) j++;
        buffer.add(Tk.Param, i, j, 0, Reading.Plain, 0);
        i = j;
        continue;
      }
    }
    if (c === Ch.Dollar && postgres) {
      const next = text.charCodeAt(i + 1);
      if (isDigit(next)) {
        let j = i + 1;
        while (j < n && isDigit(text.charCodeAt(j))) j++;
        buffer.add(Tk.Param, i, j, 0, Reading.Plain, 0);
        i = j;
        continue;
      }
      const tagEnd = dollarTagEnd(text, i);
      if (tagEnd > 0) {
        const close = text.indexOf(text.slice(i, tagEnd), tagEnd);
        const end = close === -1 ? n : close + (tagEnd - i);
        buffer.add(Tk.String, i, end, 0, close === -1 ? Reading.DollarOpen : Reading.DollarClosed, tagEnd);
        i = end;
        continue;
      }
    }
    if (c === Ch.Percent) {
      const next = text.charCodeAt(i + 1);
      if (next === Ch.LowerS && !isIdentPart(text.charCodeAt(i + 2))) {
        buffer.add(Tk.Param, i, i + 2, 0, Reading.Plain, 0);
        i += 2;
        continue;
      }
      if (next === Ch.OpenParen) {
        const close = text.indexOf(')', i + 2);
        if (close > 0 && text.charCodeAt(close + 1) === Ch.LowerS && isPlainName(text, i + 2, close)) {
          buffer.add(Tk.Param, i, close + 2, 0, Reading.Plain, 0);
          i = close + 2;
          continue;
        }
      }
    }
    if (c === Ch.Colon && isIdentStart(text.charCodeAt(i + 1)) && text.charCodeAt(i - 1) !== Ch.Colon) {
      let j = i + 1;
      while (j < n && isIdentPart(text.charCodeAt(j))) j++;
      buffer.add(Tk.Param, i, j, 0, Reading.Plain, 0);
      i = j;
      continue;
    }

    // Words, with the string prefixes that belong to a literal (E'', N'', X'', B'', _utf8mb4'').
    if (isIdentStart(c) || (c === Ch.At && mysqlFamily)) {
      let j = i;
      let hash = HASH_SEED;
      if (c === Ch.At) {
        j++;
        hash = hashChar(hash, Ch.At);
        if (text.charCodeAt(j) === Ch.At) {
          j++;
          hash = hashChar(hash, Ch.At);
        }
      }
      let ascii = true;
      for (; j < n; j++) {
        const d = text.charCodeAt(j);
        if (!isIdentPart(d)) break;
        if (d > 127) ascii = false;
        hash = hashChar(hash, lowerAscii(d));
      }
      if (j - i === 1 && text.charCodeAt(j) === Ch.Quote) {
        const prefixed = readPrefixedString(text, i, j, lowerAscii(c), mysqlFamily, buffer);
        if (prefixed > 0) {
          i = prefixed;
          continue;
        }
      }
      let flags = 0;
      if (ascii) {
        if (c !== Ch.At) flags = lookupKeyword(text, i, j, hash);
      } else {
        // `toLowerCase` may turn a non-ASCII word into a keyword (the Kelvin sign is a `k`).
        const lower = text.slice(i, j).toLowerCase();
        flags = keywordFlags(lower);
        hash = hashText(lower, 0, lower.length);
      }
      if (mysqlFamily && (flags & Kw.CharsetIntroducer) !== 0) {
        let k = j;
        while (k < n && isSpace(text.charCodeAt(k))) k++;
        if (text.charCodeAt(k) === Ch.Quote) {
          const end = readQuoted(text, k, Ch.Quote, true);
          buffer.add(Tk.String, i, end, 0, Reading.QuotedBackslash, k);
          i = end;
          continue;
        }
      }
      buffer.add(Tk.Word, i, j, flags, ascii ? Reading.Plain : Reading.NonAsciiWord, 0, hash);
      i = j;
      continue;
    }

    // Operators and punctuation.
    const end = readOperator(text, i, mysqlFamily, postgres);
    if (end === i + 1) {
      buffer.add(Tk.Op, i, end, c, Reading.Plain, 0, hashChar(HASH_SEED, c));
    } else {
      const code = c === Ch.Colon && end === i + 2 && text.charCodeAt(i + 1) === Ch.Colon ? OpCode.Cast : OpCode.Multi;
      buffer.add(Tk.Op, i, end, code, Reading.Plain, 0, hashText(text, i, end));
    }
    i = end;
  }
}

/**
 * True when the previous token ends an operand, so a following `-`/`+` is an operator (with
 * `Kw.Sign`) or a PostgreSQL `?` is the jsonb operator (with `Kw.Placeholder`): anything but
 * nothing, an operator other than `)`/`]`, or a keyword of the given list.
 */
function afterOperand(buffer: TokenBuffer, keywords: Kw): boolean {
  const prev = buffer.count - 1;
  if (prev < 0) return false;
  const kind = buffer.kind[prev];
  if (kind === Tk.Op) return buffer.code[prev] === Ch.CloseParen || buffer.code[prev] === Ch.CloseBracket;
  if (kind === Tk.Word) return (buffer.code[prev]! & keywords) === 0;
  return true;
}

function hashText(text: string, start: number, end: number): number {
  let hash = HASH_SEED;
  for (let i = start; i < end; i++) hash = hashChar(hash, text.charCodeAt(i));
  return hash;
}

/** `[A-Za-z_][A-Za-z0-9_]*` over `text[start, end)`. */
function isPlainName(text: string, start: number, end: number): boolean {
  if (end <= start) return false;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    const letter = (c >= Ch.LowerA && c <= Ch.LowerZ) || (c >= Ch.UpperA && c <= Ch.UpperZ) || c === Ch.Underscore;
    if (!letter && !(i > start && isDigit(c))) return false;
  }
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

/** Adds the quoted name starting at `start` (what `readQuoted` reads, hashed on the way); returns its end. */
function readQuotedName(text: string, start: number, quote: number, buffer: TokenBuffer): number {
  const n = text.length;
  let hash = hashChar(HASH_SEED, quote);
  let i = start + 1;
  while (i < n) {
    const c = text.charCodeAt(i);
    hash = hashChar(hash, c);
    i++;
    if (c === quote) {
      if (text.charCodeAt(i) !== quote) break;
      hash = hashChar(hash, quote);
      i++;
    }
  }
  buffer.add(Tk.QIdent, start, i, 0, Reading.QuotedName, start, hash);
  return i;
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
  const quote = text.charCodeAt(start);
  const closed = end - start >= 2 && text.charCodeAt(end - 1) === quote;
  const body = text.slice(start + 1, closed ? end - 1 : end);
  if (body.indexOf(text[start]!) === -1 && (!backslashEscapes || body.indexOf('\\') === -1)) return body;
  // Copy the runs between escapes whole rather than character by character.
  let out = '';
  let run = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body.charCodeAt(i);
    if (backslashEscapes && c === Ch.Backslash && i + 1 < body.length) {
      const next = body[i + 1]!;
      // MySQL keeps the backslash before % and _ (they matter to LIKE).
      out += body.slice(run, i) + (BACKSLASH_ESCAPES[next] ?? (next === '%' || next === '_' ? '\\' + next : next));
      i++;
      run = i + 1;
      continue;
    }
    if (c === quote && body.charCodeAt(i + 1) === quote) {
      // A doubled quote: keep the first, skip the second.
      out += body.slice(run, i + 1);
      i++;
      run = i + 1;
    }
  }
  return out + body.slice(run);
}

function unquoteIdentifier(text: string, start: number, end: number): string {
  const quote = text[start]!;
  const closed = end - start >= 2 && text[end - 1] === quote;
  const body = text.slice(start + 1, closed ? end - 1 : end);
  return body.indexOf(quote) === -1 ? body : body.split(quote + quote).join(quote);
}

function readNumber(text: string, start: number, digitsStart: number, buffer: TokenBuffer): number {
  const n = text.length;
  let i = digitsStart;
  // Hex (0x1F) and binary (0b101) numbers are MySQL binary strings: keep their text.
  const radix = text.charCodeAt(i) === Ch.Digit0 ? text.charCodeAt(i + 1) : 0;
  if (radix === Ch.LowerX || radix === Ch.UpperX || radix === Ch.LowerB || radix === Ch.UpperB) {
    const hex = radix === Ch.LowerX || radix === Ch.UpperX;
    let j = i + 2;
    while (j < n && (hex ? isHexDigit(text.charCodeAt(j)) : text.charCodeAt(j) === Ch.Digit0 || text.charCodeAt(j) === Ch.Digit1)) j++;
    if (j > i + 2 && !isIdentPart(text.charCodeAt(j))) {
      buffer.add(Tk.Number, start, j, 0, Reading.NumberText, digitsStart);
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
  if (e === Ch.LowerE || e === 69 /* E */) {
    let j = i + 1;
    const sign = text.charCodeAt(j);
    if (sign === Ch.Plus || sign === Ch.Minus) j++;
    if (isDigit(text.charCodeAt(j))) {
      isInteger = false;
      i = j;
      while (i < n && isDigit(text.charCodeAt(i))) i++;
    }
  }
  buffer.add(Tk.Number, start, i, 0, isInteger ? Reading.Integer : Reading.Decimal, digitsStart);
  return i;
}

/** Up to 15 digits are exact in a double: read them without making a string. */
const MAX_EXACT_DIGITS = 15;

/** An integer literal: digits `[digitsStart, end)`, a sign at `start` when `start < digitsStart`. */
function integerValue(text: string, start: number, digitsStart: number, end: number): LiteralValue {
  if (end - digitsStart > MAX_EXACT_DIGITS) return numericValue(text.slice(start, end), true);
  let value = 0;
  for (let i = digitsStart; i < end; i++) value = value * 10 + (text.charCodeAt(i) - Ch.Digit0);
  // `-0` stays -0, as Number('-0') does.
  return text.charCodeAt(start) === Ch.Minus ? -value : value;
}

/** Integers beyond 2^53 stay exact as digit strings; everything else is a JS number. */
function numericValue(raw: string, isInteger: boolean): LiteralValue {
  const cleaned = raw.charCodeAt(0) === Ch.Plus ? raw.slice(1) : raw;
  const value = Number(cleaned);
  if (isInteger && !Number.isSafeInteger(value)) return cleaned;
  return value;
}

/** A one-letter prefix (`prefix`, lower-cased) at `start` with a quote at `quoteAt`: the literal's end, or 0. */
function readPrefixedString(text: string, start: number, quoteAt: number, prefix: number, mysqlFamily: boolean, buffer: TokenBuffer): number {
  if (prefix === Ch.LowerX || prefix === Ch.LowerB) {
    const end = readQuoted(text, quoteAt, Ch.Quote, false);
    buffer.add(Tk.String, start, end, 0, prefix === Ch.LowerX ? Reading.HexString : Reading.BitString, quoteAt);
    return end;
  }
  if (prefix === Ch.LowerN) {
    const end = readQuoted(text, quoteAt, Ch.Quote, mysqlFamily);
    buffer.add(Tk.String, start, end, 0, mysqlFamily ? Reading.QuotedBackslash : Reading.Quoted, quoteAt);
    return end;
  }
  if (prefix === Ch.LowerE && !mysqlFamily) {
    const end = readQuoted(text, quoteAt, Ch.Quote, true);
    buffer.add(Tk.String, start, end, 0, Reading.QuotedBackslash, quoteAt);
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

/** The end offset of the operator or punctuation at `i`. */
function readOperator(text: string, i: number, mysqlFamily: boolean, postgres: boolean): number {
  const c = text.charCodeAt(i);
  if (isSingleCharPunctuation(c)) return i + 1;
  const next = text.charCodeAt(i + 1);
  if (c === Ch.Equals && next !== Ch.GreaterThan && !(postgres && isPgOperatorChar(next))) return i + 1;
  if (postgres && isPgOperatorChar(c)) {
    // PostgreSQL lexes the longest run of operator characters, minus a trailing +/- unless special.
    let j = i + 1;
    let special = isPgSpecialOperatorChar(c);
    while (j < text.length && isPgOperatorChar(text.charCodeAt(j))) {
      const d = text.charCodeAt(j);
      const after = text.charCodeAt(j + 1);
      if ((d === Ch.Minus && after === Ch.Minus) || (d === Ch.Slash && after === Ch.Star)) break;
      if (isPgSpecialOperatorChar(d)) special = true;
      j++;
    }
    if (j - i > 1 && !special) {
      while (j > i && (text.charCodeAt(j - 1) === Ch.Plus || text.charCodeAt(j - 1) === Ch.Minus)) j--;
      if (j === i) j = i + 1;
    }
    return j;
  }
  if (c === Ch.Colon && next === Ch.Colon) return i + 2;
  if ((mysqlFamily || !postgres) && startsMysqlOperator(c)) {
    for (const candidate of MYSQL_OPERATORS) if (text.startsWith(candidate, i)) return i + candidate.length;
  }
  return i + 1;
}
