/**
 * MySQL / MariaDB / Percona slow query log.
 *
 * A record is a block of `#` header lines (`# Time:` — only when the second changed —,
 * `# User@Host: u[u] @ host [ip]  Id: N`, `# Thread_id: N ...`, `# Query_time: ...`, Percona and
 * MariaDB extras such as `# explain:` rows and bare `#`), then the preamble the server adds
 * (`use db;` when the default database changed, `SET [last_insert_id=N,][insert_id=N,]timestamp=N;`),
 * then the statement: any number of lines, blank lines included, up to the next record header.
 * `# administrator command: Quit;` stands in place of a statement for protocol commands.
 *
 * Records are written when statements finish, not when they start, so the order is approximate:
 * one `approximate-order` notice says so, before the first statement. Session = the thread id
 * (`Id:` on the User@Host line, or `Thread_id:`); a record without one has session null, and one
 * notice says sessions are unknown there.
 *
 * Origin: the line where the statement text starts (the preamble is skipped), column 1; that is
 * where the SQL a finding talks about can be read. Time = the last `# Time:` value printed (the
 * server omits it for records in the same second). Query_time and the other figures are never
 * parsed, so corrupt values cannot break reading.
 */
import type { Dialect } from '../../model/dialect.js';
import type { Origin } from '../../model/origin.js';
import {
  CHAR_HASH,
  CHAR_SPACE,
  CHAR_TAB,
  LiveThreads,
  isBlankLine,
  isDigitCode,
  isServerHeaderDetail,
  serverStartDialect,
} from './mysql-common.js';
import { cleanStatement } from './statement-text.js';
import type { LineParser, LogReadStats, LogReader, LogReaderContext } from './types.js';
import { UnrecognisedLines } from './unrecognised-lines.js';

/** Header lines that open a record: they end the statement before them. */
const RECORD_START = /^# (?:Time|User@Host|Thread_id|Query_time|Client):/;
/** The preamble the server writes before each statement (log.cc); an application's own SET differs. */
const PREAMBLE_SET = /^SET (?:last_insert_id=\d+,)?(?:insert_id=\d+,)?timestamp=\d+;\s*$/;
/** `use db;` / ``use `db`;`` written when the default database changed. */
const PREAMBLE_USE = /^use [^;]+;\s*$/;
const ADMINISTRATOR_COMMAND = '# administrator command: ';
const ONE_LINE_USER_HOST = ' # User@Host:';

const enum State {
  /** Between records: only `#` lines, server headers and blank lines are expected. */
  Idle,
  /** Inside the `#` header block of a record. */
  Header,
  /** Past the header: preamble, then statement lines. */
  Body,
}

const CHAR_S = 83;
const CHAR_u = 117;

class SlowLogParser implements LineParser {
  private state = State.Idle;
  // The record being read.
  private threadId: string | null = null;
  private sawQueryTime = false;
  private sawPreambleSet = false;
  private sawPreambleUse = false;
  private statementLine = 0;
  private statementLines: string[] = [];

  private lastTime: string | undefined;
  private lastDialect: Dialect | undefined;
  private orderNoticeSent = false;
  private unknownSessionNoticeSent = false;
  private readonly live = new LiveThreads();
  private readonly unrecognised: UnrecognisedLines;
  private records = 0;

  constructor(private readonly context: LogReaderContext) {
    this.unrecognised = new UnrecognisedLines(context.file, (event) => context.emit(event));
  }

  get stats(): LogReadStats {
    return { records: this.records, unrecognisedLines: this.unrecognised.total };
  }

  line(text: string, lineNumber: number): void {
    const first = text.charCodeAt(0);
    if (first === CHAR_HASH) {
      this.hashLine(text, lineNumber);
      return;
    }
    if (this.state === State.Body && this.statementLine !== 0) {
      if (first !== CHAR_SPACE && first !== CHAR_TAB && this.checkRestart(text, lineNumber)) return;
      this.statementLines.push(text);
      return;
    }
    if (text.length === 0 || isBlankLine(text)) return;
    if (this.checkRestart(text, lineNumber)) return;
    if (this.state === State.Idle) {
      if (isServerHeaderDetail(text)) this.unrecognised.close();
      else this.unrecognised.add(text, lineNumber);
      return;
    }
    // Header or preamble: skip the server's preamble lines (once each), then the statement starts.
    this.state = State.Body;
    if (!this.sawPreambleSet && first === CHAR_S && PREAMBLE_SET.test(text)) {
      this.sawPreambleSet = true;
      return;
    }
    // `use` after the SET line is a statement the application sent.
    if (!this.sawPreambleSet && !this.sawPreambleUse && first === CHAR_u && PREAMBLE_USE.test(text)) {
      this.sawPreambleUse = true;
      return;
    }
    this.statementLine = lineNumber;
    this.statementLines.push(text);
  }

  end(): void {
    this.finishRecord();
    this.unrecognised.close();
  }

  private hashLine(text: string, lineNumber: number): void {
    if (this.state === State.Body && this.statementLine !== 0) {
      // A `#` line inside a statement is a comment of it unless it opens the next record.
      if (!RECORD_START.test(text)) {
        this.statementLines.push(text);
        return;
      }
      this.finishRecord();
    } else if (text.startsWith(ADMINISTRATOR_COMMAND)) {
      this.administratorCommand(text, lineNumber);
      return;
    } else if (this.state === State.Body) {
      // Only a preamble, no statement: this `#` line belongs to the next record.
      this.finishRecord();
    } else if (this.state === State.Header && this.sawQueryTime && RECORD_START.test(text)) {
      // A header that never got a statement, followed by the next record's header.
      this.finishRecord();
    }
    if (this.state === State.Idle) {
      this.unrecognised.close();
      this.state = State.Header;
    }
    this.readHeaderLine(text);
  }

  private readHeaderLine(text: string): void {
    let userHostFrom = -1;
    if (text.startsWith('# Time:')) {
      const oneLine = text.indexOf(ONE_LINE_USER_HOST, 7);
      const time = (oneLine === -1 ? text.slice(7) : text.slice(7, oneLine)).trim();
      if (time.length > 0) this.lastTime = time;
      if (oneLine !== -1) userHostFrom = oneLine + 1;
    } else if (text.startsWith('# User@Host:')) {
      userHostFrom = 0;
    } else if (text.startsWith('# Query_time:')) {
      this.sawQueryTime = true;
    }
    if (userHostFrom !== -1) {
      const id = text.lastIndexOf(' Id:');
      if (id > userHostFrom) this.threadId = readNumber(text, id + 4) ?? this.threadId;
    }
    // Percona/MariaDB `# Thread_id: N`; MySQL 8 log_slow_extra puts it on the Query_time line.
    const threadIdField = text.indexOf('Thread_id:');
    if (threadIdField !== -1) this.threadId = readNumber(text, threadIdField + 10) ?? this.threadId;
  }

  /** `# administrator command: Quit;` — a protocol command in place of a statement; ends the record. */
  private administratorCommand(text: string, lineNumber: number): void {
    const semicolon = text.indexOf(';', ADMINISTRATOR_COMMAND.length);
    const command = text.slice(ADMINISTRATOR_COMMAND.length, semicolon === -1 ? text.length : semicolon).trim();
    const threadId = this.threadId;
    this.records++;
    this.resetRecord();
    this.state = State.Idle;
    if (threadId === null) return;
    if (command === 'Quit') {
      this.live.delete(threadId);
      this.endSession(threadId, lineNumber, this.lastTime);
      return;
    }
    if (command === 'Connect' && this.live.has(threadId)) this.endSession(threadId, lineNumber, this.lastTime);
    this.live.add(threadId);
  }

  private checkRestart(text: string, lineNumber: number): boolean {
    const dialect = serverStartDialect(text);
    if (dialect === undefined) return false;
    this.finishRecord();
    this.unrecognised.close();
    for (const threadId of this.live.drain()) this.endSession(threadId, lineNumber, undefined);
    this.lastTime = undefined;
    if (dialect !== this.lastDialect) {
      this.lastDialect = dialect;
      this.context.emit({ kind: 'dialect', dialect, origin: { file: this.context.file, line: lineNumber, column: 1, session: null } });
    }
    return true;
  }

  private finishRecord(): void {
    if (this.state !== State.Idle) this.records++;
    if (this.statementLine !== 0) {
      const lines = this.statementLines;
      const text = cleanStatement(lines.length === 1 ? lines[0]! : lines.join('\n'));
      if (text.length > 0) this.emitStatement(text, this.statementLine);
    }
    this.resetRecord();
    this.state = State.Idle;
  }

  private resetRecord(): void {
    this.threadId = null;
    this.sawQueryTime = false;
    this.sawPreambleSet = false;
    this.sawPreambleUse = false;
    this.statementLine = 0;
    if (this.statementLines.length > 0) this.statementLines = [];
  }

  private emitStatement(text: string, line: number): void {
    const origin = this.origin(line, this.threadId, this.lastTime);
    const where = { file: this.context.file, line, column: 1, session: null };
    if (!this.orderNoticeSent) {
      this.orderNoticeSent = true;
      this.context.emit({
        kind: 'notice',
        code: 'approximate-order',
        severity: 'warning',
        origin: where,
        message:
          'slow query log: records are written when statements finish, not when they start, so statement order is approximate and transaction grouping may be wrong',
      });
    }
    if (this.threadId === null) {
      if (!this.unknownSessionNoticeSent) {
        this.unknownSessionNoticeSent = true;
        this.context.emit({
          kind: 'notice',
          code: 'unknown-sessions',
          severity: 'warning',
          origin: where,
          message:
            'slow query log records without a thread id (no "Id:" or "Thread_id:"): their sessions are unknown, so transaction grouping of those statements may be wrong',
        });
      }
    } else {
      this.live.add(this.threadId);
    }
    this.context.emit({ kind: 'statement', text, origin });
  }

  private endSession(threadId: string, line: number, time: string | undefined): void {
    this.context.emit({ kind: 'session-end', session: threadId, origin: this.origin(line, threadId, time) });
  }

  private origin(line: number, session: string | null, time: string | undefined): Origin {
    return time === undefined
      ? { file: this.context.file, line, column: 1, session }
      : { file: this.context.file, line, column: 1, session, time };
  }
}

/** Decimal digits at `pos` (after optional spaces), without leading zeros; null when there are none. */
function readNumber(text: string, pos: number): string | null {
  while (text.charCodeAt(pos) === CHAR_SPACE) pos++;
  let end = pos;
  while (isDigitCode(text.charCodeAt(end))) end++;
  if (end === pos) return null;
  while (pos < end - 1 && text.charCodeAt(pos) === 48 /* 0 */) pos++;
  return text.slice(pos, end);
}

/** Lines after a `# Time:` within which its record's `# Query_time:` must appear. */
const TIME_TO_QUERY_TIME_LINES = 8;

export const mysqlSlowLogReader: LogReader = {
  format: 'mysql-slow',
  sniff(head: readonly string[]): boolean {
    for (let i = 0; i < head.length; i++) {
      const text = head[i]!;
      if (text.charCodeAt(0) !== CHAR_HASH) continue;
      if (text.startsWith('# Query_time:') || text.startsWith('# User@Host:')) return true;
      if (text.startsWith('# Time:')) {
        const last = Math.min(head.length, i + 1 + TIME_TO_QUERY_TIME_LINES);
        for (let j = i + 1; j < last; j++) if (head[j]!.includes('Query_time:')) return true;
      }
    }
    return false;
  },
  create(context: LogReaderContext): LineParser {
    return new SlowLogParser(context);
  },
};
