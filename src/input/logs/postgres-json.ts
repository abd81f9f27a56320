/**
 * PostgreSQL 15+ jsonlog: one JSON object per line (`timestamp`, `user`, `dbname`, `pid`,
 * `session_id`, `error_severity`, `state_code`, `message`, `detail`, `context`, `statement`,
 * ...). Also CloudNativePG's wrapper, whose `record` holds the csvlog columns by name
 * (`{"level":"info","ts":...,"logger":"postgres","msg":"record","record":{"log_time":...}}`);
 * the operator's own lines (other loggers) are recognised and skipped.
 */
import { PostgresEventBuilder, type PostgresLogRecord } from './postgres-common.js';
import type { LineParser, LogReadStats, LogReader, LogReaderContext } from './types.js';

const CHAR_BRACE = 123;

type JsonObject = Record<string, unknown>;

function parseObject(text: string): JsonObject | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : undefined;
  } catch {
    return undefined;
  }
}

function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  return undefined;
}

function isCloudNativePgWrapper(object: JsonObject): boolean {
  return typeof object['logger'] === 'string' && 'msg' in object && ('ts' in object || 'level' in object);
}

/** Native jsonlog keys. */
function fromJsonLog(object: JsonObject, line: number): PostgresLogRecord {
  return {
    line,
    time: text(object['timestamp']),
    session: text(object['session_id']) ?? text(object['pid']) ?? null,
    severity: text(object['error_severity']) ?? '',
    sqlState: text(object['state_code']),
    message: text(object['message']) ?? '',
    detail: text(object['detail']),
    context: text(object['context']),
    statement: text(object['statement']),
  };
}

/** CloudNativePG's `record`: the csvlog column names. */
function fromCsvColumns(record: JsonObject, line: number): PostgresLogRecord {
  return {
    line,
    time: text(record['log_time']),
    session: text(record['session_id']) ?? text(record['process_id']) ?? null,
    severity: text(record['error_severity']) ?? '',
    sqlState: text(record['sql_state_code']),
    message: text(record['message']) ?? '',
    detail: text(record['detail']),
    context: text(record['context']),
    statement: text(record['query']),
  };
}

class JsonLogParser implements LineParser {
  private readonly builder: PostgresEventBuilder;

  constructor(context: LogReaderContext) {
    this.builder = new PostgresEventBuilder(context);
  }

  /** Records read and lines not placed, for summaries and tests. */
  get stats(): LogReadStats {
    return this.builder.stats;
  }

  line(line: string, lineNumber: number): void {
    if (line.length === 0) return;
    if (line.charCodeAt(0) !== CHAR_BRACE) {
      if (line.trim().length > 0) this.builder.unrecognised.add(line, lineNumber);
      return;
    }
    const object = parseObject(line);
    if (object === undefined) {
      this.builder.unrecognised.add(line, lineNumber);
      return;
    }
    if (typeof object['error_severity'] === 'string') {
      this.builder.record(fromJsonLog(object, lineNumber));
      return;
    }
    if (isCloudNativePgWrapper(object)) {
      const record = object['record'];
      if (object['logger'] === 'postgres' && typeof record === 'object' && record !== null && typeof (record as JsonObject)['error_severity'] === 'string') {
        this.builder.record(fromCsvColumns(record as JsonObject, lineNumber));
      } else {
        this.builder.unrecognised.close(); // the operator's own line: known, and nothing to run
      }
      return;
    }
    this.builder.unrecognised.add(line, lineNumber);
  }

  end(): void {
    this.builder.end();
  }
}

export const postgresJsonLogReader: LogReader = {
  format: 'postgres-json',
  sniff(head: readonly string[]): boolean {
    const first = head.find((line) => line.trim().length > 0);
    if (first === undefined || first.charCodeAt(0) !== CHAR_BRACE) return false;
    const object = parseObject(first);
    if (object === undefined) return false;
    if (typeof object['error_severity'] === 'string') return true;
    // A CloudNativePG log may open with operator lines: any PostgreSQL record in the head will do.
    return isCloudNativePgWrapper(object) && head.some((line) => line.includes('"logger":"postgres"'));
  },
  create(context: LogReaderContext): LineParser {
    return new JsonLogParser(context);
  },
};
