/**
 * ActiveRecord SQL log reader (Rails 3.1 to 8: development, test and production logs).
 *
 * A record is `  <name> (<ms>ms)  <SQL>[  <binds>]` where the name is a model action
 * (`Book Load`, `Book Create`, `Pay::Subscription Exists?`), `SQL`, `TRANSACTION`, empty (Rails
 * <= 6.0 logs `(0.1ms)  BEGIN` unnamed), `CACHE ...` (answered by the query cache: it never
 * reached the database, so it is counted and not emitted) or `ASYNC ...` (`(db time Xms)`
 * follows the duration). Binds (`[["title", "x"], ["id", 1], [nil, 5]]`, Ruby inspect) are put
 * back into `$n` / `?` placeholders by position.
 *
 * Line prefixes understood: the Ruby Logger format (`D, [2024-05-01T12:00:00.123456 #12345]
 * DEBUG -- : `, giving the time and the pid) and tagged logging (`[tag] [tag] `). Session = the
 * first tag that looks like an id (a UUID, a long hex/dash string or a number: the request id or
 * a pid), else the Logger prefix's pid, else one session for the whole file (null).
 *
 * Multi-line SQL: continuation lines carry no prefix and start anywhere (often column 0). When
 * the SQL is coloured (ANSI codes, development logs), the record runs until the colour reset,
 * which may sit alone on its own line. Uncoloured SQL continues while the text so far is
 * unbalanced (open parenthesis or quote), ends with a word or operator that needs more, or the
 * next line starts with a clause keyword; anything else ends the record.
 *
 * Everything else is skipped. Known Rails output (request lines, `↳` source lines, rendering,
 * migrations, stack traces, test banners) silently; other lines (the application's own output,
 * which Rails logs mix in freely) are counted and reported in ONE `info` notice per file rather
 * than a warning per run, which would bury a development log in noise. Database errors the
 * adapter reports (`PG::...`, `Mysql2::Error`, `SQLite3::...`) become `server-error` events.
 */
import type { Dialect } from '../../model/dialect.js';
import type { InputEvent } from '../../model/input.js';
import type { Origin } from '../../model/origin.js';
import { substituteParameters, type BoundValue, type PlaceholderStyle } from '../sql-literal.js';
import { DialectGate, leadingBlankLines, skippedLineCounter, statementsOf, type WeakDialectEvidence } from './orm-common.js';
import type { LineParser, LogReadStats, LogReader, LogReaderContext } from './types.js';
import type { UnrecognisedLines } from './unrecognised-lines.js';

export interface RailsLogStats extends LogReadStats {
  lines: number;
  /** SQL records, cache hits included. */
  records: number;
  /** Statement events emitted (a multi-statement record gives several). */
  statements: number;
  cacheHits: number;
  /** Known Rails output and blank lines, skipped silently. */
  noiseLines: number;
  serverErrors: number;
}

const ESCAPE_CHAR = '\x1b';
const ANSI_CODE = /\x1b\[[0-9;]*[A-Za-z]/g;
const ANSI_RESET = '\x1b[0m';

const RUBY_LOGGER_PREFIX = /^[DIWEFAU], \[([^\]\s]+) #(\d+)\]\s+[A-Z]+ -- [^:]*: /;
/** A tag that names a request, job or process: a UUID-ish id or a number. */
const ID_TAG = /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f][0-9a-f-]{15,}|\d+)$/i;
const MAX_TAGS = 8;

/** `  Book Load (0.3ms)  ` up to the SQL; group 1 name, 2 duration, 3 ASYNC's db time. */
const RECORD_HEAD = /^\s*(?:(\S[^()]*?) )?\((\d+(?:\.\d+)?)ms\)( \(db time \d+(?:\.\d+)?ms\))?(?: {2,}|\s*$)/;
/** What a statement can start with; a record whose text starts otherwise is another subscriber's. */
const SQL_START =
  /^(?:\(|\/\*|--|(?:select|insert|update|delete|replace|upsert|merge|with|values|table|create|alter|drop|truncate|rename|begin|start|commit|rollback|savepoint|release|end|set|reset|show|describe|desc|explain|pragma|lock|unlock|use|call|do|copy|vacuum|analyze|analyse|grant|revoke|comment|prepare|execute|deallocate|declare|fetch|close|move|listen|notify|unlisten|refresh|reindex|cluster|discard|checkpoint|attach|detach|optimize|repair|flush|kill|xa)\b)/i;

/** Words at the start of a line that can only continue a statement. */
const CONTINUATION_START =
  /^\s*(?:[),]|(?:from|where|and|or|inner|left|right|full|cross|outer|natural|join|on|using|order|group|having|limit|offset|union|intersect|except|values|set|returning|for|window|when|then|else|end|as|select|into|references|foreign|constraint|primary|unique|check|default|not|is|in|between|like|ilike|escape|collate|fetch|nowait|skip|lock|do|conflict|partition|over)\b)/i;
/** Words at the end of a line after which the statement must go on. */
const OPEN_END =
  /(?:[,(=<>+\-*/|]|\b(?:select|from|where|and|or|on|join|set|by|values|into|in|as|not|case|when|then|else|union|distinct|having|limit|offset|returning|update|insert|delete|with|is|like|between|references|constraint|key|table|exists))\s*$/i;

/** Rails' own output besides SQL: requests, rendering, jobs, migrations, tests, stack traces. */
const RAILS_NOISE =
  /^(?:\s*↳ |Started [A-Z]+ "|Processing by |Completed \d{3} |\s+Parameters: |\s*Render(?:ed|ing) |\s*Redirected to |\s*Filter chain halted|\s*Sent (?:data|file|mail)|\s*(?:Enqueued|Performing|Performed|Retrying|Discarded|Stopped retrying) |Migrating to |==\s|--\s|\s+->\s|Can't verify CSRF|rescue_from handled|Cannot render console|-{8,}\s*$|[\w:]+Test: test_|\s*from \S+:\d+|\s*#<|\s*DETAIL: |\s*HINT: |\s*LINE \d+: |\s*\^\s*$|:\s|[A-Z]\w*(?:::\w+)+(?: \(|: )|\S.*:\d+:in [`'])/;
/** A database error as the adapter words it, with the message after it. */
const ADAPTER_ERROR =
  /(?:PGError|PG::[A-Z]\w*|Mysql2?::Error(?:::\w+)?|Trilogy::\w*Error|SQLite3::[A-Z]\w*|ActiveRecord::(?:Deadlocked|LockWaitTimeout|SerializationFailure|RecordNotUnique))(?::\s+| \()(.*)$/;

/** A multi-line record longer than this is cut: bounds memory on a missing colour reset. */
const MAX_RECORD_LINES = 10_000;

interface Prefix {
  readonly session: string | null;
  readonly time: string | undefined;
  /** The line after the Logger prefix and tags. */
  readonly body: string;
}

interface OpenRecord {
  readonly line: number;
  readonly column: number;
  readonly session: string | null;
  readonly time: string | undefined;
  readonly cached: boolean;
  readonly sqlLines: string[];
  /** `ansi`: coloured SQL, runs to the colour reset; `plain`: uncoloured, continued by shape. */
  readonly mode: 'ansi' | 'plain';
  binds: string | undefined;
  /** Uncoloured SQL: open parentheses and quote over the first `balancedLines` lines (computed lazily). */
  depth: number;
  quote: string | undefined;
  balancedLines: number;
}

interface PendingError {
  readonly origin: Origin;
  message: string;
  statement: string | undefined;
}

export const railsLogReader: LogReader = {
  format: 'rails',
  sniff(head) {
    for (const raw of head) {
      if (!raw.includes('ms)')) continue;
      const plain = raw.includes(ESCAPE_CHAR) ? raw.replace(ANSI_CODE, '') : raw;
      const { body } = splitPrefix(plain);
      const record = RECORD_HEAD.exec(body);
      if (record && SQL_START.test(body.slice(record[0].length).trimStart())) return true;
    }
    return false;
  },
  create(context) {
    return new RailsLogParser(context);
  },
};

export class RailsLogParser implements LineParser {
  private readonly counts = { lines: 0, records: 0, statements: 0, cacheHits: 0, noiseLines: 0, serverErrors: 0 };
  private readonly skipped: UnrecognisedLines;
  private record: OpenRecord | undefined;
  private pendingError: PendingError | undefined;
  private readonly gate: DialectGate;
  private mysqlSeenAt = 0;
  private weakPostgresAt = 0;
  private weakSqliteAt = 0;

  constructor(private readonly context: LogReaderContext) {
    this.skipped = skippedLineCounter(context, 'that are neither ActiveRecord SQL records nor known Rails output', 'application output');
    this.gate = new DialectGate(context, () => this.dialectFromWeakEvidence());
  }

  get stats(): RailsLogStats {
    return { ...this.counts, unrecognisedLines: this.skipped.total };
  }

  line(raw: string, lineNumber: number): void {
    this.counts.lines++;
    const hasEscape = raw.includes(ESCAPE_CHAR);
    if (this.record && this.continueRecord(raw, hasEscape)) return;
    const plain = hasEscape ? raw.replace(ANSI_CODE, '') : raw;
    if (this.pendingError && this.continueError(plain)) return;
    if (plain.includes('ms)') && this.startRecord(raw, plain, hasEscape, lineNumber)) return;
    this.otherLine(plain, lineNumber);
  }

  end(): void {
    if (this.record) this.finishRecord();
    this.flushError();
    this.gate.close();
    this.skipped.close();
  }

  /** True when the line belonged to the open record. */
  private continueRecord(raw: string, hasEscape: boolean): boolean {
    const record = this.record!;
    if (record.mode === 'ansi') {
      if (record.sqlLines.length >= MAX_RECORD_LINES || this.looksLikeRecordStart(raw, hasEscape)) {
        this.finishRecord();
        return false;
      }
      const reset = raw.indexOf(ANSI_RESET);
      if (reset === -1) {
        record.sqlLines.push(hasEscape ? raw.replace(ANSI_CODE, '') : raw);
        return true;
      }
      record.sqlLines.push(raw.slice(0, reset).replace(ANSI_CODE, ''));
      const rest = raw.slice(reset + ANSI_RESET.length).replace(ANSI_CODE, '').trim();
      if (rest.startsWith('[')) record.binds = rest;
      this.finishRecord();
      return true;
    }
    const plain = hasEscape ? raw.replace(ANSI_CODE, '') : raw;
    if (record.sqlLines.length < MAX_RECORD_LINES && this.continuesPlainSql(record, plain)) {
      record.sqlLines.push(plain);
      return true;
    }
    this.finishRecord();
    return false;
  }

  private continuesPlainSql(record: OpenRecord, plain: string): boolean {
    if (plain.trim() === '') return false;
    // Continuation lines are raw message text: a Logger prefix or tags start a new log line.
    if (splitPrefix(plain).body !== plain) return false;
    if (plain.includes('ms)') && this.looksLikeRecordStart(plain, false)) return false;
    // Most records are followed by another record: the balance is only worked out when needed.
    trackBalance(record);
    if (record.depth > 0 || record.quote !== undefined) return !RAILS_NOISE.test(plain) || CONTINUATION_START.test(plain);
    if (CONTINUATION_START.test(plain)) return true;
    const last = lastNonBlank(record.sqlLines);
    return last === undefined || OPEN_END.test(last) ? !RAILS_NOISE.test(plain) : false;
  }

  private looksLikeRecordStart(raw: string, hasEscape: boolean): boolean {
    if (!raw.includes('ms)')) return false;
    const plain = hasEscape ? raw.replace(ANSI_CODE, '') : raw;
    return RECORD_HEAD.test(splitPrefix(plain).body);
  }

  /** True when the line is an SQL record (now open or finished). */
  private startRecord(raw: string, plain: string, hasEscape: boolean, lineNumber: number): boolean {
    const prefix = splitPrefix(plain);
    const head = RECORD_HEAD.exec(prefix.body);
    if (!head) return false;
    const afterHead = prefix.body.slice(head[0].length);
    const sqlText = afterHead.trimStart();
    if (sqlText !== '' && !SQL_START.test(sqlText)) return false;
    this.flushError();
    this.counts.records++;
    const name = head[1] ?? '';
    const cached = name === 'CACHE' || name.startsWith('CACHE ');

    let mode: 'ansi' | 'plain' = 'plain';
    let firstSql = sqlText;
    let binds: string | undefined;
    let closed = false;
    let column = plain.length - sqlText.length + 1;
    if (hasEscape) {
      const coloured = colouredSql(raw, head[2]!, head[3] !== undefined);
      if (coloured) {
        column = coloured.column;
        firstSql = coloured.sql;
        if (coloured.closed) {
          closed = true;
          if (coloured.rest.startsWith('[')) binds = coloured.rest;
        } else mode = 'ansi';
      } else if (raw.endsWith(sqlText)) column = raw.length - sqlText.length + 1;
    }
    const record: OpenRecord = {
      line: lineNumber,
      column,
      session: prefix.session,
      time: prefix.time,
      cached,
      sqlLines: [firstSql],
      mode,
      binds,
      depth: 0,
      quote: undefined,
      balancedLines: 0,
    };
    this.record = record;
    if (closed) this.finishRecord();
    return true;
  }

  private finishRecord(): void {
    const record = this.record!;
    this.record = undefined;
    if (record.cached) {
      this.counts.cacheHits++;
      return;
    }
    const lines = record.sqlLines;
    // The origin stays on the record's line even when the SQL starts below it.
    const lineOffset = leadingBlankLines(lines);
    if (lineOffset === lines.length) return;
    if (record.mode === 'plain' && record.binds === undefined) {
      const last = lines.length - 1;
      const split = splitTrailingBinds(lines[last]!);
      if (split) {
        lines[last] = split.sql;
        record.binds = split.binds;
      }
    }
    const column = record.column + (lineOffset === 0 ? lines[0]!.length - lines[0]!.trimStart().length : 0);
    const text = (lines.length === 1 ? lines[0]! : lines.join('\n')).trim();
    if (text === '') return;
    const origin: Origin = {
      file: this.context.file,
      line: record.line,
      column,
      session: record.session,
      ...(record.time === undefined ? {} : { time: record.time }),
    };
    if (this.gate.collecting) this.weighDialect(text, record.line);
    const binds = record.binds;
    this.gate.run((dialect) => this.emitStatements(text, binds, origin, lineOffset, dialect), text.length);
  }

  private emitStatements(text: string, bindText: string | undefined, origin: Origin, lineOffset: number, decided: Dialect | undefined): void {
    let sql = text;
    if (bindText !== undefined) {
      const values = parseRubyBinds(bindText);
      const style: PlaceholderStyle | undefined = DOLLAR_PLACEHOLDER.test(sql) ? 'dollar' : sql.includes('?') ? 'question' : undefined;
      if (values && style) sql = substituteParameters(sql, values, style, decided ?? (style === 'dollar' ? 'postgresql' : 'sqlite'));
    }
    for (const statement of statementsOf(sql, origin, lineOffset, decided)) {
      this.counts.statements++;
      this.context.emit(statement);
    }
  }

  private weighDialect(text: string, line: number): void {
    if (SQLITE_MARKERS.test(text)) return this.gate.decide('sqlite', line);
    if (DOLLAR_PLACEHOLDER.test(text) || POSTGRES_MARKERS.test(text)) return this.gate.decide('postgresql', line);
    if (text.includes('`') || MYSQL_MARKERS.test(text)) {
      // MariaDB 10.5+ is the only MySQL flavour Rails asks for RETURNING.
      if (RETURNING.test(text)) return this.gate.decide('mariadb', line);
      if (this.mysqlSeenAt === 0) this.mysqlSeenAt = line;
      return;
    }
    if (text.includes('"')) {
      if (text.includes('?')) this.weakSqliteAt ||= line;
      else this.weakPostgresAt ||= line;
    }
  }

  private dialectFromWeakEvidence(): WeakDialectEvidence | undefined {
    if (this.mysqlSeenAt) return { dialect: 'mysql', line: this.mysqlSeenAt };
    if (this.weakSqliteAt) return { dialect: 'sqlite', line: this.weakSqliteAt };
    if (this.weakPostgresAt) return { dialect: 'postgresql', line: this.weakPostgresAt };
    return undefined;
  }

  private otherLine(plain: string, lineNumber: number): void {
    // Blank, or a colour reset left alone on its line (ANSI codes are already gone from `plain`).
    if (plain.trim() === '') {
      this.counts.noiseLines++;
      return;
    }
    const { body, session } = splitPrefix(plain);
    const error = ADAPTER_ERROR.exec(body);
    if (error) {
      this.flushError();
      this.pendingError = {
        origin: { file: this.context.file, line: lineNumber, column: 1, session },
        message: error[0].replace(ERROR_CLOSER, '').trim(),
        statement: undefined,
      };
      this.counts.noiseLines++;
      return;
    }
    if (RAILS_NOISE.test(body)) {
      this.counts.noiseLines++;
      return;
    }
    this.skipped.add(plain, lineNumber);
  }

  /** The lines after an adapter error: `DETAIL:` adds to it, `: <SQL>` names its statement. */
  private continueError(plain: string): boolean {
    const error = this.pendingError!;
    if (ERROR_DETAIL.test(plain)) {
      error.message += `\n${plain.trim()}`;
      this.counts.noiseLines++;
      return true;
    }
    if (plain.startsWith(': ') && error.statement === undefined) {
      error.statement = plain.slice(2).trim();
      this.counts.noiseLines++;
      return true;
    }
    this.flushError();
    return false;
  }

  private flushError(): void {
    const error = this.pendingError;
    if (!error) return;
    this.pendingError = undefined;
    this.counts.serverErrors++;
    // Mysql2 puts the statement after the message on the same line: `...; try restarting transaction: UPDATE ...`.
    const inline = error.statement === undefined ? INLINE_STATEMENT.exec(error.message) : null;
    if (inline) {
      error.message = error.message.slice(0, inline.index);
      error.statement = inline[1]!.trim();
    }
    const code = errorCodeOf(error.message);
    const event: InputEvent = {
      kind: 'server-error',
      session: error.origin.session,
      origin: error.origin,
      message: error.message,
      ...(code === undefined ? {} : { code }),
      ...(error.statement === undefined ? {} : { statement: error.statement }),
    };
    this.gate.run(() => this.context.emit(event), 0);
  }
}

const SQLITE_MARKERS =
  /\b(?:sqlite_(?:version|master|temp_master|schema)\b|PRAGMA\s|AUTOINCREMENT\b|begin (?:deferred |immediate |exclusive )?transaction\b|(?:commit|rollback) transaction\b)/i;
const POSTGRES_MARKERS =
  /(?:\bpg_(?:class|namespace|catalog|index|attribute|type|constraint|tables|try_advisory_lock|advisory_(?:lock|unlock)\w*)\b|\bSHOW search_path\b|\bcurrent_schemas?\(|\bcharacter varying\b|\bserial primary key\b|\bSET (?:client_min_messages|standard_conforming_strings|intervalstyle)\b|::[a-z])/i;
const MYSQL_MARKERS = /(?:\bENGINE=|\bGET_LOCK\(|\bRELEASE_LOCK\(|@@|\bSET NAMES\b|\bdatabase\(\))/i;

const DOLLAR_PLACEHOLDER = /\$\d/;
const RETURNING = /\bRETURNING\b/i;
/** What closes an error message quoted by an exception's inspect: `):`, `>`. */
const ERROR_CLOSER = /\)?:?\s*>?\s*$/;
const ERROR_DETAIL = /^\s*(?:DETAIL|HINT):/;
const RUBY_BRACED_UNICODE = /^\{([0-9a-fA-F ]+)\}/;
const HEX4 = /^[0-9a-fA-F]{4}$/;
const HEX_BYTE = /^[0-9a-fA-F]{1,2}/;
const INLINE_STATEMENT = /: ((?:select|insert|update|delete|replace|with|create|alter|drop|truncate|begin|commit|rollback|savepoint|release|lock|set)\b.*)$/is;

/** SQLSTATE / MySQL error number for the errors lock analysis cares about. */
function errorCodeOf(message: string): string | undefined {
  if (/Deadlock found when trying to get lock/i.test(message)) return '1213';
  if (/Lock wait timeout exceeded/i.test(message)) return '1205';
  if (/Duplicate entry/i.test(message)) return '1062';
  if (/deadlock detected/i.test(message)) return '40P01';
  if (/duplicate key value violates unique constraint/i.test(message)) return '23505';
  if (/could not serialize access/i.test(message)) return '40001';
  if (/lock timeout|could not obtain lock/i.test(message)) return '55P03';
  return undefined;
}

/** Splits off the Ruby Logger prefix and tags, keeping what they say about session and time. */
function splitPrefix(plain: string): Prefix {
  let body = plain;
  let time: string | undefined;
  let pid: string | undefined;
  if (body.length > 3 && body[1] === ',' && body[2] === ' ') {
    const logger = RUBY_LOGGER_PREFIX.exec(body);
    if (logger) {
      time = logger[1];
      pid = logger[2];
      body = body.slice(logger[0].length);
    }
  }
  let session: string | null = null;
  for (let tags = 0; tags < MAX_TAGS && body.startsWith('['); tags++) {
    const close = body.indexOf('] ');
    if (close === -1) break;
    const tag = body.slice(1, close);
    if (tag.includes('[')) break;
    if (session === null && ID_TAG.test(tag)) session = tag;
    body = body.slice(close + 2);
  }
  if (session === null && pid !== undefined) session = pid;
  return { session, time, body };
}

/**
 * Where coloured SQL sits in a raw line: `...(0.3ms)\e[0m  \e[1m\e[34mSELECT ...\e[0m  [binds]`.
 * Undefined when the SQL itself carries no colour (Rails 3 colours every other line only).
 */
function colouredSql(
  raw: string,
  duration: string,
  hasDbTime: boolean,
): { sql: string; column: number; closed: boolean; rest: string } | undefined {
  let at = raw.indexOf(`(${duration}ms)`);
  if (at === -1) return undefined;
  at += duration.length + 4;
  if (hasDbTime) at = raw.indexOf('ms)', at) + 3;
  let sawSpace = false;
  let coloured = false;
  while (at < raw.length) {
    const ch = raw.charCodeAt(at);
    if (ch === 27) {
      const end = escapeEnd(raw, at);
      if (sawSpace) coloured = true;
      at = end;
    } else if (ch === 32) {
      sawSpace = true;
      at++;
    } else break;
  }
  if (!coloured) return undefined;
  const reset = raw.indexOf(ANSI_RESET, at);
  if (reset === -1) return { sql: withoutAnsi(raw.slice(at)), column: at + 1, closed: false, rest: '' };
  return { sql: withoutAnsi(raw.slice(at, reset)), column: at + 1, closed: true, rest: withoutAnsi(raw.slice(reset + ANSI_RESET.length)).trim() };
}

function withoutAnsi(text: string): string {
  return text.includes(ESCAPE_CHAR) ? text.replace(ANSI_CODE, '') : text;
}

function escapeEnd(raw: string, start: number): number {
  let i = start + 1;
  if (raw[i] !== '[') return i;
  for (i++; i < raw.length; i++) {
    const code = raw.charCodeAt(i) | 0x20;
    if (code >= 97 && code <= 122) return i + 1;
  }
  return raw.length;
}

function lastNonBlank(lines: readonly string[]): string | undefined {
  for (let i = lines.length - 1; i >= 0; i--) if (lines[i]!.trim() !== '') return lines[i];
  return undefined;
}

/** Brings the open-parenthesis depth and open quote of uncoloured SQL up to date. */
function trackBalance(record: OpenRecord): void {
  let { depth, quote } = record;
  for (; record.balancedLines < record.sqlLines.length; record.balancedLines++) {
    const text = record.sqlLines[record.balancedLines]!;
    for (let i = 0; i < text.length; i++) {
      const ch = text[i]!;
      if (quote !== undefined) {
        if (ch === '\\' && quote !== '`') i++;
        else if (ch === quote) quote = undefined;
      } else if (ch === "'" || ch === '"' || ch === '`') quote = ch;
      else if (ch === '(') depth++;
      else if (ch === ')' && depth > 0) depth--;
    }
  }
  record.depth = depth;
  record.quote = quote;
}

/** `SELECT ... = $1  [["id", 1]]` -> SQL and bind text, when the line ends in a bind list. */
function splitTrailingBinds(line: string): { sql: string; binds: string } | undefined {
  const trimmed = line.trimEnd();
  if (!trimmed.endsWith(']')) return undefined;
  for (let at = trimmed.indexOf('  [['); at !== -1; at = trimmed.indexOf('  [[', at + 1)) {
    const binds = trimmed.slice(at + 2);
    if (parseRubyBinds(binds)) return { sql: trimmed.slice(0, at), binds };
  }
  return undefined;
}

/**
 * Parses ActiveRecord's bind list, `[["name", value], [nil, value]]`, into the values in order.
 * Strings, integers, floats, true/false/nil are read; anything else (Rails 4.0's
 * `Sat, 01 Jan 2014 00:00:00 UTC +00:00`, an object) is an undefined entry, so its placeholder
 * stays. Undefined when the text is not a bind list at all.
 */
export function parseRubyBinds(text: string): (BoundValue | undefined)[] | undefined {
  const s = text.trim();
  if (!s.startsWith('[')) return undefined;
  const values: (BoundValue | undefined)[] = [];
  let i = skipSpaces(s, 1);
  if (s[i] === ']') return i === s.length - 1 ? values : undefined;
  for (;;) {
    if (s[i] !== '[') return undefined;
    const nameEnd = scanRubyValue(s, i + 1, ',');
    if (nameEnd === -1) return undefined;
    const valueStart = skipSpaces(s, nameEnd + 1);
    const valueEnd = scanRubyValue(s, valueStart, ']');
    if (valueEnd === -1) return undefined;
    values.push(rubyLiteral(s.slice(valueStart, valueEnd).trim()));
    i = skipSpaces(s, valueEnd + 1);
    if (s[i] === ']') return skipSpaces(s, i + 1) === s.length ? values : undefined;
    if (s[i] !== ',') return undefined;
    i = skipSpaces(s, i + 1);
  }
}

function skipSpaces(s: string, i: number): number {
  while (i < s.length && s[i] === ' ') i++;
  return i;
}

/** Index of the `stop` character that ends a value at depth 0, skipping strings and brackets. */
function scanRubyValue(s: string, start: number, stop: string): number {
  let depth = 0;
  for (let i = start; i < s.length; i++) {
    const ch = s[i]!;
    if (ch === '"') {
      for (i++; i < s.length && s[i] !== '"'; i++) if (s[i] === '\\') i++;
      if (i >= s.length) return -1;
    } else if (ch === '[' || ch === '{' || ch === '(' || ch === '<') depth++;
    else if ((ch === ']' || ch === '}' || ch === ')' || ch === '>') && depth > 0) depth--;
    else if (depth === 0 && (ch === stop || ch === ']')) return ch === stop ? i : -1;
  }
  return -1;
}

const RUBY_INTEGER = /^-?\d+$/;
const RUBY_FLOAT = /^-?\d+\.\d+(?:e[+-]?\d+)?$/;

function rubyLiteral(text: string): BoundValue | undefined {
  if (text === 'nil') return null;
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (RUBY_INTEGER.test(text)) {
    const n = Number(text);
    return Number.isSafeInteger(n) ? n : BigInt(text);
  }
  if (RUBY_FLOAT.test(text)) return Number(text);
  if (text.length >= 2 && text.startsWith('"') && text.endsWith('"')) return unescapeRuby(text.slice(1, -1));
  return undefined;
}

const RUBY_SIMPLE_ESCAPES: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r', e: '\x1b', s: ' ', a: '\x07', b: '\b', f: '\f', v: '\v', '0': '\0' };

/** The body of a Ruby `String#inspect`; undefined for a shape we do not trust. */
function unescapeRuby(body: string): string | undefined {
  if (!body.includes('\\')) return body.includes('"') ? undefined : body;
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (ch === '"') return undefined;
    if (ch !== '\\') {
      out += ch;
      continue;
    }
    const next = body[++i];
    if (next === undefined) return undefined;
    if (next === 'u') {
      const braced = RUBY_BRACED_UNICODE.exec(body.slice(i + 1));
      if (braced) {
        for (const hex of braced[1]!.trim().split(/\s+/)) out += String.fromCodePoint(parseInt(hex, 16));
        i += braced[0].length;
        continue;
      }
      const hex = body.slice(i + 1, i + 5);
      if (!HEX4.test(hex)) return undefined;
      out += String.fromCharCode(parseInt(hex, 16));
      i += 4;
    } else if (next === 'x') {
      const hex = HEX_BYTE.exec(body.slice(i + 1));
      if (!hex) return undefined;
      out += String.fromCharCode(parseInt(hex[0], 16));
      i += hex[0].length;
    } else out += RUBY_SIMPLE_ESCAPES[next] ?? next;
  }
  return out;
}
