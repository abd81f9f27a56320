/**
 * Django `django.db.backends` DEBUG log reader.
 *
 * A record is `(<seconds>) <SQL>; args=<params repr>; alias=<alias>` (`; alias=` since Django
 * 4.0; some records say `args=None`). The SQL may start on the next line (`(0.015) ` then the
 * text) and run over several lines; the record ends on the line holding `; args=`. Since Django
 * 4.2 the logger also writes `BEGIN`, `COMMIT` and `ROLLBACK` records; older logs show no
 * transaction boundaries at all, and the file then gets ONE `no-transaction-boundaries` notice
 * (at EOF: only then is it certain), the engine treating a session's statements as possibly one
 * transaction until the session shows a boundary.
 *
 * Placeholders: on PostgreSQL, MySQL and SQLite Django logs the SQL as sent (already
 * interpolated), so `args` is substituted only where `%s` / `%(name)s` placeholders remain
 * (`executemany`, other backends): one statement per parameter set for `executemany`. The repr is
 * read conservatively: str (both quote styles, escapes), int, float, None, True/False; anything
 * else (`datetime.datetime(...)`, `Decimal('1.5')`, `UUID('...')`, bytes) leaves its placeholder.
 *
 * A failed statement on mysqlclient is logged as `None; args=...` (`cursor._executed` is unset):
 * it is counted and reported as a `failed-statement` warning at its line.
 *
 * Line prefixes (the project's logging format) recognised before the `(<seconds>) ` marker:
 * - none (Django's default handler): `(0.001) SELECT ...`;
 * - any prefix holding a timestamp `YYYY-MM-DD HH:MM:SS[,mmm]` (ISO `T` too): the time;
 * - Django's documented "verbose" format, `{levelname} {asctime} {module} {process:d}
 *   {thread:d} `: pid and thread id (`DEBUG 2024-05-01 12:00:00,123 utils 12345 140234 `);
 * - `key=value` fields: `pid=` / `process=` and `tid=` / `thread=` / `threadName=` / `thread_name=`;
 * - a bracketed process `[12345]`, or process and thread `[12345:140234]`, `[12345/MainThread]`,
 *   `[12345-Thread-1]` (gunicorn-style prefixes);
 * - `[2024-05-01 12:00:00,123] DEBUG [django.db.backends:123] `: the time only.
 * Session = `pid:thread` (or whichever of the two is known), else null (one session per file);
 * a database alias other than `default` is another connection, so it is appended (`@alias`).
 */
import type { Dialect } from '../../model/dialect.js';
import type { InputEvent } from '../../model/input.js';
import type { Origin } from '../../model/origin.js';
import { substituteParameters, type BoundValue } from '../sql-literal.js';
import { DialectGate, leadingBlankLines, skippedLineCounter, statementsOf } from './orm-common.js';
import type { LineParser, LogReadStats, LogReader, LogReaderContext } from './types.js';
import type { UnrecognisedLines } from './unrecognised-lines.js';

export interface DjangoLogStats extends LogReadStats {
  lines: number;
  records: number;
  /** Statement events emitted (`executemany` and multi-statement records give several). */
  statements: number;
  /** `None; args=` records: statements that failed without their text. */
  failedStatements: number;
  /** COMMIT / ROLLBACK records (Django 4.2+). */
  boundaries: number;
}

/** `(0.001) ` as Django's `"(%.3f) %s"` writes it; trailing space may be trimmed by editors. */
const DURATION_MARK = /\((\d+\.\d+)\)(?: |$)/;
const ARGS_MARK = '; args=';
const ALIAS_MARK = '; alias=';
const ALIAS_NAME = /^[\w.-]+$/;
const SQL_START =
  /^(?:\(|\/\*|--|(?:select|insert|update|delete|replace|merge|with|values|table|create|alter|drop|truncate|rename|begin|start|commit|rollback|savepoint|release|end|set|reset|show|describe|desc|explain|pragma|lock|unlock|use|call|do|copy|vacuum|analyze|analyse|grant|revoke|comment|prepare|execute|deallocate|declare|fetch|close|move|listen|notify|refresh|reindex|cluster|discard|checkpoint|attach|detach|optimize|flush|kill|xa)\b)/i;
/** `django.db.backends.schema` logs `<DDL>; (params None)`; the same DDL comes as a record too. */
const SCHEMA_ECHO = '; (params ';
const FAILED_SQL = 'None';
const FAILED_SQL_START = 'None;';

const TIMESTAMP = /\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(?:[,.]\d+)?(?: ?(?:Z|[+-]\d{2}:?\d{2}))?/;
/** Django docs' verbose format once the timestamp is cut out: `LEVEL  module pid thread`. */
const VERBOSE_TAIL = /^\s*[A-Z]+\s+\S+\s+(\d+)\s+(\d+)\s*$/;
const PROCESS_FIELD = /\b(?:pid|process)[=:](\d+)/i;
const THREAD_FIELD = /\b(?:tid|thread|threadName|thread_name)[=:]([^\s\][,;]+)/i;
const BRACKETED_PROCESS = /\[(\d+)(?:[:/-]([^\]\s]+))?\]/;

const COMMIT_OR_ROLLBACK = /^(?:commit|rollback)$/i;
const BEGIN = /^begin$/i;
const RETURNING = /\bRETURNING\b/i;

const SQLITE_MARKERS =
  /(?:\bsqlite_(?:version|master|temp_master|schema)\b|\bPRAGMA\s|\bAUTOINCREMENT\b|\bdjango_(?:date_extract|date_trunc|datetime_\w+|time_extract|time_trunc|format_dtdelta|timestamp_diff|time_diff)\(|ESCAPE '\\')/i;
const POSTGRES_MARKERS =
  /(?:::[a-z]|\bpg_(?:class|namespace|catalog|index|attribute|type|constraint|advisory_\w+|try_advisory_\w+|get_serial_sequence)\b|\bSET CONSTRAINTS\b|\bGENERATED BY DEFAULT AS IDENTITY\b|\bDEFERRABLE INITIALLY DEFERRED\b|\bILIKE\b)/i;
const MYSQL_MARKERS = /(?:@@|\bSET NAMES\b|\bENGINE=)/i;

/** A record without its `; args=` line after this many lines is abandoned (bounds memory). */
const MAX_RECORD_LINES = 10_000;

interface OpenRecord {
  readonly line: number;
  readonly column: number;
  readonly prefix: string;
  readonly sqlLines: string[];
}

interface RecordEnd {
  readonly sql: string;
  readonly args: string;
  readonly alias: string;
}

export const djangoLogReader: LogReader = {
  format: 'django',
  sniff(head) {
    let markerLine = false;
    for (const line of head) {
      const argsAt = line.indexOf(ARGS_MARK);
      const mark = DURATION_MARK.exec(line);
      if (mark) {
        const after = line.slice(mark.index + mark[0].length).trimStart();
        if (after === '') markerLine = true;
        else if (SQL_START.test(after) && argsAt > mark.index) return true;
        else if (SQL_START.test(after)) markerLine = true;
      } else if (markerLine && argsAt !== -1) return true;
    }
    return false;
  },
  create(context) {
    return new DjangoLogParser(context);
  },
};

export class DjangoLogParser implements LineParser {
  private readonly counts = { lines: 0, records: 0, statements: 0, failedStatements: 0, boundaries: 0 };
  private readonly skipped: UnrecognisedLines;
  private record: OpenRecord | undefined;
  private firstStatementLine = 0;
  private sawBegin = false;
  private readonly gate: DialectGate;
  private mysqlSeenAt = 0;
  private weakPostgresAt = 0;

  constructor(private readonly context: LogReaderContext) {
    this.skipped = skippedLineCounter(context, 'outside django.db.backends records', "other loggers' output");
    this.gate = new DialectGate(context, () =>
      this.mysqlSeenAt ? { dialect: 'mysql', line: this.mysqlSeenAt } : this.weakPostgresAt ? { dialect: 'postgresql', line: this.weakPostgresAt } : undefined,
    );
  }

  get stats(): DjangoLogStats {
    return { ...this.counts, unrecognisedLines: this.skipped.total };
  }

  line(text: string, lineNumber: number): void {
    this.counts.lines++;
    if (this.record) return this.continueRecord(text, lineNumber);
    if (text.length === 0 || !text.includes(')')) return this.skip(text, lineNumber);
    const mark = DURATION_MARK.exec(text);
    if (!mark) return this.skip(text, lineNumber);
    const afterMark = mark.index + mark[0].length;
    const rest = text.slice(afterMark);
    const sql = rest.trimStart();
    if (sql !== '' && !SQL_START.test(sql) && !sql.startsWith(FAILED_SQL_START)) return this.skip(text, lineNumber);
    const record: OpenRecord = {
      line: lineNumber,
      column: sql === '' ? mark.index + 1 : afterMark + rest.length - sql.length + 1,
      prefix: text.slice(0, mark.index),
      sqlLines: [],
    };
    this.record = record;
    this.addRecordLine(sql);
  }

  end(): void {
    if (this.record) this.abandonRecord();
    this.gate.close();
    const file = this.context.file;
    if (this.counts.statements > 0 && this.counts.boundaries === 0) {
      this.context.emit({
        kind: 'notice',
        code: 'no-transaction-boundaries',
        severity: 'info',
        origin: { file, line: this.firstStatementLine, column: 1, session: null },
        message: this.sawBegin
          ? 'This Django log shows BEGIN but no COMMIT or ROLLBACK (Django logs those only since 4.2): statements of a session are treated as possibly one transaction'
          : 'This Django log shows no transaction boundaries (Django logs BEGIN/COMMIT/ROLLBACK only since 4.2): statements of a session are treated as possibly one transaction',
      });
    }
    this.skipped.close();
  }

  private skip(text: string, lineNumber: number): void {
    // Blank lines, and django.db.backends.schema's echo of DDL the cursor logs again anyway.
    if (text.trim() === '' || text.includes(SCHEMA_ECHO)) return;
    this.skipped.add(text, lineNumber);
  }

  private continueRecord(text: string, lineNumber: number): void {
    if (this.record!.sqlLines.length >= MAX_RECORD_LINES || startsRecord(text)) {
      // The open record never got its `; args=` (a stray marker, a cut line): start afresh.
      this.abandonRecord();
      this.line(text, lineNumber);
      return;
    }
    this.addRecordLine(text);
  }

  /** Adds a line of SQL to the open record, finishing it when the line holds `; args=`. */
  private addRecordLine(text: string): void {
    const record = this.record!;
    const argsAt = text.indexOf(ARGS_MARK);
    if (argsAt === -1) {
      record.sqlLines.push(text);
      return;
    }
    record.sqlLines.push(text.slice(0, argsAt));
    const tail = text.slice(argsAt + ARGS_MARK.length);
    const aliasAt = tail.lastIndexOf(ALIAS_MARK);
    const alias = aliasAt === -1 ? '' : tail.slice(aliasAt + ALIAS_MARK.length).trim();
    const hasAlias = aliasAt !== -1 && ALIAS_NAME.test(alias);
    this.record = undefined;
    this.finishRecord(record, { sql: record.sqlLines.join('\n'), args: (hasAlias ? tail.slice(0, aliasAt) : tail).trim(), alias: hasAlias ? alias : 'default' });
  }

  /** A record whose `; args=` never came (cut file, foreign text): its lines count as skipped. */
  private abandonRecord(): void {
    const record = this.record!;
    this.record = undefined;
    this.skipped.addLines(record.sqlLines[0] ?? '', record.line, record.sqlLines.length);
  }

  private finishRecord(record: OpenRecord, end: RecordEnd): void {
    this.counts.records++;
    const text = end.sql.trim();
    const { session, time } = sessionOf(record.prefix, end.alias);
    // The record's first line, even when the SQL starts below it; split statements keep the offset.
    const origin: Origin = { file: this.context.file, line: record.line, column: record.column, session, ...(time === undefined ? {} : { time }) };
    const lineOffset = leadingBlankLines(record.sqlLines);
    if (text === FAILED_SQL) {
      this.counts.failedStatements++;
      const args = end.args.length > 200 ? `${end.args.slice(0, 200)}...` : end.args;
      const notice: InputEvent = {
        kind: 'notice',
        code: 'failed-statement',
        severity: 'warning',
        origin,
        message: `Django logged a statement that failed as "None" (mysqlclient keeps no text for it; args=${args}): it is left out of the analysis`,
      };
      this.gate.run(() => this.context.emit(notice), 0);
      return;
    }
    if (text === '') return;
    if (COMMIT_OR_ROLLBACK.test(text)) this.counts.boundaries++;
    else if (!this.sawBegin && BEGIN.test(text)) this.sawBegin = true;
    if (this.firstStatementLine === 0) this.firstStatementLine = record.line;
    if (this.gate.collecting) this.weighDialect(text, record.line);
    const args = end.args;
    this.gate.run((dialect) => this.emitStatements(text, args, origin, lineOffset, dialect), text.length);
  }

  private emitStatements(text: string, args: string, origin: Origin, lineOffset: number, decided: Dialect | undefined): void {
    const dialect = decided ?? 'postgresql';
    const texts = text.includes('%s') || text.includes('%(') ? substituteArgs(text, args, dialect) : [text];
    for (const sql of texts) {
      for (const statement of statementsOf(sql, origin, lineOffset, decided)) {
        this.counts.statements++;
        this.context.emit(statement);
      }
    }
  }

  private weighDialect(text: string, line: number): void {
    if (SQLITE_MARKERS.test(text)) return this.gate.decide('sqlite', line);
    if (POSTGRES_MARKERS.test(text)) return this.gate.decide('postgresql', line);
    if (text.includes('`') || MYSQL_MARKERS.test(text)) {
      // Django asks MySQL-family servers for RETURNING only on MariaDB 10.5+.
      if (RETURNING.test(text)) return this.gate.decide('mariadb', line);
      if (this.mysqlSeenAt === 0) this.mysqlSeenAt = line;
      return;
    }
    if (this.weakPostgresAt === 0 && text.includes('"')) this.weakPostgresAt = line;
  }
}

/** A complete one-line record (`(0.001) SELECT ...; args=...`), which no SQL continuation line looks like. */
function startsRecord(text: string): boolean {
  if (!text.includes(ARGS_MARK)) return false;
  const mark = DURATION_MARK.exec(text);
  return mark !== null && SQL_START.test(text.slice(mark.index + mark[0].length).trimStart());
}

/** Session and time from the logging prefix; see the file comment for the shapes. */
function sessionOf(prefix: string, alias: string): { session: string | null; time: string | undefined } {
  let time: string | undefined;
  let process: string | undefined;
  let thread: string | undefined;
  if (prefix.length > 0) {
    let rest = prefix;
    const stamp = TIMESTAMP.exec(prefix);
    if (stamp) {
      time = stamp[0];
      rest = prefix.slice(0, stamp.index) + ' ' + prefix.slice(stamp.index + stamp[0].length);
    }
    const verbose = VERBOSE_TAIL.exec(rest);
    if (verbose) {
      process = verbose[1];
      thread = verbose[2];
    } else {
      process = PROCESS_FIELD.exec(rest)?.[1];
      thread = THREAD_FIELD.exec(rest)?.[1];
      if (process === undefined) {
        const bracketed = BRACKETED_PROCESS.exec(rest);
        if (bracketed) {
          process = bracketed[1];
          thread ??= bracketed[2];
        }
      }
    }
  }
  let session = process !== undefined && thread !== undefined ? `${process}:${thread}` : process ?? (thread === undefined ? null : `thread:${thread}`);
  // Another database alias is another connection, so another session.
  if (alias !== 'default') session = session === null ? `@${alias}` : `${session}@${alias}`;
  return { session, time };
}

/** The SQL with `args` put into its remaining placeholders: one text per parameter set. */
function substituteArgs(sql: string, args: string, dialect: Dialect): string[] {
  const parsed = parsePythonRepr(args);
  if (!parsed || parsed.kind === 'value' || parsed.kind === 'unknown') return [sql];
  const sets = parsed.kind === 'sequence' && parsed.items.length > 0 && parsed.items.every((item) => item.kind === 'sequence' || item.kind === 'mapping') ? parsed.items : [parsed];
  const out: string[] = [];
  for (const set of sets) {
    if (set.kind === 'sequence') out.push(unescapePercent(sql, substituteParameters(sql, set.items.map(valueOf), 'format', dialect)));
    else if (set.kind === 'mapping') {
      const values: Record<string, BoundValue | undefined> = {};
      for (const [name, node] of set.entries) values[name] = valueOf(node);
      out.push(unescapePercent(sql, substituteParameters(sql, values, 'pyformat', dialect)));
    }
  }
  return out;
}

/** DB-API `%%` is a literal `%` once parameters went in (only then: interpolated SQL is final). */
function unescapePercent(before: string, after: string): string {
  return after !== before && after.includes('%%') ? after.replaceAll('%%', '%') : after;
}

type ReprNode =
  | { readonly kind: 'value'; readonly value: BoundValue }
  | { readonly kind: 'unknown' }
  | { readonly kind: 'sequence'; readonly items: ReprNode[] }
  | { readonly kind: 'mapping'; readonly entries: Map<string, ReprNode> };

const UNKNOWN_NODE: ReprNode = { kind: 'unknown' };

/** The value to bind; undefined (its placeholder stays) for one the repr does not give as a literal. */
function valueOf(node: ReprNode): BoundValue | undefined {
  return node.kind === 'value' ? node.value : undefined;
}

const PY_NUMBER = /-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/y;
const PY_NAME = /[A-Za-z_][\w.]*/y;
/** A number glued to a letter or call is no Python literal (`1j`, `0x1f(`). */
const NUMBER_TAIL = /[\w(]/;
const INTEGER = /^-?\d+$/;
/** `b'...'` (bytes: unknown) and `u'...'` (Python 2 text). */
const STRING_PREFIX = /^[bBuU]$/;
const HEX_DIGITS = /^[0-9a-fA-F]+$/;

/**
 * Reads a Python repr of DB-API parameters (tuple, list, dict, None). Undefined when the text is
 * not one (then nothing is substituted).
 */
export function parsePythonRepr(text: string): ReprNode | undefined {
  const reader = { s: text, i: 0 };
  try {
    const node = readNode(reader);
    skipWhitespace(reader);
    return reader.i === text.length ? node : undefined;
  } catch {
    return undefined;
  }
}

interface Reader {
  readonly s: string;
  i: number;
}

class ReprSyntaxError extends Error {}

function skipWhitespace(r: Reader): void {
  while (r.i < r.s.length && (r.s[r.i] === ' ' || r.s[r.i] === '\n' || r.s[r.i] === '\t')) r.i++;
}

function readNode(r: Reader): ReprNode {
  skipWhitespace(r);
  const ch = r.s[r.i];
  if (ch === undefined) throw new ReprSyntaxError();
  if (ch === '(' || ch === '[') return readSequence(r, ch === '(' ? ')' : ']');
  if (ch === '{') return readMapping(r);
  if (ch === "'" || ch === '"') return { kind: 'value', value: readString(r) };
  if (ch === '<') {
    skipBalanced(r);
    return UNKNOWN_NODE;
  }
  if (ch === '-' || ch === '.' || (ch >= '0' && ch <= '9')) {
    PY_NUMBER.lastIndex = r.i;
    const number = PY_NUMBER.exec(r.s);
    if (!number) throw new ReprSyntaxError();
    r.i += number[0].length;
    if (NUMBER_TAIL.test(r.s[r.i] ?? '')) throw new ReprSyntaxError();
    const text = number[0];
    if (INTEGER.test(text)) {
      const n = Number(text);
      return { kind: 'value', value: Number.isSafeInteger(n) ? n : BigInt(text) };
    }
    return { kind: 'value', value: Number(text) };
  }
  PY_NAME.lastIndex = r.i;
  const name = PY_NAME.exec(r.s);
  if (!name) throw new ReprSyntaxError();
  r.i += name[0].length;
  // A string prefix (b'...', u'...'): bytes stay unknown.
  if ((r.s[r.i] === "'" || r.s[r.i] === '"') && STRING_PREFIX.test(name[0])) {
    const value = readString(r);
    return name[0] === 'u' || name[0] === 'U' ? { kind: 'value', value } : UNKNOWN_NODE;
  }
  if (r.s[r.i] === '(') {
    skipBalanced(r);
    return UNKNOWN_NODE;
  }
  if (name[0] === 'None') return { kind: 'value', value: null };
  if (name[0] === 'True') return { kind: 'value', value: true };
  if (name[0] === 'False') return { kind: 'value', value: false };
  return UNKNOWN_NODE;
}

function readSequence(r: Reader, close: string): ReprNode {
  r.i++;
  const items: ReprNode[] = [];
  for (;;) {
    skipWhitespace(r);
    if (r.s[r.i] === close) {
      r.i++;
      return { kind: 'sequence', items };
    }
    items.push(readNode(r));
    skipWhitespace(r);
    if (r.s[r.i] === ',') r.i++;
    else if (r.s[r.i] !== close) throw new ReprSyntaxError();
  }
}

function readMapping(r: Reader): ReprNode {
  r.i++;
  const entries = new Map<string, ReprNode>();
  for (;;) {
    skipWhitespace(r);
    if (r.s[r.i] === '}') {
      r.i++;
      return { kind: 'mapping', entries };
    }
    const key = readNode(r);
    skipWhitespace(r);
    // A set ({1, 2}) is no parameter mapping.
    if (r.s[r.i] !== ':' || key.kind !== 'value' || typeof key.value !== 'string') throw new ReprSyntaxError();
    r.i++;
    entries.set(key.value, readNode(r));
    skipWhitespace(r);
    if (r.s[r.i] === ',') r.i++;
    else if (r.s[r.i] !== '}') throw new ReprSyntaxError();
  }
}

const PY_SIMPLE_ESCAPES: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', f: '\f', v: '\v', '0': '\0', '\\': '\\', "'": "'", '"': '"' };

function readString(r: Reader): string {
  const quote = r.s[r.i]!;
  let out = '';
  for (r.i++; r.i < r.s.length; r.i++) {
    const ch = r.s[r.i]!;
    if (ch === quote) {
      r.i++;
      return out;
    }
    if (ch !== '\\') {
      out += ch;
      continue;
    }
    const next = r.s[++r.i];
    if (next === undefined) break;
    const hexLength = next === 'x' ? 2 : next === 'u' ? 4 : next === 'U' ? 8 : 0;
    if (hexLength > 0) {
      const hex = r.s.slice(r.i + 1, r.i + 1 + hexLength);
      if (hex.length !== hexLength || !HEX_DIGITS.test(hex)) throw new ReprSyntaxError();
      out += String.fromCodePoint(parseInt(hex, 16));
      r.i += hexLength;
    } else out += PY_SIMPLE_ESCAPES[next] ?? `\\${next}`;
  }
  throw new ReprSyntaxError();
}

/** Skips `(...)` / `<...>` with nesting and strings inside (`Decimal('1.5')`, `<object at 0x1>`). */
function skipBalanced(r: Reader): void {
  let depth = 0;
  for (; r.i < r.s.length; r.i++) {
    const ch = r.s[r.i]!;
    if (ch === "'" || ch === '"') {
      readString(r);
      r.i--;
    } else if (ch === '(' || ch === '[' || ch === '{' || ch === '<') depth++;
    else if (ch === ')' || ch === ']' || ch === '}' || ch === '>') {
      depth--;
      if (depth === 0) {
        r.i++;
        return;
      }
    }
  }
  throw new ReprSyntaxError();
}
