/**
 * PostgreSQL csvlog: one RFC 4180 record per log record, quoted fields spanning physical lines,
 * `""` for a quote. Columns (8.4: 22; 9.0-12: +application_name; 13: +backend_type; 14+:
 * +leader_pid, +query_id): log_time, user_name, database_name, process_id, connection_from,
 * session_id, session_line_num, command_tag, session_start_time, virtual_transaction_id,
 * transaction_id, error_severity, sql_state_code, message, detail, hint, internal_query,
 * internal_query_pos, context, query, query_pos, location, ... The first 22 never move, and
 * they are all we read.
 */
import { PostgresEventBuilder, type PostgresLogRecord } from './postgres-common.js';
import type { LineParser, LogReadStats, LogReader, LogReaderContext } from './types.js';

const CHAR_QUOTE = 34;
const CHAR_TAB = 9;
const CHAR_SPACE = 32;

const COLUMN = {
  logTime: 0,
  processId: 3,
  sessionId: 5,
  errorSeverity: 11,
  sqlStateCode: 12,
  message: 13,
  detail: 14,
  context: 18,
  query: 19,
} as const;
const MIN_COLUMNS = 22;

const TIMESTAMP = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/;
const SEVERITY = /^(LOG|ERROR|WARNING|FATAL|PANIC|NOTICE|INFO|DEBUG[1-5]?)$/;

/**
 * A stray quote would make the rest of a file one field: give up on a record past these sizes,
 * report its lines and start afresh on the next line.
 */
const MAX_RECORD_LINES = 100_000;
const MAX_RECORD_CHARS = 64 << 20;

/** RFC 4180 over physical lines: feed lines until a record is complete. */
export class CsvRecordAssembler {
  private fields: string[] = [];
  private field = '';
  private inQuotes = false;
  /** Physical lines and characters of the record so far. */
  lines = 0;
  chars = 0;

  /** True while a quoted field is open across lines. */
  get pending(): boolean {
    return this.inQuotes;
  }

  /** Adds one physical line; returns the record's fields when this line completes it. */
  feed(text: string): string[] | undefined {
    if (this.inQuotes) this.field += '\n';
    else {
      this.fields = [];
      this.field = '';
      this.lines = 0;
      this.chars = 0;
    }
    this.lines++;
    this.chars += text.length;
    const n = text.length;
    let i = 0;
    for (;;) {
      if (this.inQuotes) {
        const quote = text.indexOf('"', i);
        if (quote === -1) {
          this.field += text.slice(i);
          return undefined; // the field goes on on the next line
        }
        this.field += text.slice(i, quote);
        if (text.charCodeAt(quote + 1) === CHAR_QUOTE) {
          this.field += '"';
          i = quote + 2;
          continue;
        }
        this.inQuotes = false;
        // After a closing quote comes a comma or the end; anything else stays in the field.
        const comma = text.indexOf(',', quote + 1);
        if (comma === -1) {
          this.field += text.slice(quote + 1);
          return this.complete();
        }
        this.field += text.slice(quote + 1, comma);
        this.fields.push(this.field);
        this.field = '';
        i = comma + 1;
        continue;
      }
      if (i < n && text.charCodeAt(i) === CHAR_QUOTE) {
        this.inQuotes = true;
        i++;
        continue;
      }
      const comma = text.indexOf(',', i);
      if (comma === -1) {
        this.field = text.slice(i);
        return this.complete();
      }
      this.fields.push(text.slice(i, comma));
      i = comma + 1;
      if (i === n) {
        this.field = '';
        return this.complete();
      }
    }
  }

  /** Drops a record in progress. */
  reset(): void {
    this.inQuotes = false;
    this.fields = [];
    this.field = '';
    this.lines = 0;
    this.chars = 0;
  }

  private complete(): string[] {
    this.fields.push(this.field);
    this.field = '';
    const fields = this.fields;
    this.fields = [];
    return fields;
  }
}

/** Do these fields look like a csvlog record? */
export function isCsvLogRecord(fields: readonly string[]): boolean {
  return fields.length >= MIN_COLUMNS && TIMESTAMP.test(fields[COLUMN.logTime]!) && SEVERITY.test(fields[COLUMN.errorSeverity]!);
}

function toRecord(fields: readonly string[], line: number): PostgresLogRecord {
  const sessionId = fields[COLUMN.sessionId]!;
  const pid = fields[COLUMN.processId]!;
  return {
    line,
    time: fields[COLUMN.logTime],
    session: sessionId !== '' ? sessionId : pid !== '' ? pid : null,
    severity: fields[COLUMN.errorSeverity]!,
    sqlState: optional(fields[COLUMN.sqlStateCode]),
    message: fields[COLUMN.message]!,
    detail: optional(fields[COLUMN.detail]),
    context: optional(fields[COLUMN.context]),
    statement: optional(fields[COLUMN.query]),
  };
}

function optional(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

function isBlank(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code !== CHAR_SPACE && code !== CHAR_TAB) return false;
  }
  return true;
}

class CsvLogParser implements LineParser {
  private readonly builder: PostgresEventBuilder;
  private readonly assembler = new CsvRecordAssembler();
  private recordLine = 0;
  private recordFirstText = '';

  constructor(context: LogReaderContext) {
    this.builder = new PostgresEventBuilder(context);
  }

  /** Records read and lines not placed, for summaries and tests. */
  get stats(): LogReadStats {
    return this.builder.stats;
  }

  line(text: string, lineNumber: number): void {
    const assembler = this.assembler;
    if (!assembler.pending) {
      if (text.length === 0 || isBlank(text)) return;
      this.recordLine = lineNumber;
      this.recordFirstText = text.length > 200 ? text.slice(0, 200) : text;
    }
    const fields = assembler.feed(text);
    if (fields === undefined) {
      if (assembler.lines >= MAX_RECORD_LINES || assembler.chars >= MAX_RECORD_CHARS) {
        this.builder.unrecognised.addLines(this.recordFirstText, this.recordLine, assembler.lines);
        assembler.reset();
      }
      return;
    }
    if (isCsvLogRecord(fields)) this.builder.record(toRecord(fields, this.recordLine));
    else this.builder.unrecognised.addLines(this.recordFirstText, this.recordLine, assembler.lines);
  }

  end(): void {
    // A record cut off by the end of the file (an unterminated quote) is reported, not guessed at.
    if (this.assembler.pending) this.builder.unrecognised.addLines(this.recordFirstText, this.recordLine, this.assembler.lines);
    this.assembler.reset();
    this.builder.end();
  }
}

export const postgresCsvLogReader: LogReader = {
  format: 'postgres-csv',
  sniff(head: readonly string[]): boolean {
    const assembler = new CsvRecordAssembler();
    for (const text of head) {
      if (!assembler.pending && (text.length === 0 || isBlank(text))) continue;
      const fields = assembler.feed(text);
      if (fields !== undefined) return isCsvLogRecord(fields);
    }
    return false;
  },
  create(context: LogReaderContext): LineParser {
    return new CsvLogParser(context);
  },
};
