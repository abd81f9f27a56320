/**
 * Splits a SQL script into statements the way the database's own client would (mysql, psql),
 * keeping every statement's 1-based position and every comment (`-- expect:` annotations and
 * suppressions live in comments).
 *
 * One linear pass over the text with a hand-written scanner: no per-character regex, and the
 * long runs (line comments, dollar bodies, COPY data) are skipped with `indexOf`.
 *
 * Dialect rules:
 * - `'...'`: doubled `''` everywhere; backslash escapes in MySQL/MariaDB strings (`'...'` and
 *   `"..."`, which MySQL reads as a string by default) and in PostgreSQL `E'...'`. A standard
 *   PostgreSQL or SQLite string takes a backslash literally.
 * - `"..."` and `` `...` `` quote identifiers (doubled quote inside); SQLite also has `[...]`.
 * - `-- ` comments: MySQL/MariaDB need a space or control character (or end of input) after the
 *   dashes, PostgreSQL/SQLite do not. `#` comments in MySQL/MariaDB only.
 * - `/* ... *\/`: PostgreSQL nests them. MySQL/MariaDB `/*!NNNNN ... *\/` (and MariaDB
 *   `/*M!NNNNNN ... *\/`, in the mariadb dialect only) hold code: the markers become spaces of the
 *   same length so positions inside stay right. MariaDB's `/*M!999999\- enable the sandbox
 *   mode *\/` is a client command, hence a comment.
 * - Dollar quoting (`$$...$$`, `$tag$...$tag$`): in PostgreSQL wherever the lexer allows it (not
 *   after an identifier character, tag not starting with a digit, so `$1` stays a placeholder).
 *   In the other dialects only straight after the keyword `AS` or `DO` (the shape of
 *   `CREATE FUNCTION ... AS $$` and `DO $$`), so a PostgreSQL function read under the default
 *   dialect still splits right while MySQL's `$` in identifiers and `DELIMITER $$` are untouched.
 * - Client commands, recognised in every dialect because none of them is SQL anywhere:
 *   `DELIMITER xx` at a statement start sets the terminator until the next DELIMITER; a line
 *   starting with a backslash at a statement start is a psql meta-command (`\connect db`,
 *   `\restrict KEY`) and is skipped; after `COPY ... FROM stdin;` the data lines up to `\.` are
 *   skipped. Inside a statement, mysql's `\g`/`\G` (MySQL/MariaDB) and psql's `\g...` (PostgreSQL)
 *   end it.
 *
 * Columns count UTF-16 code units, as JavaScript strings do.
 */
import type { Dialect } from '../model/dialect.js';

export interface SplitStatement {
  /**
   * The statement without leading whitespace/comments, without its terminator and without
   * trailing whitespace/comments. Comments inside stay; conditional-comment markers are blanked.
   */
  text: string;
  /** 1-based position of the first significant character. */
  line: number;
  column: number;
  /** Line of the last significant character. */
  endLine: number;
  /**
   * The input ended inside a quote, block comment or dollar body: `text` runs to the end of the
   * input. `copy-data`: the statement itself is complete, but it is a `COPY ... FROM stdin`
   * whose data has no closing `\.` line (a truncated dump).
   */
  unterminated?: 'quote' | 'comment' | 'dollar' | 'copy-data';
  /** With `unterminated`: where the unclosed construct opens, and its opening characters. */
  unterminatedAt?: { line: number; column: number; opener: string };
}

export interface SqlComment {
  /** Without the `--` / `#` / `/* *\/` markers, trimmed. */
  text: string;
  line: number;
  column: number;
  endLine: number;
  style: 'line' | 'block';
}

export interface SplitResult {
  statements: SplitStatement[];
  comments: SqlComment[];
}

export function splitSql(source: string, options: { dialect?: Dialect } = {}): SplitResult {
  return new SqlSplitter(source, syntaxOf(options.dialect ?? 'mysql')).run();
}

interface DialectSyntax {
  readonly backslashEscapes: boolean;
  readonly escapeStringPrefix: boolean;
  readonly hashComments: boolean;
  readonly dashCommentNeedsSpace: boolean;
  readonly nestedBlockComments: boolean;
  readonly conditionalComments: boolean;
  readonly mariadbConditionalComments: boolean;
  readonly dollarQuotes: 'lexer' | 'after-as-or-do';
  readonly bracketIdentifiers: boolean;
  readonly sendCommand: 'mysql' | 'psql' | null;
}

function syntaxOf(dialect: Dialect): DialectSyntax {
  switch (dialect) {
    case 'mysql':
    case 'mariadb':
      return {
        backslashEscapes: true,
        escapeStringPrefix: false,
        hashComments: true,
        dashCommentNeedsSpace: true,
        nestedBlockComments: false,
        conditionalComments: true,
        mariadbConditionalComments: dialect === 'mariadb',
        dollarQuotes: 'after-as-or-do',
        bracketIdentifiers: false,
        sendCommand: 'mysql',
      };
    case 'postgresql':
      return {
        backslashEscapes: false,
        escapeStringPrefix: true,
        hashComments: false,
        dashCommentNeedsSpace: false,
        nestedBlockComments: true,
        conditionalComments: false,
        mariadbConditionalComments: false,
        dollarQuotes: 'lexer',
        bracketIdentifiers: false,
        sendCommand: 'psql',
      };
    case 'sqlite':
      return {
        backslashEscapes: false,
        escapeStringPrefix: false,
        hashComments: false,
        dashCommentNeedsSpace: false,
        nestedBlockComments: false,
        conditionalComments: false,
        mariadbConditionalComments: false,
        dollarQuotes: 'after-as-or-do',
        bracketIdentifiers: true,
        sendCommand: null,
      };
  }
}

const TAB = 9;
const LF = 10;
const CR = 13;
const SPACE = 32;
const BANG = 33;
const DOUBLE_QUOTE = 34;
const HASH = 35;
const DOLLAR = 36;
const SINGLE_QUOTE = 39;
const STAR = 42;
const DASH = 45;
const DOT = 46;
const SLASH = 47;
const SEMICOLON = 59;
const UPPER_E = 69;
const UPPER_G = 71;
const UPPER_M = 77;
const OPEN_BRACKET = 91;
const BACKSLASH = 92;
const CLOSE_BRACKET = 93;
const BACKTICK = 96;
const LOWER_E = 101;
const LOWER_G = 103;
const LOWER_D = 100;
const UPPER_D = 68;

function isWhitespace(code: number): boolean {
  return code === SPACE || (code >= TAB && code <= CR);
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function isLetter(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

/** Letters, digits, `_`, `$` and anything non-ASCII: what can continue an unquoted identifier. */
function isIdentifierChar(code: number): boolean {
  return isLetter(code) || isDigit(code) || code === 95 || code === DOLLAR || code >= 128;
}

function isTagStart(code: number): boolean {
  return isLetter(code) || code === 95 || code >= 128;
}

function isTagChar(code: number): boolean {
  return isLetter(code) || isDigit(code) || code === 95 || code >= 128;
}

const COPY_FROM_STDIN = /\bfrom\s+stdin\b/i;

class SqlSplitter {
  private readonly statements: SplitStatement[] = [];
  private readonly comments: SqlComment[] = [];
  private readonly length: number;

  private i = 0;
  private line = 1;
  private lineStart = 0;

  private delimiter = ';';
  private delimiterFirst = SEMICOLON;

  /** Current statement: start index, or -1 between statements. */
  private start = -1;
  private startLine = 0;
  private startColumn = 0;
  /** Index just past the last significant character, and its line. */
  private codeEnd = 0;
  private codeEndLine = 0;
  /** [from, to) pairs of conditional-comment markers inside the statement, to blank out. */
  private blanks: number[] = [];
  private unterminated: SplitStatement['unterminated'];
  private unterminatedAt: SplitStatement['unterminatedAt'];

  private inConditional = false;
  private conditionalLine = 0;
  private conditionalColumn = 0;
  private conditionalOpener = '';

  constructor(
    private readonly source: string,
    private readonly syntax: DialectSyntax,
  ) {
    this.length = source.length;
  }

  run(): SplitResult {
    const source = this.source;
    const length = this.length;
    while (this.i < length) {
      const code = source.charCodeAt(this.i);
      if (this.start < 0) {
        if (this.skipBetweenStatements(code)) continue;
        this.beginStatement();
      }
      if (code === this.delimiterFirst && (this.delimiter.length === 1 || source.startsWith(this.delimiter, this.i))) {
        this.endStatement(this.delimiter.length);
        continue;
      }
      this.scanCode(code);
    }
    this.finishAtEof();
    return { statements: this.statements, comments: this.comments };
  }

  /** Consumes whitespace, comments, empty statements and client commands; false at a statement's first character. */
  private skipBetweenStatements(code: number): boolean {
    const source = this.source;
    if (code === LF) {
      this.newlineAt(this.i);
      this.i++;
      return true;
    }
    if (isWhitespace(code)) {
      this.i++;
      return true;
    }
    if (code === this.delimiterFirst && (this.delimiter.length === 1 || source.startsWith(this.delimiter, this.i))) {
      this.i += this.delimiter.length;
      return true;
    }
    const next = source.charCodeAt(this.i + 1);
    if (code === DASH && next === DASH && this.dashCommentStartsAt(this.i)) {
      this.scanLineComment(2);
      return true;
    }
    if (code === HASH && this.syntax.hashComments) {
      this.scanLineComment(1);
      return true;
    }
    if (code === SLASH && next === STAR) {
      const marker = this.inConditional ? 0 : this.conditionalMarkerLength();
      if (marker > 0) this.openConditional(marker, false);
      else this.scanBlockComment();
      return true;
    }
    if (code === STAR && next === SLASH && this.inConditional) {
      this.inConditional = false;
      this.i += 2;
      return true;
    }
    if (code === BACKSLASH) {
      this.skipRestOfLine();
      return true;
    }
    if ((code === UPPER_D || code === LOWER_D) && this.readDelimiterCommand()) return true;
    return false;
  }

  private beginStatement(): void {
    this.start = this.i;
    this.startLine = this.line;
    this.startColumn = this.i - this.lineStart + 1;
    this.codeEnd = this.i;
    this.codeEndLine = this.line;
    this.blanks = [];
    this.unterminated = undefined;
    this.unterminatedAt = undefined;
  }

  private scanCode(code: number): void {
    const source = this.source;
    const i = this.i;
    if (code <= SPACE) {
      if (code === LF) this.newlineAt(i);
      else if (!isWhitespace(code)) this.markCode(i);
      this.i = i + 1;
      return;
    }
    switch (code) {
      case SINGLE_QUOTE:
        this.scanQuoted(SINGLE_QUOTE, this.syntax.backslashEscapes, true);
        return;
      case DOUBLE_QUOTE:
        // MySQL reads "..." as a string (with escapes) unless ANSI_QUOTES; either way it is quoted.
        this.scanQuoted(DOUBLE_QUOTE, this.syntax.backslashEscapes, true);
        return;
      case BACKTICK:
        this.scanQuoted(BACKTICK, false, true);
        return;
      case OPEN_BRACKET:
        if (this.syntax.bracketIdentifiers) {
          this.scanQuoted(CLOSE_BRACKET, false, false);
          return;
        }
        break;
      case UPPER_E:
      case LOWER_E:
        if (
          this.syntax.escapeStringPrefix &&
          source.charCodeAt(i + 1) === SINGLE_QUOTE &&
          !(i > 0 && isIdentifierChar(source.charCodeAt(i - 1)))
        ) {
          this.i = i + 1;
          this.scanQuoted(SINGLE_QUOTE, true, true, i);
          return;
        }
        break;
      case DASH:
        if (source.charCodeAt(i + 1) === DASH && this.dashCommentStartsAt(i)) {
          this.scanLineComment(2);
          return;
        }
        break;
      case HASH:
        if (this.syntax.hashComments) {
          this.scanLineComment(1);
          return;
        }
        break;
      case SLASH:
        if (source.charCodeAt(i + 1) === STAR) {
          const marker = this.inConditional ? 0 : this.conditionalMarkerLength();
          if (marker > 0) this.openConditional(marker, true);
          else this.scanBlockComment();
          return;
        }
        break;
      case STAR:
        if (this.inConditional && source.charCodeAt(i + 1) === SLASH) {
          this.blanks.push(i, i + 2);
          this.inConditional = false;
          this.i = i + 2;
          return;
        }
        break;
      case DOLLAR: {
        const tagLength = this.dollarQuoteTagLength(i);
        if (tagLength > 0) {
          this.scanDollarBody(tagLength);
          return;
        }
        break;
      }
      case BACKSLASH:
        if (this.endsAtSendCommand(i)) return;
        break;
    }
    this.markCode(i);
    this.i = i + 1;
  }

  private markCode(index: number): void {
    this.codeEnd = index + 1;
    this.codeEndLine = this.line;
  }

  private newlineAt(index: number): void {
    this.line++;
    this.lineStart = index + 1;
  }

  private dashCommentStartsAt(index: number): boolean {
    if (!this.syntax.dashCommentNeedsSpace) return true;
    // MySQL: `--` starts a comment only before whitespace, a control character or the end.
    return index + 2 >= this.length || this.source.charCodeAt(index + 2) <= SPACE;
  }

  /** At `--` or `#`: records the comment and stops before the line feed. */
  private scanLineComment(markerLength: number): void {
    const source = this.source;
    const from = this.i;
    let end = source.indexOf('\n', from + markerLength);
    if (end < 0) end = this.length;
    this.comments.push({
      text: source.slice(from + markerLength, end).trim(),
      line: this.line,
      column: from - this.lineStart + 1,
      endLine: this.line,
      style: 'line',
    });
    this.i = end;
  }

  /** At `/*` (not a conditional comment). */
  private scanBlockComment(): void {
    const source = this.source;
    const length = this.length;
    const from = this.i;
    const line = this.line;
    const column = from - this.lineStart + 1;
    const nested = this.syntax.nestedBlockComments;
    let depth = 1;
    let j = from + 2;
    while (j < length) {
      const code = source.charCodeAt(j);
      if (code === STAR && source.charCodeAt(j + 1) === SLASH) {
        j += 2;
        if (--depth === 0) break;
        continue;
      }
      if (nested && code === SLASH && source.charCodeAt(j + 1) === STAR) {
        depth++;
        j += 2;
        continue;
      }
      if (code === LF) this.newlineAt(j);
      j++;
    }
    if (depth > 0) {
      this.comments.push({ text: source.slice(from + 2).trim(), line, column, endLine: this.line, style: 'block' });
      // An unclosed comment between statements still becomes a statement, so nothing is lost.
      if (this.start < 0) {
        this.start = from;
        this.startLine = line;
        this.startColumn = column;
        this.blanks = [];
      }
      this.setUnterminated('comment', line, column, '/*');
      return;
    }
    this.comments.push({ text: source.slice(from + 2, j - 2).trim(), line, column, endLine: this.line, style: 'block' });
    this.i = j;
  }

  /** Length of `/*!NNNNN` or (MariaDB) `/*M!NNNNNN` at the cursor; 0 when this is a plain comment. */
  private conditionalMarkerLength(): number {
    if (!this.syntax.conditionalComments) return 0;
    const source = this.source;
    let j = this.i + 2;
    const code = source.charCodeAt(j);
    if (code === BANG) j += 1;
    else if (code === UPPER_M && source.charCodeAt(j + 1) === BANG && this.syntax.mariadbConditionalComments) j += 2;
    else return 0;
    while (isDigit(source.charCodeAt(j))) j++;
    // `/*M!999999\- enable the sandbox mode */` is a MariaDB client command, not code.
    if (source.charCodeAt(j) === BACKSLASH) return 0;
    return j - this.i;
  }

  private openConditional(markerLength: number, insideStatement: boolean): void {
    if (insideStatement) this.blanks.push(this.i, this.i + markerLength);
    this.inConditional = true;
    this.conditionalLine = this.line;
    this.conditionalColumn = this.i - this.lineStart + 1;
    this.conditionalOpener = this.source.slice(this.i, this.i + markerLength);
    this.i += markerLength;
  }

  /**
   * At an opening quote (`this.i`). `prefixStart` is where a prefix such as PostgreSQL's `E`
   * begins, for the error position.
   */
  private scanQuoted(close: number, backslashEscapes: boolean, doubledCloseEscapes: boolean, prefixStart = this.i): void {
    const source = this.source;
    const length = this.length;
    const line = this.line;
    const column = prefixStart - this.lineStart + 1;
    const opener = source.slice(prefixStart, this.i + 1);
    let j = this.i + 1;
    while (j < length) {
      const code = source.charCodeAt(j);
      if (code === close) {
        if (doubledCloseEscapes && source.charCodeAt(j + 1) === close) {
          j += 2;
          continue;
        }
        this.markCode(j);
        this.i = j + 1;
        return;
      }
      if (code === BACKSLASH && backslashEscapes) {
        j++;
        if (source.charCodeAt(j) === LF) this.newlineAt(j);
        j++;
        continue;
      }
      if (code === LF) this.newlineAt(j);
      j++;
    }
    this.setUnterminated('quote', line, column, opener);
  }

  /** Length of a dollar-quote delimiter (`$$`, `$tag$`) at `index`, or 0. */
  private dollarQuoteTagLength(index: number): number {
    const source = this.source;
    if (index > 0 && isIdentifierChar(source.charCodeAt(index - 1))) return 0;
    let j = index + 1;
    if (source.charCodeAt(j) !== DOLLAR) {
      if (!isTagStart(source.charCodeAt(j))) return 0;
      j++;
      while (isTagChar(source.charCodeAt(j))) j++;
      if (source.charCodeAt(j) !== DOLLAR) return 0;
    }
    if (this.syntax.dollarQuotes === 'after-as-or-do' && !this.followsAsOrDo(index)) return 0;
    return j + 1 - index;
  }

  private followsAsOrDo(index: number): boolean {
    const source = this.source;
    let k = index - 1;
    while (k >= 0 && isWhitespace(source.charCodeAt(k))) k--;
    if (k < 1 || k === index - 1) return false;
    const word = source.slice(k - 1, k + 1).toLowerCase();
    if (word !== 'as' && word !== 'do') return false;
    return k < 2 || !isIdentifierChar(source.charCodeAt(k - 2));
  }

  private scanDollarBody(tagLength: number): void {
    const source = this.source;
    const from = this.i;
    const line = this.line;
    const column = from - this.lineStart + 1;
    const tag = source.slice(from, from + tagLength);
    const close = source.indexOf(tag, from + tagLength);
    const end = close < 0 ? this.length : close + tagLength;
    this.countNewlines(from + tagLength, end);
    if (close < 0) {
      this.setUnterminated('dollar', line, column, tag);
      return;
    }
    this.markCode(end - 1);
    this.i = end;
  }

  private countNewlines(from: number, to: number): void {
    let nl = this.source.indexOf('\n', from);
    while (nl >= 0 && nl < to) {
      this.newlineAt(nl);
      nl = this.source.indexOf('\n', nl + 1);
    }
  }

  /** mysql's `\g`/`\G` and psql's `\g`, `\gx`, `\gset`... send the statement, like a terminator. */
  private endsAtSendCommand(index: number): boolean {
    const source = this.source;
    const next = source.charCodeAt(index + 1);
    if (this.syntax.sendCommand === 'mysql') {
      if ((next === LOWER_G || next === UPPER_G) && !isIdentifierChar(source.charCodeAt(index + 2))) {
        this.endStatement(2);
        return true;
      }
    } else if (this.syntax.sendCommand === 'psql' && next === LOWER_G) {
      this.endStatement(0);
      this.skipRestOfLine();
      return true;
    }
    return false;
  }

  /** Stops before the line feed (the main loop counts it). */
  private skipRestOfLine(): void {
    const end = this.source.indexOf('\n', this.i);
    this.i = end < 0 ? this.length : end;
  }

  /** `DELIMITER xx` at a statement start: the mysql client command that changes the terminator. */
  private readDelimiterCommand(): boolean {
    const source = this.source;
    const from = this.i;
    if (source.slice(from, from + 9).toLowerCase() !== 'delimiter') return false;
    const after = source.charCodeAt(from + 9);
    if (from + 9 < this.length && !isWhitespace(after)) return false;
    let j = from + 9;
    while (j < this.length && (source.charCodeAt(j) === SPACE || source.charCodeAt(j) === TAB)) j++;
    let end = j;
    while (end < this.length && !isWhitespace(source.charCodeAt(end))) end++;
    let token = source.slice(j, end);
    const quote = token.charCodeAt(0);
    if (token.length > 2 && (quote === SINGLE_QUOTE || quote === DOUBLE_QUOTE || quote === BACKTICK) && token.charCodeAt(token.length - 1) === quote) {
      token = token.slice(1, -1);
    }
    // Without an argument the client refuses the command and keeps the old delimiter.
    if (token.length > 0) {
      this.delimiter = token;
      this.delimiterFirst = token.charCodeAt(0);
    }
    this.i = end;
    this.skipRestOfLine();
    return true;
  }

  private setUnterminated(kind: NonNullable<SplitStatement['unterminated']>, line: number, column: number, opener: string): void {
    this.unterminated = kind;
    this.unterminatedAt = { line, column, opener };
    this.i = this.length;
  }

  private endStatement(terminatorLength: number): void {
    const text = this.statementText(this.codeEnd);
    if (text.length > 0) this.statements.push({ text, line: this.startLine, column: this.startColumn, endLine: this.codeEndLine });
    this.start = -1;
    this.i += terminatorLength;
    if (terminatorLength > 0 && isCopyFromStdin(text)) this.skipCopyData();
  }

  private statementText(end: number): string {
    const source = this.source;
    const blanks = this.blanks;
    if (blanks.length === 0) return source.slice(this.start, end);
    let text = '';
    let from = this.start;
    for (let k = 0; k < blanks.length; k += 2) {
      const blankFrom = blanks[k]!;
      if (blankFrom >= end) break;
      const blankTo = Math.min(blanks[k + 1]!, end);
      text += source.slice(from, blankFrom) + ' '.repeat(blankTo - blankFrom);
      from = blankTo;
    }
    return text + source.slice(from, end);
  }

  /**
   * psql reads the data of `COPY ... FROM stdin` from the lines after the statement, up to `\.`.
   * A comment after the terminator on the same line is kept; the data lines are not SQL.
   */
  private skipCopyData(): void {
    const source = this.source;
    const length = this.length;
    const copyStatement = this.statements[this.statements.length - 1]!;
    while (this.i < length) {
      const code = source.charCodeAt(this.i);
      if (code === SPACE || code === TAB || code === CR) this.i++;
      else break;
    }
    const code = source.charCodeAt(this.i);
    if (code === DASH && source.charCodeAt(this.i + 1) === DASH && this.dashCommentStartsAt(this.i)) this.scanLineComment(2);
    else if (code === HASH && this.syntax.hashComments) this.scanLineComment(1);
    const lineEnd = source.indexOf('\n', this.i);
    let j = lineEnd < 0 ? length : lineEnd + 1;
    if (lineEnd >= 0) this.newlineAt(lineEnd);
    const dataLine = this.line;
    while (j < length) {
      const newline = source.indexOf('\n', j);
      const end = newline < 0 ? length : newline;
      const endOfData =
        source.charCodeAt(j) === BACKSLASH &&
        source.charCodeAt(j + 1) === DOT &&
        (end === j + 2 || (end === j + 3 && source.charCodeAt(j + 2) === CR));
      if (endOfData) {
        this.i = end;
        return;
      }
      if (newline < 0) break;
      this.newlineAt(newline);
      j = newline + 1;
    }
    this.i = length;
    copyStatement.unterminated = 'copy-data';
    copyStatement.unterminatedAt = { line: dataLine, column: 1, opener: 'COPY' };
  }

  private finishAtEof(): void {
    if (this.start < 0) return;
    if (this.unterminated === undefined && this.inConditional) {
      this.unterminated = 'comment';
      this.unterminatedAt = { line: this.conditionalLine, column: this.conditionalColumn, opener: this.conditionalOpener };
    }
    if (this.unterminated === undefined) {
      this.endStatement(0);
      return;
    }
    const raw = this.statementText(this.length);
    const text = raw.trimEnd();
    let endLine = this.line;
    for (let k = text.length; k < raw.length; k++) if (raw.charCodeAt(k) === LF) endLine--;
    this.statements.push({
      text,
      line: this.startLine,
      column: this.startColumn,
      endLine,
      unterminated: this.unterminated,
      ...(this.unterminatedAt ? { unterminatedAt: this.unterminatedAt } : {}),
    });
    this.start = -1;
  }
}

function isCopyFromStdin(text: string): boolean {
  if (text.length < 5 || text.slice(0, 4).toLowerCase() !== 'copy' || !isWhitespace(text.charCodeAt(4))) return false;
  // `COPY (query)` can only go TO somewhere: a "from stdin" inside the query is not the source.
  if (text.slice(4).trimStart().startsWith('(')) return false;
  return COPY_FROM_STDIN.test(text);
}
