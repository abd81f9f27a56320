/**
 * MySQL / MariaDB general query log.
 *
 * A record is `[timestamp] <thread id> <Command>[TAB or spaces]<argument>`:
 *   classic   `051007 21:55:24\t     42 Query\tSELECT 1` (hour space-padded: `071002  7:11:56`)
 *   ISO       `2016-06-07T19:07:02.558338Z    3 Query\tSELECT 1` (`Z` or `+08:00`)
 *   untimed   `\t\t     42 Query\tSELECT 1` (same second as the record before; also spaces+TAB,
 *             or only spaces in percona's samples)
 * A line that does not look like a record continues the open record (multi-line statements,
 * indented or not). The server start header (`mysqld, Version: ... started with:`, `Tcp port:`,
 * `Time Id Command Argument`) may appear anywhere: a restart ends every open connection.
 *
 * Emits: `statement` for `Query` and `Execute` (a prepared statement's Execute record holds the
 * executed text with values; `Prepare` is not an execution), `session-end` for `Quit`, for a
 * `Connect` that reuses a live thread id and for every live thread at a restart, `dialect` from
 * the version header, and `unrecognised-lines` notices.
 *
 * Origin: the line where the record starts, column 1, session = thread id, time = the timestamp
 * as printed. Records printed without a timestamp happened in the same second as the last
 * timestamp printed, so they carry that one (reset by a restart header).
 */
import type { Dialect } from '../../model/dialect.js';
import type { Origin } from '../../model/origin.js';
import {
  CHAR_SPACE,
  CHAR_TAB,
  LiveThreads,
  isBlankLine,
  isColumnTitles,
  isDigitCode,
  isServerHeaderDetail,
  serverStartDialect,
} from './mysql-common.js';
import { cleanStatement } from './statement-text.js';
import type { LineParser, LogReadStats, LogReader, LogReaderContext } from './types.js';
import { UnrecognisedLines } from './unrecognised-lines.js';

/** The timestamp before the thread id, classic or ISO 8601; only tried on lines starting with a digit. */
const TIMESTAMP_PREFIX =
  /^(?:\d{6} +\d{1,2}:\d{2}:\d{2}(?:\.\d+)?|\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?)(?=[\t ])/;

/** Command names the servers print (sql/sql_parse.cc command_name[], MySQL and MariaDB). */
const KNOWN_COMMANDS = new Set([
  'Sleep', 'Quit', 'Init DB', 'Query', 'Field List', 'Create DB', 'Drop DB', 'Refresh', 'Shutdown',
  'Statistics', 'Processlist', 'Connect', 'Kill', 'Debug', 'Ping', 'Time', 'Delayed insert',
  'Change user', 'Binlog Dump', 'Table Dump', 'Connect Out', 'Register Slave', 'Prepare', 'Execute',
  'Long Data', 'Close stmt', 'Reset stmt', 'Set option', 'Fetch', 'Daemon', 'Binlog Dump GTID',
  'Reset Connection', 'Reset connection', 'Error', 'Clone', 'Bulk_execute', 'Slave_worker', 'Slave_IO',
  'Slave_SQL', 'Unimpl get tid',
]);

/** First words of the multi-word names above: after one of these, a single space may still be inside the name. */
const MULTI_WORD_STARTS = new Set(['Init', 'Field', 'Create', 'Drop', 'Delayed', 'Change', 'Binlog', 'Table',
  'Connect', 'Register', 'Long', 'Close', 'Reset', 'Set', 'Unimpl']);

/** Commands whose argument is one line: a line after them that is not a record is not theirs. */
const SINGLE_LINE_COMMANDS = new Set([
  'Sleep', 'Quit', 'Init DB', 'Field List', 'Create DB', 'Drop DB', 'Refresh', 'Shutdown', 'Statistics',
  'Processlist', 'Connect', 'Kill', 'Debug', 'Ping', 'Time', 'Change user', 'Close stmt', 'Reset stmt',
  'Set option', 'Fetch', 'Reset Connection', 'Reset connection', 'Binlog Dump', 'Binlog Dump GTID',
  'Register Slave',
]);

/**
 * Reads the record prefix of a line into its fields (one instance per parser, so a record costs
 * no object of its own). Cheap refusals first: a record starts with a digit (timestamp) or
 * whitespace (untimed) followed by digits. Untimed records without a TAB in their prefix (only
 * spaces, as in percona's genlog002) look most like indented SQL, so they must name a known
 * command. `forSniff` is stricter still: a known command, and a timestamp or a TAB in the prefix.
 */
class RecordPrefixReader {
  /** Timestamp as printed, or undefined for an untimed record. */
  time: string | undefined;
  threadId = '';
  command = '';
  argument = '';

  constructor(private readonly forSniff: boolean) {}

  read(text: string): boolean {
    const first = text.charCodeAt(0);
    let pos: number;
    let time: string | undefined;
    let sawTab = false;
    if (isDigitCode(first)) {
      const stamp = TIMESTAMP_PREFIX.exec(text);
      if (stamp === null) return false;
      time = stamp[0];
      pos = time.length;
    } else if (first === CHAR_TAB || first === CHAR_SPACE) {
      pos = 0;
    } else {
      return false;
    }
    const length = text.length;
    let code = text.charCodeAt(pos);
    while (code === CHAR_SPACE || code === CHAR_TAB) {
      if (code === CHAR_TAB) sawTab = true;
      code = text.charCodeAt(++pos);
    }
    const idStart = pos;
    while (isDigitCode(code)) code = text.charCodeAt(++pos);
    if (pos === idStart || code !== CHAR_SPACE) return false;
    const idEnd = pos;
    while (text.charCodeAt(pos) === CHAR_SPACE) pos++;

    const command = readCommand(text, pos);
    if (command === undefined) return false;
    const commandEnd = pos + command.length;
    const known = KNOWN_COMMANDS.has(command);
    if (this.forSniff && (!known || (time === undefined && !sawTab))) return false;
    // An unknown name is accepted only where nothing else can be meant: after a timestamp, or
    // untimed with a TAB in the prefix and a TAB after the name (`\t\t  5 Foo\targ`).
    if (!known && time === undefined && !(sawTab && (commandEnd === length || text.charCodeAt(commandEnd) === CHAR_TAB))) {
      return false;
    }
    let argStart = commandEnd;
    code = text.charCodeAt(argStart);
    while (code === CHAR_SPACE || code === CHAR_TAB) code = text.charCodeAt(++argStart);
    let idFrom = idStart;
    while (idFrom < idEnd - 1 && text.charCodeAt(idFrom) === 48 /* 0 */) idFrom++;
    this.time = time;
    this.threadId = text.slice(idFrom, idEnd);
    this.command = command;
    this.argument = argStart >= length ? '' : text.slice(argStart);
    return true;
  }
}

/**
 * The command name starting at `pos` (`Query`, `Init DB`, `Binlog Dump GTID`), or undefined when
 * there is none. A name is capitalised words joined by single spaces; it ends at a TAB, at two
 * spaces (MySQL 5.0 pads names to 11 columns), at the end of the line, or — for the known
 * single-word names — at the first space.
 */
function readCommand(text: string, pos: number): string | undefined {
  const first = text.charCodeAt(pos);
  if (!(first >= 65 && first <= 90)) return undefined; // A-Z
  const firstEnd = wordEnd(text, pos + 1);
  const after = text.charCodeAt(firstEnd);
  if (firstEnd < text.length && after !== CHAR_SPACE && after !== CHAR_TAB) return undefined;
  const firstWord = text.slice(pos, firstEnd);
  if (!MULTI_WORD_STARTS.has(firstWord)) {
    if (KNOWN_COMMANDS.has(firstWord)) return firstWord;
  } else {
    // Up to two more words joined by one space each: keep the longest known name.
    let best = KNOWN_COMMANDS.has(firstWord) ? firstWord : undefined;
    let end = firstEnd;
    for (let words = 1; words < 3; words++) {
      if (text.charCodeAt(end) !== CHAR_SPACE || !isWordCode(text.charCodeAt(end + 1))) break;
      end = wordEnd(text, end + 1);
      const name = text.slice(pos, end);
      if (KNOWN_COMMANDS.has(name)) best = name;
    }
    if (best !== undefined) return best;
  }
  // An unknown name: all its words when a TAB (or the end of the line) closes them, else one word.
  const tabEnd = tabTerminatedEnd(text, pos);
  return tabEnd === -1 || tabEnd === firstEnd ? firstWord : text.slice(pos, tabEnd);
}

function wordEnd(text: string, pos: number): number {
  while (isWordCode(text.charCodeAt(pos))) pos++;
  return pos;
}

function isWordCode(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95; // A-Z a-z _
}

/** End of `Foo Bar\t...` or `Foo Bar` at end of line (at most three words, single spaces), or -1. */
function tabTerminatedEnd(text: string, pos: number): number {
  let end = wordEnd(text, pos);
  for (let words = 1; words <= 3; words++) {
    if (end === text.length || text.charCodeAt(end) === CHAR_TAB) return end;
    if (text.charCodeAt(end) !== CHAR_SPACE || !isWordCode(text.charCodeAt(end + 1))) return -1;
    end = wordEnd(text, end + 1);
  }
  return -1;
}

class GeneralLogParser implements LineParser {
  private readonly prefix = new RecordPrefixReader(false);
  // The record whose argument may still grow by continuation lines (Query, Execute, Prepare,
  // unknown commands); `openCommand` is empty when there is none.
  private openCommand = '';
  private openLine = 0;
  private openTime: string | undefined;
  private openThreadId = '';
  private openArgument = '';
  private openContinuation: string[] | null = null;

  private lastTime: string | undefined;
  private lastDialect: Dialect | undefined;
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
    if (text.length === 0) {
      // A blank line inside a statement (a string literal) belongs to it; elsewhere it is nothing.
      if (this.openCommand !== '') this.continueOpenRecord('');
      return;
    }
    if (this.prefix.read(text)) {
      this.closeOpenRecord();
      this.unrecognised.close();
      this.records++;
      this.handleRecord(lineNumber);
      return;
    }
    const first = text.charCodeAt(0);
    if (first !== CHAR_SPACE && first !== CHAR_TAB) {
      const dialect = serverStartDialect(text);
      if (dialect !== undefined) {
        this.restart(dialect, lineNumber);
        return;
      }
    }
    if (this.openCommand !== '') {
      this.continueOpenRecord(text);
      return;
    }
    if (isServerHeaderDetail(text)) {
      this.unrecognised.close();
      return;
    }
    if (isBlankLine(text)) return;
    this.unrecognised.add(text, lineNumber);
  }

  end(): void {
    this.closeOpenRecord();
    this.unrecognised.close();
  }

  private handleRecord(lineNumber: number): void {
    const { time, threadId, command, argument } = this.prefix;
    if (time !== undefined) this.lastTime = time;
    switch (command) {
      case 'Connect':
        if (this.live.has(threadId)) this.endSession(threadId, lineNumber);
        // A refused login ends the thread at once: there is no session to track.
        if (!argument.startsWith('Access denied')) this.live.add(threadId);
        return;
      case 'Quit':
        this.live.delete(threadId);
        this.endSession(threadId, lineNumber);
        return;
      default:
        this.live.add(threadId);
    }
    if (SINGLE_LINE_COMMANDS.has(command)) return;
    this.openCommand = command;
    this.openLine = lineNumber;
    this.openTime = this.lastTime;
    this.openThreadId = threadId;
    this.openArgument = argument;
  }

  private continueOpenRecord(text: string): void {
    if (this.openContinuation === null) this.openContinuation = [this.openArgument, text];
    else this.openContinuation.push(text);
  }

  private closeOpenRecord(): void {
    const command = this.openCommand;
    if (command === '') return;
    const continuation = this.openContinuation;
    this.openCommand = '';
    this.openContinuation = null;
    if (command !== 'Query' && command !== 'Execute') return;
    const text = cleanStatement(continuation === null ? this.openArgument : continuation.join('\n'));
    if (text.length === 0) return;
    this.context.emit({ kind: 'statement', text, origin: this.origin(this.openLine, this.openThreadId, this.openTime) });
  }

  /** A server start header: every connection of the previous server is gone. */
  private restart(dialect: Dialect, lineNumber: number): void {
    this.closeOpenRecord();
    this.unrecognised.close();
    for (const threadId of this.live.drain()) {
      this.context.emit({ kind: 'session-end', session: threadId, origin: this.origin(lineNumber, threadId, undefined) });
    }
    this.lastTime = undefined;
    if (dialect !== this.lastDialect) {
      this.lastDialect = dialect;
      this.context.emit({ kind: 'dialect', dialect, origin: { file: this.context.file, line: lineNumber, column: 1, session: null } });
    }
  }

  private endSession(threadId: string, lineNumber: number): void {
    this.context.emit({ kind: 'session-end', session: threadId, origin: this.origin(lineNumber, threadId, this.lastTime) });
  }

  private origin(line: number, session: string, time: string | undefined): Origin {
    return time === undefined
      ? { file: this.context.file, line, column: 1, session }
      : { file: this.context.file, line, column: 1, session, time };
  }
}

/** Markers of the slow log, which carries the same server header: never claim those files. */
function isSlowLogMarker(text: string): boolean {
  return text.startsWith('# Query_time:') || text.startsWith('# User@Host:') || text.startsWith('# Time:');
}

export const mysqlGeneralLogReader: LogReader = {
  format: 'mysql-general',
  sniff(head: readonly string[]): boolean {
    const sniffPrefix = new RecordPrefixReader(true);
    let sawHeader = false;
    let sawRecord = false;
    for (const text of head) {
      if (text.charCodeAt(0) === 35 /* # */ && isSlowLogMarker(text)) return false;
      if (!sawRecord && sniffPrefix.read(text)) sawRecord = true;
      else if (!sawHeader && isColumnTitles(text)) sawHeader = true;
    }
    return sawRecord || sawHeader;
  },
  create(context: LogReaderContext): LineParser {
    return new GeneralLogParser(context);
  },
};

