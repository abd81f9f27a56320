/** Drives a LogReader over a file or stream, batch by batch, yielding events as they are emitted. */
import type { Readable } from 'node:stream';
import type { InputEvent } from '../../model/input.js';
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
  const parser = reader.create({ file: source.displayName, options, emit: (event) => pending.push(event) });
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
