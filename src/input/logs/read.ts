/** Drives a LogReader over a file or stream, batch by batch, yielding events as they are emitted. */
import type { Readable } from 'node:stream';
import type { Dialect } from '../../model/dialect.js';
import type { InputEvent, StatementEvent } from '../../model/input.js';
import { splitSql } from '../split-sql.js';
import { openByteStream, readLineBatches } from '../lines.js';
import type { LogReader, LogReaderOptions } from './types.js';

export interface LogSource {
  /** Display name used in origins. */
  readonly displayName: string;
  /** A path to open, or an already open byte stream (stdin). */
  readonly path?: string;
  readonly stream?: Readable;
}

/** One event at a time: convenient for tests and small inputs. */
export async function* readLogEvents(
  reader: LogReader,
  source: LogSource,
  options: LogReaderOptions = {},
  onProgress?: (rawBytesRead: number) => void,
): AsyncGenerator<InputEvent> {
  for await (const batch of readLogEventBatches(reader, source, options, onProgress)) yield* batch;
}

/**
 * Events in batches (one per chunk of lines): the engine's path, so a multi-GB log costs one
 * await per chunk rather than one per statement.
 */
export async function* readLogEventBatches(
  reader: LogReader,
  source: LogSource,
  options: LogReaderOptions = {},
  onProgress?: (rawBytesRead: number) => void,
): AsyncGenerator<readonly InputEvent[]> {
  let pending: InputEvent[] = [];
  const splitDialect: Dialect = options.dialect ?? (reader.format.startsWith('postgres') ? 'postgresql' : 'mysql');
  const emit = (event: InputEvent): void => {
    // A record may carry several statements (`BEGIN; UPDATE ...; COMMIT` sent as one query):
    // each must reach the analysis, not only the first.
    if (event.kind === 'statement' && event.text.includes(';')) pushStatements(event, splitDialect, pending);
    else pending.push(event);
  };
  const parser = reader.create({ file: source.displayName, options, emit });
  let bytes: (() => number) | undefined;
  let stream: AsyncIterable<Buffer | string>;
  if (source.stream) stream = source.stream;
  else if (source.path) {
    const opened = await openByteStream(source.path);
    stream = opened.stream;
    bytes = opened.rawBytesRead;
  } else throw new Error('readLogEvents needs a path or a stream');
  let lineNumber = 1;
  let failure: Error | undefined;
  try {
    for await (const batch of readLineBatches(stream)) {
      lineNumber = batch.firstLine;
      for (const line of batch.lines) parser.line(line, lineNumber++);
      if (pending.length > 0) {
        const out = pending;
        pending = [];
        yield out;
      }
      if (onProgress && bytes) onProgress(bytes());
    }
  } catch (error) {
    // A cut-off .gz or a read error mid-file: keep what was read, and say where it stopped.
    failure = error as Error;
  }
  parser.end();
  if (failure) {
    pending.push({
      kind: 'notice',
      code: 'truncated',
      severity: 'warning',
      origin: { file: source.displayName, line: lineNumber, column: 1, session: null },
      message: `reading stopped at line ${lineNumber}: ${failure.message}; findings cover the lines before it`,
    });
  }
  if (pending.length > 0) yield pending;
}

function pushStatements(event: StatementEvent, dialect: Dialect, out: InputEvent[]): void {
  const parts = splitSql(event.text, { dialect }).statements;
  if (parts.length <= 1) {
    out.push(event);
    return;
  }
  for (const part of parts) {
    const line = event.origin.line + part.line - 1;
    out.push({ kind: 'statement', text: part.text, origin: { ...event.origin, line, column: part.line === 1 ? event.origin.column : 1 } });
  }
}
