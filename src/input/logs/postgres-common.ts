/**
 * What the three PostgreSQL log formats (stderr, csvlog, jsonlog) share once a record is
 * assembled: turning its message into events (statements, extended-protocol executions with
 * their parameters put back, server errors, session ends), per-session state, and the count of
 * unrecognised lines.
 *
 * One statement event per execution:
 * - simple protocol: `statement: <sql>` (log_statement) or `duration: X ms  statement: <sql>`
 *   (log_min_duration_statement);
 * - extended protocol: the `execute <name>: <sql>` record (with or without duration), with the
 *   values of its `DETAIL:  parameters:` substituted; `parse` and `bind` records are not
 *   executions (a bind's parameters are kept only as a fallback for an execute logged without
 *   them);
 * - `execute fetch from ...` continues an earlier execution: nothing is emitted;
 * - de-duplication: PostgreSQL itself prints only a bare `duration: X ms` for a statement that
 *   log_statement already printed, but logs merged or re-emitted by tools can hold both. So a
 *   duration-bearing statement (or execute) whose text equals the last statement printed
 *   without a duration in the same session, with no other statement of that session in between,
 *   is the completion of that same execution and is not emitted again;
 * - STATEMENT lines (after errors, lock waits, temporary files) are never executions: an error's
 *   statement goes into its server-error event only (with the failed execute's or bind's values
 *   put back when the log showed them).
 *
 * Sessions: `disconnection:` ends one (session-end) and drops its state. When the key is a pid, a
 * `connection received/authorized` under a key that still has state means the pid was reused
 * after an exit the log did not show: the old session ends first. ERROR/FATAL/PANIC records are
 * server errors; their SQLSTATE is `%e` / the csv or json column, else known from the message.
 */
import type { Origin } from '../../model/origin.js';
import { substituteParameters, type BoundValue } from '../sql-literal.js';
import { cleanStatement } from './statement-text.js';
import type { LogReadStats, LogReaderContext } from './types.js';
import { UnrecognisedLines } from './unrecognised-lines.js';

/** One assembled log record, whatever format it came in. */
export interface PostgresLogRecord {
  /** Physical line where the record starts. */
  readonly line: number;
  readonly time: string | undefined;
  /** Session key: the session id (`%c`, csv/json `session_id`), else the pid; null when the log has neither. */
  readonly session: string | null;
  /** LOG, ERROR, FATAL, ... (DETAIL etc. only for a secondary line that lost its record). */
  readonly severity: string;
  /** SQLSTATE when the log gives one (`%e`, csv/json column). */
  readonly sqlState: string | undefined;
  readonly message: string;
  readonly detail: string | undefined;
  readonly context: string | undefined;
  /** The statement the message is about (`STATEMENT:` line, csv `query`, json `statement`). */
  readonly statement: string | undefined;
}

/** SQLSTATEs for the few errors that matter as evidence, for logs whose prefix lacks `%e`. */
const KNOWN_ERROR_MESSAGES: readonly (readonly [string, string])[] = [
  ['deadlock detected', '40P01'],
  ['duplicate key value violates unique constraint', '23505'],
  ['could not serialize access', '40001'],
  ['could not obtain lock on row', '55P03'],
  ['canceling statement due to lock timeout', '55P03'],
  ['could not obtain lock on relation', '55P03'],
];

export function sqlStateForMessage(message: string): string | undefined {
  for (const [start, code] of KNOWN_ERROR_MESSAGES) if (message.startsWith(start)) return code;
  return undefined;
}

/**
 * Parses `parameters: $1 = 'a''b', $2 = NULL` (a DETAIL line or csv/json detail) into values by
 * position. Returns undefined when the text holds no parameter list.
 */
export function parseParameterList(text: string | undefined): BoundValue[] | undefined {
  if (text === undefined) return undefined;
  let start = 0;
  if (text.startsWith('parameters: ') || text.startsWith('Parameters: ')) start = 12;
  else {
    // PostgreSQL 13+ error CONTEXT: "extended query with parameters: ..." / "unnamed portal with parameters: ...".
    const at = text.indexOf('with parameters: ');
    if (at === -1) return undefined;
    start = at + 17;
  }
  const values: BoundValue[] = [];
  let i = start;
  const n = text.length;
  while (i < n) {
    if (text.charCodeAt(i) !== 36 /* $ */) break;
    let j = i + 1;
    while (j < n && isDigit(text.charCodeAt(j))) j++;
    if (j === i + 1 || !text.startsWith(' = ', j)) break;
    const position = Number(text.slice(i + 1, j));
    i = j + 3;
    let value: BoundValue;
    if (text.startsWith('NULL', i)) {
      value = null;
      i += 4;
    } else if (text.charCodeAt(i) === 39 /* ' */) {
      let out = '';
      let k = i + 1;
      for (;;) {
        const quote = text.indexOf("'", k);
        if (quote === -1) {
          out += text.slice(k); // cut off (log_parameter_max_length or a truncated log): keep what is there
          k = n;
          break;
        }
        out += text.slice(k, quote);
        if (text.charCodeAt(quote + 1) === 39) {
          out += "'";
          k = quote + 2;
          continue;
        }
        k = quote + 1;
        break;
      }
      value = out;
      i = k;
    } else break;
    // Positions are listed in order; a gap would leave a hole the substitution cannot fill.
    if (position !== values.length + 1) break;
    values.push(value);
    if (text.startsWith(', ', i)) i += 2;
    else break;
  }
  return values.length > 0 ? values : undefined;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function skipSpaces(text: string, from: number): number {
  let i = from;
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  return i;
}

function isSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13;
}

/** What a session needs remembered between its records; dropped at disconnection. */
interface SessionState {
  /** Text of the last statement printed without a duration, until another statement of the session. */
  untimedText: string | undefined;
  /** The last bind's statement name and parameters: a fallback for an execute logged without them. */
  bindName: string | undefined;
  bindSql: string | undefined;
  bindValues: BoundValue[] | undefined;
  /** The last execute's SQL and its text with parameters: an error's STATEMENT shows only the SQL. */
  executedSql: string | undefined;
  executedText: string | undefined;
}

/**
 * Sessions whose disconnection is never logged would otherwise pile up (log_disconnections off,
 * `%c` keys): past this many, the least recently active session's state is dropped.
 */
const MAX_SESSIONS = 10_000;

/** Turns assembled PostgreSQL records into InputEvents. Shared by the stderr, csv and json readers. */
export class PostgresEventBuilder {
  readonly unrecognised: UnrecognisedLines;
  private readonly sessions = new Map<string, SessionState>();
  private dialectSent = false;
  /** Records handled (for tests and summaries). */
  records = 0;

  constructor(private readonly context: LogReaderContext) {
    this.unrecognised = new UnrecognisedLines(context.file, context.emit);
  }

  record(record: PostgresLogRecord): void {
    this.unrecognised.close();
    this.records++;
    if (!this.dialectSent) {
      this.dialectSent = true;
      this.context.emit({ kind: 'dialect', dialect: 'postgresql', origin: { ...this.origin(record), session: null } });
    }
    switch (record.severity) {
      case 'LOG':
        this.logMessage(record);
        return;
      case 'ERROR':
      case 'FATAL':
      case 'PANIC':
        this.serverError(record);
        return;
      default:
        // WARNING, NOTICE, INFO, DEBUG, and secondary lines that lost their record: nothing to run.
        return;
    }
  }

  end(): void {
    this.unrecognised.close();
    this.sessions.clear();
  }

  get stats(): LogReadStats {
    return { records: this.records, unrecognisedLines: this.unrecognised.total };
  }

  private logMessage(record: PostgresLogRecord): void {
    const message = record.message;
    // Offsets rather than slices: this runs for every LOG line of the file.
    let at = 0;
    let timed = false;
    if (message.startsWith('duration: ')) {
      const unit = message.indexOf(' ms', 10);
      if (unit === -1) return;
      at = skipSpaces(message, unit + 3);
      if (at === message.length) return; // log_duration: the statement was (or was not) printed on its own
      timed = true;
    }
    const first = message.charCodeAt(at);
    // First-letter dispatch before any string comparison: most LOG lines are statements.
    if (first === 115 /* s */ && message.startsWith('statement:', at)) {
      const text = cleanStatement(message, at + 10);
      if (text.length > 0) this.statement(record, text, timed);
      return;
    }
    if (first === 101 /* e */ && message.startsWith('execute ', at)) {
      if (message.startsWith('execute fetch from ', at)) return; // more rows of a portal already executed
      const colon = message.indexOf(': ', at + 8);
      if (colon === -1) return;
      const name = message.slice(at + 8, colon);
      const sql = cleanStatement(message, colon + 2);
      if (sql.length === 0) return;
      let values = parseParameterList(record.detail);
      if (values === undefined && sql.includes('$')) {
        const state = record.session === null ? undefined : this.sessions.get(record.session);
        if (state?.bindName === name) values = state.bindValues;
      }
      const text = values ? substituteParameters(sql, values, 'dollar', 'postgresql') : sql;
      this.statement(record, text, timed);
      if (values !== undefined && record.session !== null) {
        const state = this.touch(record.session);
        state.executedSql = sql;
        state.executedText = text;
      }
      return;
    }
    if (first === 98 /* b */ && message.startsWith('bind ', at)) {
      const colon = message.indexOf(': ', at + 5);
      const values = parseParameterList(record.detail);
      if (colon === -1 || values === undefined || record.session === null) return;
      const state = this.touch(record.session);
      state.bindName = message.slice(at + 5, colon);
      state.bindSql = cleanStatement(message, colon + 2);
      state.bindValues = values;
      return;
    }
    if (timed) return; // `duration: ... parse ...`, `duration: ... plan: ...` (auto_explain)
    if (first === 100 /* d */ && message.startsWith('disconnection: ')) {
      this.endSession(record);
      return;
    }
    if (first === 99 /* c */ && (message.startsWith('connection received') || message.startsWith('connection authorized'))) {
      // A new backend under a key that still has state: the pid was reused after an unlogged exit.
      if (record.session !== null && this.sessions.has(record.session)) this.endSession(record);
    }
  }

  private statement(record: PostgresLogRecord, text: string, timed: boolean): void {
    const key = record.session;
    if (key !== null) {
      const state = this.sessions.get(key);
      if (timed && state !== undefined && state.untimedText === text) {
        state.untimedText = undefined; // the completion of the execution printed just before
        return;
      }
    }
    this.context.emit({ kind: 'statement', text, origin: this.origin(record) });
    if (key !== null) this.touch(key).untimedText = timed ? undefined : text;
  }

  private serverError(record: PostgresLogRecord): void {
    const code = record.sqlState !== undefined && record.sqlState !== '00000' ? record.sqlState : sqlStateForMessage(record.message);
    let statement = record.statement === undefined ? undefined : cleanStatement(record.statement);
    if (statement !== undefined && statement.includes('$')) {
      const values = parseParameterList(record.context) ?? parseParameterList(record.detail);
      if (values) statement = substituteParameters(statement, values, 'dollar', 'postgresql');
      else if (record.session !== null) {
        // The execute that failed was logged just before with its parameters (log_statement),
        // or only its bind was (log_min_duration_statement: a failed execute has no duration).
        const state = this.sessions.get(record.session);
        if (state?.executedSql === statement && state.executedText !== undefined) statement = state.executedText;
        else if (state?.bindSql === statement && state.bindValues !== undefined) {
          statement = substituteParameters(statement, state.bindValues, 'dollar', 'postgresql');
        }
      }
    }
    this.context.emit({
      kind: 'server-error',
      session: record.session,
      origin: this.origin(record),
      ...(code === undefined ? {} : { code }),
      message: record.message.trim(),
      ...(statement === undefined || statement.length === 0 ? {} : { statement }),
    });
  }

  private endSession(record: PostgresLogRecord): void {
    const key = record.session;
    if (key === null) return; // without a pid or session id the whole log is one session
    this.sessions.delete(key);
    this.context.emit({ kind: 'session-end', session: key, origin: this.origin(record) });
  }

  /** The session's state, created when first needed and kept most-recently-used last. */
  private touch(key: string): SessionState {
    let state = this.sessions.get(key);
    if (state !== undefined) {
      this.sessions.delete(key);
    } else {
      state = { untimedText: undefined, bindName: undefined, bindSql: undefined, bindValues: undefined, executedSql: undefined, executedText: undefined };
      if (this.sessions.size >= MAX_SESSIONS) {
        const oldest = this.sessions.keys().next().value;
        if (oldest !== undefined) this.sessions.delete(oldest);
      }
    }
    this.sessions.set(key, state);
    return state;
  }

  private origin(record: PostgresLogRecord): Origin {
    return record.time === undefined
      ? { file: this.context.file, line: record.line, column: 1, session: record.session }
      : { file: this.context.file, line: record.line, column: 1, session: record.session, time: record.time };
  }
}
